// The supervisor's answer to faults in children (the part of Supervisor declared under
// "Faults" in supervisor.h):
//   - replacement: a current-generation child that dies unexpectedly (a signal, or a
//     non-zero status other than kChildFatalExit) is replaced at once in the reap pass,
//     whatever the MPM's idle-capacity policy thinks, so a crash costs only the
//     connections that child held;
//   - back-off: failed starts (a death soon after fork, before any worker was ready)
//     delay every spawn (RespawnBackoff), with a timer that comes back when the delay is
//     over, and each one is logged with its cause and the delay;
//   - watchdog: with RequestTimeout set, a 100 ms timer scans the scoreboard
//     (find_stuck_requests); prefork's child is killed (its one connection is the stuck
//     one), a threaded child is asked to leave gracefully and killed once only stuck
//     requests are left in it, or by the escalation after kWatchdogGraceMs. A replacement
//     starts at once. Both are transitions of the child's state (supervisor_leave.cc).
// Runs in: master.
// Leans on: libevent evtimer; request_watchdog.h, respawn_backoff.h.
#include "master/supervisor.h"

#include "child/child_main.h"
#include "shared/error_log.h"

#include <event2/event.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>

namespace mpmd {

namespace {

constexpr int kWatchdogPeriodMs = 100;
// How long a threaded child asked to leave by the watchdog may take to finish its other
// requests before it is killed with the stuck ones.
constexpr int64_t kWatchdogGraceMs = 3000;

} // namespace

void Supervisor::on_respawn_event(int, short, void* self)
{
    static_cast<Supervisor*>(self)->maintain(false);
}

void Supervisor::on_watchdog_event(int, short, void* self)
{
    static_cast<Supervisor*>(self)->watchdog_scan();
}

void Supervisor::setup_fault_events()
{
    respawn_ = evtimer_new(base_, on_respawn_event, this);
    watchdog_ = event_new(base_, -1, EV_PERSIST, on_watchdog_event, this);
}

void Supervisor::free_fault_events()
{
    if (respawn_)
        event_free(respawn_);
    if (watchdog_)
        event_free(watchdog_);
    respawn_ = watchdog_ = nullptr;
}

// A new generation gets a fresh chance: its config may have fixed what made starts fail.
void Supervisor::forget_faults()
{
    backoff_.reset();
    owed_.clear();
    if (respawn_)
        event_del(respawn_);
}

// True once a worker of `child` has left Starting in the scoreboard: the child got as far
// as serving, so its death is not a failed start.
bool Supervisor::reached_ready(const ChildRecord& child)
{
    const uint32_t threads = worker_records_in_use();
    for (uint32_t t = 0; t < threads; ++t) {
        const WorkerScore w = s_.scoreboard->snapshot(child.slot, t);
        const auto status = WorkerStatus(w.status);
        if (w.pid == child.pid && status != WorkerStatus::Starting && status != WorkerStatus::Dead)
            return true;
    }
    return false;
}

void Supervisor::child_exited(const ChildRecord& child, int status, bool expected, bool ready)
{
    watchdog_cases_.erase(std::remove_if(watchdog_cases_.begin(), watchdog_cases_.end(),
                                         [&](const WatchdogCase& c) { return c.pid == child.pid; }),
                          watchdog_cases_.end());
    const bool fatal = WIFEXITED(status) && WEXITSTATUS(status) == kChildFatalExit;
    if (expected || fatal || mode_ != Mode::Running || child.generation != generation_) {
        backoff_.child_left(child.pid);
        return;
    }
    const int64_t now = now_ms();
    const int64_t delay = backoff_.child_died(child.started_ms, now, ready);
    owed_.push_back(child.slot);
    if (delay > 0)
        log_error(LogLevel::Error, "core",
                  "child pid %d (slot %u) died %lld ms after it started; %u failed start(s) in a row, so the "
                  "next child starts in %lld ms (the cause is in the line above)",
                  int(child.pid), child.slot, static_cast<long long>(now - child.started_ms), backoff_.failures(),
                  static_cast<long long>(delay));
}

// True when a spawn may happen now; otherwise arms the timer that runs maintenance again
// when the back-off delay is over (a probe child's exit or the tick end a probe).
bool Supervisor::spawn_allowed()
{
    const int64_t wait = backoff_.wait_ms(now_ms());
    if (wait == 0)
        return true;
    if (wait != RespawnBackoff::kUntilProbeEnds && !evtimer_pending(respawn_, nullptr)) {
        const struct timeval left = as_timeval(wait);
        evtimer_add(respawn_, &left);
    }
    return false;
}

// Replaces the children owed a replacement: in their own slot when it is free, else in the
// first free one.
void Supervisor::spawn_owed()
{
    while (!owed_.empty() && mode_ == Mode::Running && spawn_allowed()) {
        uint32_t slot = owed_.front();
        owed_.erase(owed_.begin());
        if (children_.in_slot(slot) != nullptr) {
            slot = 0;
            while (slot < children_.slots() && children_.in_slot(slot) != nullptr)
                ++slot;
            if (slot == children_.slots())
                continue;   // no room: the MPM's policy decides as usual
        }
        spawn(slot);
    }
}

// Once a second: a child that lived through the early-death window ends a back-off
// episode; the watchdog timer runs only while RequestTimeout is set.
void Supervisor::faults_tick()
{
    const int64_t now = now_ms();
    for (const ChildRecord* child : children_.all()) {
        if (backoff_.child_alive(child->started_ms, now)) {
            log_error(LogLevel::Notice, "core", "child pid %d has been running for %lld ms: children start "
                      "again, respawn back-off cleared", int(child->pid),
                      static_cast<long long>(now - child->started_ms));
            break;
        }
    }
    const bool wanted = s_.config->server.request_timeout > 0;
    const bool running = evtimer_pending(watchdog_, nullptr);
    if (wanted && !running) {
        const struct timeval period = as_timeval(kWatchdogPeriodMs);
        event_add(watchdog_, &period);
    } else if (!wanted && running) {
        event_del(watchdog_);
        watchdog_cases_.clear();
    }
}

void Supervisor::watchdog_scan()
{
    const int limit = s_.config->server.request_timeout;
    const uint32_t threads = worker_records_written();
    std::vector<WorkerSample> samples;
    for (const ChildRecord* child : children_.all()) {
        for (uint32_t t = 0; t < threads; ++t) {
            WorkerSample sample;
            sample.slot = child->slot;
            sample.thread = t;
            sample.child_pid = child->pid;
            sample.record = s_.scoreboard->snapshot(child->slot, t);
            samples.push_back(sample);
        }
    }
    for (const StuckRequest& stuck : find_stuck_requests(samples, now_microseconds(), int64_t(limit) * 1000000))
        watchdog_act(stuck, limit);
    watchdog_escalate(samples);
}

void Supervisor::watchdog_act(const StuckRequest& stuck, int limit_seconds)
{
    auto known = std::find_if(watchdog_cases_.begin(), watchdog_cases_.end(),
                              [&](const WatchdogCase& c) { return c.pid == stuck.pid; });
    if (known != watchdog_cases_.end() &&
        std::find(known->threads.begin(), known->threads.end(), stuck.thread) != known->threads.end())
        return;   // already reported; its child is on its way out
    ChildRecord* child = children_.in_slot(stuck.slot);
    if (child == nullptr || child->pid != stuck.pid)
        return;
    const bool threaded = s_.mpm->threaded();
    log_error(LogLevel::Error, "core",
              "RequestTimeout of %d s reached: pid %d, slot %u, thread %u, request \"%s\" from %s, running %.1f s; %s",
              limit_seconds, int(stuck.pid), stuck.slot, stuck.thread, stuck.request_line.c_str(),
              stuck.client.c_str(), stuck.seconds,
              known != watchdog_cases_.end() ? "its child is already leaving"
              : threaded ? "the child leaves gracefully and is killed once its other requests are done"
                         : "killing the child");
    if (known != watchdog_cases_.end()) {
        known->threads.push_back(stuck.thread);
        return;
    }
    const bool was_running = child->state == ChildState::Running;
    if (threaded)
        ask_to_leave(*child, LeavePlan{SIGUSR1, LeaveReason::Watchdog, kWatchdogGraceMs, ChildState::Killed});
    else
        kill_child(*child);
    watchdog_cases_.push_back(WatchdogCase{stuck.pid, {stuck.thread}});
    // Its capacity is gone now: a replacement starts at once (a child of an older
    // generation, or one already leaving, is not replaced).
    if (was_running && child->generation == generation_ && mode_ == Mode::Running) {
        owed_.push_back(stuck.slot);
        spawn_owed();
    }
}

// A threaded child the watchdog asked to leave is killed once it serves nothing but its
// stuck requests (when the grace is over first, the escalation kills it).
void Supervisor::watchdog_escalate(const std::vector<WorkerSample>& samples)
{
    for (const WatchdogCase& c : watchdog_cases_) {
        ChildRecord* child = children_.find(c.pid);
        if (child == nullptr || child->state == ChildState::Killed)
            continue;
        bool others_busy = false;
        for (const WorkerSample& s : samples) {
            if (s.child_pid == c.pid && in_request(s.record, c.pid) &&
                std::find(c.threads.begin(), c.threads.end(), s.thread) == c.threads.end())
                others_busy = true;
        }
        if (others_busy)
            continue;
        log_error(LogLevel::Info, "core", "killing child pid %d: only its stuck requests are left", int(c.pid));
        kill_child(*child);
    }
}

} // namespace mpmd
