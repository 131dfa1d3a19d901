// Connection: one accepted client connection served from its first byte to its close:
// read and parse requests (pipelined ones in order), dispatch each to the static handler,
// send the reply (head with one send, file bodies with sendfile(2)), log it, then keep the
// connection alive or close it. Every step is reported in the worker's scoreboard record
// (R reading, W writing, K keep-alive, L logging, C closing).
// Timeouts (all from ServerConfig): a request head must arrive whole within Timeout of its
// first wait; an idle kept-alive connection waits KeepAliveTimeout for the next request;
// each send waits at most Timeout for the client to take data.
// Runs in: children (prefork: the one thread).
// Leans on: poll(2), recv(2), send(2) with MSG_MORE, sendfile(2), shutdown(2).
#ifndef MPMD_CHILD_CONNECTION_H
#define MPMD_CHILD_CONNECTION_H

#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <sys/socket.h>

namespace mpmd {

struct ConnectionEnv {
    const ServerRuntime* runtime = nullptr;
    int master_watch_fd = -1;     // readable once the master is gone
};

// Serves the connection on `fd` (non-blocking) and closes it.
void serve_connection(const ConnectionEnv& env, int fd, const sockaddr_storage& peer, int local_port,
                      WorkerReport& report);

} // namespace mpmd

#endif
