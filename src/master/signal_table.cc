// See signal_table.h. SIGINT also stops (a foreground master and Ctrl-C), handled beside
// TERM in the supervisor; it has no -k verb and no row (mpmd.8.in says so below the table).
#include "master/signal_table.h"

#include "shared/directive.h"

#include <cctype>
#include <csignal>

#include <signal.h>

namespace mpmd {

const MasterSignal kMasterSignals[5] = {
    {SIGTERM, "TERM", "stop", MasterAction::Stop, "stop now",
     "the children are terminated, the master removes the pid file and exits."},
    {SIGHUP, "HUP", "restart", MasterAction::Restart, "restart",
     "the configuration is read again and the logs are reopened; each child answers the request it is "
     "reading or serving, closes its idle kept-alive connections and exits (a child still busy after 3 "
     "seconds is killed); then a new generation starts. "
     "The listening sockets stay open, so connections arriving meanwhile wait in the backlog and are then "
     "served."},
    {SIGUSR1, "USR1", "graceful", MasterAction::GracefulRestart, "graceful restart",
     "the configuration is read again and the logs are reopened; each child finishes the request it is "
     "serving and leaves, and a new generation of children serves with the new configuration. "
     "The new generation starts with as many children as the old one had busy (never fewer than "
     "*StartServers*), so capacity does not dip. "
     "A leaving child answers the next request on each of its kept-alive connections, with "
     "*Connection: close*, or lets it idle out; it never cuts a connection a request may be on its way on. "
     "A *GracefulRestartTimeout* other than 0 bounds, in seconds, how long an old child may go on "
     "finishing; then it is stopped and the error log says so. "
     "The listening sockets are never closed."},
    {SIGWINCH, "WINCH", "graceful-stop", MasterAction::GracefulStop, "graceful stop",
     "the listening sockets are closed, the children finish their current request and leave, then the "
     "master exits; a *GracefulShutdownTimeout* other than 0 bounds the wait in seconds."},
    {SIGUSR2, "USR2", "upgrade", MasterAction::Upgrade, "binary upgrade",
     "the binary installed at the path mpmd was started as runs as a new master with the same arguments "
     "and the listening sockets; once its children are up it sends *WINCH* to the old master, which stops "
     "gracefully; see *BINARY UPGRADE*."},
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

std::vector<int> master_signals()
{
    std::vector<int> signals;
    for (const MasterSignal& s : kMasterSignals)
        signals.push_back(s.signal);
    signals.push_back(SIGINT);
    return signals;
}

namespace {

sigset_t master_signal_set()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : master_signals())
        sigaddset(&set, signal);
    return set;
}

// One line of a text block: escaped, *Name* in bold.
std::string roff_marked_up(std::string_view line)
{
    std::string out;
    bool bold = false;
    for (char c : roff_escape(line)) {
        if (c == '*') {
            out += bold ? "\\fR" : "\\fB";
            bold = !bold;
        } else {
            out += c;
        }
    }
    return out;
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

std::string signals_roff()
{
    std::string out = ".TS\nl l lx.\nSignal\t\\-k\tEffect\n_\n";
    for (const MasterSignal& s : kMasterSignals) {
        std::string verb;
        for (char c : s.verb)
            verb += c == '-' ? std::string("\\-") : std::string(1, c);
        std::string text(s.effect);
        text[0] = char(std::toupper(static_cast<unsigned char>(text[0])));
        text += ": ";
        text += s.doc;
        // A sentence to a line, as man(7) text is written: roff ends a sentence only at the
        // end of a line.
        out += std::string(s.name) + "\t" + verb + "\tT{\n";
        for (size_t start = 0; start < text.size();) {
            size_t end = text.find(". ", start);
            end = end == std::string::npos ? text.size() : end + 1;
            out += roff_marked_up(std::string_view(text).substr(start, end - start)) + "\n";
            start = end + (end < text.size() ? 1 : 0);
        }
        out += "T}\n";
    }
    out += ".TE\n";
    return out;
}

} // namespace mpmd
