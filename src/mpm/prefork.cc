// The prefork MPM: each child serves one connection at a time with a single thread, so a
// crash, leak or hang costs one connection and nothing else. The master keeps idle children
// between MinSpareServers and MaxSpareServers (prefork_policy.h).
// Accepting: see accept_set.h.
// Runs in: master (policy), children (serving loop).
#include "child/child_context.h"
#include "child/child_signals.h"
#include "child/connection_limit.h"
#include "child/connection.h"
#include "child/connection_drivers.h"
#include "mpm/accept_set.h"
#include "mpm/mpm.h"
#include "mpm/mpm_registry.h"
#include "mpm/prefork_policy.h"
#include "mpm/mpm_config.h"
#include "shared/error_log.h"

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
                         uint64_t(config.prefork.max_connections_per_child),
                         uint64_t(config.prefork.max_connections_per_child_jitter)};
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
    const ConnectionEnv env{context.runtime, context.master_watch_fd, context.scoreboard, &system_clock(), getpid(),
                            context.cgi};
    AcceptSet accepting(context, "mpm_prefork");
    if (!accepting.ok())
        return 1;

    const uint64_t max_connections = context.max_connections;
    uint64_t connections = 0;
    bool master_gone = false;
    while (!child_leaving() && !master_gone) {
        report.set_status(WorkerStatus::Ready);
        AcceptedSocket client;
        switch (accepting.next(&client)) {
        case AcceptSet::Outcome::Accepted: {
            auto transport = make_transport(client.fd, client.peer, *env.runtime, client.https);
            Connection connection(env, std::move(transport), client.peer, client.local_port, client.proxy);
            serve_blocking(connection, report);
            if (max_connections != 0 && ++connections >= max_connections) {
                log_connection_limit_reached("mpm_prefork", context);
                set_child_leaving();
            }
            break;
        }
        case AcceptSet::Outcome::MasterGone:
            master_gone = true;
            break;
        case AcceptSet::Outcome::Failed:
            set_child_leaving();
            break;
        case AcceptSet::Outcome::Leave:
        case AcceptSet::Outcome::Nothing:
            break;   // the loop condition decides
        }
    }
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
