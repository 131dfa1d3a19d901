// Tests for LogFile: mode and flags, one write(2) per line (counted in /proc/self/io),
// two processes appending 2,000 lines each without tearing or losing one, reopen after a
// rename, a failed open keeping the old file, a failing disk reported once (also across two
// processes sharing the fault word), a torn line mended by the next write, and path_state().
#include "shared/log_file.h"

#include "log_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mpmd {
namespace {

using test::read_file;
using test::read_lines;

// The number of write-type system calls this process has made (Linux task I/O accounting).
long write_syscalls()
{
    const std::string io = read_file("/proc/self/io");
    const size_t at = io.find("syscw: ");
    CPPUNIT_ASSERT_MESSAGE("/proc/self/io has syscw", at != std::string::npos);
    return std::atol(io.c_str() + at + 7);
}

// "<writer> <seq> <payload> <payload length>\n"; the payload's length varies from a few bytes
// to past PIPE_BUF, so a torn or interleaved line cannot pass check_line().
std::string make_line(char writer, int seq)
{
    const size_t payload = static_cast<size_t>((seq * 37) % 6000);
    return std::string(1, writer) + " " + std::to_string(seq) + " " + std::string(payload, writer) +
           " " + std::to_string(payload) + "\n";
}

// A line as read back (without '\n') is whole when it is exactly what make_line wrote.
bool check_line(const std::string& line, char* writer, int* seq)
{
    return std::sscanf(line.c_str(), "%c %d", writer, seq) == 2 && make_line(*writer, *seq) == line + "\n";
}

} // namespace

class LogFileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LogFileTest);
    CPPUNIT_TEST(testOpenCreatesAppendOnlyFile);
    CPPUNIT_TEST(testOneWritePerLine);
    CPPUNIT_TEST(testTwoProcessesKeepWholeLines);
    CPPUNIT_TEST(testReopenAfterRename);
    CPPUNIT_TEST(testFailedOpenKeepsOldFile);
    CPPUNIT_TEST(testWriteFailureReportedOnce);
    CPPUNIT_TEST(testSharedFaultReportedOnceForTwoProcesses);
    CPPUNIT_TEST(testTornLineEndedByNextWrite);
    CPPUNIT_TEST(testPathState);
    CPPUNIT_TEST_SUITE_END();

