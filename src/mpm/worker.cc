// The worker MPM: each child runs ThreadsPerChild worker threads and uses its main thread as
// the listener. The listener accepts only while a worker thread is idle, so a busy child
// leaves new connections to its siblings, and hands each accepted connection to a worker,
// which serves it to its end (keep-alive included). The master keeps idle threads between
// MinSpareThreads and MaxSpareThreads by starting and gracefully stopping whole children.
// Runs in: master (policy, via ThreadedMpm), children (listener and workers).
// Leans on: pthreads; accept_set.h for accepting.
#include "child/child_signals.h"
#include "child/connection_limit.h"
#include "mpm/accept_set.h"
#include "mpm/mpm_registry.h"
#include "mpm/threaded_mpm.h"
#include "mpm/worker_pool.h"
#include "shared/error_log.h"

#include <unistd.h>

#include <cerrno>

namespace mpmd {

namespace {

// How often a listener waiting for an idle worker looks up to notice it should leave.
constexpr int kIdleWaitMs = 100;

class WorkerMpm final : public ThreadedMpm {
public:
    const char* name() const override { return "worker"; }
    int run_child(ChildContext& context) override;

protected:
    const ThreadedConfig& settings(const LoadedConfig& config) const override { return config.worker; }
};

int WorkerMpm::run_child(ChildContext& context)
{
    const ThreadedConfig& config = context.config->worker;
    AcceptSet accepting(context, "mpm_worker");
    if (!accepting.ok())
        return 1;
    const ConnectionEnv env{context.runtime, context.master_watch_fd, context.scoreboard};
    ConnectionQueue queue;
    WorkerPool pool(context, uint32_t(config.threads_per_child), queue);
    pool.start();

    const uint64_t max_connections = context.max_connections;
    uint64_t connections = 0;
    bool master_gone = false;
    bool done_accepting = false;
    while (!child_leaving() && !master_gone && !done_accepting) {
        if (queue.wait_for_idle_worker(kIdleWaitMs) != ConnectionQueue::Wait::Idle) {
            master_gone = accepting.master_gone();   // every thread busy: do not accept
            continue;
        }
        AcceptedSocket client;
        switch (accepting.next(&client)) {
        case AcceptSet::Outcome::Accepted:
            queue.push(std::make_unique<Connection>(env, make_plain_transport(client.fd), client.peer,
                                                    client.local_port));
            // At MaxConnectionsPerChild the listener stops; the connections in hand are
            // served to their end, keep-alive included, as a prefork child serves its last.
            done_accepting = max_connections != 0 && ++connections >= max_connections;
            if (done_accepting)
                log_connection_limit_reached("mpm_worker", context);
            break;
        case AcceptSet::Outcome::MasterGone:
            master_gone = true;
            break;
        case AcceptSet::Outcome::Failed:
            done_accepting = true;
            break;
        case AcceptSet::Outcome::Leave:
        case AcceptSet::Outcome::Nothing:
            break;
        }
    }
    if (master_gone) {
        set_child_leaving();
        log_error(LogLevel::Info, "mpm_worker", "master process is gone; child %d leaves", int(getpid()));
    }
    queue.close();
    pool.join();
    return 0;
}

} // namespace

Mpm& worker_mpm()
{
    static WorkerMpm worker;
    return worker;
}

} // namespace mpmd
