// LogFile: open, reopen and whole-line writes to an append-only log file.
// Runs in: both (see log_file.h). Leans on: open(2), dup3(2), write(2), strerror_r(3).
#include "shared/log_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace mpmd {

namespace {

constexpr int kOpenFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
constexpr mode_t kOpenMode = 0640;

std::string errno_text(int err)
{
    char buf[128];
    return strerror_r(err, buf, sizeof buf); // GNU variant: returns the message
}

// The failure report cannot go through the error log (that may be the file failing), so it
// goes straight to fd 2; if that fails as well there is nothing left to tell.
void report_to_stderr(const char* text, size_t size)
{
    (void)write_fully(STDERR_FILENO, text, size);
}

} // namespace

int write_fully(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            return EIO; // no progress and no errno: give up rather than spin
        data += n;
        size -= static_cast<size_t>(n);
    }
    return 0;
}

LogFile::~LogFile() { close(); }

bool LogFile::open(const std::string& path, std::string* error)
{
    const int fd = ::open(path.c_str(), kOpenFlags, kOpenMode);
    if (fd < 0) {
        if (error)
            *error = "cannot open log file " + path + ": " + errno_text(errno);
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
    const int err = write_fully(fd_, line.data(), line.size());
    if (err != 0) {
        note_failure(err);
        return false;
    }
    if (lost_.load(std::memory_order_relaxed) != 0)
        note_success();
    return true;
}

void LogFile::note_failure(int err)
{
    if (lost_.fetch_add(1, std::memory_order_relaxed) != 0)
        return;
    char text[512];
    const int n = std::snprintf(text, sizeof text,
                                "mpmd: cannot write to log file %s: %s"
                                " (lines are dropped until writing works again)\n",
                                path_.c_str(), errno_text(err).c_str());
    if (n > 0)
        report_to_stderr(text, std::min(static_cast<size_t>(n), sizeof text - 1));
}

void LogFile::note_success()
{
    const uint64_t lost = lost_.exchange(0, std::memory_order_relaxed);
    if (lost == 0)
        return;
    char text[512];
    const int n = std::snprintf(text, sizeof text,
                                "mpmd: writing to log file %s works again; %llu line(s) lost\n",
                                path_.c_str(), static_cast<unsigned long long>(lost));
    if (n > 0)
        report_to_stderr(text, std::min(static_cast<size_t>(n), sizeof text - 1));
}

void LogFile::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    path_.clear();
}

} // namespace mpmd
