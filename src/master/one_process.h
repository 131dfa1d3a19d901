// mpmd -X: serve in this one process, for debugging: the MPM's child loop runs here, with no
// children and no supervision (no restarts, no binary upgrade). TERM and INT end it after
// the connection in hand, so the caller can remove the pid file on the way out.
// Runs in: the single process of -X (as the child would, after prepare_child_process).
// Leans on: child_main.h, child_signals.h.
#ifndef MPMD_MASTER_ONE_PROCESS_H
#define MPMD_MASTER_ONE_PROCESS_H

#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "shared/listeners.h"
#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <memory>

namespace mpmd {

// Returns the exit status of the serving loop (kChildFatalExit when it could not start).
int serve_one_process(Mpm& mpm, const LoadedConfig& config, Scoreboard& board, ListenerSet& listeners,
                      std::shared_ptr<ServerRuntime> runtime);

} // namespace mpmd

#endif
