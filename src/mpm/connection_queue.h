// ConnectionQueue: accepted connections handed from a threaded child's listener to its
// worker threads. The listener accepts only while a worker is idle (as Apache's worker MPM
// waits for an "idler"), so a connection never waits in the queue behind busy threads
// while another child has capacity. close() wakes every waiter; pop() then drains what is
// left and returns false.
// Runs in: children of the worker and event MPMs (listener and worker threads).
#ifndef MPMD_MPM_CONNECTION_QUEUE_H
#define MPMD_MPM_CONNECTION_QUEUE_H

#include "child/connection.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace mpmd {

class ConnectionQueue {
public:
    // Worker side: announce idleness and wait for a connection. False once closed and empty.
    bool pop(ClientConnection* out);
    // Listener side.
    void push(ClientConnection connection);
    enum class Wait { Idle, TimedOut, Closed };
    // Waits at most `timeout_ms` until some worker is idle (and not yet claimed by a queued
    // connection). The bound lets the listener notice signals and its master's death.
    Wait wait_for_idle_worker(int timeout_ms);
    // Workers idle beyond the connections already queued for them.
    uint32_t idle_workers() const;
    // Connections queued and not yet taken by a worker.
    size_t waiting() const;
    // Makes `fd` (an eventfd) readable whenever a worker becomes idle with no connection
    // queued for it, so an event loop that stopped accepting can start again at once.
    void notify_idle_on(int fd) { idle_notify_fd_ = fd; }
    void close();

private:
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable worker_idle_;
    std::deque<ClientConnection> queue_;
    uint32_t idle_ = 0;   // workers blocked in pop()
    bool closed_ = false;
    int idle_notify_fd_ = -1;   // set before the workers start
};

} // namespace mpmd

#endif
