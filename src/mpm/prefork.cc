// The prefork MPM: each child serves one connection at a time with a single thread, so a
// crash, leak or hang costs one connection and nothing else. The master keeps idle children
// between MinSpareServers and MaxSpareServers (prefork_policy.h).
// Accepting: every child waits on all listeners through its own epoll set with
// EPOLLEXCLUSIVE, so the kernel wakes one idle child per new connection instead of all of
// them (the job Apache's accept mutex does, without a lock a dying child could hold).
// Runs in: master (policy), children (serving loop).
// Leans on: epoll_ctl(2) EPOLLEXCLUSIVE, epoll_wait(2), accept4(2).
#include "child/child_context.h"
#include "child/child_signals.h"
#include "child/connection.h"
#include "mpm/mpm.h"
#include "mpm/mpm_registry.h"
#include "mpm/prefork_policy.h"
#include "mpm/mpm_config.h"
#include "shared/error_log.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace mpmd {

namespace {

class PreforkMpm final : public Mpm {
public:
    const char* name() const override { return "prefork"; }
    bool threaded() const override { return false; }

    MpmLimits limits(const LoadedConfig& config) const override
    {
        // Twice ServerLimit process slots: one generation may finish its requests while the
        // next one starts (MaxRequestWorkers still bounds the current generation).
        return MpmLimits{2 * uint32_t(config.prefork.server_limit), 1, 1,
                         uint64_t(config.prefork.max_connections_per_child)};
    }

    uint32_t start_servers(const LoadedConfig& config) const override
    {
        return uint32_t(std::min(config.prefork.start_servers, config.prefork.max_request_workers));
    }

    MaintenanceDecision maintain(const std::vector<SlotView>& slots, const LoadedConfig& config, bool tick) override
    {
        PreforkLimits limits;
        limits.min_spare_servers = uint32_t(config.prefork.min_spare_servers);
        limits.max_spare_servers = uint32_t(config.prefork.max_spare_servers);
        limits.max_request_workers = uint32_t(config.prefork.max_request_workers);
        return policy_.maintain(slots, limits, tick);
    }

    void reset() override { policy_.reset(); }

    int run_child(ChildContext& context) override;

private:
    PreforkPolicy policy_;
};

int PreforkMpm::run_child(ChildContext& context)
{
    WorkerReport report(context.scoreboard->worker(context.slot, 0));
    report.start(getpid(), context.generation);
    const ConnectionEnv env{context.runtime, context.master_watch_fd};
    const auto& listeners = *context.listeners;

    const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) {
        log_errno(LogLevel::Emerg, "mpm_prefork", errno, "epoll_create1 failed");
        return 1;
    }
    for (size_t i = 0; i < listeners.size(); ++i) {
        struct epoll_event ev {};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.u64 = i;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listeners[i].fd, &ev);
    }
    // Two more descriptors end the wait: the master going away and the child being told
    // to leave (child_signals.h).
    for (int fd : {context.master_watch_fd, child_leave_fd()}) {
        struct epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u64 = fd == context.master_watch_fd ? listeners.size() : listeners.size() + 1;
        if (fd >= 0)
            epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    }

    const uint64_t max_connections = context.runtime->max_connections_per_child;
    uint64_t connections = 0;
    bool master_gone = false;
    while (!child_leaving() && !master_gone) {
        report.set_status(WorkerStatus::Ready);
        struct epoll_event events[8];
        const int n = epoll_wait(epoll_fd, events, 8, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_errno(LogLevel::Emerg, "mpm_prefork", errno, "epoll_wait failed");
            break;
        }
        for (int i = 0; i < n && !master_gone; ++i) {
            const size_t which = size_t(events[i].data.u64);
            if (which == listeners.size()) {
                master_gone = true;
                break;
            }
            if (which > listeners.size())
                break;   // told to leave: the loop condition sees it
            ClientConnection client;
            socklen_t length = sizeof client.peer;
            client.fd = accept4(listeners[which].fd, reinterpret_cast<sockaddr*>(&client.peer), &length,
                                SOCK_NONBLOCK | SOCK_CLOEXEC);
            client.local_port = listeners[which].port;
            if (client.fd < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                    log_errno(LogLevel::Error, "mpm_prefork", errno, "accept4 failed");
                continue;
            }
            serve_connection(env, client, report);
            ++connections;
            if (max_connections != 0 && connections >= max_connections)
                set_child_leaving();
            break;   // one connection at a time: back to waiting
        }
    }
    close(epoll_fd);
    if (master_gone)
        log_error(LogLevel::Info, "mpm_prefork", "master process is gone; child %d leaves", int(getpid()));
    report.set_status(WorkerStatus::Graceful);
    return 0;
}

} // namespace

Mpm& prefork_mpm()
{
    static PreforkMpm prefork;
    return prefork;
}

} // namespace mpmd
