// The one table of the master's signals: which signal, which `mpmd -k` verb sends it, what
// the master does, and the text used in the log and in mpmd(8) (nginx's signals[] habit).
// Runs in: master and the `mpmd -k` command.
#ifndef MPMD_MASTER_SIGNAL_TABLE_H
#define MPMD_MASTER_SIGNAL_TABLE_H

#include <string_view>

namespace mpmd {

enum class MasterAction { Stop, Restart, GracefulRestart, GracefulStop, Upgrade };

struct MasterSignal {
    int signal;
    std::string_view name;     // "TERM"
    std::string_view verb;     // for -k: "stop"
    MasterAction action;
    std::string_view doc;
};

extern const MasterSignal kMasterSignals[5];

const MasterSignal* signal_for_verb(std::string_view verb);
const MasterSignal* signal_for_number(int signal);

// The table's signals and INT. The master blocks them from before it writes PidFile until
// its loop handles them, so a signal sent as soon as the pid file appears waits instead of
// killing the master with its default action.
void block_master_signals();
void unblock_master_signals();

} // namespace mpmd

#endif
