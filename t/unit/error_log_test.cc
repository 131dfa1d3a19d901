// Tests for ErrorLog and the log_* helpers: the Apache 2.4 line shape (regex on the written
// file), level filtering, the errno prefix, escaping, reopen after rename and after a failed
// open, the stderr fallback and the deliberate stderr, redirect_stderr(), and how faults are
// reported: the error log's own (stderr, then a recovery line in the file) and an access
// log's (two lines in the error log).
#include "shared/error_log.h"

#include "log_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <cstdio>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {
namespace {

using test::read_file;
using test::read_lines;

// The length of "[Wed Nov 25 21:32:13.123456 2026] [module:level] [pid N] " (this process's
// pid) at the start of line, or 0 when the line does not start that way. Hand-written rather
// than std::regex, which g++ 12 -O2 -Werror rejects (false maybe-uninitialized warnings).
size_t line_head(const std::string& line, const std::string& module, const std::string& level)
{
    constexpr std::string_view kShape = "[Aaa Aaa 99 99:99:99.999999 9999] ";
    if (line.size() < kShape.size())
        return 0;
    for (size_t i = 0; i < kShape.size(); ++i) {
        const char c = line[i];
        const bool ok = kShape[i] == '9'   ? c >= '0' && c <= '9'
                        : kShape[i] == 'A' ? c >= 'A' && c <= 'Z'
                        : kShape[i] == 'a' ? c >= 'a' && c <= 'z'
                                           : c == kShape[i];
        if (!ok)
            return 0;
    }
    auto one_of = [](std::string_view names, std::string_view name) {
        const size_t at = names.find(name);
        return at != std::string_view::npos && at % 3 == 0;
    };
    if (!one_of("SunMonTueWedThuFriSat", line.substr(1, 3)) ||
        !one_of("JanFebMarAprMayJunJulAugSepOctNovDec", line.substr(5, 3)))
        return 0;
    const std::string rest = "[" + module + ":" + level + "] [pid " + std::to_string(::getpid()) + "] ";
    return line.compare(kShape.size(), rest.size(), rest) == 0 ? kShape.size() + rest.size() : 0;
}

// The line is the head for module and level followed by exactly `message`.
bool line_is(const std::string& line, const std::string& module, const std::string& level,
             const std::string& message)
{
    const size_t head = line_head(line, module, level);
    return head != 0 && line.substr(head) == message;
}

// Points the process-wide error log at a file for one test, and back at stderr afterwards.
class GlobalLogToFile {
public:
    explicit GlobalLogToFile(const std::string& path)
    {
        test::must_open(error_log(), path);
        saved_level_ = error_log().level();
    }
    ~GlobalLogToFile()
    {
        error_log().use_stderr();
        error_log().set_level(saved_level_);
    }
    GlobalLogToFile(const GlobalLogToFile&) = delete;
    GlobalLogToFile& operator=(const GlobalLogToFile&) = delete;

private:
    LogLevel saved_level_ = LogLevel::Warn;
};

} // namespace

class ErrorLogTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ErrorLogTest);
    CPPUNIT_TEST(testLineShape);
    CPPUNIT_TEST(testTimeFormat);
    CPPUNIT_TEST(testLevelFiltering);
    CPPUNIT_TEST(testHelpersAndErrnoPrefix);
    CPPUNIT_TEST(testMessageEscapedAndCut);
    CPPUNIT_TEST(testReopenAfterRename);
    CPPUNIT_TEST(testReopenFailureKeepsOldFile);
    CPPUNIT_TEST(testStderrFallbackAndDeliberateStderr);
    CPPUNIT_TEST(testRedirectStderr);
    CPPUNIT_TEST(testOwnFaultReportedOnStderrAndRecoveryInTheFile);
    CPPUNIT_TEST(testAccessLogFaultReportedInTheErrorLog);
    CPPUNIT_TEST_SUITE_END();

