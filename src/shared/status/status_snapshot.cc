// The status snapshot: one pass over the scoreboard, as mod_status's status_handler makes it.
// Runs in: children.
#include "shared/status/status_snapshot.h"

#include "shared/log_file.h"
#include "shared/status/status_text.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mpmd {

namespace {

bool is(char status, WorkerStatus key)
{
    return status == static_cast<char>(key);
}

WorkerSnapshot copy_worker(const WorkerScore& w, uint32_t slot, uint32_t thread)
{
    WorkerSnapshot out;
    out.slot = slot;
    out.thread = thread;
    out.status = w.status;
    out.pid = w.pid;
    out.generation = w.generation;
    out.access_count = w.access_count;
    out.bytes_served = w.bytes_served;
    out.duration_us = w.duration;
    out.my_access_count = w.my_access_count;
    out.my_bytes_served = w.my_bytes_served;
    out.conn_count = w.conn_count;
    out.conn_bytes = w.conn_bytes;
    out.start_time = w.start_time;
    out.stop_time = w.stop_time;
    out.last_used = w.last_used;
    out.client = field_text(w.client, sizeof w.client);
    out.request = field_text(w.request, sizeof w.request);
    out.vhost = field_text(w.vhost, sizeof w.vhost);
    return out;
}

// Apache's busy, idle and event-table counts for one worker of a live process.
void count_worker(StatusSnapshot& s, ProcessSnapshot& p, char status)
{
    if (is(status, WorkerStatus::Graceful))
        ++s.graceful_workers;
    if (p.quiescing)
        return;
    if (is(status, WorkerStatus::Ready)) {
        if (p.generation == s.mpm_generation)
            ++s.idle_workers;
        ++p.idle_threads;
    } else if (!is(status, WorkerStatus::Dead) && !is(status, WorkerStatus::Starting) &&
               !is(status, WorkerStatus::IdleKill)) {
        ++s.busy_workers;
        if (is(status, WorkerStatus::Graceful))
            ++p.idle_threads;
        else
            ++p.busy_threads;
    }
}

} // namespace

std::string server_built()
{
    return __DATE__ " " __TIME__;
}

int64_t WorkerSnapshot::request_ms() const
{
    if (start_time == 0 || stop_time < start_time)
        return 0;
    return (stop_time - start_time) / 1000;
}

float StatusSnapshot::requests_per_second() const
{
    return uptime > 0 ? static_cast<float>(total_accesses) / static_cast<float>(uptime) : 0.0f;
}

float StatusSnapshot::bytes_per_second() const
{
    return uptime > 0 ? 1024 * static_cast<float>(total_kbytes) / static_cast<float>(uptime)
                      : 0.0f;
}

float StatusSnapshot::bytes_per_request() const
{
    return total_accesses > 0
               ? 1024 * static_cast<float>(total_kbytes) / static_cast<float>(total_accesses)
               : 0.0f;
}

float StatusSnapshot::duration_per_request() const
{
    // Apache: (float)apr_time_as_msec(duration_global) / (float)count.
    return total_accesses > 0
               ? static_cast<float>(total_duration_ms) / static_cast<float>(total_accesses)
               : 0.0f;
}

std::array<float, 4> StatusSnapshot::cpu_seconds() const
{
    CpuTimes all = master_cpu;
    all += children_cpu;
    return {static_cast<float>(all.user) / clock_ticks, static_cast<float>(all.system) / clock_ticks,
            static_cast<float>(all.children_user) / clock_ticks,
            static_cast<float>(all.children_system) / clock_ticks};
}

std::optional<double> StatusSnapshot::cpu_load() const
{
    CpuTimes all = master_cpu;
    all += children_cpu;
    if (!has_cpu || all.total() == 0 || uptime == 0)
        return std::nullopt;
    return static_cast<float>(all.total()) / clock_ticks / static_cast<float>(uptime) * 100.;
}

const ProcessSnapshot* StatusSnapshot::process_in(uint32_t slot) const
{
    for (const ProcessSnapshot& p : processes)
        if (p.slot == slot)
            return &p;
    return nullptr;
}

