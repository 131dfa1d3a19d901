// See threaded_policy.h; the thresholds and messages follow Apache 2.4's worker.c and event.c
// (perform_idle_server_maintenance) so administrators read the same signs.
#include "mpm/threaded_policy.h"

#include <algorithm>

namespace mpmd {

namespace {

// One pass over the slots.
struct Census {
    uint32_t idle = 0;        // idle threads in active children
    uint32_t active = 0;      // current generation, not quiescing
    uint32_t leaving = 0;     // older generation or quiescing: they hold a slot until they exit
    int idle_victim = -1;     // the highest active slot with an idle thread
    std::vector<uint32_t> free_slots;
};

Census take_census(const std::vector<SlotView>& slots)
{
    Census census;
    for (uint32_t i = 0; i < slots.size(); ++i) {
        const SlotView& slot = slots[i];
        if (slot.pid == 0) {
            census.free_slots.push_back(i);
        } else if (!slot.current_generation || slot.quiescing) {
            ++census.leaving;
        } else {
            ++census.active;
            census.idle += slot.idle_workers;
            if (slot.idle_workers > 0)
                census.idle_victim = int(i);
        }
    }
    return census;
}

} // namespace

uint32_t ThreadedLimits::max_active_children() const
{
    return std::min(server_limit, max_request_workers / std::max(threads_per_child, 1u));
}

void ThreadedPolicy::reset()
{
    spawn_rate_ = 1;
    reported_max_workers_ = false;
    reported_full_ = false;
}

MaintenanceDecision ThreadedPolicy::maintain(const std::vector<SlotView>& slots,
                                             const ThreadedLimits& limits, bool tick)
{
    MaintenanceDecision decision;
    const Census census = take_census(slots);

    if (census.idle > limits.max_spare_threads) {
        // One per timer pass: the pass run after each exit must not cascade.
        if (tick && census.idle_victim >= 0)
            decision.stop_gracefully.push_back(uint32_t(census.idle_victim));
        spawn_rate_ = 1;
        return decision;
    }
    if (census.idle >= limits.min_spare_threads) {
        spawn_rate_ = 1;
        reported_max_workers_ = false;
        reported_full_ = false;
        return decision;
    }

    const uint32_t cap = limits.max_active_children();
    const uint32_t room = census.active >= cap ? 0 : cap - census.active;
    // As Apache: the whole spawn rate, not just the shortage, so a lasting burst (long-lived
    // connections arriving faster than children start) is met within seconds.
    const uint32_t wanted = std::min({spawn_rate_, room, uint32_t(census.free_slots.size())});
    if (wanted == 0) {
        if (room == 0 && !reported_max_workers_) {
            decision.messages.push_back({LogLevel::Error,
                "server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting"});
            reported_max_workers_ = true;
        } else if (room > 0 && !reported_full_) {
            // Only when more than ServerLimit children are still leaving (restarts in quick
            // succession): they free their slots as they exit.
            decision.messages.push_back({LogLevel::Info,
                "scoreboard is full, not at MaxRequestWorkers: all " +
                std::to_string(slots.size()) + " process slots are held, " +
                std::to_string(census.leaving) + " by children that are shutting down"});
            reported_full_ = true;
        }
        spawn_rate_ = 1;
        return decision;
    }
    if (spawn_rate_ >= 8) {
        decision.messages.push_back({LogLevel::Info,
            "server seems busy, (you may need to increase StartServers, ThreadsPerChild or "
            "Min/MaxSpareThreads), spawning " + std::to_string(wanted) + " children, there are around " +
            std::to_string(census.idle) + " idle threads, " + std::to_string(census.active) +
            " active children, and " + std::to_string(census.leaving) +
            " children that are shutting down"});
    }
    decision.spawn.assign(census.free_slots.begin(), census.free_slots.begin() + wanted);
    if (tick)
        spawn_rate_ = std::min(spawn_rate_ * 2, kMaxSpawnRate);
    return decision;
}

} // namespace mpmd
