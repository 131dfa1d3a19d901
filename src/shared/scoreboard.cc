// The scoreboard's records: layout, the seqlock discipline, and what the master and the
// workers write. The segment itself (anonymous or named) is scoreboard_segment.cc. See
// scoreboard.h for who writes what.
#include "shared/scoreboard.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <string>

namespace mpmd {

int64_t now_microseconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

std::string field_text(const char* field, size_t size)
{
    return std::string(field, strnlen(field, size));
}

namespace {

constexpr size_t align_up(size_t n) { return (n + 63) & ~size_t(63); }

// A writer killed in the middle of an update leaves the sequence odd for ever, so a reader
// gives up after a bounded number of tries and takes the record as it lies (the master reads
// the records of children it has just reaped; it must never spin on a dead writer).
constexpr int kConsistentReadTries = 10000;

template <typename Record>
Record read_consistent(const Record& live)
{
    Record copy;
    for (int tries = 0; tries < kConsistentReadTries; ++tries) {
        const uint32_t before = __atomic_load_n(&live.seq, __ATOMIC_ACQUIRE);
        std::memcpy(static_cast<void*>(&copy), &live, sizeof copy);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        const uint32_t after = __atomic_load_n(&live.seq, __ATOMIC_RELAXED);
        if (before == after && (before & 1) == 0)
            return copy;
    }
    return copy;
}

void copy_field(char* dest, size_t size, std::string_view text)
{
    const size_t n = std::min(size - 1, text.size());
    std::memcpy(dest, text.data(), n);
    dest[n] = '\0';
}

template <typename Record, typename Update>
void write_locked(Record& record, Update update)
{
    __atomic_store_n(&record.seq, record.seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    update(record);
    __atomic_store_n(&record.seq, record.seq + 1, __ATOMIC_RELEASE);
}

} // namespace

size_t Scoreboard::segment_size(uint32_t server_limit, uint32_t thread_limit)
{
    return align_up(sizeof(GlobalScore)) + align_up(sizeof(ProcessScore) * server_limit) +
           sizeof(WorkerScore) * size_t(server_limit) * thread_limit;
}

void Scoreboard::lay_out(char* base, uint32_t server_limit, uint32_t thread_limit)
{
    server_limit_ = server_limit;
    thread_limit_ = thread_limit;
    global_ = reinterpret_cast<GlobalScore*>(base);
    processes_ = reinterpret_cast<ProcessScore*>(base + align_up(sizeof(GlobalScore)));
    workers_ = reinterpret_cast<WorkerScore*>(base + align_up(sizeof(GlobalScore)) +
                                              align_up(sizeof(ProcessScore) * server_limit));
}

void Scoreboard::describe(std::string_view mpm_name, std::string_view server_version, uint32_t max_processes,
                          uint32_t threads_per_child)
{
    GlobalScore& g = *global_;
    copy_field(g.mpm_name, sizeof g.mpm_name, mpm_name);
    copy_field(g.server_version, sizeof g.server_version, server_version);
    g.max_processes = max_processes;
    g.threads_per_child = threads_per_child;
    g.master_pid = getpid();
}

ServedTotals Scoreboard::served_totals() const
{
    ServedTotals totals;
    totals.accesses = __atomic_load_n(&global_->carried_accesses, __ATOMIC_RELAXED);
    totals.bytes = __atomic_load_n(&global_->carried_bytes, __ATOMIC_RELAXED);
    totals.duration = __atomic_load_n(&global_->carried_duration, __ATOMIC_RELAXED);
    for (uint32_t slot = 0; slot < server_limit(); ++slot) {
        for (uint32_t thread = 0; thread < thread_limit(); ++thread) {
            const WorkerScore w = snapshot(slot, thread);
            totals.accesses += w.access_count;
            totals.bytes += w.bytes_served;
            totals.duration += w.duration;
        }
    }
    return totals;
}

void Scoreboard::set_carried(const ServedTotals& totals)
{
    __atomic_store_n(&global_->carried_accesses, totals.accesses, __ATOMIC_RELAXED);
    __atomic_store_n(&global_->carried_bytes, totals.bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&global_->carried_duration, totals.duration, __ATOMIC_RELAXED);
}

ProcessScore Scoreboard::snapshot(uint32_t slot) const { return read_consistent(processes_[slot]); }

WorkerScore Scoreboard::snapshot(uint32_t slot, uint32_t thread) const
{
    return read_consistent(worker(slot, thread));
}

void Scoreboard::process_started(uint32_t slot, pid_t pid, uint32_t generation)
{
    write_locked(processes_[slot], [&](ProcessScore& p) {
        p.pid = pid;
        p.generation = generation;
        p.quiescing = 0;
        p.start_time = now_microseconds();
        p.connections = 0;
        p.lingering = 0;
    });
}

void Scoreboard::process_gone(uint32_t slot)
{
    const int64_t now = now_microseconds();
    for (uint32_t t = 0; t < thread_limit(); ++t) {
        write_locked(worker(slot, t), [&](WorkerScore& w) {
            w.status = char(WorkerStatus::Dead);
            w.pid = 0;
            w.last_used = now;
        });
    }
    write_locked(processes_[slot], [](ProcessScore& p) {
        p.pid = 0;
        p.quiescing = 0;
        p.connections = 0;
        p.lingering = 0;
    });
}

void Scoreboard::set_quiescing(uint32_t slot)
{
    write_locked(processes_[slot], [](ProcessScore& p) { p.quiescing = 1; });
}

void WorkerReport::start(pid_t pid, uint32_t generation)
{
    write_locked(record_, [&](WorkerScore& w) {
        w.status = char(WorkerStatus::Starting);
        w.pid = pid;
        w.generation = generation;
        w.my_access_count = w.my_bytes_served = 0;
        w.conn_count = w.conn_bytes = 0;
        w.last_used = now_microseconds();
    });
}

void WorkerReport::set_status(WorkerStatus status)
{
    write_locked(record_, [&](WorkerScore& w) {
        w.status = char(status);
        w.last_used = now_microseconds();
    });
}

void WorkerReport::connection_started(std::string_view client)
{
    write_locked(record_, [&](WorkerScore& w) {
        w.conn_count = 0;
        w.conn_bytes = 0;
        copy_field(w.client, sizeof w.client, client);
    });
}

void WorkerReport::request_started(std::string_view request_line, std::string_view vhost)
{
    write_locked(record_, [&](WorkerScore& w) {
        w.status = char(WorkerStatus::Writing);
        w.start_time = w.last_used = now_microseconds();
        w.stop_time = 0;
        copy_field(w.request, sizeof w.request, request_line);
        copy_field(w.vhost, sizeof w.vhost, vhost);
    });
}

void WorkerReport::request_finished(uint64_t body_bytes)
{
    write_locked(record_, [&](WorkerScore& w) {
        ++w.access_count;
        ++w.my_access_count;
        ++w.conn_count;
        w.bytes_served += body_bytes;
        w.my_bytes_served += body_bytes;
        w.conn_bytes += body_bytes;
        const int64_t now = now_microseconds();
        // Only a request that request_started opened (stop_time 0) has a time of its own.
        if (w.stop_time == 0 && w.start_time != 0 && now > w.start_time)
            w.duration += static_cast<uint64_t>(now - w.start_time);
        w.stop_time = w.last_used = now;
    });
}

} // namespace mpmd
