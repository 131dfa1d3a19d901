// See prefork_policy.h; the thresholds and messages follow Apache 2.4's prefork.c
// (perform_idle_server_maintenance) so administrators read the same signs.
#include "mpm/prefork_policy.h"

#include <algorithm>

namespace mpmd {

void PreforkPolicy::reset()
{
    spawn_rate_ = 1;
    reported_max_workers_ = false;
}

MaintenanceDecision PreforkPolicy::maintain(const std::vector<SlotView>& slots, const PreforkLimits& limits,
                                            bool tick)
{
    MaintenanceDecision decision;
    uint32_t idle = 0, live = 0, active = 0;
    int idle_victim = -1;
    std::vector<uint32_t> free_slots;
    for (uint32_t i = 0; i < slots.size(); ++i) {
        const SlotView& slot = slots[i];
        if (slot.pid == 0) {
            free_slots.push_back(i);
            continue;
        }
        ++live;
        // Children that are leaving (an older generation, or told to stop) hold a slot until
        // they are done, but neither count as idle nor against MaxRequestWorkers: a graceful
        // restart starts the new generation at once, in the free slots (the scoreboard has
        // room for two generations, see PreforkMpm::limits).
        if (!slot.current_generation || slot.quiescing)
            continue;
        ++active;
        if (slot.idle_workers > 0) {
            idle += slot.idle_workers;
            idle_victim = int(i);   // the highest idle slot, as Apache picks
        }
    }

    if (idle > limits.max_spare_servers) {
        // One per timer pass: the pass run after each exit must not cascade.
        if (tick && idle_victim >= 0)
            decision.stop_gracefully.push_back(uint32_t(idle_victim));
        spawn_rate_ = 1;
        return decision;
    }
    if (idle >= limits.min_spare_servers) {
        spawn_rate_ = 1;
        reported_max_workers_ = false;
        return decision;
    }

    const uint32_t room = active >= limits.max_request_workers ? 0 : limits.max_request_workers - active;
    // As Apache: the whole spawn rate, not just the shortage, so a lasting burst (long-lived
    // connections arriving faster than children start) is met within seconds.
    const uint32_t wanted = std::min({spawn_rate_, room, uint32_t(free_slots.size())});
    if (wanted == 0) {
        if (!reported_max_workers_) {
            decision.messages.push_back({LogLevel::Error,
                "server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting"});
            reported_max_workers_ = true;
        }
        spawn_rate_ = 1;
        return decision;
    }
    if (spawn_rate_ >= 8) {
        decision.messages.push_back({LogLevel::Info,
            "server seems busy, (you may need to increase StartServers, or Min/MaxSpareServers), spawning " +
            std::to_string(wanted) + " children, there are " + std::to_string(idle) + " idle, and " +
            std::to_string(live) + " total children"});
    }
    decision.spawn.assign(free_slots.begin(), free_slots.begin() + wanted);
    if (tick)
        spawn_rate_ = std::min(spawn_rate_ * 2, kMaxSpawnRate);
    return decision;
}

} // namespace mpmd
