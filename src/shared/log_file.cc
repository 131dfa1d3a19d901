// LogFile: open, reopen and whole-line writes to an append-only log file, and the fault word
// that makes a failing disk one report per episode for the whole server.
// Runs in: both (see log_file.h). Leans on: open_trusted (trusted_path.h), dup3(2), write(2), fstat(2), stat(2),
// strerror_r(3), GCC's __atomic builtins (lock-free on a naturally aligned 64-bit word, so
// they work across processes on shared memory).
#include "shared/log_file.h"

#include "shared/trusted_path.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {

namespace {

constexpr int kOpenFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
constexpr mode_t kOpenMode = 0640;

static_assert(__atomic_always_lock_free(sizeof(uint64_t), nullptr),
              "the fault word is shared between processes");

std::string errno_text(int err)
{
    char buf[128];
    return strerror_r(err, buf, sizeof buf); // GNU variant: returns the message
}

// The default report, for a file nobody set a reporter on: straight to fd 2 (the file that
// fails may be the error log itself); if that fails as well there is nothing left to tell.
void report_to_stderr(LogFile& file, LogFault event, int err, uint64_t lost)
{
    char text[512];
    const int n = event == LogFault::Failing
                      ? std::snprintf(text, sizeof text,
                                      "mpmd: cannot write to log file %s: %s"
                                      " (lines are dropped until writing works again)\n",
                                      file.path().c_str(), errno_text(err).c_str())
                      : std::snprintf(text, sizeof text,
                                      "mpmd: writing to log file %s works again; %llu line(s) lost\n",
                                      file.path().c_str(), static_cast<unsigned long long>(lost));
    if (n > 0)
        (void)write_fully(STDERR_FILENO, text, std::min(static_cast<size_t>(n), sizeof text - 1));
}

} // namespace

int write_fully(int fd, const char* data, size_t size, size_t* written)
{
    size_t done = 0;
    int err = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        if (n == 0) {
            err = EIO; // no progress and no errno: give up rather than spin
            break;
        }
        done += static_cast<size_t>(n);
    }
    if (written)
        *written = done;
    return err;
}

LogFile::~LogFile() { close(); }

bool LogFile::open(const std::string& path, std::string* error)
{
    std::string why;
    const int fd = open_trusted(path, kOpenFlags, kOpenMode, &why);
    if (fd < 0) {
        if (error)
            *error = "cannot open log file " + path + ": " + why;
        return false;
    }
    if (fd_ < 0) {
        fd_ = fd;
    } else {
        // Atomically points fd_ at the new file and closes the old one.
        if (::dup3(fd, fd_, O_CLOEXEC) < 0) {
            const int err = errno;
            ::close(fd);
            if (error)
                *error = "cannot switch to log file " + path + ": " + errno_text(err);
            return false;
        }
        ::close(fd);
    }
    path_ = path;
    return true;
}

bool LogFile::reopen(std::string* error)
{
    if (path_.empty()) {
        if (error)
            *error = "cannot reopen a log file that was never opened";
        return false;
    }
    const std::string path = path_;
    return open(path, error);
}

bool LogFile::write_line(std::string_view line)
{
    if (fd_ < 0)
        return false;
    // A torn line from an earlier failure ends the file: whoever takes the mark ends that
    // fragment with this very write, so no later line is glued onto it.
    uint64_t state = __atomic_load_n(fault_, __ATOMIC_RELAXED);
    bool mend = false;
    while ((state & kFaultTorn) != 0 && !mend)
        mend = __atomic_compare_exchange_n(fault_, &state, state & ~kFaultTorn, false, __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED);
    size_t written = 0;
    int err;
    if (mend) {
        std::string mended;
        mended.reserve(line.size() + 1);
        mended += '\n';
        mended += line;
        err = write_fully(fd_, mended.data(), mended.size(), &written);
    } else {
        err = write_fully(fd_, line.data(), line.size(), &written);
    }
    if (err != 0) {
        // Part of this write in the file, or a fragment still unterminated: torn.
        note_failure(err, mend || written > 0);
        return false;
    }
    if ((__atomic_load_n(fault_, __ATOMIC_RELAXED) & kFaultFailing) != 0)
        note_success();
    return true;
}

void LogFile::note_failure(int err, bool torn)
{
    uint64_t old = __atomic_load_n(fault_, __ATOMIC_RELAXED);
    uint64_t next;
    do {
        next = ((old | kFaultFailing | (torn ? kFaultTorn : 0)) & ~kFaultCountMask) |
               (((old & kFaultCountMask) + 1) & kFaultCountMask);
    } while (!__atomic_compare_exchange_n(fault_, &old, next, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    __atomic_fetch_add(lost_total_, 1, __ATOMIC_RELAXED);
    if ((old & kFaultFailing) == 0)
        report(LogFault::Failing, err, 0);
}

void LogFile::note_success()
{
    uint64_t old = __atomic_load_n(fault_, __ATOMIC_RELAXED);
    do {
        if ((old & kFaultFailing) == 0)
            return; // another writer reported the recovery
    } while (!__atomic_compare_exchange_n(fault_, &old, old & kFaultTorn, false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    report(LogFault::Recovered, 0, old & kFaultCountMask);
}

void LogFile::report(LogFault event, int err, uint64_t lost)
{
    (reporter_ != nullptr ? reporter_ : report_to_stderr)(*this, event, err, lost);
}

uint64_t LogFile::lost_lines() const { return __atomic_load_n(fault_, __ATOMIC_RELAXED) & kFaultCountMask; }

bool LogFile::failing() const { return (__atomic_load_n(fault_, __ATOMIC_RELAXED) & kFaultFailing) != 0; }

LogPathState LogFile::path_state() const
{
    struct stat open_file {};
    if (fd_ < 0 || ::fstat(fd_, &open_file) != 0 || !S_ISREG(open_file.st_mode))
        return LogPathState::Unknown;
    struct stat named {};
    if (::stat(path_.c_str(), &named) != 0)
        return errno == ENOENT || errno == ENOTDIR ? LogPathState::Missing : LogPathState::Unknown;
    if (named.st_dev != open_file.st_dev || named.st_ino != open_file.st_ino)
        return LogPathState::Replaced;
    return LogPathState::Same;
}

void LogFile::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    path_.clear();
}

} // namespace mpmd
