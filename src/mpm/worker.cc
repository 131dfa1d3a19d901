// The worker MPM: each child runs ThreadsPerChild worker threads. Each idle thread waits
// for a connection in an AcceptSet of its own and serves what it accepts to its end
// (keep-alive included), so only a child with an idle thread accepts and a busy child leaves
// new connections to its siblings. The master keeps idle threads between MinSpareThreads and
// MaxSpareThreads by starting and gracefully stopping whole children.
// Runs in: master (policy, via ThreadedMpm), children (worker threads; the main thread
// takes the signals and waits for the workers).
// Leans on: pthreads; accept_set.h for accepting (EPOLLEXCLUSIVE wakes one waiting thread).
#include "child/child_signals.h"
#include "child/connection_drivers.h"
#include "child/connection_limit.h"
#include "mpm/accept_set.h"
#include "mpm/mpm_registry.h"
#include "mpm/threaded_mpm.h"
#include "shared/error_log.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace mpmd {

namespace {

class WorkerMpm final : public ThreadedMpm {
public:
    const char* name() const override { return "worker"; }
    int run_child(ChildContext& context) override;

protected:
    const ThreadedConfig& settings(const LoadedConfig& config) const override { return config.worker; }
};

// The threads of one child. Each thread waits in an AcceptSet of its own and serves what it
// accepts to its end (Apache 2.0's leader/follower MPM did the same): the listeners'
// EPOLLEXCLUSIVE entries, one per thread, count a thread only while it sleeps in its set,
// so an idle thread is what makes a child accept, and a connection costs no hand-off from a
// listener thread to a worker (a futex wake and a context switch per connection). One set a
// thread, not one a child: a level-triggered listener shared by several waiters of one set
// is passed on to the next waiter while the first is still accepting, which wakes for
// nothing (doc/performance.md, "One epoll set a thread").
class WorkerChild {
public:
    explicit WorkerChild(ChildContext& context)
        : context_(context),
          env_{context.runtime, context.master_watch_fd, context.scoreboard, &system_clock(), getpid(), context.cgi}
    {
    }

    int run(uint32_t threads);

private:
    void serve(uint32_t index);
    void stop_accepting();

    ChildContext& context_;
    std::vector<std::unique_ptr<AcceptSet>> accepting_;   // one a thread
    const ConnectionEnv env_;
    std::atomic<uint64_t> accepted_{0};
    std::atomic<bool> master_gone_{false};
    std::atomic<bool> failed_{false};
    std::atomic<bool> done_accepting_{false};   // MaxConnectionsPerChild reached
};

int WorkerChild::run(uint32_t threads)
{
    for (uint32_t i = 0; i < threads; ++i) {
        accepting_.push_back(std::make_unique<AcceptSet>(context_, "mpm_worker"));
        if (!accepting_.back()->ok())
            return 1;
    }
    // Threads start with every signal blocked: signals reach the main thread, which only
    // waits for them (child_signals.h wakes everyone through eventfds in the AcceptSet).
    std::vector<std::thread> pool;
    pool.reserve(threads);
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    for (uint32_t i = 0; i < threads; ++i)
        pool.emplace_back([this, i] { serve(i); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    for (std::thread& t : pool)
        t.join();
    if (master_gone_.load())
        log_error(LogLevel::Info, "mpm_worker", "master process is gone; child %d leaves", int(getpid()));
    return 0;
}

void WorkerChild::serve(uint32_t index)
{
    WorkerReport report(context_.scoreboard->worker(context_.slot, index));
    report.start(getpid(), context_.generation);
    const uint64_t max_connections = context_.max_connections;
    while (!child_leaving() && !master_gone_.load(std::memory_order_relaxed) &&
           !failed_.load(std::memory_order_relaxed) && !done_accepting_.load(std::memory_order_relaxed)) {
        report.set_status(WorkerStatus::Ready);
        AcceptedSocket client;
        switch (accepting_[index]->next(&client)) {
        case AcceptSet::Outcome::Accepted: {
            // At MaxConnectionsPerChild no thread accepts again; the connections in hand
            // are served to their end, keep-alive included, as a prefork child serves its
            // last, and the child exits when the last thread is done.
            if (max_connections != 0 && accepted_.fetch_add(1) + 1 == max_connections) {
                log_connection_limit_reached("mpm_worker", context_);
                done_accepting_.store(true);
                stop_accepting();
            }
            auto transport = make_transport(client.fd, client.peer, *env_.runtime, client.https);
            Connection connection(env_, std::move(transport), client.peer, client.local_port, client.proxy);
            serve_blocking(connection, report);
            break;
        }
        case AcceptSet::Outcome::MasterGone:
            if (!master_gone_.exchange(true))
                set_child_leaving();
            break;
        case AcceptSet::Outcome::Failed:
            failed_.store(true);
            set_child_leaving();
            break;
        case AcceptSet::Outcome::Leave:
        case AcceptSet::Outcome::Nothing:
            break;
        }
    }
    report.set_status(WorkerStatus::Graceful);
}

void WorkerChild::stop_accepting()
{
    for (auto& set : accepting_)
        set->stop();
}

int WorkerMpm::run_child(ChildContext& context)
{
    WorkerChild child(context);
    return child.run(uint32_t(context.config->worker.threads_per_child));
}

} // namespace

Mpm& worker_mpm()
{
    static WorkerMpm worker;
    return worker;
}

} // namespace mpmd
