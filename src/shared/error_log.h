// ErrorLog: the server's one error log, with lines shaped like Apache httpd 2.4's
//   [Wed Nov 25 21:32:13.123456 2026] [core:error] [pid 42] [client 192.0.2.7:51234] message
// so existing tools read it; plus the printf-style helpers the rest of the code calls.
// Runs in: both. The master opens the file; children inherit the descriptor through fork(2)
// and write to the same O_APPEND file, one write(2) per line (see log_file.h).
// Before the file is open, or when told to, lines go to stderr.
// A failing file (full disk...) loses lines without slowing anyone; the recovery is written
// to the file itself with the count lost (see log_file.h), the failure to stderr when stderr
// is not that same file. Access-log faults are reported here (report_access_log_fault).
// Leans on: dup2(2), clock_gettime(2), localtime_r(3), strerror_r(3), vsnprintf(3).
#ifndef MPMD_SHARED_ERROR_LOG_H
#define MPMD_SHARED_ERROR_LOG_H

#include "shared/log_file.h"
#include "shared/log_level.h"

#include <atomic>
#include <ctime>
#include <string>
#include <string_view>

namespace mpmd {

class ErrorLog {
public:
    // Longest message kept, in bytes before escaping (httpd's MAX_STRING_LEN); longer ones
    // are cut. Lines go down whole on a regular file whatever their size; on a pipe (stderr
    // under a supervisor) only lines up to PIPE_BUF (4096) bytes are atomic.
    static constexpr size_t kMaxMessage = 8192;

    // Sends lines to `path` from now on (created 0640 if missing). An open file keeps its
    // descriptor number (see LogFile::open), and fd 2 follows if redirect_stderr() was used.
    // On failure lines keep going where they went.
    bool open(const std::string& path, std::string* error);
    // Sends lines to stderr deliberately: closes the file if one was open, which is also the
    // state before open(). The level is unchanged.
    void use_stderr();

    void set_level(LogLevel level)
    {
        level_.store(static_cast<int>(level), std::memory_order_relaxed);
    }
    LogLevel level() const { return static_cast<LogLevel>(level_.load(std::memory_order_relaxed)); }
    // True when a line of `level` would be written (level at least as severe as level()).
    bool enabled(LogLevel level) const
    {
        return static_cast<int>(level) <= level_.load(std::memory_order_relaxed);
    }

    // Opens the same path anew (HUP/USR1, after logrotate renamed it) and re-points fd 2 if
    // redirect_stderr() was used. On failure the old file stays in use, the failure is
    // written to it (core:error) unless !report_failure, and *error says why. Without a
    // file: nothing to do, true.
    bool reopen(std::string* error, bool report_failure = true);

    // dup2(2)s the log file onto fd 2, so stray output of libraries lands in the log, as
    // httpd does; kept across reopen(). Without a file (stderr in use): nothing to do, true.
    bool redirect_stderr(std::string* error);

    // The descriptor lines go to: the file's, or 2 (STDERR_FILENO).
    int fd() const { return file_.is_open() ? file_.fd() : 2; }
    bool is_file() const { return file_.is_open(); }
    const std::string& path() const { return file_.path(); }
    // The file behind the log (closed while lines go to stderr).
    const LogFile& file() const { return file_; }
    // See LogFile::share_fault_state (master, before the first fork).
    void share_fault_state(uint64_t* word, uint64_t* lost_total)
    {
        file_.share_fault_state(word, lost_total);
    }

    // Writes one line if enabled(level). `module` is httpd's module name ("core",
    // "mpm_prefork", ...); `client` ("ADDR:PORT") adds "[client ...]" unless empty.
    // The message is escaped like httpd's error log (control bytes as \n, \xhh; no quotes
    // escaped), so a client cannot split or forge a line. Safe from several threads.
    void write(LogLevel level, std::string_view module, std::string_view client,
               std::string_view message);

private:
    static void report_fault(LogFile& file, LogFault event, int err, uint64_t lost);

    LogFile file_;
    std::atomic<int> level_{static_cast<int>(LogLevel::Warn)}; // httpd's default LogLevel
    bool stderr_redirected_ = false;
};

// "Wed Nov 25 21:32:13.123456 2026": httpd 2.4's error-log time (ap_recent_ctime with
// microseconds) in local time; unlike ctime(3) the day of the month is zero-padded, as httpd does.
void append_error_log_time(std::string& out, const struct timespec& when);

// The reporter of access-log faults (LogFile::set_fault_reporter): one line in the error log
// when an episode starts (with errno) and one when writing works again (with the count).
void report_access_log_fault(LogFile& file, LogFault event, int err, uint64_t lost);

// The process-wide error log. Never destroyed, so code running at exit can still log.
ErrorLog& error_log();

// printf-style lines to error_log(); formatting is skipped when the level is filtered out.
// Never pass request data as fmt: use "%s" and the data as an argument.
void log_error(LogLevel level, const char* module, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
// As log_error with "[client ADDR:PORT]" before the message.
void log_client_error(LogLevel level, const char* module, std::string_view client, const char* fmt,
                      ...) __attribute__((format(printf, 4, 5)));
// As log_client_error, to `log` (a vhost's own ErrorLog, ServerRuntime::error_log_for).
void log_client_error_to(ErrorLog& log, LogLevel level, const char* module, std::string_view client,
                         const char* fmt, ...) __attribute__((format(printf, 5, 6)));
// As log_error with httpd's errno prefix: "(2)No such file or directory: " + message.
void log_errno(LogLevel level, const char* module, int err, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

} // namespace mpmd

#endif
