// Scoreboard segment creation (anonymous or named), attaching by name, and the seqlock
// discipline. See scoreboard.h for who writes what.
#include "shared/scoreboard.h"

#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstdio>
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

// Whether a process with this pid exists (EPERM: it does, under another user).
bool pid_alive(int32_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

std::string native_error(const bip::interprocess_exception& e)
{
    return e.get_native_error() != 0 ? std::strerror(e.get_native_error()) : e.what();
}

// The problem with a header that is not this build's layout, or "".
std::string header_problem(const GlobalScore& g, size_t mapped)
{
    if (g.magic != kScoreboardMagic)
        return "not an mpmd scoreboard (bad magic)";
    if (g.layout_version != kScoreboardLayoutVersion)
        return "scoreboard layout version " + std::to_string(g.layout_version) + ", this program reads " +
               std::to_string(kScoreboardLayoutVersion) + " (mpmd and mpmctl from different builds?)";
    if (g.process_record_size != sizeof(ProcessScore) || g.worker_record_size != sizeof(WorkerScore))
        return "scoreboard record sizes differ from this build's";
    if (g.server_limit == 0 || g.thread_limit == 0 ||
        mapped < Scoreboard::segment_size(g.server_limit, g.thread_limit))
        return "scoreboard smaller than its slot counts say (" + std::to_string(mapped) + " bytes)";
    return {};
}

} // namespace

size_t Scoreboard::segment_size(uint32_t server_limit, uint32_t thread_limit)
{
    return align_up(sizeof(GlobalScore)) + align_up(sizeof(ProcessScore) * server_limit) +
           sizeof(WorkerScore) * size_t(server_limit) * thread_limit;
}

void Scoreboard::lay_out(char* base, uint32_t server_limit)
{
    global_ = reinterpret_cast<GlobalScore*>(base);
    processes_ = reinterpret_cast<ProcessScore*>(base + align_up(sizeof(GlobalScore)));
    workers_ = reinterpret_cast<WorkerScore*>(base + align_up(sizeof(GlobalScore)) +
                                              align_up(sizeof(ProcessScore) * server_limit));
}

namespace {

// A new named segment of `size` bytes, mode 0600 whatever the umask. A leftover whose master
// is gone is removed first; one whose master runs is refused.
bip::mapped_region create_named(const std::string& name, size_t size, struct stat* identity)
{
    for (int attempt = 0;; ++attempt) {
        try {
            bip::permissions owner_only;
            owner_only.set_permissions(0600);
            bip::shared_memory_object shm(bip::create_only, name.c_str(), bip::read_write, owner_only);
            if (fchmod(shm.get_mapping_handle().handle, 0600) != 0)
                throw std::runtime_error("cannot set mode 0600 on " + name + ": " + std::strerror(errno));
            shm.truncate(bip::offset_t(size));
            fstat(shm.get_mapping_handle().handle, identity);
            return bip::mapped_region(shm, bip::read_write);
        } catch (const bip::interprocess_exception& e) {
            if (e.get_error_code() != bip::already_exists_error || attempt > 0)
                throw std::runtime_error("cannot create scoreboard " + name + " of " + std::to_string(size) +
                                         " bytes: " + native_error(e));
        }
        std::string ignored;
        if (auto old = Scoreboard::attach(name, &ignored)) {
            const int32_t owner = old->global().master_pid;
            if (owner != getpid() && pid_alive(owner))
                throw std::runtime_error("scoreboard " + name + " is in use by a running mpmd (pid " +
                                         std::to_string(owner) + "); give this server its own ScoreBoardFile");
        }
        bip::shared_memory_object::remove(name.c_str());
    }
}

} // namespace

std::unique_ptr<Scoreboard> Scoreboard::create(uint32_t server_limit, uint32_t thread_limit, const std::string& name)
{
    const size_t size = segment_size(server_limit, thread_limit);
    std::unique_ptr<Scoreboard> board(new Scoreboard());
    if (name.empty()) {
        try {
            board->mapping_.reset(new Mapping{bip::anonymous_shared_memory(size)});
        } catch (const bip::interprocess_exception& e) {
            throw std::runtime_error("cannot map a scoreboard of " + std::to_string(size) +
                                     " bytes: " + e.what());
        }
    } else {
        struct stat identity {};
        board->mapping_.reset(new Mapping{create_named(name, size, &identity)});
        board->name_ = name;
        board->device_ = identity.st_dev;
        board->inode_ = identity.st_ino;
    }
    char* base = static_cast<char*>(board->mapping_->region.get_address());
    std::memset(base, 0, size);
    board->lay_out(base, server_limit);
    GlobalScore& g = *board->global_;
    g.magic = kScoreboardMagic;
    g.layout_version = kScoreboardLayoutVersion;
    g.server_limit = server_limit;
    g.thread_limit = thread_limit;
    g.process_record_size = sizeof(ProcessScore);
    g.worker_record_size = sizeof(WorkerScore);
    g.start_time = g.restart_time = now_microseconds();
    g.master_pid = getpid();
    for (uint32_t s = 0; s < server_limit; ++s)
        for (uint32_t t = 0; t < thread_limit; ++t)
            board->worker(s, t).status = char(WorkerStatus::Dead);
    return board;
}

