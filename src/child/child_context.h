// What a child knows when its MPM's serving loop starts: its slot, its generation, the
// server it serves (config, MIME table, open logs), the scoreboard and the listeners it
// inherited, and the descriptor that tells it the master is gone.
// Runs in: children.
#ifndef MPMD_CHILD_CHILD_CONTEXT_H
#define MPMD_CHILD_CHILD_CONTEXT_H

#include "shared/listeners.h"
#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <cstdint>
#include <vector>

namespace mpmd {

struct LoadedConfig;
class CgiLauncher;

struct ChildContext {
    uint32_t slot = 0;
    uint32_t generation = 0;
    const LoadedConfig* config = nullptr;      // the generation's whole configuration
    const ServerRuntime* runtime = nullptr;
    Scoreboard* scoreboard = nullptr;
    const std::vector<ListenSocket>* listeners = nullptr;
    // Read end of a pipe whose write end only the master holds: readable (EOF) once the
    // master has exited, however it died.
    int master_watch_fd = -1;
    // This child's MaxConnectionsPerChild (0 = no limit), drawn at start within the jitter
    // (connection_limit.h).
    uint64_t max_connections = 0;
    // How this child starts CGI scripts (cgi_launch.h); nullptr when no host runs any.
    CgiLauncher* cgi = nullptr;
};

} // namespace mpmd

#endif
