// WorkerPool: the event MPM's worker threads. Each owns one worker record of the child's
// scoreboard slot, takes connections from the ConnectionQueue and serves the requests they
// have in hand; a connection that would wait for the client is handed back (park) instead
// of holding its thread. Threads start with every signal blocked, so signals reach the
// child's main thread only (child_signals.h wakes everyone through eventfds).
// Runs in: children of the event MPM.
#ifndef MPMD_MPM_WORKER_POOL_H
#define MPMD_MPM_WORKER_POOL_H

#include "child/child_context.h"
#include "child/connection.h"
#include "mpm/connection_queue.h"

#include <thread>
#include <vector>

namespace mpmd {

class WorkerPool {
public:
    // A thread runs only the requests a connection has in hand (serve_ready) and gives it
    // back, still open, to `owner` as soon as it would wait for the client (a head
    // arriving, kept alive, lingering).
    using Park = void (*)(void* owner, std::unique_ptr<Connection> connection);

    WorkerPool(const ChildContext& context, uint32_t threads, ConnectionQueue& queue, Park park, void* park_owner);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    // Waits for every thread; close the queue first.
    void join();

private:
    void run(uint32_t index);

    const ChildContext& context_;
    uint32_t count_;
    ConnectionQueue& queue_;
    Park park_;
    void* park_owner_;
    std::vector<std::thread> threads_;
};

} // namespace mpmd

#endif
