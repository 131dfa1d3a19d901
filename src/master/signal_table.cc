// See signal_table.h. SIGINT also stops (a foreground master and Ctrl-C), handled beside
// TERM in the supervisor; it has no -k verb.
#include "master/signal_table.h"

#include <csignal>

#include <signal.h>

namespace mpmd {

const MasterSignal kMasterSignals[5] = {
    {SIGTERM, "TERM", "stop", MasterAction::Stop,
     "stop now: children are killed, requests in progress are cut"},
    {SIGHUP, "HUP", "restart", MasterAction::Restart,
     "restart: children are stopped, the configuration is read again, logs are reopened; listening sockets stay open"},
    {SIGUSR1, "USR1", "graceful", MasterAction::GracefulRestart,
     "graceful restart: children finish their current request and leave; a new generation starts with the new configuration"},
    {SIGWINCH, "WINCH", "graceful-stop", MasterAction::GracefulStop,
     "graceful stop: listeners close, children finish their current request (up to GracefulShutdownTimeout), then the master exits"},
    {SIGUSR2, "USR2", "upgrade", MasterAction::Upgrade,
     "binary upgrade: the binary at the path mpmd was started as runs as a new master with the listening sockets; once its children are up the old master stops gracefully"},
};

const MasterSignal* signal_for_verb(std::string_view verb)
{
    for (const MasterSignal& s : kMasterSignals)
        if (s.verb == verb)
            return &s;
    return nullptr;
}

const MasterSignal* signal_for_number(int signal)
{
    for (const MasterSignal& s : kMasterSignals)
        if (s.signal == signal)
            return &s;
    return nullptr;
}

namespace {

sigset_t master_signal_set()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    for (const MasterSignal& s : kMasterSignals)
        sigaddset(&set, s.signal);
    return set;
}

} // namespace

void block_master_signals()
{
    const sigset_t set = master_signal_set();
    sigprocmask(SIG_BLOCK, &set, nullptr);
}

void unblock_master_signals()
{
    const sigset_t set = master_signal_set();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace mpmd
