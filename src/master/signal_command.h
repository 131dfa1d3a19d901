// mpmd -k stop|restart|graceful|graceful-stop|upgrade: signal the master named in PidFile
// (signal_table.h maps each verb to its signal). A restart or upgrade is refused when the
// configuration on disk has errors, or names a Listen the master could not bind, so a typo
// never reaches a live server. (-k start is a start: server_start.h.)
// Runs in: the mpmd command (never in a running server).
// Leans on: kill(2); proc(5) through process_listeners.h.
#ifndef MPMD_MASTER_SIGNAL_COMMAND_H
#define MPMD_MASTER_SIGNAL_COMMAND_H

#include "master/command_line.h"

namespace mpmd {

// Returns the command's exit status; the reason for a refusal is on stderr.
int signal_master(const CommandLine& line);

} // namespace mpmd

#endif
