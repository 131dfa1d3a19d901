// The ?metrics form: the status data in the OpenMetrics 1.0 text format (or the Prometheus
// 0.0.4 text format it grew from), so Prometheus scrapes mpmd without an exporter. Names carry
// the mpmd_ prefix; counters end in _total; worker and scoreboard states are labels, with
// prometheus-apache-exporter's state names so its dashboards translate one to one.
// Runs in: children.
// Leans on: OpenMetrics 1.0 (MetricFamily TYPE/HELP lines name the family; counter samples
// add _total, info samples _info; the body ends with "# EOF"); Prometheus exposition format
// 0.0.4 (TYPE/HELP name the sample, no EOF); apache_exporter collector.go (metric shapes).
#ifndef MPMD_SHARED_STATUS_STATUS_METRICS_H
#define MPMD_SHARED_STATUS_STATUS_METRICS_H

#include "shared/status/status_page.h"

#include <string>

namespace mpmd {

// The flavor is options.metrics. CPU, load and duration families appear only when the
// snapshot has those figures.
std::string render_status_metrics(const StatusSnapshot& snapshot, const StatusOptions& options);

} // namespace mpmd

#endif
