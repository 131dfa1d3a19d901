// Test support for the log runner (t/unit/log_tests): a private temporary directory removed
// at the end, whole-file reads, a fixed time zone, opening a log or failing, and capturing
// fd 2 into a file for the duration of a test.
// Runs in: the unit-test process only. Leans on: mkdtemp(3), nftw(3), dup(2), dup2(2).
#ifndef MPMD_T_UNIT_LOG_TEST_SUPPORT_H
#define MPMD_T_UNIT_LOG_TEST_SUPPORT_H

#include <cppunit/TestAssert.h>

#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <ftw.h>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace mpmd::test {

class TempDir {
public:
    TempDir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string templ = std::string(base && *base ? base : "/tmp") + "/mpmd-log-XXXXXX";
        if (::mkdtemp(templ.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~TempDir()
    {
        ::nftw(
            path_.c_str(),
            [](const char* p, const struct stat*, int, struct FTW*) { return ::remove(p); }, 16,
            FTW_DEPTH | FTW_PHYS);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline std::string read_file(const std::string& path)
{
    std::string text;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return text;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return text;
}

// Lines without their '\n'; a last line without '\n' is kept too, so a torn write shows.
inline std::vector<std::string> read_lines(const std::string& path)
{
    std::vector<std::string> lines;
    const std::string text = read_file(path);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

// Sets TZ for the life of the object (POSIX rule strings need no tzdata), then restores it.
class ScopedTimeZone {
public:
    explicit ScopedTimeZone(const char* tz)
    {
        const char* old = std::getenv("TZ");
        had_old_ = old != nullptr;
        if (had_old_)
            old_ = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~ScopedTimeZone()
    {
        if (had_old_)
            ::setenv("TZ", old_.c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    ScopedTimeZone(const ScopedTimeZone&) = delete;
    ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

private:
    bool had_old_ = false;
    std::string old_;
};

// Opens a LogFile or an ErrorLog on path, failing the test with the reason otherwise.
template <class Log>
void must_open(Log& log, const std::string& path)
{
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(error, log.open(path, &error));
}

// Points fd 2 at `path` until destroyed (or restore()), then puts the old fd 2 back.
class StderrCapture {
public:
    explicit StderrCapture(const std::string& path) : path_(path)
    {
        saved_ = ::dup(STDERR_FILENO);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (saved_ < 0 || fd < 0 || ::dup2(fd, STDERR_FILENO) < 0)
            throw std::runtime_error("cannot capture stderr");
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    void restore()
    {
        if (saved_ >= 0) {
            ::dup2(saved_, STDERR_FILENO);
            ::close(saved_);
            saved_ = -1;
        }
    }
    std::string text() const { return read_file(path_); }

private:
    std::string path_;
    int saved_ = -1;
};

} // namespace mpmd::test

#endif
