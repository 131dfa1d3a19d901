// The worker and event MPMs' idle-thread maintenance, as Apache httpd 2.4's worker and event
// do it, as a pure function: a scoreboard view and the limits in, the children to start or
// stop out. Idle threads are counted over active children only (current generation, not
// quiescing); a Starting child reports its ThreadsPerChild as idle in its SlotView.
//   - idle threads above MaxSpareThreads: stop one child per timer pass (gracefully), the
//     highest active slot with an idle thread, so surplus children leave at one a second;
//   - idle threads below MinSpareThreads: start up to `spawn_rate` children, no more than
//     the shortage needs (in whole children), in free slots, and never more active children
//     than MaxRequestWorkers / ThreadsPerChild (at most ServerLimit); the rate doubles on
//     each timer pass that still finds a shortage, up to 32, and falls back to 1 when there
//     is none;
//   - when the active limit is reached, log "server reached MaxRequestWorkers setting" once
//     per episode (until idle threads are back at MinSpareThreads).
// Children of an older generation and quiescing ones keep their slot until they exit but
// never count as active: the scoreboard has 2 x ServerLimit slots (threaded_process_slots),
// so a graceful restart can start a whole new generation while the old one drains, which
// Apache's event MPM cannot ("scoreboard is full, not at MaxRequestWorkers").
// Runs in: master. No system calls; unit-tested in t/unit/threaded_policy_test.cc.
#ifndef MPMD_MPM_THREADED_POLICY_H
#define MPMD_MPM_THREADED_POLICY_H

#include "mpm/mpm.h"

namespace mpmd {

// Apache's defaults; ThreadedConfig::policy_limits() gives the configured ones.
struct ThreadedLimits {
    uint32_t min_spare_threads = 75;
    uint32_t max_spare_threads = 250;
    uint32_t threads_per_child = 25;     // >= 1
    uint32_t max_request_workers = 400;  // threads in all active children
    uint32_t server_limit = 16;          // active children, whatever the slot count

    // Active children allowed: MaxRequestWorkers / ThreadsPerChild, at most ServerLimit.
    uint32_t max_active_children() const;
};

class ThreadedPolicy {
public:
    static constexpr uint32_t kMaxSpawnRate = 32;

    MaintenanceDecision maintain(const std::vector<SlotView>& slots, const ThreadedLimits& limits,
                                 bool tick);
    void reset();
    uint32_t spawn_rate() const { return spawn_rate_; }

private:
    uint32_t spawn_rate_ = 1;
    bool reported_max_workers_ = false;
    bool reported_full_ = false;
};

} // namespace mpmd

#endif
