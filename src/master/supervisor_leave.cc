// How children leave (the part of Supervisor declared under "Children leaving" in
// supervisor.h): every signal the master sends a child is a transition of the registry's
// state machine (child_registry.h) carried out here, and the escalation of a child that
// outstays its deadline (graceful, then TERM, then KILL) is one timer armed for the registry's
// next deadline. The plans, by who asks:
//   retired (MPM trims it, graceful restart)  USR1, GracefulRestartTimeout, then TERM
//   restart (HUP)                             HUP, kTermGraceMs, then KILL
//   graceful stop (WINCH)                     USR1, no deadline of its own; the server's
//                                             GracefulShutdownTimeout turns it into a stop
//   stop (TERM, INT)                          TERM, kTermGraceMs, then KILL
//   RequestTimeout watchdog                   KILL (prefork), or USR1 and KILL
//                                             (supervisor_faults.cc)
// Runs in: master.
// Leans on: kill(2), libevent evtimer.
#include "master/supervisor.h"

#include "shared/error_log.h"

#include <event2/event.h>

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>   // sigabbrev_np

namespace mpmd {

void Supervisor::on_escalate_event(int, short, void* self) { static_cast<Supervisor*>(self)->escalate(); }

void Supervisor::on_graceful_stop_limit_event(int, short, void* self) { static_cast<Supervisor*>(self)->graceful_stop_overdue(); }

LeavePlan Supervisor::retire_plan() const
{
    return LeavePlan{SIGUSR1, LeaveReason::Retire, int64_t(s_.config->server.graceful_restart_timeout) * 1000,
                     ChildState::TermSent};
}

void Supervisor::ask_to_leave(ChildRecord& child, const LeavePlan& plan)
{
    const ChildState before = child.state;
    carry_out(child, before, ChildRegistry::ask_to_leave(child, plan, now_ms()));
}

void Supervisor::ask_all_to_leave(const LeavePlan& plan)
{
    for (ChildRecord* child : children_.all())
        ask_to_leave(*child, plan);
}

void Supervisor::terminate_all()
{
    for (ChildRecord* child : children_.all()) {
        const ChildState before = child->state;
        carry_out(*child, before, ChildRegistry::terminate(*child, now_ms()));
    }
}

void Supervisor::kill_child(ChildRecord& child)
{
    const ChildState before = child.state;
    carry_out(child, before, ChildRegistry::kill(child, now_ms()));
}

// The scoreboard shows a child quiescing from its first step out; the MPM's policy reads
// that to count it no more. A transition that sends nothing may still have brought the
// child's deadline nearer: the timer is armed again either way.
void Supervisor::carry_out(ChildRecord& child, ChildState before, int signal)
{
    if (signal != 0) {
        if (before == ChildState::Running)
            s_.scoreboard->set_quiescing(child.slot);
        log_error(LogLevel::Debug, "core", "child pid %d (slot %u): %s -> %s, SIG%s", int(child.pid), child.slot,
                  std::string(child_state_name(before)).c_str(), std::string(child_state_name(child.state)).c_str(),
                  sigabbrev_np(signal));
        signal_child(child.pid, signal);
    }
    arm_escalation();
}

void Supervisor::signal_child(pid_t pid, int signal)
{
    if (::kill(pid, signal) != 0 && errno != ESRCH)
        log_errno(LogLevel::Warn, "core", errno, "cannot signal child pid %d", int(pid));
}

// The escalation timer: each child past its deadline takes its next step, and the log says
// which limit it outstayed.
void Supervisor::escalate()
{
    for (const EscalationStep& step : children_.escalate(now_ms())) {
        const ChildRecord& child = step.child;
        if (step.from == ChildState::TermSent) {
            log_error(LogLevel::Warn, "core", "child pid %d (slot %u) ignored SIGTERM for %lld ms; sending SIGKILL",
                      int(child.pid), child.slot, static_cast<long long>(step.waited_ms));
        } else if (child.reason == LeaveReason::Retire) {
            log_error(LogLevel::Warn, "core",
                      "child pid %d (slot %u, generation %u) still finishing %lld s after it was told to leave; "
                      "GracefulRestartTimeout is %lld s: stopping it", int(child.pid), child.slot, child.generation,
                      static_cast<long long>(step.waited_ms / 1000), static_cast<long long>(step.grace_ms / 1000));
        } else if (child.reason == LeaveReason::Watchdog) {
            log_error(LogLevel::Info, "core", "killing child pid %d: its other requests did not finish in time",
                      int(child.pid));
        } else {
            log_error(LogLevel::Warn, "core",
                      "child pid %d (slot %u, generation %u) still running %lld ms after it was told to leave; "
                      "sending SIG%s", int(child.pid), child.slot, child.generation,
                      static_cast<long long>(step.waited_ms), sigabbrev_np(step.signal));
        }
        signal_child(child.pid, step.signal);
    }
    arm_escalation();
}

void Supervisor::arm_escalation()
{
    const std::optional<int64_t> next = children_.next_deadline();
    if (!next) {
        evtimer_del(escalate_);
        return;
    }
    const struct timeval in = as_timeval(std::max<int64_t>(0, *next - now_ms()));
    evtimer_add(escalate_, &in);
}

void Supervisor::begin_stop(bool graceful)
{
    if (mode_ == Mode::Stopping || (mode_ == Mode::GracefulStopping && graceful))
        return;
    mode_ = graceful ? Mode::GracefulStopping : Mode::Stopping;
    service_.stopping(graceful ? "stopping gracefully: children finish their requests" : "stopping");
    if (graceful) {
        // No new connections: the listeners close here; children hold their own copies
        // until they have finished.
        s_.listeners->close_all();
        ask_all_to_leave(LeavePlan{SIGUSR1, LeaveReason::Stop, kNoDeadline, ChildState::TermSent});
        const int64_t limit = int64_t(s_.config->server.graceful_shutdown_timeout) * 1000;
        if (limit > 0) {
            const struct timeval in = as_timeval(limit);
            evtimer_add(graceful_stop_limit_, &in);
        }
    } else {
        terminate_all();
    }
    drain_check();
}

// GracefulShutdownTimeout (graceful_stop_limit_ fired): a graceful stop still waiting becomes a stop.
void Supervisor::graceful_stop_overdue()
{
    if (mode_ != Mode::GracefulStopping || children_.count() == 0)
        return;
    log_error(LogLevel::Warn, "core", "GracefulShutdownTimeout of %d s reached; stopping %zu child(ren) now",
              s_.config->server.graceful_shutdown_timeout, children_.count());
    mode_ = Mode::Stopping;
    terminate_all();
}

// While restarting or stopping: move on once no child is left (the escalation sees to those
// that do not leave).
void Supervisor::drain_check()
{
    if (mode_ == Mode::Running || children_.count() > 0)
        return;
    evtimer_del(graceful_stop_limit_);
    if (mode_ == Mode::Restarting) {
        mode_ = Mode::Running;
        ++generation_;
        start_generation(s_.mpm->start_servers(*s_.config));
        log_error(LogLevel::Notice, "core", "restart: generation %u started", generation_);
        service_.ready(serving_status());
        return;
    }
    log_error(LogLevel::Notice, "core", "all children gone; shutting down");
    event_base_loopbreak(base_);
}

} // namespace mpmd
