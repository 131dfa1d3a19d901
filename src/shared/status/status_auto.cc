// The ?auto form, line for line as Apache 2.4.71's mod_status prints it (key order, which
// keys each MPM gets, and its "%g" numbers).
// Runs in: children.
#include "shared/status/status_auto.h"

#include "shared/status/status_text.h"

#include <cmath>

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
    out += format_text("Total Accesses: %llu\nTotal kBytes: %llu\nTotal Duration: %llu\n",
                       static_cast<unsigned long long>(s.total_accesses),
                       static_cast<unsigned long long>(s.total_kbytes),
                       static_cast<unsigned long long>(s.total_duration_ms));
    const std::array<float, 4> cpu = s.cpu_seconds();
    out += "CPUUser: " + apache_g(cpu[0]) + "\nCPUSystem: " + apache_g(cpu[1]) +
           "\nCPUChildrenUser: " + apache_g(cpu[2]) + "\nCPUChildrenSystem: " + apache_g(cpu[3]) + "\n";
    // Apache prints CPULoad once any CPU time was counted, even in the first second, when it
    // divides by an uptime of 0 (and its "%g" prints infinity as "0.e+79"): same key, same text.
    if (cpu[0] + cpu[1] + cpu[2] + cpu[3] > 0)
        out += "CPULoad: " + apache_g(s.uptime > 0 ? s.cpu_load().value_or(0) : HUGE_VAL) + "\n";
    out += format_text("Uptime: %ld\n", static_cast<long>(s.uptime));
    if (s.uptime > 0) {
        out += "ReqPerSec: " + apache_g(s.requests_per_second()) + "\n";
        out += "BytesPerSec: " + apache_g(s.bytes_per_second()) + "\n";
    }
    if (s.total_accesses > 0) {
        out += "BytesPerReq: " + apache_g(s.bytes_per_request()) + "\n";
        out += "DurationPerReq: " + apache_g(s.duration_per_request()) + "\n";
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
    out += format_text("BusyWorkers: %d\nGracefulWorkers: %d\nIdleWorkers: %d\n", s.busy_workers,
                       s.graceful_workers, s.idle_workers);
    // Only an asynchronous MPM (event) has the connection table. mpmd's event loop counts
    // the connections it holds in a lingering close as ConnsAsyncClosing and the rest (kept
    // alive, or with the next head arriving) as ConnsAsyncKeepAlive; it waits for no reply to
    // drain, so ConnsAsyncWriting is 0, and it has no other wait: ConnsAsyncWaitIO is 0.
    if (s.server.async)
        out += format_text("Processes: %d\nStopping: %d\nConnsTotal: %llu\nConnsAsyncWaitIO: 0\n"
                           "ConnsAsyncWriting: 0\nConnsAsyncKeepAlive: %llu\nConnsAsyncClosing: %llu\n",
                           s.process_count, s.stopping_processes,
                           static_cast<unsigned long long>(s.connections_total),
                           static_cast<unsigned long long>(s.connections_keep_alive),
                           static_cast<unsigned long long>(s.connections_closing));
    out += "Scoreboard: " + s.scoreboard + "\n";
    return out;
}

} // namespace mpmd
