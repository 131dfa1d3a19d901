// The HTML form: Apache mod_status's page (server version and build, times, generations,
// uptime and load, totals and rates, CPU, busy and idle workers, the event table for an async
// MPM, the scoreboard grid and its key, and with ExtendedStatus a table of every worker),
// as an HTML5 document with a little CSS. Every client-controlled text is HTML-escaped.
// Runs in: children.
// Leans on: mod_status.c status_handler (the page's content and wording); HTML Living
// Standard (meta refresh, charset declaration).
#ifndef MPMD_SHARED_STATUS_STATUS_HTML_H
#define MPMD_SHARED_STATUS_STATUS_HTML_H

#include "shared/status/status_page.h"

#include <string>

namespace mpmd {

// options.refresh > 0 adds <meta http-equiv="refresh">; the handler also sends Refresh.
std::string render_status_html(const StatusSnapshot& snapshot, const StatusOptions& options);

} // namespace mpmd

#endif