StatusSnapshot take_status_snapshot(const Scoreboard& board, const StatusServerInfo& info)
{
    StatusSnapshot s;
    s.server = info;
    s.now = info.now != 0 ? info.now : now_microseconds();
    const GlobalScore& g = board.global();
    s.start_time = g.start_time;
    s.restart_time = g.restart_time;
    s.mpm_generation = g.running_generation;
    s.config_generation = g.restart_count + 1;
    s.uptime = s.now > s.start_time ? static_cast<uint32_t>((s.now - s.start_time) / 1000000) : 0;
    s.server_limit = board.server_limit();
    s.thread_limit = board.thread_limit();
    const uint32_t max_processes = info.max_processes != 0 ? info.max_processes : s.server_limit;
    const uint32_t threads = info.threads_per_child != 0 ? info.threads_per_child : s.thread_limit;

    uint64_t total_duration_us = 0;
    for (uint32_t slot = 0; slot < s.server_limit; ++slot) {
        const ProcessScore ps = board.snapshot(slot);
        ProcessSnapshot p;
        p.slot = slot;
        p.pid = ps.pid;
        p.generation = ps.generation;
        p.quiescing = ps.quiescing != 0;
        p.start_time = ps.start_time;
        p.async_connections = ps.connections;
        p.async_closing = std::min(ps.lingering, ps.connections);   // two stores, read apart
        for (uint32_t thread = 0; thread < s.thread_limit; ++thread) {
            WorkerScore ws = board.snapshot(slot, thread);
            // A worker still busy in a child told to leave is finishing gracefully: Apache's G.
            if (p.pid != 0 && p.quiescing && !is(ws.status, WorkerStatus::Dead) &&
                !is(ws.status, WorkerStatus::Ready) && !is(ws.status, WorkerStatus::Starting) &&
                !is(ws.status, WorkerStatus::IdleKill))
                ws.status = char(WorkerStatus::Graceful);
            const bool dead = is(ws.status, WorkerStatus::Dead);
            if (!dead || (slot < max_processes && thread < threads))
                s.scoreboard += ws.status;
            if (p.pid != 0)
                count_worker(s, p, ws.status);
            s.total_accesses += ws.access_count;
            s.total_bytes += ws.bytes_served;
            total_duration_us += ws.duration;
            if (!dead || ws.access_count != 0)
                s.workers.push_back(copy_worker(ws, slot, thread));
        }
        if (p.pid == 0)
            continue;
        ++s.process_count;
        if (p.quiescing)
            ++s.stopping_processes;
        s.async_busy_workers += static_cast<int>(p.busy_threads);
        s.async_idle_workers += static_cast<int>(p.idle_threads);
        s.connections_keep_alive += p.async_connections - p.async_closing;
        s.connections_closing += p.async_closing;
        s.connections_total += p.async_connections + p.busy_threads;
        if (info.read_system)
            p.cpu = read_cpu_times(p.pid);
        if (p.cpu) {
            s.children_cpu += *p.cpu;
            s.has_cpu = true;
        }
        s.processes.push_back(p);
    }
    // What masters before a binary upgrade counted (see GlobalScore::carried_accesses).
    s.total_accesses += __atomic_load_n(&g.carried_accesses, __ATOMIC_RELAXED);
    s.total_bytes += __atomic_load_n(&g.carried_bytes, __ATOMIC_RELAXED);
    total_duration_us += __atomic_load_n(&g.carried_duration, __ATOMIC_RELAXED);
    s.total_kbytes = s.total_bytes / 1024;
    s.total_duration_ms = total_duration_us / 1000;
    for (uint32_t word = 0; word < kLogFaultWords; ++word) {
        const uint64_t lost = __atomic_load_n(&g.log_lines_lost[word], __ATOMIC_RELAXED);
        (word == kErrorLogFaultWord ? s.error_log_lines_lost : s.access_log_lines_lost) += lost;
        if ((__atomic_load_n(&g.log_faults[word], __ATOMIC_RELAXED) & LogFile::kFaultFailing) != 0)
            ++s.logs_failing;
    }

    if (info.read_system) {
        s.clock_ticks = static_cast<float>(clock_ticks_per_second());
        if (info.master_pid != 0) {
            if (const std::optional<CpuTimes> master = read_cpu_times(info.master_pid)) {
                s.master_cpu = *master;
                s.has_cpu = true;
            }
        }
        double load[3];
        if (getloadavg(load, 3) == 3)
            s.load = std::array<double, 3>{load[0], load[1], load[2]};
    }
    return s;
}

std::string log_loss_summary(const StatusSnapshot& s)
{
    std::string out = format_text("Log lines lost: %llu error log, %llu access logs",
                                  static_cast<unsigned long long>(s.error_log_lines_lost),
                                  static_cast<unsigned long long>(s.access_log_lines_lost));
    if (s.logs_failing > 0)
        out += format_text(" - %d log file%s failing now", s.logs_failing, s.logs_failing == 1 ? "" : "s");
    return out;
}

std::string_view status_key_name(char key)
{
    for (size_t i = 0; i < sizeof kStatusKeys; ++i)
        if (kStatusKeys[i] == key)
            return kStatusKeyNames[i];
    return "unknown";
}

std::array<int, sizeof kStatusKeys> count_status_keys(const std::string& scoreboard)
{
    std::array<int, sizeof kStatusKeys> counts{};
    for (char c : scoreboard)
        for (size_t i = 0; i < sizeof kStatusKeys; ++i)
            if (kStatusKeys[i] == c)
                ++counts[i];
    return counts;
}

} // namespace mpmd
