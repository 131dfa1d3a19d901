// The MPM interface: what the master's one supervision loop asks of an MPM, and the serving
// loop a child runs. An MPM is a small maintenance policy (pure: a view of the scoreboard
// and the config in, spawn/stop decisions out) plus its child loop; process creation,
// reaping, back-off and signals live once, in src/master/.
// Runs in: master (policy), children (serving loop).
#ifndef MPMD_MPM_MPM_H
#define MPMD_MPM_MPM_H

#include "shared/log_level.h"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mpmd {

struct LoadedConfig;
struct ChildContext;

// One process slot as the master sees it at a maintenance pass.
struct SlotView {
    pid_t pid = 0;                // 0 = free slot
    bool current_generation = false;
    bool quiescing = false;       // told to leave; counts neither as idle nor as capacity
    uint32_t idle_workers = 0;    // workers Ready or Starting
    uint32_t busy_workers = 0;
};

struct MpmMessage {
    LogLevel level;
    std::string text;
};

struct MaintenanceDecision {
    std::vector<uint32_t> spawn;             // free slots to start a child in
    std::vector<uint32_t> stop_gracefully;   // slots whose child should finish and leave
    std::vector<MpmMessage> messages;        // for the error log
};

struct MpmLimits {
    uint32_t server_limit = 1;    // process records in the scoreboard
    uint32_t thread_limit = 1;    // worker records per process
    uint32_t threads_per_child = 1;   // worker records a child uses (<= thread_limit)
    uint64_t max_connections_per_child = 0;   // 0 = never leave for this reason
    uint64_t max_connections_jitter = 0;      // each child's limit is drawn in [M, M + this]
    // Worker records a child writes beyond its workers' (the event loop's and its accepting
    // thread's, as far as ThreadLimit leaves room): the watchdog reads them too.
    uint32_t loop_records = 0;
};

class Mpm {
public:
    virtual ~Mpm() = default;
    virtual const char* name() const = 0;        // "prefork"
    virtual bool threaded() const = 0;
    virtual MpmLimits limits(const LoadedConfig& config) const = 0;
    // Children to start when a generation begins.
    virtual uint32_t start_servers(const LoadedConfig& config) const = 0;
    // One maintenance pass. `tick` is true on the once-a-second timer (spawn rates grow only
    // then) and false when run right after a child exited.
    virtual MaintenanceDecision maintain(const std::vector<SlotView>& slots, const LoadedConfig& config,
                                         bool tick) = 0;
    // Forget policy state (spawn rate, logged episodes) at a restart.
    virtual void reset() = 0;
    // The child's serving loop; returns the child's exit status.
    virtual int run_child(ChildContext& context) = 0;
};

} // namespace mpmd

#endif
