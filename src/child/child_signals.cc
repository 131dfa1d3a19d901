// See child_signals.h. The flags are lock-free atomics, safe to set in a handler and to
// read from any thread.
#include "child/child_signals.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>

namespace mpmd {

namespace {

std::atomic<bool> g_leaving{false};
std::atomic<bool> g_hurrying{false};
static_assert(std::atomic<bool>::is_always_lock_free, "flags are set in signal handlers");
int g_leave_fd = -1;
int g_hurry_fd = -1;
bool g_stop_signals_leave = false;

void poke(int fd)
{
    const uint64_t one = 1;
    if (fd >= 0) {
        const ssize_t ignored = write(fd, &one, sizeof one);   // async-signal-safe
        (void)ignored;
    }
}

void leave()
{
    g_leaving.store(true);
    poke(g_leave_fd);
}

extern "C" void on_graceful(int)
{
    const int saved = errno;
    leave();
    errno = saved;
}

extern "C" void on_restart(int)
{
    const int saved = errno;
    g_hurrying.store(true);
    poke(g_hurry_fd);
    leave();
    errno = saved;
}

} // namespace

void leave_on_stop_signals() { g_stop_signals_leave = true; }

void install_child_signals()
{
    g_leave_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g_hurry_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;   // the eventfds wake the waits; other calls need not fail
    sa.sa_handler = on_graceful;
    sigaction(SIGUSR1, &sa, nullptr);
    sa.sa_handler = on_restart;
    sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGWINCH, &sa, nullptr);
    sigaction(SIGPIPE, &sa, nullptr);
    sigaction(SIGXFSZ, &sa, nullptr);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, nullptr);
    sa.sa_handler = g_stop_signals_leave ? on_graceful : SIG_DFL;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    // The master forks with every signal blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool child_leaving() { return g_leaving.load(); }

bool child_hurrying() { return g_hurrying.load(); }

void set_child_leaving() { leave(); }

int child_leave_fd() { return g_leave_fd; }

int child_hurry_fd() { return g_hurry_fd; }

} // namespace mpmd
