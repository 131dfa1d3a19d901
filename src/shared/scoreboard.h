// The scoreboard: one shared-memory segment, created by the master before the first fork and
// kept for the life of the server (across restarts), in which every child and thread reports
// what it is doing. Layout: a global record, ServerLimit process records, and
// ServerLimit x ThreadLimit worker records, all plain fixed-size data (no pointers), so any
// process that maps the segment reads the same thing.
//
// Writers, one per record (no locks on the hot path; a child that dies cannot stall anyone):
//   global  - the master; except log_faults and log_lines_lost, which every writer of a
//             log updates with atomic operations (one word each per file; see log_file.h).
//   process - the master (pid, generation, quiescing); read by the status views.
//   worker  - the thread that owns it while its child runs; the master only after that child
//             has been reaped (to mark the slot dead). Readers take consistent copies through
//             a per-record sequence counter (seqlock): odd while a write is under way.
// The segment is anonymous (inherited through fork only) or, with ScoreBoardFile, a POSIX
// shared-memory object created exclusively, mode 0600, by the master, which mpmctl attaches
// read-only; whatever another user left under that name is never read nor used
// (scoreboard_segment.cc). The records are scoreboard.cc.
// Runs in: master (creates, maintains, removes the name), children (report), status readers
// (snapshot), mpmctl (attach).
// Leans on: boost::interprocess::anonymous_shared_memory (mmap MAP_SHARED|MAP_ANONYMOUS),
// boost::interprocess::shared_memory_object (shm_open(3), shm_unlink(3), shm_overview(7)),
// lstat(2) and fstat(2) for a named segment's identity, rename(2) in /dev/shm (binary upgrade).
#ifndef MPMD_SHARED_SCOREBOARD_H
#define MPMD_SHARED_SCOREBOARD_H

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mpmd {

// Apache's scoreboard keys; the character is what the status page shows.
enum class WorkerStatus : char {
    Dead = '.',        // slot open, no process or thread in it
    Starting = 'S',    // process or thread starting up
    Ready = '_',       // waiting for a connection
    Reading = 'R',     // reading a request
    Writing = 'W',     // sending a reply
    KeepAlive = 'K',   // waiting for the next request on a kept-alive connection
    Dns = 'D',         // DNS lookup (unused: mpmd does no lookups)
    Closing = 'C',     // closing the connection (lingering close)
    Logging = 'L',     // writing the access log
    Graceful = 'G',    // finishing gracefully (restart or stop requested)
    IdleKill = 'I',    // idle worker being cleaned up
};

constexpr uint64_t kScoreboardMagic = 0x6d706d6473636f72ULL;   // "mpmdscor"
constexpr uint32_t kScoreboardLayoutVersion = 4;

// Log files whose fault state the whole server shares: the error log, then access logs in
// the order the master first opened them (a file past these keeps its state per process).
constexpr uint32_t kLogFaultWords = 16;
constexpr uint32_t kErrorLogFaultWord = 0;

// Times are microseconds since the Unix epoch (CLOCK_REALTIME) unless a name says otherwise.
struct GlobalScore {
    uint64_t magic;
    uint32_t layout_version;
    uint32_t server_limit;        // process records in the segment
    uint32_t thread_limit;        // worker records per process record
    uint32_t process_record_size;
    uint32_t worker_record_size;
    uint32_t running_generation;  // bumped by every restart; children compare theirs
    int64_t start_time;           // when the master started
    int64_t restart_time;         // when the current generation began
    uint32_t restart_count;
    uint32_t mpm_threaded;        // 0 for prefork
    // Written by the master at start, for readers that did not fork from it (mpmctl).
    int32_t master_pid;           // 0 until the master has detached; owner of a named segment
    uint32_t max_processes;       // the MPM's process limit in use (0 = every slot)
    uint32_t threads_per_child;   // (0 = every thread slot)
    char mpm_name[16];            // "prefork", "worker", "event"
    char server_version[64];      // the Full banner, e.g. "mpmd/0.1.0 (Unix)"
    // One LogFile fault word per log file (failing bit, torn bit, lines lost), assigned by
    // the master, updated by any process writing that file with __atomic builtins only.
    uint64_t log_faults[kLogFaultWords];
    // Lines each of those files has lost since the master started (every episode summed),
    // added to by the writer that dropped them (__atomic_fetch_add).
    uint64_t log_lines_lost[kLogFaultWords];
    // Binary upgrade: what the previous master's segment had counted (its workers' totals
    // plus its own carried figures), copied by this master while the old one runs, then
    // frozen. Readers add them to the workers' totals. Written by the master with atomic
    // stores.
    uint64_t carried_accesses;
    uint64_t carried_bytes;
    uint64_t carried_duration;    // microseconds
};

// Written by the master, but for connections and lingering: the event loop of the child in
// the slot stores those two, each with one atomic store.
struct ProcessScore {
    uint32_t seq;
    int32_t pid;                  // 0 = free slot
    uint32_t generation;
    uint8_t quiescing;            // 1 once told to leave gracefully
    uint8_t padding[3];
    int64_t start_time;
    uint32_t connections;         // connections held asynchronously (event MPM)
    uint32_t lingering;           // of those, the ones in a lingering close (event MPM)
};

// Written by the owning worker thread; by the master only after reaping its process.
struct WorkerScore {
    uint32_t seq;
    char status;                  // a WorkerStatus
    char padding[3];
    int32_t pid;
    uint32_t generation;
    uint64_t access_count;        // requests served in this slot since the server started
    uint64_t bytes_served;        // body bytes served in this slot since the server started
    uint64_t duration;            // microseconds those requests took, from request line to log
    uint64_t my_access_count;     // ... by the current process in this slot
    uint64_t my_bytes_served;
    uint64_t conn_count;          // ... on the current connection
    uint64_t conn_bytes;
    int64_t start_time;           // current or last request began
    int64_t stop_time;            // last request ended (0 while one runs)
    int64_t last_used;            // last status change
    char client[48];              // NUL-terminated numeric address
    char request[128];            // request line, cut to fit
    char vhost[64];               // ServerName that answered
};

static_assert(std::is_trivially_copyable_v<GlobalScore>);
static_assert(std::is_trivially_copyable_v<ProcessScore>);
static_assert(std::is_trivially_copyable_v<WorkerScore>);

int64_t now_microseconds();

// A NUL-terminated text field of a record (client, request, ...) as a string, cut at `size`
// when its writer died before terminating it.
std::string field_text(const char* field, size_t size);

// Requests, body bytes and request time counted by a scoreboard since its server started.
struct ServedTotals {
    uint64_t accesses = 0;
    uint64_t bytes = 0;
    uint64_t duration = 0;        // microseconds
};

class Scoreboard {
public:
    // Maps a new zero-filled segment sized for server_limit x thread_limit; throws
    // std::runtime_error naming the size when the kernel refuses.
    // With a `name` (a ScoreBoardFile, "/name"), the segment is that POSIX shared-memory
    // object, created exclusively, mode 0600. What held the name before is replaced: a stale
    // scoreboard of a master that is gone, or anything this user's mpmd did not make (never
    // read); *notes (if given) gets a line for each. A scoreboard whose master still runs is
    // an error naming its pid.
    static std::unique_ptr<Scoreboard> create(uint32_t server_limit, uint32_t thread_limit,
                                              const std::string& name = {},
                                              std::vector<std::string>* notes = nullptr);
    // A reader's read-only view of the named segment; nullptr with *error set when it does
    // not exist, cannot be opened (permissions), is not a regular file that root or this
    // user owns and nobody else may write (then it is not read at all), or its header
    // (magic, layout version, record sizes, size for its slot counts) is not this build's.
    static std::unique_ptr<const Scoreboard> attach(const std::string& name, std::string* error);
    ~Scoreboard();
    Scoreboard(const Scoreboard&) = delete;
    Scoreboard& operator=(const Scoreboard&) = delete;

    static size_t segment_size(uint32_t server_limit, uint32_t thread_limit);

    GlobalScore& global() { return *global_; }
    const GlobalScore& global() const { return *global_; }
    // The slot counts this process laid the segment out with (not the header's, which every
    // child can write: a bad write there must not move the master's reads out of the mapping).
    uint32_t server_limit() const { return server_limit_; }
    uint32_t thread_limit() const { return thread_limit_; }

    ProcessScore& process(uint32_t slot) { return processes_[slot]; }
    const ProcessScore& process(uint32_t slot) const { return processes_[slot]; }
    WorkerScore& worker(uint32_t slot, uint32_t thread) { return workers_[slot * thread_limit() + thread]; }
    const WorkerScore& worker(uint32_t slot, uint32_t thread) const
    {
        return workers_[slot * thread_limit() + thread];
    }

    // A consistent copy of a record (retries while its writer is mid-update).
    ProcessScore snapshot(uint32_t slot) const;
    WorkerScore snapshot(uint32_t slot, uint32_t thread) const;

    // Master: a new process is in `slot` (its workers announce themselves: WorkerReport::start).
    void process_started(uint32_t slot, pid_t pid, uint32_t generation);
    // Master: the process in `slot` has been reaped. Marks the slot and its workers dead.
    void process_gone(uint32_t slot);
    void set_quiescing(uint32_t slot);

    // Master: what readers that attach by name need (MPM, version, limits, owner pid).
    void describe(std::string_view mpm_name, std::string_view server_version, uint32_t max_processes,
                  uint32_t threads_per_child);
    // Master, at exit: removes the segment's name if it has one, this process owns it
    // (master_pid) and the name still is this segment (same inode: after a binary upgrade
    // the name may be the new master's); the mapping stays valid until it is dropped.
    void remove_name();
    // Binary upgrade: gives this segment another name ("/x" -> "/x.oldbin", and back when
    // the new master fails), so the new master can create its own under the configured
    // one. Linux keeps POSIX shared memory as files in /dev/shm and shm has no rename, so
    // this is rename(2) there. False with *error set (name unchanged) on failure or when
    // the name is no longer this segment.
    bool rename_name(const std::string& to, std::string* error);
    // The workers' totals plus the carried ones (consistent per record, not across records).
    ServedTotals served_totals() const;
    // Master: the previous master's totals (binary upgrade).
    void set_carried(const ServedTotals& totals);
    const std::string& name() const { return name_; }

private:
    Scoreboard() = default;
    struct Mapping;
    std::unique_ptr<Mapping> mapping_;
    GlobalScore* global_ = nullptr;
    ProcessScore* processes_ = nullptr;
    WorkerScore* workers_ = nullptr;
    uint32_t server_limit_ = 0;   // see server_limit()
    uint32_t thread_limit_ = 0;
    std::string name_;            // "" = anonymous
    uint64_t device_ = 0;         // st_dev and st_ino of the named object, its identity
    uint64_t inode_ = 0;
    bool name_is_ours() const;
    void lay_out(char* base, uint32_t server_limit, uint32_t thread_limit);
};

// A worker's handle on its own record: every update goes through the seqlock.
class WorkerReport {
public:
    explicit WorkerReport(WorkerScore& record) : record_(record) {}

    // The new owner takes the record: Starting, its pid and generation, per-process figures
    // reset; the slot's totals are kept.
    void start(pid_t pid, uint32_t generation);
    void set_status(WorkerStatus status);
    void connection_started(std::string_view client);
    void request_started(std::string_view request_line, std::string_view vhost);
    // Counts one finished request, its body bytes and its time since request_started.
    void request_finished(uint64_t body_bytes);
    const WorkerScore& record() const { return record_; }

private:
    WorkerScore& record_;
};

} // namespace mpmd

#endif
