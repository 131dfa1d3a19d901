// The ?auto form: Apache httpd 2.4.57 mod_status's short report, key for key, in its order
// and number formats, so that its consumers (prometheus-apache-exporter, collectd, Munin,
// Zabbix templates) read mpmd unchanged.
// Runs in: children.
// Leans on: mod_status.c status_handler (short_report branches); Lusitaniae/apache_exporter
// collector.go (splits each line at the first ':'; parses ServerVersion as Name/X.Y.Z).
#ifndef MPMD_SHARED_STATUS_STATUS_AUTO_H
#define MPMD_SHARED_STATUS_STATUS_AUTO_H

#include "shared/status/status_page.h"

#include <string>

namespace mpmd {

// Without ExtendedStatus the totals, CPU and rates are left out, as in Apache. Total Duration
// and DurationPerReq appear only when the snapshot has durations; the event table (Processes
// ... ConnsAsyncClosing) only for an async MPM, after Apache's own BusyWorkers/IdleWorkers.
std::string render_status_auto(const StatusSnapshot& snapshot, const StatusOptions& options);

} // namespace mpmd

#endif
