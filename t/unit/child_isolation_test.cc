// What a new child keeps of its master (child_isolation.h): the positive list of descriptors
// it needs, every other descriptor closed whatever its number, and no signal handler of the
// master's left installed. Each case that closes or resets runs in a forked process, which
// reports through its exit status.
#include "child/child_isolation.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace mpmd;

namespace {

// Runs `body` in a forked process; its return value is the exit status.
int in_child(int (*body)())
{
    const pid_t pid = fork();
    if (pid == 0)
        _exit(body());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

extern "C" void on_usr1(int) {}

int closes_all_but_the_kept()
{
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0)
        return 10;
    const int high = fcntl(a[0], F_DUPFD, 900);   // far above the others: no gap is skipped
    const int kept_high = fcntl(b[1], F_DUPFD, 800);
    if (high < 0 || kept_high < 0)
        return 11;
    std::vector<int> keep = {0, 1, 2, a[1], kept_high};
    std::sort(keep.begin(), keep.end());
    if (!close_descriptors_except(keep))
        return 12;
    for (int fd : keep)
        if (!is_open(fd))
            return 13;
    for (int fd : {a[0], b[0], b[1], high})
        if (is_open(fd))
            return 14;
    return 0;
}

int resets_the_masters_handlers()
{
    struct sigaction handler {};
    handler.sa_handler = on_usr1;
    sigaction(SIGUSR1, &handler, nullptr);
    signal(SIGPIPE, SIG_IGN);
    const ChildContext nothing;
    if (!isolate_from_master(nothing))
        return 20;
    struct sigaction now {};
    sigaction(SIGUSR1, nullptr, &now);
    if (now.sa_handler != SIG_DFL)
        return 21;
    sigaction(SIGPIPE, nullptr, &now);
    if (now.sa_handler != SIG_IGN)   // an ignored signal stays ignored
        return 22;
    return is_open(STDERR_FILENO) ? 0 : 23;
}

} // namespace

class ChildIsolationTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChildIsolationTest);
    CPPUNIT_TEST(needed_are_streams_listeners_logs_and_the_watch_pipe);
    CPPUNIT_TEST(every_other_descriptor_is_closed);
    CPPUNIT_TEST(handlers_go_back_to_their_defaults);
    CPPUNIT_TEST_SUITE_END();

public:
    void needed_are_streams_listeners_logs_and_the_watch_pipe()
    {
        char dir[] = "/tmp/mpmd-isolation-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(dir) != nullptr);
        const std::string path = std::string(dir) + "/access_log";
        ServerRuntime runtime;
        auto file = std::make_shared<LogFile>();
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, file->open(path, &error));
        runtime.access_logs.push_back(AccessLogTarget{*LogFormat::compile("%h", &error), file});
        runtime.access_logs.push_back(AccessLogTarget{*LogFormat::compile("%r", &error), file});   // one file, twice
        const std::vector<ListenSocket> listeners = {{"127.0.0.1:80", 40, 80}, {"[::]:80", 30, 80}};
        ChildContext context;
        context.runtime = &runtime;
        context.listeners = &listeners;
        context.master_watch_fd = 35;
        const std::vector<int> expected = {0, 1, 2, file->fd(), 30, 35, 40};
        std::vector<int> sorted = expected;
        std::sort(sorted.begin(), sorted.end());
        CPPUNIT_ASSERT(sorted == inherited_descriptors_needed(context));
        file->close();
        unlink(path.c_str());
        rmdir(dir);
    }

    void every_other_descriptor_is_closed() { CPPUNIT_ASSERT_EQUAL(0, in_child(closes_all_but_the_kept)); }

    void handlers_go_back_to_their_defaults() { CPPUNIT_ASSERT_EQUAL(0, in_child(resets_the_masters_handlers)); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChildIsolationTest);
