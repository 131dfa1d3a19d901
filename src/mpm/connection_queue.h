// ConnectionQueue: accepted connections handed from a threaded child's listener to its
// worker threads. The listener accepts only while a worker is idle (as Apache's worker MPM
// waits for an "idler"), so a connection never waits in the queue behind busy threads
// while another child has capacity. close() wakes every waiter; pop() then drains what is
// left and returns false.
// Runs in: children of the worker and event MPMs (listener and worker threads).
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
    // connection). The bound lets the listener notice signals and its master's death.
    Wait wait_for_idle_worker(int timeout_ms);
    // Workers idle beyond the connections already queued for them.
    uint32_t idle_workers() const;
    // Connections queued and not yet taken by a worker.
    size_t waiting() const;
    // Makes `fd` (an eventfd) readable when a worker becomes idle after
    // request_idle_notice(), so an event loop that stopped accepting can start again at
    // once. (Notifying only when the pool goes from no idle worker to one is not enough: a
    // loop also stops while its idle workers are all reserved by connections just accepted,
    // and would then wait for its next housekeeping pass, 100 ms per stall under load.)
    void notify_idle_on(int fd) { idle_notify_fd_ = fd; }
    // One notice, at the next worker that becomes idle. The caller checks again after
    // asking, since a worker may have become idle just before.
    void request_idle_notice() { idle_notice_wanted_.store(true, std::memory_order_seq_cst); }
    void close();

private:
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable worker_idle_;
    std::deque<std::unique_ptr<Connection>> queue_;
    uint32_t idle_ = 0;   // workers blocked in pop()
    bool closed_ = false;
    int idle_notify_fd_ = -1;   // set before the workers start
    std::atomic<bool> idle_notice_wanted_{false};   // set by the event loop, cleared by the worker that notifies
};

} // namespace mpmd

#endif