public:
    void testOpenCreatesAppendOnlyFile()
    {
        test::TempDir dir;
        const std::string path = dir.file("access_log");
        const mode_t old_mask = ::umask(022);
        LogFile log;
        std::string error;
        const bool opened = log.open(path, &error);
        ::umask(old_mask);
        CPPUNIT_ASSERT_MESSAGE(error, opened);
        CPPUNIT_ASSERT(log.is_open());
        CPPUNIT_ASSERT_EQUAL(path, log.path());
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(path.c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0640u, static_cast<unsigned>(st.st_mode & 07777));
        const int flags = ::fcntl(log.fd(), F_GETFL);
        CPPUNIT_ASSERT(flags & O_APPEND);
        CPPUNIT_ASSERT_EQUAL(O_WRONLY, flags & O_ACCMODE);
        CPPUNIT_ASSERT(::fcntl(log.fd(), F_GETFD) & FD_CLOEXEC);

        // An existing file is appended to, never truncated.
        CPPUNIT_ASSERT(log.write_line("one\n"));
        log.close();
        CPPUNIT_ASSERT(!log.is_open());
        CPPUNIT_ASSERT(!log.write_line("lost\n"));
        CPPUNIT_ASSERT(log.open(path, &error));
        CPPUNIT_ASSERT(log.write_line("two\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("one\ntwo\n"), read_file(path));
    }

    void testOneWritePerLine()
    {
        test::TempDir dir;
        LogFile log;
        test::must_open(log, dir.file("log"));
        const std::string big = std::string(256 * 1024, 'x') + "\n";
        const long before = write_syscalls();
        for (int i = 0; i < 100; ++i)
            CPPUNIT_ASSERT(log.write_line(i % 10 == 0 ? big : make_line('a', i)));
        const long after = write_syscalls();
        CPPUNIT_ASSERT_EQUAL(100L, after - before);
        CPPUNIT_ASSERT_EQUAL(size_t{100}, read_lines(dir.file("log")).size());
    }

    void testTwoProcessesKeepWholeLines()
    {
        test::TempDir dir;
        const std::string path = dir.file("shared_log");
        LogFile log;
        test::must_open(log, path);
        constexpr int kLines = 2000;

        const pid_t child = ::fork();
        CPPUNIT_ASSERT(child >= 0);
        const char writer = child == 0 ? 'c' : 'p';
        bool all_written = true;
        for (int i = 0; i < kLines; ++i)
            all_written = log.write_line(make_line(writer, i)) && all_written;
        if (child == 0)
            ::_exit(all_written ? 0 : 1);
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(child, ::waitpid(child, &status, 0));
        CPPUNIT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CPPUNIT_ASSERT(all_written);

        const std::vector<std::string> lines = read_lines(path);
        CPPUNIT_ASSERT_EQUAL(size_t{2 * kLines}, lines.size());
        int next[2] = {0, 0}; // each writer's lines appear whole and in its own order
        for (const std::string& line : lines) {
            char who = 0;
            int seq = -1;
            CPPUNIT_ASSERT_MESSAGE(line.substr(0, 60), check_line(line, &who, &seq));
            int& expected = next[who == 'c' ? 1 : 0];
            CPPUNIT_ASSERT_EQUAL(expected, seq);
            ++expected;
        }
        CPPUNIT_ASSERT_EQUAL(kLines, next[0]);
        CPPUNIT_ASSERT_EQUAL(kLines, next[1]);
    }

    void testReopenAfterRename()
    {
        test::TempDir dir;
        const std::string path = dir.file("log");
        LogFile log;
        std::string error;
        CPPUNIT_ASSERT(!log.reopen(&error));
        CPPUNIT_ASSERT(!error.empty());
        test::must_open(log, path);
        const int fd = log.fd();
        CPPUNIT_ASSERT(log.write_line("before\n"));
        CPPUNIT_ASSERT_EQUAL(0, ::rename(path.c_str(), dir.file("log.1").c_str()));
        CPPUNIT_ASSERT(log.write_line("still old\n"));
        CPPUNIT_ASSERT_MESSAGE(error, log.reopen(&error));
        CPPUNIT_ASSERT_EQUAL(fd, log.fd()); // same number, new file
        CPPUNIT_ASSERT(::fcntl(log.fd(), F_GETFD) & FD_CLOEXEC);
        CPPUNIT_ASSERT(log.write_line("after\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("before\nstill old\n"), read_file(dir.file("log.1")));
        CPPUNIT_ASSERT_EQUAL(std::string("after\n"), read_file(path));
    }

    void testFailedOpenKeepsOldFile()
    {
        test::TempDir dir;
        LogFile log;
        test::must_open(log, dir.file("log"));
        std::string error;
        const std::string bad = dir.file("missing/log");
        CPPUNIT_ASSERT(!log.open(bad, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find(bad) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("No such file or directory") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(dir.file("log"), log.path());
        CPPUNIT_ASSERT(log.write_line("kept\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("kept\n"), read_file(dir.file("log")));
    }

    void testWriteFailureReportedOnce()
    {
        test::TempDir dir;
        LogFile log;
        test::must_open(log, "/dev/full"); // every write fails with ENOSPC
        std::string error;
        {
            test::StderrCapture capture(dir.file("stderr"));
            for (int i = 0; i < 3; ++i)
                CPPUNIT_ASSERT(!log.write_line("dropped\n"));
            CPPUNIT_ASSERT_EQUAL(uint64_t{3}, log.lost_lines());
            // The disk "recovers": the same descriptor now points at a working file.
            CPPUNIT_ASSERT_MESSAGE(error, log.open(dir.file("log"), &error));
            CPPUNIT_ASSERT(log.write_line("written\n"));
            CPPUNIT_ASSERT(log.write_line("written\n"));
            capture.restore();
            const std::vector<std::string> report = read_lines(dir.file("stderr"));
            CPPUNIT_ASSERT_EQUAL(size_t{2}, report.size());
            CPPUNIT_ASSERT_MESSAGE(report[0], report[0].find("/dev/full: No space left on device") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(report[1], report[1].find("3 line(s) lost") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(uint64_t{0}, log.lost_lines());
        CPPUNIT_ASSERT(!log.failing());
        CPPUNIT_ASSERT_EQUAL(std::string("written\nwritten\n"), read_file(dir.file("log")));
    }

    // Two processes fail on the same shared word: one report of the failure, and one of the
    // recovery with every line either lost.
    void testSharedFaultReportedOnceForTwoProcesses()
    {
        test::TempDir dir;
        void* shared = ::mmap(nullptr, 2 * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                              -1, 0);
        CPPUNIT_ASSERT(shared != MAP_FAILED);
        auto* word = static_cast<uint64_t*>(shared);
        uint64_t* lost_total = word + 1;
        *word = *lost_total = 0;
        LogFile log;
        test::must_open(log, "/dev/full");
        log.share_fault_state(word, lost_total);
        constexpr int kLines = 500;
        std::string error;
        {
            test::StderrCapture capture(dir.file("stderr"));
            const pid_t child = ::fork();
            CPPUNIT_ASSERT(child >= 0);
            int failed = 0;
            for (int i = 0; i < kLines; ++i)
                failed += log.write_line(make_line(child == 0 ? 'c' : 'p', i)) ? 0 : 1;
            if (child == 0)
                ::_exit(failed == kLines ? 0 : 1);
            int status = 0;
            CPPUNIT_ASSERT_EQUAL(child, ::waitpid(child, &status, 0));
            CPPUNIT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            CPPUNIT_ASSERT_EQUAL(kLines, failed);
            CPPUNIT_ASSERT(log.failing());
            CPPUNIT_ASSERT_EQUAL(uint64_t{2 * kLines}, log.lost_lines());
            CPPUNIT_ASSERT_MESSAGE(error, log.open(dir.file("log"), &error));
            CPPUNIT_ASSERT(log.write_line("back\n"));
            capture.restore();
            const std::vector<std::string> report = read_lines(dir.file("stderr"));
            CPPUNIT_ASSERT_EQUAL(size_t{2}, report.size());
            CPPUNIT_ASSERT_MESSAGE(report[0], report[0].find("No space left on device") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(report[1], report[1].find("1000 line(s) lost") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(uint64_t{0}, *word);
        // The episode is over; the total of lines lost stays, both processes' lines in it.
        CPPUNIT_ASSERT_EQUAL(uint64_t{2 * kLines}, *lost_total);
        CPPUNIT_ASSERT_EQUAL(uint64_t{2 * kLines}, log.lost_lines_total());
        CPPUNIT_ASSERT_EQUAL(std::string("back\n"), read_file(dir.file("log")));
        ::munmap(shared, 2 * sizeof(uint64_t));
    }

    // A write cut short by RLIMIT_FSIZE (EFBIG, SIGXFSZ ignored) leaves a fragment; the next
    // write that works starts with '\n', so the fragment does not swallow a whole line.
    // Runs in a child: the limit would also cut the test runner's own output.
    void testTornLineEndedByNextWrite()
    {
        test::TempDir dir;
        const std::string path = dir.file("log");
        const pid_t child = ::fork();
        CPPUNIT_ASSERT(child >= 0);
        if (child == 0) {
            std::signal(SIGXFSZ, SIG_IGN);
            struct rlimit limit {};
            ::getrlimit(RLIMIT_FSIZE, &limit);
            const struct rlimit small = {10, limit.rlim_max};
            LogFile log;
            log.set_fault_reporter([](LogFile&, LogFault, int, uint64_t) {}); // checked by the counts
            bool ok = log.open(path, nullptr) && ::setrlimit(RLIMIT_FSIZE, &small) == 0;
            ok = ok && !log.write_line("0123456789abcdef\n") && log.lost_lines() == 1;
            ok = ok && !log.write_line("too far\n") && log.lost_lines() == 2;
            ok = ok && ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
            ok = ok && log.write_line("whole\n") && !log.failing() && log.write_line("next\n");
            ::_exit(ok ? 0 : 1);
        }
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(child, ::waitpid(child, &status, 0));
        CPPUNIT_ASSERT_MESSAGE("the writes in the child went as expected", WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("0123456789\nwhole\nnext\n"), read_file(path));
    }

    void testPathState()
    {
        test::TempDir dir;
        const std::string path = dir.file("log");
        LogFile log;
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Unknown); // nothing open
        test::must_open(log, path);
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Same);
        CPPUNIT_ASSERT_EQUAL(0, ::rename(path.c_str(), dir.file("log.1").c_str()));
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Missing);
        LogFile other;
        test::must_open(other, path);
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Replaced);
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, log.reopen(&error));
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Same);
        CPPUNIT_ASSERT_EQUAL(0, ::unlink(path.c_str()));
        CPPUNIT_ASSERT(log.path_state() == LogPathState::Missing);
        LogFile device;
        test::must_open(device, "/dev/null");
        CPPUNIT_ASSERT(device.path_state() == LogPathState::Unknown); // only regular files are judged
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogFileTest);

} // namespace mpmd
