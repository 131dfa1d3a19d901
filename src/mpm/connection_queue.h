// ConnectionQueue: connections with a request to serve, handed from the event MPM's
// accepting thread and loop to its worker threads. The accepting thread accepts only while
// a worker is idle (as Apache's worker MPM waits for an "idler"), so a connection never
// waits in the queue behind busy threads while another child has capacity. close() wakes
// every waiter; pop() then drains what is left and returns false.
// Runs in: children of the event MPM (accepting thread, loop and worker threads).
#ifndef MPMD_MPM_CONNECTION_QUEUE_H
#define MPMD_MPM_CONNECTION_QUEUE_H

#include "child/connection.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

namespace mpmd {

class ConnectionQueue {
public:
    // Worker side: announce idleness and wait for a connection. False once closed and empty.
    bool pop(std::unique_ptr<Connection>* out);
    // Listener side.
    void push(std::unique_ptr<Connection> connection);
    enum class Wait { Idle, TimedOut, Closed };
    // Waits at most `timeout_ms` until some worker is idle (and not yet claimed by a queued
    // connection, nor by one of the `*claimed` connections the caller counts elsewhere).
    // The bound lets the listener notice signals and its master's death, and a change of
    // *claimed, which wakes nobody.
    Wait wait_for_idle_worker(int timeout_ms, const std::atomic<size_t>* claimed = nullptr);
    // The caller's *claimed went down (a connection stopped claiming a worker without one
    // taking it: the event loop answered it): wakes wait_for_idle_worker to look again.
    void claims_released();
    // Workers idle beyond the connections already queued for them.
    uint32_t idle_workers() const;
    // Connections queued and not yet taken by a worker.
    size_t waiting() const;
    void close();

private:
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable worker_idle_;
    std::deque<std::unique_ptr<Connection>> queue_;
    uint32_t idle_ = 0;   // workers blocked in pop()
    bool closed_ = false;
};

} // namespace mpmd

#endif
