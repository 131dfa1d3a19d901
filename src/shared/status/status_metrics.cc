// The ?metrics form.
// Runs in: children.
#include "shared/status/status_metrics.h"

#include "shared/status/status_text.h"

#include <initializer_list>
#include <utility>

namespace mpmd {

namespace {

enum class Kind { Gauge, Counter, Info };

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// One metric family written in either flavor.
class Family {
public:
    Family(std::string* out, MetricsFlavor flavor, std::string_view name, Kind kind,
           std::string_view help)
        : out_(out), sample_(std::string("mpmd_") + std::string(name))
    {
        const bool open_metrics = flavor == MetricsFlavor::OpenMetrics;
        const char* type = kind == Kind::Counter ? "counter" : "gauge";
        if (kind == Kind::Info && open_metrics)
            type = "info";
        const std::string suffix = kind == Kind::Counter ? "_total" : kind == Kind::Info ? "_info" : "";
        // OpenMetrics names the family without the suffix; Prometheus 0.0.4 names the sample.
        const std::string described = open_metrics ? sample_ : sample_ + suffix;
        sample_ += suffix;
        *out_ += "# HELP " + described + " " + std::string(help) + "\n";
        *out_ += "# TYPE " + described + " " + type + "\n";
    }

    void sample(double value, Labels labels = {})
    {
        std::string line = sample_;
        if (labels.size() != 0) {
            line += '{';
            for (const auto& [name, text] : labels) {
                if (line.back() != '{')
                    line += ',';
                line += std::string(name) + "=\"" + label_escaped(text) + "\"";
            }
            line += '}';
        }
        *out_ += line + " " + number_text(value) + "\n";
    }

private:
    static std::string label_escaped(std::string_view text)
    {
        std::string out;
        for (char c : text) {
            if (c == '\\' || c == '"')
                out += '\\';
            if (c == '\n')
                out += "\\n";
            else
                out += c;
        }
        return out;
    }

    std::string* out_;
    std::string sample_;
};

std::string version_number(const std::string& banner)
{
    // "mpmd/0.1.0 (Unix)" -> "0.1.0"
    const size_t slash = banner.find('/');
    if (slash == std::string::npos)
        return banner;
    return banner.substr(slash + 1, banner.find(' ', slash) - slash - 1);
}

} // namespace

std::string render_status_metrics(const StatusSnapshot& s, const StatusOptions& options)
{
    std::string out;
    const MetricsFlavor f = options.metrics;
    const double us = 1e6;

    Family(&out, f, "build", Kind::Info, "Server version and MPM.")
        .sample(1, {{"version", version_number(s.server.server_version)},
                    {"mpm", s.server.mpm_name}});
    Family(&out, f, "start_time_seconds", Kind::Gauge, "When the master started (Unix time).")
        .sample(static_cast<double>(s.start_time) / us);
    Family(&out, f, "restart_time_seconds", Kind::Gauge,
           "When the running generation began (Unix time).")
        .sample(static_cast<double>(s.restart_time) / us);
    Family(&out, f, "uptime_seconds", Kind::Gauge, "Seconds since the master started.")
        .sample(s.uptime);
    Family generation(&out, f, "generation", Kind::Gauge,
                      "Configurations loaded (config) and the running MPM generation (mpm).");
    generation.sample(s.config_generation, {{"type", "config"}});
    generation.sample(s.mpm_generation, {{"type", "mpm"}});

    Family(&out, f, "accesses", Kind::Counter, "Requests served since the master started.")
        .sample(static_cast<double>(s.total_accesses));
    Family(&out, f, "sent_bytes", Kind::Counter, "Body bytes sent since the master started.")
        .sample(static_cast<double>(s.total_bytes));
    Family(&out, f, "request_duration_seconds", Kind::Counter,
           "Time spent serving requests since the master started.")
        .sample(static_cast<double>(s.total_duration_ms) / 1000);
    Family lost(&out, f, "log_lines_lost", Kind::Counter,
                "Log lines dropped (full disk, file size limit) since the master started.");
    lost.sample(static_cast<double>(s.error_log_lines_lost), {{"log", "error"}});
    lost.sample(static_cast<double>(s.access_log_lines_lost), {{"log", "access"}});
    Family(&out, f, "logs_failing", Kind::Gauge, "Log files whose writes fail now.")
        .sample(s.logs_failing);
    if (s.has_cpu) {
        const std::array<float, 4> cpu = s.cpu_seconds();
        Family family(&out, f, "cpu_seconds", Kind::Counter,
                      "CPU time of the master and its children (children_*: reaped children).");
        family.sample(cpu[0], {{"mode", "user"}});
        family.sample(cpu[1], {{"mode", "system"}});
        family.sample(cpu[2], {{"mode", "children_user"}});
        family.sample(cpu[3], {{"mode", "children_system"}});
    }
    if (s.load) {
        Family family(&out, f, "load", Kind::Gauge, "System load average.");
        family.sample((*s.load)[0], {{"interval", "1min"}});
        family.sample((*s.load)[1], {{"interval", "5min"}});
        family.sample((*s.load)[2], {{"interval", "15min"}});
    }

    Family workers(&out, f, "workers", Kind::Gauge,
                   "Workers by Apache's rules: busy (serving), idle (ready, current "
                   "generation), graceful (finishing).");
    workers.sample(s.busy_workers, {{"state", "busy"}});
    workers.sample(s.idle_workers, {{"state", "idle"}});
    workers.sample(s.graceful_workers, {{"state", "graceful"}});
    Family scoreboard(&out, f, "scoreboard", Kind::Gauge, "Scoreboard records by state.");
    const std::array<int, sizeof kStatusKeys> counts = count_status_keys(s.scoreboard);
    for (size_t i = 0; i < counts.size(); ++i)
        scoreboard.sample(counts[i], {{"state", kStatusKeyNames[i]}});
    Family processes(&out, f, "processes", Kind::Gauge, "Child processes: all, and stopping.");
    processes.sample(s.process_count, {{"state", "all"}});
    processes.sample(s.stopping_processes, {{"state", "stopping"}});
    Family connections(&out, f, "connections", Kind::Gauge,
                       "Connections: total, keepalive (held idle by the event loop) and closing "
                       "(held by it in a lingering close).");
    connections.sample(static_cast<double>(s.connections_total), {{"state", "total"}});
    connections.sample(static_cast<double>(s.connections_keep_alive), {{"state", "keepalive"}});
    connections.sample(static_cast<double>(s.connections_closing), {{"state", "closing"}});

    if (f == MetricsFlavor::OpenMetrics)
        out += "# EOF\n";
    return out;
}

} // namespace mpmd
