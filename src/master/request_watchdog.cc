// See request_watchdog.h.
#include "master/request_watchdog.h"

namespace mpmd {

bool in_request(const WorkerScore& record, pid_t child_pid)
{
    const auto status = WorkerStatus(record.status);
    return child_pid > 0 && record.pid == child_pid && record.start_time > 0 && record.stop_time == 0 &&
           (status == WorkerStatus::Writing || status == WorkerStatus::Logging);
}

std::vector<StuckRequest> find_stuck_requests(const std::vector<WorkerSample>& samples, int64_t now_us,
                                              int64_t limit_us)
{
    std::vector<StuckRequest> stuck;
    if (limit_us <= 0)
        return stuck;
    for (const WorkerSample& sample : samples) {
        const WorkerScore& w = sample.record;
        if (!in_request(w, sample.child_pid) || now_us - w.start_time <= limit_us)
            continue;
        StuckRequest s;
        s.slot = sample.slot;
        s.thread = sample.thread;
        s.pid = sample.child_pid;
        s.request_line = field_text(w.request, sizeof w.request);
        s.client = field_text(w.client, sizeof w.client);
        s.seconds = double(now_us - w.start_time) / 1e6;
        stuck.push_back(std::move(s));
    }
    return stuck;
}

} // namespace mpmd
