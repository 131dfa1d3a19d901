// Starting the server (no -k, or -k start) and -t, which checks what a start would build
// without opening anything. A start builds the first generation (generation.h): the
// configuration and its MPM, then, unless a server already runs with that PidFile, the
// runtime and the listeners (opened, or inherited from the old master in a binary upgrade);
// every error on the way is fatal and goes to the terminal. Then it creates the scoreboard,
// detaches, writes the pid file and hands over to the supervisor (or, with -X, serves in
// this one process). Started by an old master's USR2 (upgrade_handoff.h), it adopts the
// inherited listeners and stays in the foreground as that master's child.
// Runs in: master, from main() to the end of the server.
// Leans on: daemon.h, pid_file.h, scoreboard.h, supervisor.h.
#ifndef MPMD_MASTER_SERVER_START_H
#define MPMD_MASTER_SERVER_START_H

#include "master/command_line.h"
#include "master/self_exec.h"
#include "master/upgrade_handoff.h"

#include <optional>

namespace mpmd {

// -t: "Syntax OK" (0), or every error of the configuration and its MPM (kExitFailure).
int test_configuration(const CommandLine& line);
// mpmd -S: as -t, then the virtual host map and run settings (vhost_map.h) on stdout.
int show_vhost_map(const CommandLine& line);

// Runs the server until it stops; returns the master's exit status. `self` is what a binary
// upgrade will execute; `handoff` is set when an old master started this one.
int start_server(const CommandLine& line, SelfExec self, const std::optional<UpgradeHandoff>& handoff);

} // namespace mpmd

#endif
