// The fault hooks of the test daemons (t/mpmd-*, never src/mpmd nor the modules): linked
// as an object of its own, it fills the table of src/child/fault_hooks.h before main().
//   GET /__fault/crash        the child dies of SIGSEGV
//   GET /__fault/abort        the child dies of SIGABRT (abort(3))
//   GET /__fault/exit         the child exits with status 3
//   GET /__fault/hang         the handler never returns (until the child is killed)
//   GET /__fault/sleep?ms=N   the handler sleeps N ms, then answers 200 "slept N ms"
//   ...&nowait=1              the hook does not say it may wait, so the event MPM answers
//                             it where it answers plain requests (its accepting thread or
//                             loop); others go to a worker thread (may_block)
//   $MPMD_FAULT_START_CRASH   a path: a child that finds that file at start dies of SIGSEGV
//                             (for the respawn back-off: remove the file and it recovers)
//   $MPMD_FAULT_START_FATAL   a path: a child that finds that file at start exits with the
//                             reserved status kChildFatalExit (the master stops)
// The crashes turn core dumps off first (PR_SET_DUMPABLE 0), so tests leave no cores.
// Runs in: children of the test daemons.
// Leans on: raise(3), pthread_sigmask(3), abort(3), pause(2), nanosleep(2), prctl(2), access(2).
#include "child/child_main.h"
#include "child/fault_hooks.h"
#include "shared/directive.h"
#include "shared/error_log.h"
#include "shared/http/response.h"
#include "shared/http/url_path.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace mpmd {

namespace {

constexpr std::string_view kPrefix = "/__fault/";

[[noreturn]] void crash(int signal)
{
    prctl(PR_SET_DUMPABLE, 0);
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigaction(signal, &sa, nullptr);
    // Worker threads block the signals their listener takes; a real fault is not blockable.
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal);
    pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    raise(signal);
    _exit(99);   // not reached: the default action of `signal` ends the process
}

// The value of `name` in a query "?a=1&b=2", or "".
std::string query_value(std::string_view query, std::string_view name)
{
    if (!query.empty() && query.front() == '?')
        query.remove_prefix(1);
    while (!query.empty()) {
        const size_t end = query.find('&');
        const std::string_view pair = query.substr(0, end);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
            return std::string(pair.substr(name.size() + 1));
        if (end == std::string_view::npos)
            break;
        query.remove_prefix(end + 1);
    }
    return {};
}

bool on_request(const HttpRequest& request, Response* response)
{
    const UrlPath url = parse_url_path(request.target);
    if (url.status != 0 || url.path.compare(0, kPrefix.size(), kPrefix) != 0)
        return false;
    const std::string what = url.path.substr(kPrefix.size());
    if (what == "crash")
        crash(SIGSEGV);
    if (what == "abort")
        crash(SIGABRT);
    if (what == "exit")
        _exit(3);
    if (what == "hang") {
        for (;;)
            pause();   // signals the child takes (USR1, HUP) run their handlers and come back here
    }
    if (what == "sleep") {
        const auto ms = parse_integer(query_value(url.query, "ms"));
        if (!ms || *ms < 0 || *ms > 3600000) {
            *response = error_response(400);
            return true;
        }
        struct timespec left = {time_t(*ms / 1000), long(*ms % 1000) * 1000000};
        while (nanosleep(&left, &left) != 0) {
        }
        response->body = "slept " + std::to_string(*ms) + " ms\n";
        response->add_header("Content-Type", "text/plain");
        return true;
    }
    *response = error_response(404);
    return true;
}

// Every /__fault/ request may wait (it sleeps, hangs or dies), so the event MPM leaves it
// to a worker thread, except one that says `nowait=1` in its query: a test of an accepting
// thread or loop stuck in a request.
bool may_block(const HttpRequest& request)
{
    const UrlPath url = parse_url_path(request.target);
    return url.status == 0 && url.path.compare(0, kPrefix.size(), kPrefix) == 0 &&
           query_value(url.query, "nowait") != "1";
}

// True when the environment variable `name` names a file that exists.
bool flag_file(const char* name)
{
    const char* path = getenv(name);
    return path != nullptr && *path != '\0' && access(path, F_OK) == 0;
}

void on_child_start()
{
    if (flag_file("MPMD_FAULT_START_FATAL")) {
        log_error(LogLevel::Error, "fault", "test hook: %s exists, so this child cannot start",
                  getenv("MPMD_FAULT_START_FATAL"));
        _exit(kChildFatalExit);
    }
    if (flag_file("MPMD_FAULT_START_CRASH")) {
        log_error(LogLevel::Error, "fault", "test hook: %s exists, so this child crashes at start",
                  getenv("MPMD_FAULT_START_CRASH"));
        crash(SIGSEGV);
    }
}

const FaultHooks kTestHooks = {on_child_start, on_request, may_block};

// Installed during static initialisation of the test daemon, before main() and any fork.
const bool kInstalled = (install_fault_hooks(&kTestHooks), true);

} // namespace

} // namespace mpmd
