// See child_signals.h.
#include "child/child_signals.h"

#include <csignal>

namespace mpmd {

namespace {

volatile sig_atomic_t g_leaving = 0;
sigset_t g_wait_mask;

extern "C" void on_graceful(int) { g_leaving = 1; }

} // namespace

void install_child_signals()
{
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_graceful;   // no SA_RESTART: a blocked call returns EINTR
    sigaction(SIGUSR1, &sa, nullptr);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, nullptr);
    sigaction(SIGWINCH, &sa, nullptr);
    sigaction(SIGPIPE, &sa, nullptr);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGCHLD, &sa, nullptr);

    sigset_t blocked, all;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);   // the master forks with signals blocked
    sigprocmask(SIG_BLOCK, &blocked, &g_wait_mask);
    sigdelset(&g_wait_mask, SIGUSR1);
}

bool child_leaving() { return g_leaving != 0; }

void set_child_leaving() { g_leaving = 1; }

const sigset_t* child_wait_mask() { return &g_wait_mask; }

} // namespace mpmd
