// LogFile: one append-only log file (an access log, or the file behind the error log).
// Runs in: both. The master opens it (as root, before privileges drop) and children inherit
// the descriptor through fork(2); any process or thread may write.
// Leans on: open(2) O_APPEND, write(2), dup3(2), and the Linux guarantee that one write(2)
// to a regular file opened O_APPEND lands as one contiguous run, never interleaved with
// another process's write (the inode lock is held across the whole write).
#ifndef MPMD_SHARED_LOG_FILE_H
#define MPMD_SHARED_LOG_FILE_H

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace mpmd {

class LogFile {
public:
    LogFile() = default;
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    // Opens O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, mode 0640 (before the umask). If a file is
    // already open, the new one takes over the same descriptor number (dup3), so threads
    // and inherited copies of fd() never see a closed or reused number.
    // On failure the old descriptor stays in use and *error says why (path and strerror).
    bool open(const std::string& path, std::string* error);

    // Opens path() anew (after logrotate renamed it) with the same guarantees as open().
    bool reopen(std::string* error);

    // Writes exactly the bytes given (the caller ends the line with '\n') with one write(2).
    // A short write is completed by writing the rest; only the first write is atomic, so a
    // rest (Linux gives short writes on regular files only for ENOSPC, EFBIG or a fatal
    // signal) may follow another process's line. On failure the line is dropped, the first
    // failure of a run is reported once to stderr, later lines try again (no retry loop),
    // and the first success after a run reports how many lines were lost.
    // Safe to call from several threads at once. Returns false when the line was not
    // written completely, or when no file is open.
    bool write_line(std::string_view line);

    void close();
    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }
    // Lines dropped since the last successful write (0 while healthy).
    uint64_t lost_lines() const { return lost_.load(std::memory_order_relaxed); }

private:
    void note_failure(int err);
    void note_success();

    int fd_ = -1;       // written only by open/reopen/close (one thread); stable number afterwards
    std::string path_;
    std::atomic<uint64_t> lost_{0};
};

// Writes all of [data, data+size) to fd, retrying after EINTR and completing short writes.
// Returns 0 on success, else the errno of the failed write (EIO for a write of 0 bytes).
// Shared by LogFile and by the error log's stderr fallback.
int write_fully(int fd, const char* data, size_t size);

} // namespace mpmd

#endif
