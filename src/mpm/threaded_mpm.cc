// See threaded_mpm.h.
#include "mpm/threaded_mpm.h"

#include "mpm/threaded_config.h"

#include <algorithm>

namespace mpmd {

MpmLimits ThreadedMpm::limits(const LoadedConfig& config) const
{
    const ThreadedConfig& c = settings(config);
    MpmLimits limits;
    limits.server_limit = threaded_process_slots(c);
    limits.thread_limit = uint32_t(c.thread_limit);
    limits.threads_per_child = uint32_t(c.threads_per_child);
    limits.max_connections_per_child = uint64_t(c.max_connections_per_child);
    limits.max_connections_jitter = uint64_t(c.max_connections_per_child_jitter);
    const uint32_t room = limits.thread_limit > limits.threads_per_child ? limits.thread_limit - limits.threads_per_child : 0;
    limits.loop_records = std::min(own_records(), room);
    return limits;
}

uint32_t ThreadedMpm::start_servers(const LoadedConfig& config) const
{
    const ThreadedConfig& c = settings(config);
    return uint32_t(std::min(c.start_servers, c.max_children()));
}

MaintenanceDecision ThreadedMpm::maintain(const std::vector<SlotView>& slots, const LoadedConfig& config, bool tick)
{
    return policy_.maintain(slots, settings(config).policy_limits(), tick);
}

} // namespace mpmd
