// The threaded MPMs' configuration: the [mpm_worker] and [mpm_event] directive tables (the
// same thread and process counts; event adds AsyncRequestWorkerFactor) and ThreadedConfig,
// the typed view with Apache's adjustments and their warnings.
// Runs in: master.
// Leans on: Apache httpd 2.4 worker.c and event.c (worker_check_config, event_check_config and
// the *_run clamps: limits, order of the checks and warning texts).
#ifndef MPMD_MPM_THREADED_CONFIG_H
#define MPMD_MPM_THREADED_CONFIG_H

#include "mpm/threaded_policy.h"
#include "shared/config.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace mpmd {

inline constexpr std::string_view kWorkerSection = "mpm_worker";
inline constexpr std::string_view kEventSection = "mpm_event";
// Compile-time ceilings (Apache's MAX_SERVER_LIMIT and MAX_THREAD_LIMIT for worker and
// event): they size the scoreboard, so a typo cannot ask for millions of records.
inline constexpr int kThreadedMaxServerLimit = 20000;
inline constexpr int kThreadedMaxThreadLimit = 20000;

const DirectiveTable& worker_directive_table();
const DirectiveTable& event_directive_table();

// Adjusted values satisfy, in this order of derivation:
//   1 <= thread_limit <= kThreadedMaxThreadLimit, 1 <= threads_per_child <= thread_limit,
//   1 <= server_limit <= kThreadedMaxServerLimit,
//   max_request_workers = k * threads_per_child with 1 <= k <= server_limit,
//   1 <= start_servers <= k, min_spare_threads >= 1,
//   max_spare_threads >= min_spare_threads + threads_per_child.
struct ThreadedConfig {
    int start_servers = 0;                // processes
    int server_limit = 0;                 // active processes at most (see threaded_process_slots)
    int thread_limit = 0;                 // worker records per process in the scoreboard
    int threads_per_child = 0;
    int min_spare_threads = 0;            // idle threads, over all active children
    int max_spare_threads = 0;
    int max_request_workers = 0;          // threads in all active children
    int max_connections_per_child = 0;    // 0 = no limit
    int max_connections_per_child_jitter = 0;   // a child's limit is drawn in [M, M + this]
    // event only (0 for worker): idle connections a child may hold per idle worker thread,
    // in hundredths (200 = 2, Apache's default).
    long long async_request_worker_factor = 0;

    // Active children MaxRequestWorkers allows (Apache's ap_daemons_limit); <= server_limit.
    int max_children() const { return max_request_workers / threads_per_child; }
    // The maintenance policy's limits from this view.
    ThreadedLimits policy_limits() const;

    // The view of `section` (kWorkerSection or kEventSection) in `config`, adjusted as
    // Apache adjusts; each adjustment is a warning at the line of the value it changes (or of
    // the value that forced it when the changed one is a default). No adjustment is an error.
    static ThreadedConfig from(const Config& config, std::string_view section,
                               std::vector<ConfigMessage>* warnings);
};

// Process records the scoreboard needs for a threaded MPM: twice ServerLimit, so that a
// whole generation can finish its requests in its slots while the next generation starts in
// free ones. The policy keeps at most server_limit of them active.
uint32_t threaded_process_slots(const ThreadedConfig& config);

} // namespace mpmd

#endif
