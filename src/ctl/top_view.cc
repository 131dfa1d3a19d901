// See top_view.h.
// Runs in: mpmctl.
#include "ctl/top_view.h"

#include "ctl/ctl_snapshot.h"
#include "shared/status/status_text.h"

#include <ctime>

namespace mpmd {

namespace {

constexpr std::string_view kBusyKeys = "RWKDCLG";
constexpr const char* kKeyLine =
    "_ wait  S start  R read  W reply  K keepalive  D dns  C close  L log  G graceful  I idle  . open";
constexpr const char* kHeading = "SLOT   PID      ST  SECS  CLIENT                  VHOST             REQUEST";

std::string clock_text(int64_t microseconds)
{
    const time_t seconds = static_cast<time_t>(microseconds / 1000000);
    struct tm local {};
    localtime_r(&seconds, &local);
    char buffer[16];
    return std::string(buffer, std::strftime(buffer, sizeof buffer, "%H:%M:%S", &local));
}

std::string fit(std::string text, int columns)
{
    if (columns >= 0 && text.size() > size_t(columns))
        text.resize(size_t(columns));
    return text;
}

} // namespace

int64_t worker_seconds(const WorkerSnapshot& w, int64_t now)
{
    const int64_t since = w.stop_time == 0 && w.start_time != 0 ? w.start_time : w.last_used;
    return since > 0 && now > since ? (now - since) / 1000000 : 0;
}

std::vector<std::string> TopView::lines(const StatusSnapshot& s, TopSize size)
{
    std::vector<std::string> out;
    const double elapsed = last_now_ > 0 && s.now > last_now_ ? double(s.now - last_now_) / 1e6 : 0;
    const double rate = elapsed > 0 && s.total_accesses >= last_accesses_
                            ? double(s.total_accesses - last_accesses_) / elapsed
                            : double(s.requests_per_second());
    last_now_ = s.now;
    last_accesses_ = s.total_accesses;

    out.push_back(format_text("mpmd top - %s  %s MPM  %s  up%s", terminal_safe(s.server.server_version).c_str(),
                              terminal_safe(s.server.mpm_name).c_str(), clock_text(s.now).c_str(),
                              s.uptime > 0 ? uptime_words(s.uptime).c_str() : " 0 seconds"));
    out.push_back(format_text("generation %u (config %u)  master pid %d  processes %d  busy %d  idle %d",
                              s.mpm_generation, s.config_generation, int(s.server.master_pid),
                              int(s.processes.size()), s.busy_workers, s.idle_workers));
    out.push_back(format_text("accesses %llu  traffic %s  req/s %.1f (avg %s)",
                              static_cast<unsigned long long>(s.total_accesses), kbyte_size(s.total_kbytes).c_str(),
                              rate, number_text(double(s.requests_per_second())).c_str()));
    out.emplace_back();
    out.push_back("Scoreboard:");
    const size_t width = size_t(size.columns > 2 ? size.columns - 2 : 1);
    for (size_t at = 0; at < s.scoreboard.size(); at += width)
        out.push_back("  " + s.scoreboard.substr(at, width));
    out.push_back(kKeyLine);
    out.emplace_back();
    heading_line_ = out.size();
    out.push_back(kHeading);
    for (const WorkerSnapshot& w : s.workers) {
        if (kBusyKeys.find(w.status) == std::string_view::npos || w.pid == 0)
            continue;
        out.push_back(format_text("%-6s %-8d %c   %-5lld %-23s %-17s %s",
                                  format_text("%u.%u", w.slot, w.thread).c_str(), int(w.pid), w.status,
                                  static_cast<long long>(worker_seconds(w, s.now)),
                                  terminal_safe(w.client).c_str(), terminal_safe(w.vhost).c_str(),
                                  terminal_safe(w.request).c_str()));
    }
    if (size.rows > 0 && out.size() > size_t(size.rows))
        out.resize(size_t(size.rows));
    for (std::string& line : out)
        line = fit(std::move(line), size.columns);
    return out;
}

std::string TopView::frame(const StatusSnapshot& s, TopSize size)
{
    const std::vector<std::string> text = lines(s, size);
    std::string out = "\x1b[H";
    for (size_t i = 0; i < text.size(); ++i) {
        if (i > 0)
            out += "\r\n";
        if (i == 0 || i == heading_line_)
            out += (i == 0 ? "\x1b[1m" : "\x1b[7m") + text[i] + "\x1b[0m";
        else
            out += text[i];
        out += "\x1b[K";
    }
    out += "\x1b[J";
    return out;
}

} // namespace mpmd
