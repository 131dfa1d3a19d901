// See worker_pool.h.
#include "mpm/worker_pool.h"

#include "child/child_signals.h"
#include "child/connection_drivers.h"

#include <signal.h>
#include <unistd.h>

namespace mpmd {

WorkerPool::WorkerPool(const ChildContext& context, uint32_t threads, ConnectionQueue& queue, Park park,
                       void* park_owner)
    : context_(context), count_(threads), queue_(queue), park_(park), park_owner_(park_owner)
{
}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::start()
{
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    threads_.reserve(count_);
    for (uint32_t i = 0; i < count_; ++i)
        threads_.emplace_back([this, i] { run(i); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void WorkerPool::join()
{
    for (std::thread& t : threads_)
        if (t.joinable())
            t.join();
    threads_.clear();
}

void WorkerPool::run(uint32_t index)
{
    WorkerReport report(context_.scoreboard->worker(context_.slot, index));
    report.start(getpid(), context_.generation);
    std::unique_ptr<Connection> connection;
    for (;;) {
        report.set_status(WorkerStatus::Ready);
        if (!queue_.pop(&connection))
            break;
        serve_ready(*connection, report);
        if (connection->state() != Connection::State::Closed)
            park_(park_owner_, std::move(connection));
        connection.reset();
    }
    report.set_status(WorkerStatus::Graceful);
}

} // namespace mpmd
