// The status page's request and response API: which form a query asks for
// (/server-status?auto|?json|?metrics|?refresh=N), the options of a rendering, the body of
// each form and its Content-Type. The integrator's handler checks StatusConfig::allows, takes
// a snapshot (status_snapshot.h) and answers render_status() with status_content_type().
// Runs in: children.
// Leans on: mod_status.c (its query words, refresh default 10, charsets); the OpenMetrics 1.0
// and Prometheus 0.0.4 text exposition formats (their media types).
#ifndef MPMD_SHARED_STATUS_STATUS_PAGE_H
#define MPMD_SHARED_STATUS_STATUS_PAGE_H

#include "shared/status/status_snapshot.h"

#include <string>
#include <string_view>

namespace mpmd {

enum class StatusFormat {
    Html,      // the default: Apache's page, ExtendedStatus adds the worker table
    Auto,      // ?auto: Apache's machine-readable "Key: value" lines
    Json,      // ?json
    Metrics,   // ?metrics: OpenMetrics (or Prometheus 0.0.4) text
};

// OpenMetrics is what Prometheus asks for first in its Accept header by default (2.x and 3.x
// scrape_protocols), and its "# EOF" lets a scraper tell a cut-off body from a whole one;
// Prometheus 0.0.4 text is offered for clients that do not accept OpenMetrics.
enum class MetricsFlavor { OpenMetrics, Prometheus };

struct StatusRequest {
    StatusFormat format = StatusFormat::Html;
    // Seconds for a Refresh header and the HTML meta refresh; 0 = none. "refresh" alone or a
    // value below 1 means 10 (Apache 2.4), at most 86400.
    int refresh = 0;
};

// The query without '?'; words separated by '&' or ';', each "name" or "name=value".
// "auto", "json" and "metrics" choose the form (the first of them wins); unknown words are
// ignored, as mod_status ignores them.
StatusRequest parse_status_query(std::string_view query);

// OpenMetrics when the Accept field names application/openmetrics-text, else Prometheus
// text (what curl and browsers read as plain text).
MetricsFlavor metrics_flavor_for(std::string_view accept);

struct StatusOptions {
    bool extended_status = true;       // StatusConfig::extended_status
    int refresh = 0;                   // StatusRequest::refresh (HTML meta refresh)
    std::string local_address;         // the address that answered, "(via ...)" in the title
    MetricsFlavor metrics = MetricsFlavor::OpenMetrics;
};

// "text/html; charset=ISO-8859-1", "text/plain; charset=ISO-8859-1" (?auto, as Apache),
// "application/json", "application/openmetrics-text; version=1.0.0; charset=utf-8" or
// "text/plain; version=0.0.4; charset=utf-8".
std::string_view status_content_type(StatusFormat format,
                                     MetricsFlavor metrics = MetricsFlavor::OpenMetrics);

std::string render_status(const StatusSnapshot& snapshot, StatusFormat format,
                          const StatusOptions& options);

} // namespace mpmd

#endif
