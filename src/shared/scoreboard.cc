// Scoreboard segment creation and the seqlock discipline. See scoreboard.h for who writes what.
#include "shared/scoreboard.h"

#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <new>
#include <stdexcept>
#include <string>

namespace mpmd {

namespace bip = boost::interprocess;

struct Scoreboard::Mapping {
    bip::mapped_region region;
};

int64_t now_microseconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

namespace {

constexpr size_t align_up(size_t n) { return (n + 63) & ~size_t(63); }

template <typename Record>
Record read_consistent(const Record& live)
{
    for (;;) {
        const uint32_t before = __atomic_load_n(&live.seq, __ATOMIC_ACQUIRE);
        Record copy;
        std::memcpy(static_cast<void*>(&copy), &live, sizeof copy);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        const uint32_t after = __atomic_load_n(&live.seq, __ATOMIC_RELAXED);
        if (before == after && (before & 1) == 0)
            return copy;
    }
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

std::unique_ptr<Scoreboard> Scoreboard::create(uint32_t server_limit, uint32_t thread_limit)
{
    const size_t size = segment_size(server_limit, thread_limit);
    std::unique_ptr<Scoreboard> board(new Scoreboard());
    try {
        board->mapping_.reset(new Mapping{bip::anonymous_shared_memory(size)});
    } catch (const bip::interprocess_exception& e) {
        throw std::runtime_error("cannot map a scoreboard of " + std::to_string(size) +
                                 " bytes: " + e.what());
    }
    char* base = static_cast<char*>(board->mapping_->region.get_address());
    std::memset(base, 0, size);
    board->global_ = reinterpret_cast<GlobalScore*>(base);
    board->processes_ = reinterpret_cast<ProcessScore*>(base + align_up(sizeof(GlobalScore)));
    board->workers_ = reinterpret_cast<WorkerScore*>(base + align_up(sizeof(GlobalScore)) +
                                                     align_up(sizeof(ProcessScore) * server_limit));
    GlobalScore& g = *board->global_;
    g.magic = kScoreboardMagic;
    g.layout_version = kScoreboardLayoutVersion;
    g.server_limit = server_limit;
    g.thread_limit = thread_limit;
    g.process_record_size = sizeof(ProcessScore);
    g.worker_record_size = sizeof(WorkerScore);
    g.start_time = g.restart_time = now_microseconds();
    for (uint32_t s = 0; s < server_limit; ++s)
        for (uint32_t t = 0; t < thread_limit; ++t)
            board->worker(s, t).status = char(WorkerStatus::Dead);
    return board;
}

Scoreboard::~Scoreboard() = default;

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
        w.stop_time = w.last_used = now_microseconds();
    });
}

} // namespace mpmd
