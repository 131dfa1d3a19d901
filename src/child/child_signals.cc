// See child_signals.h.
#include "child/child_signals.h"

#include <csignal>

namespace mpmd {

namespace {

volatile sig_atomic_t g_leaving = 0;
volatile sig_atomic_t g_hurrying = 0;
bool g_stop_signals_leave = false;
sigset_t g_wait_mask;

extern "C" void on_graceful(int) { g_leaving = 1; }

extern "C" void on_restart(int)
{
    g_hurrying = 1;
    g_leaving = 1;
}

} // namespace

void install_child_signals()
{
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_graceful;   // no SA_RESTART: a blocked call returns EINTR
    sigaction(SIGUSR1, &sa, nullptr);
    sa.sa_handler = on_restart;
    sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGWINCH, &sa, nullptr);
    sigaction(SIGPIPE, &sa, nullptr);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, nullptr);
    sa.sa_handler = g_stop_signals_leave ? on_graceful : SIG_DFL;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    // The master forks with every signal blocked; from here on only these stay blocked,
    // and the waits open them all.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, SIGHUP);
    if (g_stop_signals_leave) {
        sigaddset(&blocked, SIGTERM);
        sigaddset(&blocked, SIGINT);
    }
    sigprocmask(SIG_SETMASK, &blocked, nullptr);
    sigemptyset(&g_wait_mask);
}

void leave_on_stop_signals() { g_stop_signals_leave = true; }

bool child_leaving() { return g_leaving != 0; }

bool child_hurrying() { return g_hurrying != 0; }

void set_child_leaving() { g_leaving = 1; }

const sigset_t* child_wait_mask() { return &g_wait_mask; }

} // namespace mpmd
