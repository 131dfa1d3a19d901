// Tests for LogWatch: a removed access log and a replaced error log are reopened under their
// names on the second check in a row (not the first: logrotate's window), each reported with
// one line; a log whose directory is gone is reported once, tried at every check, and
// reopened once the directory is back; a healthy file is left alone.
#include "master/log_watch.h"

#include "log_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {
namespace {

using test::read_lines;

// Sends the process-wide error log (where LogWatch reports) to a file for one test.
class ReportsToFile {
public:
    explicit ReportsToFile(const std::string& path) { test::must_open(error_log(), path); }
    ~ReportsToFile() { error_log().use_stderr(); }
    ReportsToFile(const ReportsToFile&) = delete;
    ReportsToFile& operator=(const ReportsToFile&) = delete;
};

bool contains(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

} // namespace

class LogWatchTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LogWatchTest);
    CPPUNIT_TEST(testHealthyFilesLeftAlone);
    CPPUNIT_TEST(testRemovedAccessLogReopenedOnSecondCheck);
    CPPUNIT_TEST(testReplacedErrorLogReopened);
    CPPUNIT_TEST(testFailedReopenReportedOnceAndRetried);
    CPPUNIT_TEST_SUITE_END();

public:
    void testHealthyFilesLeftAlone()
    {
        test::TempDir dir;
        ReportsToFile reports(dir.file("reports"));
        LogFileCache logs;
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, logs.get(dir.file("access_log"), &error) != nullptr);
        ErrorLog watched;
        LogWatch watch;
        CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched)); // the error log on stderr: skipped
        test::must_open(watched, dir.file("error_log"));
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched));
        CPPUNIT_ASSERT(read_lines(dir.file("reports")).empty());
    }

    void testRemovedAccessLogReopenedOnSecondCheck()
    {
        test::TempDir dir;
        ReportsToFile reports(dir.file("reports"));
        LogFileCache logs;
        std::string error;
        const std::string path = dir.file("access_log");
        const std::shared_ptr<LogFile> file = logs.get(path, &error);
        CPPUNIT_ASSERT_MESSAGE(error, file != nullptr);
        const int fd = file->fd();
        ErrorLog watched;
        LogWatch watch;
        CPPUNIT_ASSERT_EQUAL(0, ::unlink(path.c_str()));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched));
        CPPUNIT_ASSERT_MESSAGE("not reopened on the first check", ::access(path.c_str(), F_OK) != 0);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, watch.check(logs, watched));
        CPPUNIT_ASSERT(file->path_state() == LogPathState::Same);
        CPPUNIT_ASSERT_EQUAL(fd, file->fd()); // the same number, now the new file
        CPPUNIT_ASSERT(file->write_line("after\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("after\n"), test::read_file(path));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched));
        const std::vector<std::string> lines = read_lines(dir.file("reports"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], contains(lines[0], "[core:error]") &&
                                             contains(lines[0], "access log " + path + " was removed while in use") &&
                                             contains(lines[0], "logging resumes in a new file under that name"));
    }

    void testReplacedErrorLogReopened()
    {
        test::TempDir dir;
        ReportsToFile reports(dir.file("reports"));
        LogFileCache logs;
        ErrorLog watched;
        const std::string path = dir.file("error_log");
        test::must_open(watched, path);
        LogWatch watch;
        CPPUNIT_ASSERT_EQUAL(0, ::rename(path.c_str(), dir.file("error_log.old").c_str()));
        LogFile stranger;
        test::must_open(stranger, path);   // another file now has the name
        CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, watch.check(logs, watched));
        watched.write(LogLevel::Error, "core", {}, "into the file at the path");
        CPPUNIT_ASSERT(stranger.write_line("stranger\n"));
        const std::vector<std::string> lines = read_lines(path);
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT(contains(lines[0], "into the file at the path"));
        CPPUNIT_ASSERT_EQUAL(std::string("stranger"), lines[1]);
        const std::vector<std::string> reported = read_lines(dir.file("reports"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, reported.size());
        CPPUNIT_ASSERT_MESSAGE(reported[0], contains(reported[0], "error log " + path +
                                                                      " was renamed away and replaced by another file"));
    }

    void testFailedReopenReportedOnceAndRetried()
    {
        test::TempDir dir;
        ReportsToFile reports(dir.file("reports"));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir(dir.file("logs").c_str(), 0700));
        LogFileCache logs;
        std::string error;
        const std::string path = dir.file("logs/access_log");
        const std::shared_ptr<LogFile> file = logs.get(path, &error);
        CPPUNIT_ASSERT_MESSAGE(error, file != nullptr);
        ErrorLog watched;
        LogWatch watch;
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("logs").c_str(), dir.file("gone").c_str()));
        for (int i = 0; i < 4; ++i)
            CPPUNIT_ASSERT_EQUAL(size_t{0}, watch.check(logs, watched));
        std::vector<std::string> lines = read_lines(dir.file("reports"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[0], contains(lines[0], "a new one cannot be opened") &&
                                             contains(lines[0], "No such file or directory"));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir(dir.file("logs").c_str(), 0700));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, watch.check(logs, watched));
        CPPUNIT_ASSERT(file->path_state() == LogPathState::Same);
        lines = read_lines(dir.file("reports"));
        CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
        CPPUNIT_ASSERT_MESSAGE(lines[1], contains(lines[1], "logging resumes in a new file"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogWatchTest);

} // namespace mpmd
