// The ?auto form, line for line as mod_status prints it.
// Runs in: children.
#include "shared/status/status_auto.h"

#include "shared/status/status_text.h"

namespace mpmd {

namespace {

// Server names come from the request's Host; a control byte must not start a new key.
std::string one_line(const std::string& text)
{
    std::string out;
    for (char c : text)
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

void extended_lines(std::string& out, const StatusSnapshot& s)
{
    out += format_text("Total Accesses: %llu\nTotal kBytes: %llu\n",
                       static_cast<unsigned long long>(s.total_accesses),
                       static_cast<unsigned long long>(s.total_kbytes));
    if (s.total_duration_ms)
        out += format_text("Total Duration: %llu\n",
                           static_cast<unsigned long long>(*s.total_duration_ms));
    const std::array<float, 4> cpu = s.cpu_seconds();
    out += format_text("CPUUser: %g\nCPUSystem: %g\nCPUChildrenUser: %g\nCPUChildrenSystem: %g\n",
                       double(cpu[0]), double(cpu[1]), double(cpu[2]), double(cpu[3]));
    if (const std::optional<double> load = s.cpu_load())
        out += format_text("CPULoad: %g\n", *load);
    out += format_text("Uptime: %ld\n", static_cast<long>(s.uptime));
    if (s.uptime > 0) {
        out += format_text("ReqPerSec: %g\n", double(s.requests_per_second()));
        out += format_text("BytesPerSec: %g\n", double(s.bytes_per_second()));
    }
    if (s.total_accesses > 0) {
        out += format_text("BytesPerReq: %g\n", double(s.bytes_per_request()));
        if (const std::optional<float> duration = s.duration_per_request())
            out += format_text("DurationPerReq: %g\n", double(*duration));
    }
}

} // namespace

std::string render_status_auto(const StatusSnapshot& s, const StatusOptions& options)
{
    std::string out = one_line(s.server.server_name) + "\n";
    out += "ServerVersion: " + one_line(s.server.server_version) + "\n";
    out += "ServerMPM: " + s.server.mpm_name + "\n";
    out += "Server Built: " + s.server.server_built + "\n";
    out += "CurrentTime: " + status_time(s.now) + "\n";
    out += "RestartTime: " + status_time(s.restart_time) + "\n";
    out += format_text("ParentServerConfigGeneration: %d\n", static_cast<int>(s.config_generation));
    out += format_text("ParentServerMPMGeneration: %d\n", static_cast<int>(s.mpm_generation));
    out += format_text("ServerUptimeSeconds: %u\n", s.uptime);
    out += "ServerUptime:" + uptime_words(s.uptime) + "\n";
    // Apache prints -1 when the load average cannot be read.
    const std::array<double, 3> load = s.load.value_or(std::array<double, 3>{-1, -1, -1});
    out += format_text("Load1: %.2f\nLoad5: %.2f\nLoad15: %.2f\n", load[0], load[1], load[2]);
    if (options.extended_status)
        extended_lines(out, s);
    out += format_text("BusyWorkers: %d\nIdleWorkers: %d\n", s.busy_workers, s.idle_workers);
    if (s.server.async)
        out += format_text("Processes: %d\nStopping: %d\nBusyWorkers: %d\nIdleWorkers: %d\n"
                           "ConnsTotal: %llu\nConnsAsyncWriting: 0\nConnsAsyncKeepAlive: %llu\n"
                           "ConnsAsyncClosing: 0\n",
                           s.process_count, s.stopping_processes, s.async_busy_workers,
                           s.async_idle_workers,
                           static_cast<unsigned long long>(s.connections_total),
                           static_cast<unsigned long long>(s.connections_keep_alive));
    out += "Scoreboard: " + s.scoreboard + "\n";
    return out;
}

} // namespace mpmd
