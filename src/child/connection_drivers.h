// The two ways an MPM drives a Connection (connection.h):
//   - serve_blocking: one thread takes a connection from its accept to its close, waiting
//     with poll(2) for what each state waits for (prefork, worker);
//   - serve_ready: a worker thread runs the requests a connection has in hand (and
//     finishes a reply the event loop began, Write) and gives it back as soon as it would
//     wait for the client, so the event MPM's loop holds it between requests, while a head
//     arrives and while it lingers, without a thread.
// Both report in the thread's worker record; the loop itself reports nothing.
// Runs in: children (prefork's thread, worker threads).
// Leans on: socket_wait.h (poll(2)).
#ifndef MPMD_CHILD_CONNECTION_DRIVERS_H
#define MPMD_CHILD_CONNECTION_DRIVERS_H

#include "child/connection.h"

namespace mpmd {

// A connection just accepted: one read that does not wait, since a client usually sends its
// request with the connection (it is there before the server gets to it): found, it saves
// the wait (a poll, or the event loop's epoll_ctl and epoll_wait); not found, it costs a
// recv that says EAGAIN. No-op for a connection already read from.
void read_first_request(Connection& connection);

// Returns once the connection is Closed.
void serve_blocking(Connection& connection, WorkerReport& report);

// Returns once the connection is Closed or waits for the client (ReadHead, KeepAlive, Linger).
void serve_ready(Connection& connection, WorkerReport& report);

} // namespace mpmd

#endif
