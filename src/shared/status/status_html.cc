// The HTML form.
// Runs in: children.
#include "shared/status/status_html.h"

#include "shared/status/status_text.h"

namespace mpmd {

namespace {

constexpr size_t kGridWidth = 64;   // scoreboard characters per line (STATUS_MAXLINE)

constexpr char kStyle[] =
    "body{font-family:sans-serif;margin:1em 2em;color:#222}"
    "h1{font-size:1.5em}dt{margin:.15em 0}"
    "pre.grid{font-size:1.1em;letter-spacing:.1em;background:#f4f4f4;padding:.5em;"
    "display:inline-block}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #bbb;padding:.15em .4em;text-align:left;vertical-align:top}"
    "th{background:#e8e8e8}td.n{text-align:right}td.req{white-space:nowrap}"
    "table.legend th,table.legend td{border:none}";

void html(std::string& out, std::string_view text)
{
    append_html_escaped(&out, text);
}

void head(std::string& out, const StatusSnapshot& s, const StatusOptions& options)
{
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head>\n<meta charset=\"ISO-8859-1\">\n";
    if (options.refresh > 0)
        out += format_text("<meta http-equiv=\"refresh\" content=\"%d\">\n", options.refresh);
    out += "<title>mpmd Status</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head><body>\n<h1>mpmd Server Status for ";
    html(out, s.server.server_name);
    if (!options.local_address.empty()) {
        out += " (via ";
        html(out, options.local_address);
        out += ")";
    }
    out += "</h1>\n\n<dl><dt>Server Version: ";
    html(out, s.server.server_version);
    out += "</dt>\n<dt>Server MPM: ";
    html(out, s.server.mpm_name);
    out += "</dt>\n<dt>Server Built: ";
    html(out, s.server.server_built);
    out += "</dt></dl><hr><dl>\n";
    out += "<dt>Current Time: " + status_time(s.now) + "</dt>\n";
    out += "<dt>Restart Time: " + status_time(s.restart_time) + "</dt>\n";
    out += format_text("<dt>Parent Server Config. Generation: %u</dt>\n", s.config_generation);
    out += format_text("<dt>Parent Server MPM Generation: %u</dt>\n", s.mpm_generation);
    out += "<dt>Server uptime: " + uptime_words(s.uptime) + "</dt>\n";
    const std::array<double, 3> load = s.load.value_or(std::array<double, 3>{-1, -1, -1});
    out += format_text("<dt>Server load: %.2f %.2f %.2f</dt>\n", load[0], load[1], load[2]);
}

void totals(std::string& out, const StatusSnapshot& s)
{
    out += format_text("<dt>Total accesses: %llu - Total Traffic: ",
                       static_cast<unsigned long long>(s.total_accesses));
    out += kbyte_size(s.total_kbytes);
    out += format_text(" - Total Duration: %llu", static_cast<unsigned long long>(s.total_duration_ms));
    out += "</dt>\n";
    const std::array<float, 4> cpu = s.cpu_seconds();
    out += format_text("<dt>CPU Usage: u%g s%g cu%g cs%g", double(cpu[0]), double(cpu[1]),
                       double(cpu[2]), double(cpu[3]));
    if (const std::optional<double> load = s.cpu_load())
        out += format_text(" - %.3g%% CPU load", *load);
    out += "</dt>\n<dt>";
    if (s.uptime > 0)
        out += format_text("%.3g requests/sec - ", double(s.requests_per_second())) +
               byte_size(static_cast<uint64_t>(s.bytes_per_second())) + "/second";
    if (s.total_accesses > 0) {
        if (s.uptime > 0)
            out += " - ";
        out += byte_size(static_cast<uint64_t>(s.bytes_per_request())) + "/request";
        out += format_text(" - %g ms/request", double(s.duration_per_request()));
    }
    out += "</dt>\n<dt>" + log_loss_summary(s) + "</dt>\n";
}

void async_table(std::string& out, const StatusSnapshot& s)
{
    out += "\n<table>\n<tr><th rowspan=\"2\">Slot</th><th rowspan=\"2\">PID</th>"
           "<th rowspan=\"2\">Stopping</th><th rowspan=\"2\">Connections</th>"
           "<th colspan=\"2\">Threads</th><th colspan=\"2\">Async connections</th></tr>\n"
           "<tr><th>busy</th><th>idle</th><th>keep-alive</th><th>closing</th></tr>\n";
    for (const ProcessSnapshot& p : s.processes)
        out += format_text("<tr><td class=\"n\">%u</td><td class=\"n\">%d</td><td>%s%s</td>"
                           "<td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                           "<td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
                           p.slot, static_cast<int>(p.pid), p.quiescing ? "yes" : "no",
                           p.generation != s.mpm_generation ? " (old gen)" : "",
                           p.async_connections + p.busy_threads, p.busy_threads, p.idle_threads,
                           p.async_connections - p.async_closing, p.async_closing);
    out += format_text("<tr><td>Sum</td><td class=\"n\">%d</td><td class=\"n\">%d</td>"
                       "<td class=\"n\">%llu</td><td class=\"n\">%d</td><td class=\"n\">%d</td>"
                       "<td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n</table>\n",
                       s.process_count, s.stopping_processes,
                       static_cast<unsigned long long>(s.connections_total), s.async_busy_workers,
                       s.async_idle_workers,
                       static_cast<unsigned long long>(s.connections_keep_alive),
                       static_cast<unsigned long long>(s.connections_closing));
}

void grid(std::string& out, const StatusSnapshot& s)
{
    out += "<pre class=\"grid\">";
    for (size_t i = 0; i < s.scoreboard.size(); ++i) {
        out += s.scoreboard[i];
        if (i % kGridWidth == kGridWidth - 1 && i + 1 < s.scoreboard.size())
            out += '\n';
    }
    out += "</pre>\n<p>Scoreboard Key:<br>\n"
           "\"<b><code>_</code></b>\" Waiting for Connection,\n"
           "\"<b><code>S</code></b>\" Starting up,\n"
           "\"<b><code>R</code></b>\" Reading Request,<br>\n"
           "\"<b><code>W</code></b>\" Sending Reply,\n"
           "\"<b><code>K</code></b>\" Keepalive (read),\n"
           "\"<b><code>D</code></b>\" DNS Lookup,<br>\n"
           "\"<b><code>C</code></b>\" Closing connection,\n"
           "\"<b><code>L</code></b>\" Logging,\n"
           "\"<b><code>G</code></b>\" Gracefully finishing,<br>\n"
           "\"<b><code>I</code></b>\" Idle cleanup of worker,\n"
           "\"<b><code>.</code></b>\" Open slot with no current process<br>\n</p>\n";
}

// Without ExtendedStatus: each busy or idle record with its process id (Apache's "PID Key").
void pid_key(std::string& out, const StatusSnapshot& s)
{
    out += "<p>PID Key:</p>\n<pre>\n";
    int column = 0;
    for (const WorkerSnapshot& w : s.workers) {
        if (w.status == '.')
            continue;
        const ProcessSnapshot* p = s.process_in(w.slot);
        out += format_text("   %d in state: %c ", p ? static_cast<int>(p->pid) : 0, w.status);
        out += ++column % 3 == 0 ? "\n" : ",";
    }
    out += "\n</pre>\n<hr>To obtain a full report with current status information you need to "
           "use the <code>ExtendedStatus On</code> directive.\n";
}

void worker_row(std::string& out, const StatusSnapshot& s, const WorkerSnapshot& w)
{
    const ProcessSnapshot* p = s.process_in(w.slot);
    out += format_text("<tr><td><b>%u-%u</b></td>", w.slot, w.generation);
    if (w.status == '.' || w.pid == 0)
        out += "<td>-</td>";
    else
        out += format_text("<td class=\"n\">%d</td>", static_cast<int>(w.pid));
    out += format_text("<td class=\"n\">%llu/%llu/%llu</td>",
                       static_cast<unsigned long long>(w.conn_count),
                       static_cast<unsigned long long>(w.my_access_count),
                       static_cast<unsigned long long>(w.access_count));
    const bool bold = std::string_view("SRWKLDC").find(w.status) != std::string_view::npos;
    out += format_text(bold ? "<td><b>%c</b></td>" : "<td>%c</td>", w.status);
    const bool own_cpu = p && p->cpu && p->pid == w.pid;
    out += own_cpu ? format_text("<td class=\"n\">%.2f</td>", double(static_cast<float>(p->cpu->total()) / s.clock_ticks))
                   : std::string("<td class=\"n\">-</td>");
    const long since = w.last_used != 0 && s.now >= w.last_used
                           ? static_cast<long>((s.now - w.last_used) / 1000000) : 0;
    out += format_text("<td class=\"n\">%ld</td><td class=\"n\">%lld</td><td class=\"n\">%llu</td>",
                       since, static_cast<long long>(w.request_ms()),
                       static_cast<unsigned long long>(w.duration_us / 1000));
    out += format_text("<td class=\"n\">%-1.1f</td><td class=\"n\">%-2.2f</td>"
                       "<td class=\"n\">%-2.2f</td>",
                       double(static_cast<float>(w.conn_bytes) / 1024),
                       double(static_cast<float>(w.my_bytes_served) / 1048576),
                       double(static_cast<float>(w.bytes_served) / 1048576));
    out += "<td>";
    html(out, w.client);
    out += "</td><td class=\"req\">";
    html(out, w.vhost);
    out += "</td><td class=\"req\">";
    append_html_request(&out, w.request);
    out += "</td></tr>\n";
}

void worker_table(std::string& out, const StatusSnapshot& s)
{
    out += "\n<table>\n<tr><th>Srv</th><th>PID</th><th>Acc</th><th>M</th><th>CPU</th>"
           "<th>SS</th><th>Req</th><th>Dur</th><th>Conn</th><th>Child</th><th>Slot</th><th>Client</th>"
           "<th>VHost</th><th>Request</th></tr>\n";
    for (const WorkerSnapshot& w : s.workers)
        if (w.access_count != 0 || (w.status != '_' && w.status != '.'))
            worker_row(out, s, w);
    out += "</table>\n<hr>\n<table class=\"legend\">\n"
           "<tr><th>Srv</th><td>Child Server number - generation</td></tr>\n"
           "<tr><th>PID</th><td>OS process ID</td></tr>\n"
           "<tr><th>Acc</th><td>Number of accesses this connection / this child / this "
           "slot</td></tr>\n"
           "<tr><th>M</th><td>Mode of operation</td></tr>\n"
           "<tr><th>CPU</th><td>CPU usage of the process, number of seconds</td></tr>\n"
           "<tr><th>SS</th><td>Seconds since beginning of most recent request</td></tr>\n"
           "<tr><th>Req</th><td>Milliseconds required to process most recent request</td></tr>\n"
           "<tr><th>Dur</th><td>Sum of milliseconds required to process all requests</td></tr>\n"
           "<tr><th>Conn</th><td>Kilobytes transferred this connection</td></tr>\n"
           "<tr><th>Child</th><td>Megabytes transferred this child</td></tr>\n"
           "<tr><th>Slot</th><td>Total megabytes transferred this slot</td></tr>\n"
           "</table>\n";
}

} // namespace

std::string render_status_html(const StatusSnapshot& s, const StatusOptions& options)
{
    std::string out;
    head(out, s, options);
    if (options.extended_status)
        totals(out, s);
    out += format_text("<dt>%d requests currently being processed, %d workers gracefully restarting, "
                       "%d idle workers</dt>\n</dl>",
                       s.busy_workers, s.graceful_workers, s.idle_workers);
    if (s.server.async)
        async_table(out, s);
    grid(out, s);
    if (options.extended_status)
        worker_table(out, s);
    else
        pid_key(out, s);
    out += "</body></html>\n";
    return out;
}

} // namespace mpmd
