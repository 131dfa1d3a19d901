// See status_summary.h.
// Runs in: mpmctl.
#include "ctl/status_summary.h"

#include "ctl/ctl_snapshot.h"
#include "shared/status/status_text.h"

namespace mpmd {

namespace {

// mod_status's legend, in kStatusKeys order.
constexpr const char* kKeyWords[] = {
    "Waiting for Connection", "Starting up", "Reading Request", "Sending Reply",
    "Keepalive (read)", "DNS Lookup", "Closing connection", "Logging",
    "Gracefully finishing", "Idle cleanup of worker", "Open slot with no current process"};
static_assert(std::size(kKeyWords) == sizeof kStatusKeys);

struct ProcessTotals {
    uint32_t busy = 0;
    uint32_t idle = 0;
    uint64_t accesses = 0;   // by the current process
    uint64_t bytes = 0;
};

ProcessTotals totals_of(const StatusSnapshot& s, const ProcessSnapshot& p)
{
    ProcessTotals out;
    for (const WorkerSnapshot& w : s.workers) {
        if (w.slot != p.slot || w.pid != p.pid)
            continue;
        const std::string_view busy_keys = "RWKDCLG";
        if (busy_keys.find(w.status) != std::string_view::npos)
            ++out.busy;
        else if (w.status == '_')
            ++out.idle;
        out.accesses += w.my_access_count;
        out.bytes += w.my_bytes_served;
    }
    return out;
}

} // namespace

std::string scoreboard_key_text()
{
    std::string out;
    for (size_t i = 0; i < sizeof kStatusKeys; ++i)
        out += format_text("  \"%c\" %s\n", kStatusKeys[i], kKeyWords[i]);
    return out;
}

std::string render_status_summary(const StatusSnapshot& s)
{
    std::string out;
    out += "Server Version: " + terminal_safe(s.server.server_version) + "\n";
    out += "Server MPM: " + terminal_safe(s.server.mpm_name) + "\n";
    out += "Current Time: " + status_time(s.now) + "\n";
    out += "Restart Time: " + status_time(s.restart_time) + "\n";
    out += format_text("Parent Server Config. Generation: %u\n", s.config_generation);
    out += format_text("Parent Server MPM Generation: %u\n", s.mpm_generation);
    out += "Server uptime:" + (s.uptime > 0 ? uptime_words(s.uptime) : std::string(" 0 seconds")) + "\n";
    out += format_text("Total accesses: %llu - Total Traffic: %s - Total Duration: %llu ms\n",
                       static_cast<unsigned long long>(s.total_accesses), kbyte_size(s.total_kbytes).c_str(),
                       static_cast<unsigned long long>(s.total_duration_ms));
    if (s.uptime > 0)
        out += format_text("%g requests/sec - %s/second - %s/request - %g ms/request\n",
                           double(s.requests_per_second()), byte_size(uint64_t(s.bytes_per_second())).c_str(),
                           byte_size(uint64_t(s.bytes_per_request())).c_str(), double(s.duration_per_request()));
    out += log_loss_summary(s) + "\n";
    out += format_text("%d requests currently being processed, %d workers gracefully restarting, %d idle workers\n",
                       s.busy_workers, s.graceful_workers, s.idle_workers);
    out += "\nScoreboard: " + s.scoreboard + "\n\nScoreboard Key:\n" + scoreboard_key_text();
    out += "\nSlot  PID      Gen  Stopping  Busy  Idle  Accesses  Traffic\n";
    for (const ProcessSnapshot& p : s.processes) {
        const ProcessTotals t = totals_of(s, p);
        out += format_text("%-5u %-8d %-4u %-9s %-5u %-5u %-9llu %s\n", p.slot, int(p.pid), p.generation,
                           p.quiescing ? "yes" : "no", t.busy, t.idle, static_cast<unsigned long long>(t.accesses),
                           byte_size(t.bytes).c_str());
    }
    return out;
}

} // namespace mpmd
