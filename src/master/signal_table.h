// The one table of the master's signals: which signal, which `mpmd -k` verb sends it, what
// the master does, and the text used in the log, in `mpmd -h` and in the SIGNALS table of
// mpmd(8) (nginx's signals[] habit; `mpmd --roff-signals` prints that table for the build).
// Runs in: master and the `mpmd -k` command; the roff in the build only.
// Leans on: signal(7), sigprocmask(2); tbl(1) and man(7) for the roff.
#ifndef MPMD_MASTER_SIGNAL_TABLE_H
#define MPMD_MASTER_SIGNAL_TABLE_H

#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

enum class MasterAction { Stop, Restart, GracefulRestart, GracefulStop, Upgrade };

struct MasterSignal {
    int signal;
    std::string_view name;     // "TERM"
    std::string_view verb;     // for -k: "stop"
    MasterAction action;
    std::string_view effect;   // "stop now": the log's "caught SIGTERM: stop now", -h
    // The rest of the signal's row in mpmd(8), after "Stop now: ". One paragraph of plain
    // text, sentences separated by ". "; *Name* is set in bold (a directive, a signal, a
    // section of the page). No tabs, newlines or backslashes.
    std::string_view doc;
};

extern const MasterSignal kMasterSignals[5];

const MasterSignal* signal_for_verb(std::string_view verb);
const MasterSignal* signal_for_number(int signal);

// The signals the master's loop handles: the table's and INT, which stops like TERM (Ctrl-C
// on a foreground master) and so has no row and no -k verb. Child exits (CHLD) are not here.
std::vector<int> master_signals();

// master_signals(). The master blocks them from before it writes PidFile until its loop
// handles them, so a signal sent as soon as the pid file appears waits instead of killing
// the master with its default action.
void block_master_signals();
void unblock_master_signals();

// The SIGNALS table of mpmd(8) as tbl(1) input, .TS to .TE, one row per table entry:
// signal, -k verb, "Effect: doc". The build puts it in place of the line @SIGNALS@ of
// man/mpmd.8.in (man/local.am).
std::string signals_roff();

} // namespace mpmd

#endif
