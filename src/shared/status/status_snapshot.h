// StatusSnapshot: a consistent copy of the scoreboard (each record read through its seqlock)
// plus what the scoreboard does not hold (StatusServerInfo) and the figures Apache's
// mod_status derives: totals, uptime, busy and idle workers, the scoreboard string, CPU, load.
// The renderers (status_auto, status_json, status_metrics, status_html) are pure functions of it.
// Runs in: children (the status handler), any process that maps the scoreboard.
// Leans on: Apache httpd 2.4.57 modules/generators/mod_status.c (status_handler: which records
// count, Apache's busy/idle rules, the float arithmetic of the rates); getloadavg(3);
// cpu_times.h (/proc/PID/stat).
#ifndef MPMD_SHARED_STATUS_STATUS_SNAPSHOT_H
#define MPMD_SHARED_STATUS_STATUS_SNAPSHOT_H

#include "shared/scoreboard.h"
#include "shared/status/cpu_times.h"
#include "shared/version.h"

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// "Mar  5 2024 10:00:00": when this file was compiled (Apache's ap_get_server_built()).
std::string server_built();

// What the status page needs that is not in shared memory; the handler fills it per request.
struct StatusServerInfo {
    std::string server_name;       // the request's host (Apache's ap_get_server_name)
    // Always the full Name/X.Y.Z (Unix) banner whatever ServerTokens says, as Apache's
    // ap_get_server_description(): prometheus-apache-exporter splits it on '/', ' ' and '.'.
    std::string server_version = server_banner(ServerTokens::Full);
    std::string server_built = mpmd::server_built();
    std::string mpm_name;          // "prefork", "worker", "event"
    bool threaded = false;
    bool async = false;            // event: idle connections are held without a thread
    int64_t now = 0;               // microseconds since the epoch; 0 = now_microseconds()
    // The MPM's limits in use: the scoreboard string skips dead records beyond them, as
    // Apache skips slots beyond MaxRequestWorkers (AP_MPMQ_MAX_DAEMONS) and ThreadsPerChild.
    uint32_t max_processes = 0;    // 0 = every process slot
    uint32_t threads_per_child = 0;// 0 = every thread slot
    pid_t master_pid = 0;          // 0 = no master CPU times
    // Read getloadavg(3) and /proc; tests turn it off and set the figures themselves.
    bool read_system = true;
};

struct ProcessSnapshot {
    uint32_t slot = 0;
    pid_t pid = 0;
    uint32_t generation = 0;
    bool quiescing = false;
    int64_t start_time = 0;            // microseconds since the epoch
    uint32_t async_connections = 0;    // idle connections held by the event loop
    uint32_t async_closing = 0;        // of those, the ones in a lingering close
    uint32_t busy_threads = 0;         // Apache's event table: R W K L C D
    uint32_t idle_threads = 0;         // _ and G
    std::optional<CpuTimes> cpu;       // this process's own times (/proc)
};

struct WorkerSnapshot {
    uint32_t slot = 0;
    uint32_t thread = 0;
    char status = '.';                 // a WorkerStatus character
    pid_t pid = 0;                     // 0 once its process has been reaped
    uint32_t generation = 0;
    uint64_t access_count = 0;         // this slot since the server started
    uint64_t bytes_served = 0;
    uint64_t duration_us = 0;          // the time those requests took
    uint64_t my_access_count = 0;      // this slot's current (or last) process
    uint64_t my_bytes_served = 0;
    uint64_t conn_count = 0;           // the current (or last) connection
    uint64_t conn_bytes = 0;
    int64_t start_time = 0;            // microseconds since the epoch
    int64_t stop_time = 0;             // 0 while a request runs
    int64_t last_used = 0;
    std::string client;
    std::string request;
    std::string vhost;

    // Milliseconds the last request took (Apache's "Req"); 0 while one runs.
    int64_t request_ms() const;
};

