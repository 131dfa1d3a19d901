// LogFile: one append-only log file (an access log, or the file behind the error log).
// Runs in: both. The master opens it (as root, before privileges drop) and children inherit
// the descriptor through fork(2); any process or thread may write.
// Leans on: open(2) O_APPEND, write(2), writev(2), dup3(2), fstat(2), stat(2), and the Linux
// guarantee that one write(2) to a regular file opened O_APPEND lands as one contiguous run,
// never interleaved with another process's write (the inode lock is held across the write).
//
// A write that fails (ENOSPC, EFBIG, EIO...) never blocks or retries: the line is dropped and
// counted. The fault state is one 64-bit word that every writer updates with atomic
// compare-and-swap; the master puts it in the scoreboard (share_fault_state), so an episode
// is reported once for the whole server, not once per child: the writer whose failure sets
// the "failing" bit reports the failure, the writer whose success clears it reports the
// recovery with the number of lines lost in between (exact: the count and the bit change in
// the same atomic step).
#ifndef MPMD_SHARED_LOG_FILE_H
#define MPMD_SHARED_LOG_FILE_H

#include <cstdint>
#include <string>
#include <string_view>

namespace mpmd {

class LogFile;

enum class LogFault {
    Failing,    // the first failed write of an episode (err is its errno)
    Recovered,  // the first successful write after an episode (lost: lines dropped in it)
};

// Tells someone about a fault episode. Called from write_line() in whichever process and
// thread wrote; must not call write_line() on the same file for a Failing event.
using LogFaultReporter = void (*)(LogFile& file, LogFault event, int err, uint64_t lost);

// What stat(2) of a log file's path says about the open file (see LogFile::path_state).
enum class LogPathState {
    Same,       // the path names the open file
    Missing,    // no file at the path (removed, or renamed away and not replaced)
    Replaced,   // another file at the path (renamed away, and something else put there)
    Unknown,    // not a regular file, nothing open, or stat(2) failed for another reason
};

class LogFile {
public:
    // The fault word: bit 63 an episode is under way (and was reported); bit 62 a failed
    // write left part of a line in the file, so the next write starts with '\n' (a torn
    // line must not swallow the next one); bits 0-61 lines lost in the episode.
    static constexpr uint64_t kFaultFailing = uint64_t{1} << 63;
    static constexpr uint64_t kFaultTorn = uint64_t{1} << 62;
    static constexpr uint64_t kFaultCountMask = kFaultTorn - 1;

    LogFile() = default;
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    // Opens O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, mode 0640 (before the umask), by the rule of
    // trusted_path.h (no link or directory another user controls on the way). If a file is
    // already open, the new one takes over the same descriptor number (dup3), so threads
    // and inherited copies of fd() never see a closed or reused number.
    // On failure the old descriptor stays in use and *error says why (path and strerror).
    bool open(const std::string& path, std::string* error);

    // Opens path() anew (after logrotate renamed it) with the same guarantees as open().
    bool reopen(std::string* error);

    // Writes exactly the bytes given (the caller ends the line with '\n') with one write(2).
    // A short write is completed by writing the rest; only the first write is atomic, so a
    // rest (Linux gives short writes on regular files only for ENOSPC, EFBIG or a fatal
    // signal) may follow another process's line. On failure the line is dropped and counted
    // (see the fault word above; no retry loop, so a full disk never slows the caller).
    // Safe to call from several threads and processes at once. Returns false when the line
    // was not written completely, or when no file is open.
    bool write_line(std::string_view line);

    void close();
    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

    // Keeps the fault state in *word, and the count of every line lost since, in *lost_total
    // from now on (zeroed words in memory every writer shares, which outlive this object: the
    // scoreboard's). Master, before the fork.
    void share_fault_state(uint64_t* word, uint64_t* lost_total = nullptr)
    {
        fault_ = word != nullptr ? word : &own_fault_;
        lost_total_ = lost_total != nullptr ? lost_total : &own_lost_total_;
    }
    // Who hears of episodes; nullptr (the default) writes a plain line to fd 2.
    void set_fault_reporter(LogFaultReporter reporter) { reporter_ = reporter; }
    // Lines dropped in the current episode (0 while healthy), and whether one is under way.
    uint64_t lost_lines() const;
    bool failing() const;
    // Lines dropped in every episode so far (never reset).
    uint64_t lost_lines_total() const { return __atomic_load_n(lost_total_, __ATOMIC_RELAXED); }

    // Whether path() still names the open file: stat(2) of the path against fstat(2) of the
    // descriptor (device and inode). Only regular files are judged.
    LogPathState path_state() const;

private:
    void note_failure(int err, bool torn);
    void note_success();
    void report(LogFault event, int err, uint64_t lost);

    int fd_ = -1;       // written only by open/reopen/close (one thread); stable number afterwards
    std::string path_;
    uint64_t own_fault_ = 0;        // the fault word while none is shared
    uint64_t* fault_ = &own_fault_; // accessed only with __atomic builtins
    uint64_t own_lost_total_ = 0;
    uint64_t* lost_total_ = &own_lost_total_;  // likewise
    LogFaultReporter reporter_ = nullptr;
};

// Writes all of [data, data+size) to fd, retrying after EINTR and completing short writes.
// Returns 0 on success, else the errno of the failed write (EIO for a write of 0 bytes);
// *written (if given) receives the bytes that did reach the file.
// Shared by LogFile and by the error log's stderr fallback.
int write_fully(int fd, const char* data, size_t size, size_t* written = nullptr);

} // namespace mpmd

#endif