public:
    void testLineShape()
    {
        test::TempDir dir;
        ErrorLog log;
        test::must_open(log, dir.file("error_log"));
        CPPUNIT_ASSERT(log.is_file());
        CPPUNIT_ASSERT_EQUAL(dir.file("error_log"), log.path());
        log.write(LogLevel::Error, "core", {}, "File does not exist: /srv/x");
        log.write(LogLevel::Crit, "mpm_prefork", "192.0.2.7:51234", "child crashed");
        const std::vector<std::string> lines = read_lines(dir.file("error_log"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], line_is(lines[0], "core", "error", "File does not exist: /srv/x"));
        CPPUNIT_ASSERT_MESSAGE(lines[1], line_is(lines[1], "mpm_prefork", "crit",
                                                 "[client 192.0.2.7:51234] child crashed"));
    }

    void testTimeFormat()
    {
        test::ScopedTimeZone tz("MST7");
        std::string out;
        append_error_log_time(out, {970733347, 42999}); // 2000-10-05 08:09:07 UTC
        CPPUNIT_ASSERT_EQUAL(std::string("Thu Oct 05 01:09:07.000042 2000"), out);
    }

    void testLevelFiltering()
    {
        test::TempDir dir;
        ErrorLog log;
        test::must_open(log, dir.file("log"));
        CPPUNIT_ASSERT(log.level() == LogLevel::Warn); // httpd's default
        CPPUNIT_ASSERT(log.enabled(LogLevel::Emerg));
        CPPUNIT_ASSERT(log.enabled(LogLevel::Warn));
        CPPUNIT_ASSERT(!log.enabled(LogLevel::Notice));
        const LogLevel all[] = {LogLevel::Emerg, LogLevel::Alert, LogLevel::Crit, LogLevel::Error,
                                LogLevel::Warn,  LogLevel::Notice, LogLevel::Info, LogLevel::Debug};
        for (LogLevel level : all)
            log.write(level, "core", {}, std::string(log_level_name(level)));
        log.set_level(LogLevel::Debug);
        log.write(LogLevel::Debug, "core", {}, "now debug");
        log.set_level(LogLevel::Emerg);
        log.write(LogLevel::Alert, "core", {}, "filtered");
        const std::vector<std::string> lines = read_lines(dir.file("log"));
        const char* expected[][2] = {{"emerg", "emerg"}, {"alert", "alert"}, {"crit", "crit"},
                                     {"error", "error"}, {"warn", "warn"},   {"debug", "now debug"}};
        CPPUNIT_ASSERT_EQUAL(std::size(expected), lines.size());
        for (size_t i = 0; i < lines.size(); ++i)
            CPPUNIT_ASSERT_MESSAGE(lines[i], line_is(lines[i], "core", expected[i][0], expected[i][1]));
    }

    void testHelpersAndErrnoPrefix()
    {
        test::TempDir dir;
        GlobalLogToFile global(dir.file("log"));
        error_log().set_level(LogLevel::Info);
        log_errno(LogLevel::Error, "core", ENOENT, "cannot open %s", "/etc/mpmd/missing.conf");
        log_error(LogLevel::Notice, "mpm_prefork", "%d children, generation %u", 5, 3u);
        log_client_error(LogLevel::Info, "core", "[2001:db8::1]:443", "request %s", "timed out");
        log_error(LogLevel::Debug, "core", "%s", "filtered");
        log_errno(LogLevel::Debug, "core", EACCES, "%s", "filtered");
        const std::vector<std::string> lines = read_lines(dir.file("log"));
        CPPUNIT_ASSERT_EQUAL(size_t{3}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], line_is(lines[0], "core", "error",
                                                 "(2)No such file or directory: cannot open /etc/mpmd/missing.conf"));
        CPPUNIT_ASSERT_MESSAGE(lines[1], line_is(lines[1], "mpm_prefork", "notice", "5 children, generation 3"));
        CPPUNIT_ASSERT_MESSAGE(lines[2], line_is(lines[2], "core", "info",
                                                 "[client [2001:db8::1]:443] request timed out"));
    }

    void testMessageEscapedAndCut()
    {
        test::TempDir dir;
        ErrorLog log;
        test::must_open(log, dir.file("log"));
        log.write(LogLevel::Error, "core", {}, "bad \"URI\" /a\\b\n[Wed Nov 25] [core:emerg] forged\x01");
        log.write(LogLevel::Error, "core", {}, std::string(ErrorLog::kMaxMessage + 100, 'm'));
        const std::vector<std::string> lines = read_lines(dir.file("log"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], line_is(lines[0], "core", "error",
                                                 R"(bad "URI" /a\\b\n[Wed Nov 25] [core:emerg] forged\x01)"));
        CPPUNIT_ASSERT_MESSAGE(lines[1].substr(0, 80), line_is(lines[1], "core", "error",
                                                                std::string(ErrorLog::kMaxMessage, 'm')));
    }

    void testReopenAfterRename()
    {
        test::TempDir dir;
        ErrorLog log;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE("nothing to reopen yet", log.reopen(&error));
        test::must_open(log, dir.file("error_log"));
        log.write(LogLevel::Error, "core", {}, "first");
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("error_log").c_str(), dir.file("error_log.1").c_str()));
        CPPUNIT_ASSERT_MESSAGE(error, log.reopen(&error));
        log.write(LogLevel::Error, "core", {}, "second");
        const std::vector<std::string> old_lines = read_lines(dir.file("error_log.1"));
        const std::vector<std::string> new_lines = read_lines(dir.file("error_log"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, old_lines.size());
        CPPUNIT_ASSERT_EQUAL(size_t{1}, new_lines.size());
        CPPUNIT_ASSERT(line_is(old_lines[0], "core", "error", "first"));
        CPPUNIT_ASSERT(line_is(new_lines[0], "core", "error", "second"));
    }

    void testReopenFailureKeepsOldFile()
    {
        test::TempDir dir;
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir(dir.file("logs").c_str(), 0700));
        ErrorLog log;
        test::must_open(log, dir.file("logs/error_log"));
        std::string error;
        // The directory disappears: the path cannot be opened anew, the old file still works.
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("logs").c_str(), dir.file("old").c_str()));
        CPPUNIT_ASSERT(!log.reopen(&error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("No such file or directory") != std::string::npos);
        log.write(LogLevel::Error, "core", {}, "still here");
        const std::vector<std::string> lines = read_lines(dir.file("old/error_log"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], line_is(lines[0], "core", "error",
                                                 "keeping the old error log: cannot open log file " +
                                                     dir.file("logs/error_log") + ": No such file or directory"));
        CPPUNIT_ASSERT(line_is(lines[1], "core", "error", "still here"));
    }

    void testStderrFallbackAndDeliberateStderr()
    {
        test::TempDir dir;
        test::StderrCapture capture(dir.file("stderr"));
        ErrorLog log;
        CPPUNIT_ASSERT_EQUAL(2, log.fd());
        CPPUNIT_ASSERT(!log.is_file());
        log.write(LogLevel::Emerg, "core", {}, "before open");
        test::must_open(log, dir.file("log"));
        CPPUNIT_ASSERT(log.fd() != 2);
        log.write(LogLevel::Emerg, "core", {}, "in the file");
        log.use_stderr();
        CPPUNIT_ASSERT_EQUAL(2, log.fd());
        CPPUNIT_ASSERT_MESSAGE("no file to reopen", log.reopen(nullptr));
        log.write(LogLevel::Emerg, "core", {}, "deliberately on stderr");
        capture.restore();
        const std::vector<std::string> captured = read_lines(dir.file("stderr"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, captured.size());
        CPPUNIT_ASSERT(line_is(captured[0], "core", "emerg", "before open"));
        CPPUNIT_ASSERT(line_is(captured[1], "core", "emerg", "deliberately on stderr"));
        const std::vector<std::string> in_file = read_lines(dir.file("log"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, in_file.size());
        CPPUNIT_ASSERT(line_is(in_file[0], "core", "emerg", "in the file"));
    }

    void testRedirectStderr()
    {
        test::TempDir dir;
        test::StderrCapture capture(dir.file("stderr")); // puts the real fd 2 back at the end
        ErrorLog log;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE("nothing to redirect to", log.redirect_stderr(&error));
        test::must_open(log, dir.file("log"));
        CPPUNIT_ASSERT_MESSAGE(error, log.redirect_stderr(&error));
        std::fputs("stray library output\n", stderr);
        std::fflush(stderr);
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("log").c_str(), dir.file("log.1").c_str()));
        CPPUNIT_ASSERT_MESSAGE(error, log.reopen(&error));
        CPPUNIT_ASSERT(::write(STDERR_FILENO, "after reopen\n", 13) == 13);
        capture.restore();
        CPPUNIT_ASSERT_EQUAL(std::string("stray library output\n"), read_file(dir.file("log.1")));
        CPPUNIT_ASSERT_EQUAL(std::string("after reopen\n"), read_file(dir.file("log")));
        CPPUNIT_ASSERT_EQUAL(std::string(), read_file(dir.file("stderr")));
    }

    void testOwnFaultReportedOnStderrAndRecoveryInTheFile()
    {
        test::TempDir dir;
        test::StderrCapture capture(dir.file("stderr"));
        ErrorLog log;
        test::must_open(log, "/dev/full"); // every write fails with ENOSPC
        for (int i = 0; i < 3; ++i)
            log.write(LogLevel::Error, "core", {}, "lost");
        test::must_open(log, dir.file("log")); // the disk "recovers" under the same descriptor
        log.write(LogLevel::Error, "core", {}, "back");
        capture.restore();
        const std::vector<std::string> reported = read_lines(dir.file("stderr"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, reported.size());
        CPPUNIT_ASSERT_MESSAGE(reported[0], line_is(reported[0], "core", "error",
                                                    "(28)No space left on device: cannot write to the error log "
                                                    "/dev/full; lines are dropped and counted until writing works "
                                                    "again"));
        const std::vector<std::string> lines = read_lines(dir.file("log"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT(line_is(lines[0], "core", "error", "back"));
        CPPUNIT_ASSERT_MESSAGE(lines[1], line_is(lines[1], "core", "warn",
                                                 "writing to the error log " + dir.file("log") +
                                                     " works again; 3 line(s) lost"));
    }

    void testAccessLogFaultReportedInTheErrorLog()
    {
        test::TempDir dir;
        GlobalLogToFile global(dir.file("error_log"));
        LogFile access;
        test::must_open(access, "/dev/full");
        access.set_fault_reporter(report_access_log_fault);
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT(!access.write_line("lost\n"));
        test::must_open(access, dir.file("access_log"));
        CPPUNIT_ASSERT(access.write_line("kept\n"));
        CPPUNIT_ASSERT(access.write_line("kept\n"));
        const std::vector<std::string> lines = read_lines(dir.file("error_log"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], line_is(lines[0], "log_config", "error",
                                                 "(28)No space left on device: cannot write to access log "
                                                 "/dev/full; lines are dropped and counted until writing works "
                                                 "again (reported once for the whole server)"));
        CPPUNIT_ASSERT_MESSAGE(lines[1], line_is(lines[1], "log_config", "warn",
                                                 "writing to access log " + dir.file("access_log") +
                                                     " works again; 5 line(s) lost"));
        CPPUNIT_ASSERT_EQUAL(std::string("kept\nkept\n"), read_file(dir.file("access_log")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ErrorLogTest);

} // namespace mpmd
