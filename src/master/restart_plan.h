// How many children a graceful restart starts: enough to carry the load the old generation
// was carrying, never fewer than StartServers, never more than the MPM allows. Apache starts
// only StartServers and lets the spawn rate (1, 2, 4 ... per second) catch up, so capacity
// dips for seconds after every restart under load; mpmd replaces the busy capacity at once.
// Runs in: master (a pure function of the scoreboard view, unit-tested without processes).
#ifndef MPMD_MASTER_RESTART_PLAN_H
#define MPMD_MASTER_RESTART_PLAN_H

#include "mpm/mpm.h"

#include <cstdint>
#include <vector>

namespace mpmd {

struct RestartSizes {
    uint32_t start_servers = 1;       // the MPM's StartServers (already within its limits)
    uint32_t threads_per_child = 1;   // 1 for prefork
    uint32_t max_processes = 1;       // children one generation may have (MaxRequestWorkers / ThreadsPerChild)
};

// `old` is the view taken just before the old generation is told to leave.
uint32_t children_for_new_generation(const std::vector<SlotView>& old, const RestartSizes& sizes);

} // namespace mpmd

#endif
