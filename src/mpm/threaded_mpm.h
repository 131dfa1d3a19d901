// ThreadedMpm: what the worker and event MPMs share on the master's side: their limits
// (scoreboard slots with headroom for a draining generation, ThreadLimit records each), the
// number of children to start, and the thread-counting maintenance policy.
// Runs in: master (policy), children (through the subclasses' run_child).
#ifndef MPMD_MPM_THREADED_MPM_H
#define MPMD_MPM_THREADED_MPM_H

#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "mpm/threaded_policy.h"

namespace mpmd {

class ThreadedMpm : public Mpm {
public:
    bool threaded() const override { return true; }
    MpmLimits limits(const LoadedConfig& config) const override;
    uint32_t start_servers(const LoadedConfig& config) const override;
    MaintenanceDecision maintain(const std::vector<SlotView>& slots, const LoadedConfig& config, bool tick) override;
    void reset() override { policy_.reset(); }

protected:
    // This MPM's section of the configuration ([mpm_worker] or [mpm_event]).
    virtual const ThreadedConfig& settings(const LoadedConfig& config) const = 0;
    // Worker records the child's own threads write after its workers' (event: its loop's
    // and its accepting thread's, which answer requests themselves).
    virtual uint32_t own_records() const { return 0; }

private:
    ThreadedPolicy policy_;
};

} // namespace mpmd

#endif
