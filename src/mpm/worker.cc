// The worker MPM: each child runs ThreadsPerChild worker threads and uses its main thread as
// the listener. The listener accepts only while a worker thread is idle, so a busy child
// leaves new connections to its siblings, and hands each accepted connection to a worker,
// which serves it to its end (keep-alive included). The master keeps idle threads between
// MinSpareThreads and MaxSpareThreads by starting and gracefully stopping whole children.
// Runs in: master (policy, via ThreadedMpm), children (listener and workers).
// Leans on: epoll_ctl(2) EPOLLEXCLUSIVE, epoll_wait(2), accept4(2), pthreads.
#include "child/child_signals.h"
#include "mpm/mpm_registry.h"
#include "mpm/threaded_mpm.h"
#include "mpm/worker_pool.h"
#include "shared/error_log.h"

#include <sys/epoll.h>
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
    const auto& listeners = *context.listeners;
    const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) {
        log_errno(LogLevel::Emerg, "mpm_worker", errno, "epoll_create1 failed");
        return 1;
    }
    for (size_t i = 0; i < listeners.size(); ++i) {
        struct epoll_event ev {};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.u64 = i;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listeners[i].fd, &ev);
    }
    const uint64_t master_tag = listeners.size(), leave_tag = listeners.size() + 1;
    for (int fd : {context.master_watch_fd, child_leave_fd()}) {
        struct epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u64 = fd == context.master_watch_fd ? master_tag : leave_tag;
        if (fd >= 0)
            epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }

    ConnectionQueue queue;
    WorkerPool pool(context, uint32_t(config.threads_per_child), queue);
    pool.start();

    const uint64_t max_connections = uint64_t(config.max_connections_per_child);
    uint64_t connections = 0;
    bool master_gone = false;
    bool done_accepting = false;
    while (!child_leaving() && !master_gone && !done_accepting) {
        if (queue.wait_for_idle_worker(kIdleWaitMs) != ConnectionQueue::Wait::Idle) {
            // Every thread is busy: do not accept, but keep an eye on the master.
            struct epoll_event ev;
            master_gone = context.master_watch_fd >= 0 && epoll_wait(epoll_fd, &ev, 1, 0) == 1 &&
                          ev.data.u64 == master_tag;
            continue;
        }
        struct epoll_event events[8];
        const int n = epoll_wait(epoll_fd, events, 8, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_errno(LogLevel::Emerg, "mpm_worker", errno, "epoll_wait failed");
            break;
        }
        for (int i = 0; i < n; ++i) {
            const uint64_t which = events[i].data.u64;
            if (which == master_tag) {
                master_gone = true;
                break;
            }
            if (which == leave_tag)
                break;
            ClientConnection client;
            socklen_t length = sizeof client.peer;
            client.fd = accept4(listeners[which].fd, reinterpret_cast<sockaddr*>(&client.peer), &length,
                                SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client.fd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                    log_errno(LogLevel::Error, "mpm_worker", errno, "accept4 failed");
                continue;
            }
            client.local_port = listeners[which].port;
            queue.push(std::move(client));
            // At MaxConnectionsPerChild the listener stops; the connections in hand are served
            // to their end, keep-alive included, as a prefork child serves its last one.
            if (max_connections != 0 && ++connections >= max_connections)
                done_accepting = true;
            break;   // one connection per idle worker: wait for the next idler
        }
    }
    close(epoll_fd);
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