struct StatusSnapshot {
    StatusServerInfo server;
    int64_t now = 0;                   // microseconds since the epoch
    int64_t start_time = 0;            // the master started
    int64_t restart_time = 0;          // the running generation began
    uint32_t mpm_generation = 0;       // Apache's ParentServerMPMGeneration
    uint32_t config_generation = 0;    // configurations loaded: 1 + restarts
    // Seconds the totals cover: since the master started, because mpmd keeps the scoreboard
    // and its counters across restarts (Apache zeroes both at a restart, so its restart_time
    // is the same moment: when the counters began).
    uint32_t uptime = 0;
    uint32_t server_limit = 0;         // process records in the scoreboard
    uint32_t thread_limit = 0;         // worker records per process record

    std::vector<ProcessSnapshot> processes;   // the slots with a live process, by slot
    // Every record that has served or is in use (a dead record that never served is left
    // out), by slot then thread.
    std::vector<WorkerSnapshot> workers;
    // One character per worker record, slot by slot (Apache's "Scoreboard:" line).
    std::string scoreboard;

    uint64_t total_accesses = 0;
    uint64_t total_bytes = 0;
    uint64_t total_kbytes = 0;                 // total_bytes / 1024, rounded down
    // The time requests took, summed (GlobalScore::carried_duration and WorkerScore::duration),
    // in whole milliseconds as Apache's "Total Duration".
    uint64_t total_duration_ms = 0;
    // Log lines dropped since the master started (full disk, file size limit: log_file.h),
    // the error log's and the access logs' (the first kLogFaultWords - 1 files opened), and
    // how many of those files are failing now.
    uint64_t error_log_lines_lost = 0;
    uint64_t access_log_lines_lost = 0;
    int logs_failing = 0;
    int busy_workers = 0;      // Apache: live, not quiescing, not _ . S I
    int idle_workers = 0;      // Apache: _ in a live, not quiescing, current-generation process
    int graceful_workers = 0;  // G in any live process

    // Apache's event table (?auto prints it for an async MPM).
    int process_count = 0;
    int stopping_processes = 0;
    int async_busy_workers = 0;
    int async_idle_workers = 0;
    uint64_t connections_total = 0;
    uint64_t connections_keep_alive = 0;       // held by the event loop, not lingering
    uint64_t connections_closing = 0;          // held by the event loop in a lingering close

    // Master's own and reaped children's times plus every live child's own times.
    bool has_cpu = false;
    CpuTimes master_cpu;
    CpuTimes children_cpu;
    float clock_ticks = 100;                   // per second (float, as mod_status divides)
    std::optional<std::array<double, 3>> load; // 1, 5, 15 minutes

    // Apache's rates, computed in float as mod_status does (its %g output depends on it).
    float requests_per_second() const;
    float bytes_per_second() const;
    float bytes_per_request() const;
    float duration_per_request() const;                  // milliseconds (0 before any request)
    // CPU seconds: user, system, children user, children system (master + children).
    std::array<float, 4> cpu_seconds() const;
    std::optional<double> cpu_load() const;              // percent of one CPU over the uptime
    const ProcessSnapshot* process_in(uint32_t slot) const;
};

StatusSnapshot take_status_snapshot(const Scoreboard& board, const StatusServerInfo& info);

// "Log lines lost: 0 error log, 12 access logs - 1 log file failing now" (the last part only
// while one fails): the status page's and mpmctl status's line.
std::string log_loss_summary(const StatusSnapshot& s);

// Apache's scoreboard keys and the state names prometheus-apache-exporter gives them (the
// "state" label of apache_scoreboard), reused by the JSON and OpenMetrics forms.
inline constexpr char kStatusKeys[] = {'_', 'S', 'R', 'W', 'K', 'D', 'C', 'L', 'G', 'I', '.'};
inline constexpr std::string_view kStatusKeyNames[] = {
    "idle", "startup", "read", "reply", "keepalive", "dns",
    "closing", "logging", "graceful_stop", "idle_cleanup", "open_slot"};
static_assert(sizeof kStatusKeys == std::size(kStatusKeyNames));
// The name of one key ("unknown" for a character that is none).
std::string_view status_key_name(char key);
// Counts of each scoreboard key in `scoreboard`, in the order of kStatusKeys.
std::array<int, sizeof kStatusKeys> count_status_keys(const std::string& scoreboard);

} // namespace mpmd

#endif