std::unique_ptr<const Scoreboard> Scoreboard::attach(const std::string& name, std::string* error)
{
    std::unique_ptr<Scoreboard> board(new Scoreboard());
    try {
        bip::shared_memory_object shm(bip::open_only, name.c_str(), bip::read_only);
        bip::offset_t size = 0;
        if (!shm.get_size(size) || size_t(size) < sizeof(GlobalScore)) {
            *error = "scoreboard " + name + " is empty or truncated";
            return nullptr;
        }
        board->mapping_.reset(new Mapping{bip::mapped_region(shm, bip::read_only)});
        struct stat identity {};
        if (fstat(shm.get_mapping_handle().handle, &identity) == 0) {
            board->device_ = identity.st_dev;
            board->inode_ = identity.st_ino;
        }
    } catch (const bip::interprocess_exception& e) {
        if (e.get_error_code() == bip::not_found_error)
            *error = "no scoreboard " + name + " (/dev/shm" + name + "): mpmd is not running, or not with "
                     "this ScoreBoardFile";
        else if (e.get_native_error() == EACCES)
            *error = "cannot read scoreboard " + name + ": permission denied (it is mode 0600: run as root "
                     "or as the user who started mpmd)";
        else
            *error = "cannot open scoreboard " + name + ": " + native_error(e);
        return nullptr;
    }
    char* base = static_cast<char*>(board->mapping_->region.get_address());
    const GlobalScore& g = *reinterpret_cast<const GlobalScore*>(base);
    const std::string problem = header_problem(g, board->mapping_->region.get_size());
    if (!problem.empty()) {
        *error = name + ": " + problem;
        return nullptr;
    }
    board->lay_out(base, g.server_limit);
    board->name_ = name;
    return board;
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

bool Scoreboard::name_is_ours() const
{
    if (name_.empty())
        return false;
    try {
        bip::shared_memory_object shm(bip::open_only, name_.c_str(), bip::read_only);
        struct stat now {};
        return fstat(shm.get_mapping_handle().handle, &now) == 0 && uint64_t(now.st_dev) == device_ &&
               uint64_t(now.st_ino) == inode_;
    } catch (const bip::interprocess_exception&) {
        return false;
    }
}

void Scoreboard::remove_name()
{
    if (!name_.empty() && global_->master_pid == getpid() && name_is_ours())
        bip::shared_memory_object::remove(name_.c_str());
}

bool Scoreboard::rename_name(const std::string& to, std::string* error)
{
    if (!name_is_ours()) {
        *error = "scoreboard " + name_ + " is no longer this server's segment";
        return false;
    }
    const std::string from_path = "/dev/shm" + name_, to_path = "/dev/shm" + to;
    if (std::rename(from_path.c_str(), to_path.c_str()) != 0) {
        *error = "cannot rename " + from_path + " to " + to_path + ": " + std::strerror(errno);
        return false;
    }
    name_ = to;
    return true;
}

ServedTotals Scoreboard::served_totals() const
{
    ServedTotals totals;
    totals.accesses = __atomic_load_n(&global_->carried_accesses, __ATOMIC_RELAXED);
    totals.bytes = __atomic_load_n(&global_->carried_bytes, __ATOMIC_RELAXED);
    for (uint32_t slot = 0; slot < server_limit(); ++slot) {
        for (uint32_t thread = 0; thread < thread_limit(); ++thread) {
            const WorkerScore w = snapshot(slot, thread);
            totals.accesses += w.access_count;
            totals.bytes += w.bytes_served;
        }
    }
    return totals;
}

void Scoreboard::set_carried(const ServedTotals& totals)
{
    __atomic_store_n(&global_->carried_accesses, totals.accesses, __ATOMIC_RELAXED);
    __atomic_store_n(&global_->carried_bytes, totals.bytes, __ATOMIC_RELAXED);
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
