// ErrorLog: formatting and writing error-log lines, reopen, and the stderr redirect.
// Runs in: both (see error_log.h). Leans on: clock_gettime(2), localtime_r(3), dup2(2),
// strerror_r(3), vsnprintf(3); httpd 2.4's log.c for the line shape and the errno prefix.
#include "shared/error_log.h"

#include "shared/log_format.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {

namespace {

constexpr std::string_view kDays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// Formats `fmt` after `prefix` into buf (at most ErrorLog::kMaxMessage bytes) and logs it.
void vlog(ErrorLog& log, LogLevel level, const char* module, std::string_view client, std::string_view prefix,
          const char* fmt, va_list args) __attribute__((format(printf, 6, 0)));

void vlog(ErrorLog& log, LogLevel level, const char* module, std::string_view client, std::string_view prefix,
          const char* fmt, va_list args)
{
    if (!log.enabled(level))
        return;
    char buf[ErrorLog::kMaxMessage + 1];
    const size_t head = std::min(prefix.size(), ErrorLog::kMaxMessage);
    prefix.copy(buf, head);
    const int n = std::vsnprintf(buf + head, sizeof buf - head, fmt, args);
    const size_t body = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof buf - head - 1);
    log.write(level, module, client, std::string_view(buf, head + body));
}

// One whole error-log line, '\n' included, into `line` (cleared first).
void format_error_line(std::string& line, LogLevel level, std::string_view module, std::string_view client,
                       std::string_view message)
{
    line.clear();
    struct timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    line += '[';
    append_error_log_time(line, now);
    line += "] [";
    line += module;
    line += ':';
    line += log_level_name(level);
    line += "] [pid ";
    char pid[16];
    const int n = std::snprintf(pid, sizeof pid, "%d", static_cast<int>(::getpid()));
    line.append(pid, static_cast<size_t>(std::max(n, 0)));
    line += "] ";
    if (!client.empty()) {
        line += "[client ";
        append_log_escaped(line, client, LogEscape::ErrorLog);
        line += "] ";
    }
    append_log_escaped(line, message, LogEscape::ErrorLog);
    line += '\n';
}

} // namespace

void append_error_log_time(std::string& out, const struct timespec& when)
{
    struct tm tm {};
    localtime_r(&when.tv_sec, &tm);
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%.3s %.3s %02d %02d:%02d:%02d.%06ld %d",
                                kDays[tm.tm_wday].data(), kMonthNames[tm.tm_mon].data(), tm.tm_mday,
                                tm.tm_hour, tm.tm_min, tm.tm_sec, when.tv_nsec / 1000,
                                tm.tm_year + 1900);
    out.append(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

bool ErrorLog::open(const std::string& path, std::string* error)
{
    if (!file_.open(path, error))
        return false;
    file_.set_fault_reporter(report_fault);
    return !stderr_redirected_ || redirect_stderr(error);
}

void ErrorLog::use_stderr()
{
    file_.close();
    stderr_redirected_ = false;
}

bool ErrorLog::reopen(std::string* error, bool report_failure)
{
    if (!file_.is_open())
        return true;
    std::string why;
    if (!file_.reopen(&why)) {
        if (report_failure)
            write(LogLevel::Error, "core", {}, "keeping the old error log: " + why);
        if (error)
            *error = why;
        return false;
    }
    if (stderr_redirected_ && !redirect_stderr(error))
        return false;
    return true;
}

bool ErrorLog::redirect_stderr(std::string* error)
{
    if (!file_.is_open())
        return true;
    if (file_.fd() != STDERR_FILENO && ::dup2(file_.fd(), STDERR_FILENO) < 0) {
        char buf[128];
        const std::string why = std::string("cannot redirect stderr to the error log: ") +
                                strerror_r(errno, buf, sizeof buf);
        write(LogLevel::Error, "core", {}, why);
        if (error)
            *error = why;
        return false;
    }
    stderr_redirected_ = true;
    return true;
}

void ErrorLog::write(LogLevel level, std::string_view module, std::string_view client,
                     std::string_view message)
{
    if (!enabled(level))
        return;
    // One buffer per thread, reused: the line is built whole, then written with one write(2).
    thread_local std::string line;
    format_error_line(line, level, module, client, message.substr(0, kMaxMessage));
    if (file_.is_open())
        file_.write_line(line);
    else
        (void)write_fully(STDERR_FILENO, line.data(), line.size()); // nowhere to report to
}

// Runs inside write_line() of the failing file, in whichever process and thread hit the
// fault, so it builds its own line (the caller's thread_local buffer is in use). A failure
// goes to stderr unless stderr is that same file; the recovery goes to the file itself.
// Reported whatever the LogLevel: a fault report is rare and says that lines are missing.
void ErrorLog::report_fault(LogFile& file, LogFault event, int err, uint64_t lost)
{
    std::string line;
    if (event == LogFault::Failing) {
        struct stat log_file {}, standard_error {};
        if (::fstat(file.fd(), &log_file) == 0 && ::fstat(STDERR_FILENO, &standard_error) == 0 &&
            log_file.st_dev == standard_error.st_dev && log_file.st_ino == standard_error.st_ino)
            return;
        char buf[128];
        format_error_line(line, LogLevel::Error, "core", {},
                          "(" + std::to_string(err) + ")" + strerror_r(err, buf, sizeof buf) +
                              ": cannot write to the error log " + file.path() +
                              "; lines are dropped and counted until writing works again");
        (void)write_fully(STDERR_FILENO, line.data(), line.size());
        return;
    }
    format_error_line(line, LogLevel::Warn, "core", {},
                      "writing to the error log " + file.path() + " works again; " + std::to_string(lost) +
                          " line(s) lost");
    file.write_line(line);
}

void report_access_log_fault(LogFile& file, LogFault event, int err, uint64_t lost)
{
    if (event == LogFault::Failing)
        log_errno(LogLevel::Error, "log_config", err,
                  "cannot write to access log %s; lines are dropped and counted until writing works again "
                  "(reported once for the whole server)", file.path().c_str());
    else
        log_error(LogLevel::Warn, "log_config", "writing to access log %s works again; %llu line(s) lost",
                  file.path().c_str(), static_cast<unsigned long long>(lost));
}

ErrorLog& error_log()
{
    // Deliberately leaked: static destructors and atexit handlers may still log.
    static ErrorLog* const log = new ErrorLog;
    return *log;
}

void log_error(LogLevel level, const char* module, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vlog(error_log(), level, module, {}, {}, fmt, args);
    va_end(args);
}

void log_client_error(LogLevel level, const char* module, std::string_view client, const char* fmt,
                      ...)
{
    va_list args;
    va_start(args, fmt);
    vlog(error_log(), level, module, client, {}, fmt, args);
    va_end(args);
}

void log_client_error_to(ErrorLog& log, LogLevel level, const char* module, std::string_view client,
                         const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vlog(log, level, module, client, {}, fmt, args);
    va_end(args);
}

void log_errno(LogLevel level, const char* module, int err, const char* fmt, ...)
{
    if (!error_log().enabled(level))
        return;
    char text[160];
    char buf[128];
    const int n =
        std::snprintf(text, sizeof text, "(%d)%s: ", err, strerror_r(err, buf, sizeof buf));
    const size_t prefix = static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof text) - 1));
    va_list args;
    va_start(args, fmt);
    vlog(error_log(), level, module, {}, std::string_view(text, prefix), fmt, args);
    va_end(args);
}

} // namespace mpmd
