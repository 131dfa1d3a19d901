// See connection_drivers.h.
#include "child/connection_drivers.h"

#include "child/socket_wait.h"

#include <poll.h>

namespace mpmd {

namespace {

// What the worker record shows while the connection waits in `state` (R once a byte of the
// request is in, K between requests, C while lingering).
WorkerStatus waiting_status(const Connection& connection, WorkerStatus current)
{
    switch (connection.state()) {
    case Connection::State::ReadHead:
        return connection.request_begun() ? WorkerStatus::Reading : current;
    case Connection::State::KeepAlive:
        return WorkerStatus::KeepAlive;
    case Connection::State::Linger:
        return WorkerStatus::Closing;
    default:
        return current;
    }
}

} // namespace

void read_first_request(Connection& connection)
{
    if (connection.state() == Connection::State::ReadHead && connection.requests_served() == 0 &&
        !connection.request_begun())
        connection.on_readable();
}

void serve_blocking(Connection& connection, WorkerReport& report)
{
    read_first_request(connection);   // which may take a PROXY header that names the client
    report.connection_started(connection.client());
    WorkerStatus shown = WorkerStatus(report.record().status);
    bool proxied = connection.awaiting_proxy_header();
    while (connection.state() != Connection::State::Closed) {
        if (proxied && !connection.awaiting_proxy_header()) {
            report.connection_started(connection.client());   // the client its PROXY header named
            proxied = false;
        }
        if (connection.state() == Connection::State::Handle) {
            connection.handle(report);
            shown = WorkerStatus(report.record().status);
            continue;
        }
        const WorkerStatus status = waiting_status(connection, shown);
        if (status != shown) {
            report.set_status(status);
            shown = status;
        }
        const ConnectionEnv& env = connection.env();
        switch (wait_until_ready(connection.fd(), POLLIN, connection.deadline_ms(), env.master_watch_fd,
                                 connection.idle(), *env.clock)) {
        case Wait::Ready:
            connection.on_readable();
            break;
        case Wait::Timeout:
            connection.on_deadline();
            break;
        case Wait::Hurried:
        case Wait::MasterGone:
        case Wait::Error:
            connection.close();
            break;
        }
    }
}

void serve_ready(Connection& connection, WorkerReport& report)
{
    report.connection_started(connection.client());
    for (;;) {
        if (connection.state() == Connection::State::Handle || connection.state() == Connection::State::Write) {
            connection.handle(report);
            continue;
        }
        if (connection.state() == Connection::State::KeepAlive) {
            // One read that does not wait before giving it back: a client that already sent
            // its next request (a fast or pipelining one) is served on this thread at once
            // instead of paying a round trip through the loop. (Measured: skipping it when
            // the last read had emptied the socket, as nginx would, made the keep-alive
            // request dearer, 14.35 -> 15.15 system calls: the next request is often there.)
            connection.on_readable();
            if (connection.state() == Connection::State::Handle)
                continue;
        }
        return;
    }
}

} // namespace mpmd
