// prefork's idle-server maintenance, as Apache httpd 2.4's prefork does it, as a pure
// function: a scoreboard view and the limits in, the children to start or stop out.
//   - idle children above MaxSpareServers: stop one per timer pass (gracefully), so
//     surplus children leave at one a second, as in Apache;
//   - idle children below MinSpareServers: start up to `spawn_rate` children in free slots,
//     never more than MaxRequestWorkers children of the current generation (leaving ones
//     do not count, so a graceful restart never waits for the old generation); the rate doubles on each timer
//     pass that still finds a shortage, up to 32, and falls back to 1 when there is none;
//   - when no slot may be used, log "server reached MaxRequestWorkers setting" once per
//     episode (until idle children are back at MinSpareServers).
// Runs in: master. No system calls; unit-tested in t/unit/prefork_policy_test.cc.
#ifndef MPMD_MPM_PREFORK_POLICY_H
#define MPMD_MPM_PREFORK_POLICY_H

#include "mpm/mpm.h"

namespace mpmd {

struct PreforkLimits {
    uint32_t min_spare_servers = 5;
    uint32_t max_spare_servers = 10;
    uint32_t max_request_workers = 256;
};

class PreforkPolicy {
public:
    static constexpr uint32_t kMaxSpawnRate = 32;

    MaintenanceDecision maintain(const std::vector<SlotView>& slots, const PreforkLimits& limits, bool tick);
    void reset();
    uint32_t spawn_rate() const { return spawn_rate_; }

private:
    uint32_t spawn_rate_ = 1;
    bool reported_max_workers_ = false;
};

} // namespace mpmd

#endif
