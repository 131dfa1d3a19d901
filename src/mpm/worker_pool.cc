// See worker_pool.h.
#include "mpm/worker_pool.h"

#include "child/child_signals.h"

#include <signal.h>
#include <unistd.h>

namespace mpmd {

WorkerPool::WorkerPool(const ChildContext& context, uint32_t threads, ConnectionQueue& queue, Park park,
                       void* park_owner)
    : context_(context), count_(threads), queue_(queue), park_(park), park_owner_(park_owner)
{
    env_.runtime = context.runtime;
    env_.master_watch_fd = context.master_watch_fd;
    env_.scoreboard = context.scoreboard;
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
    ClientConnection connection;
    for (;;) {
        report.set_status(WorkerStatus::Ready);
        if (!queue_.pop(&connection))
            break;
        const ConnectionEnd end = serve_connection(env_, connection, report, park_ != nullptr);
        if (end != ConnectionEnd::Closed)
            park_(park_owner_, std::move(connection), end);
        connection = ClientConnection();
    }
    report.set_status(WorkerStatus::Graceful);
}

} // namespace mpmd
