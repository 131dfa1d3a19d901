// See connection_limit.h.
#include "child/connection_limit.h"

#include "child/child_context.h"
#include "shared/error_log.h"

#include <unistd.h>

#include <ctime>
#include <random>

namespace mpmd {

uint64_t pick_connection_limit(uint64_t base, uint64_t jitter, uint64_t random)
{
    if (base == 0)
        return 0;
    return jitter == UINT64_MAX ? base + random : base + random % (jitter + 1);
}

uint64_t draw_connection_limit(uint64_t base, uint64_t jitter)
{
    if (base == 0 || jitter == 0)
        return base;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::seed_seq seed{uint64_t(getpid()), uint64_t(now.tv_sec), uint64_t(now.tv_nsec)};
    std::mt19937_64 generator(seed);
    return pick_connection_limit(base, jitter, generator());
}

void log_connection_limit_reached(const char* module, const ChildContext& context)
{
    log_error(LogLevel::Debug, module,
              "child %d leaves after %llu connections: its MaxConnectionsPerChild limit, drawn from %llu..%llu",
              int(getpid()), static_cast<unsigned long long>(context.max_connections),
              static_cast<unsigned long long>(context.runtime->max_connections_per_child),
              static_cast<unsigned long long>(context.runtime->max_connections_per_child +
                                              context.runtime->max_connections_jitter));
}

} // namespace mpmd
