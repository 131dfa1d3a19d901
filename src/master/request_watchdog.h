// The RequestTimeout watchdog's scan: which workers have been inside one request for longer
// than the limit. A worker is inside a request from request_started (status W, stop_time 0)
// until request_finished sets stop_time; its record must belong to the child the master
// knows in that slot (a record left by a reaped child, or not yet taken by a new one, is
// never a match). Pure: the supervisor passes scoreboard snapshots and the time, and acts
// on the answer (see supervisor_faults.cc).
// Runs in: master.
// Leans on: scoreboard.h (WorkerScore fields and their writers); Apache's mod_reqtimeout
// and nginx's send/read timeouts bound the I/O, this bounds the handler itself.
#ifndef MPMD_MASTER_REQUEST_WATCHDOG_H
#define MPMD_MASTER_REQUEST_WATCHDOG_H

#include "shared/scoreboard.h"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mpmd {

// One worker record as the master sampled it, with the pid the master holds for its slot.
struct WorkerSample {
    uint32_t slot = 0;
    uint32_t thread = 0;
    pid_t child_pid = 0;          // the registry's pid for the slot
    WorkerScore record{};
};

struct StuckRequest {
    uint32_t slot = 0;
    uint32_t thread = 0;
    pid_t pid = 0;
    std::string request_line;
    std::string client;
    double seconds = 0;           // how long the request has run
};

// True while the record shows a request under way (handler or reply), by `child_pid`.
bool in_request(const WorkerScore& record, pid_t child_pid);

// The workers whose current request started more than `limit_us` before `now_us` (both
// CLOCK_REALTIME microseconds, as the scoreboard keeps them). `limit_us` <= 0 finds none.
std::vector<StuckRequest> find_stuck_requests(const std::vector<WorkerSample>& samples, int64_t now_us,
                                              int64_t limit_us);

} // namespace mpmd

#endif
