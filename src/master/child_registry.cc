// See child_registry.h. Slots are few (ServerLimit), so linear scans are fine.
#include "master/child_registry.h"

#include <signal.h>

namespace mpmd {

namespace {

// Leave requests grow stronger: USR1 (finish everything) < HUP (finish the request in hand).
int leave_strength(int signal) { return signal == SIGHUP ? 2 : signal == SIGUSR1 ? 1 : 0; }

} // namespace

void ChildRegistry::add(const ChildRecord& child) { by_slot_[child.slot] = child; }

std::optional<ChildRecord> ChildRegistry::remove(pid_t pid)
{
    for (auto& entry : by_slot_) {
        if (entry && entry->pid == pid) {
            std::optional<ChildRecord> found = entry;
            entry.reset();
            return found;
        }
    }
    return std::nullopt;
}

ChildRecord* ChildRegistry::in_slot(uint32_t slot)
{
    return slot < by_slot_.size() && by_slot_[slot] ? &*by_slot_[slot] : nullptr;
}

ChildRecord* ChildRegistry::find(pid_t pid)
{
    for (auto& entry : by_slot_)
        if (entry && entry->pid == pid)
            return &*entry;
    return nullptr;
}

size_t ChildRegistry::count() const
{
    size_t n = 0;
    for (const auto& entry : by_slot_)
        n += entry.has_value();
    return n;
}

std::vector<ChildRecord*> ChildRegistry::all()
{
    std::vector<ChildRecord*> children;
    for (auto& entry : by_slot_)
        if (entry)
            children.push_back(&*entry);
    return children;
}

void ChildRegistry::enter(ChildRecord& child, ChildState state, int64_t now)
{
    if (child.state == ChildState::Running)
        child.told_ms = now;
    child.state = state;
    child.state_since_ms = now;
    child.deadline_ms = 0;
}

int ChildRegistry::ask_to_leave(ChildRecord& child, const LeavePlan& plan, int64_t now)
{
    int send = 0;
    if (child.state == ChildState::Running) {
        enter(child, ChildState::Stopping, now);
        child.leave_signal = plan.signal;
        send = plan.signal;
    } else if (child.state != ChildState::Stopping) {
        return 0;   // already told to go now
    } else if (leave_strength(plan.signal) > leave_strength(child.leave_signal)) {
        child.leave_signal = plan.signal;
        send = plan.signal;
    }
    const int64_t deadline = plan.grace_ms == kNoDeadline ? 0 : now + plan.grace_ms;
    if (deadline != 0 && (child.deadline_ms == 0 || deadline < child.deadline_ms)) {
        child.deadline_ms = deadline;
        child.reason = plan.reason;
        child.next = plan.then;
    } else if (child.reason == LeaveReason::None) {
        child.reason = plan.reason;
    }
    return send;
}

int ChildRegistry::terminate(ChildRecord& child, int64_t now)
{
    if (child.state != ChildState::Running && child.state != ChildState::Stopping)
        return 0;
    if (child.reason == LeaveReason::None)
        child.reason = LeaveReason::Stop;
    enter(child, ChildState::TermSent, now);
    child.deadline_ms = now + kTermGraceMs;
    child.next = ChildState::Killed;
    return SIGTERM;
}

int ChildRegistry::kill(ChildRecord& child, int64_t now)
{
    if (child.state == ChildState::Killed)
        return 0;
    enter(child, ChildState::Killed, now);
    return SIGKILL;
}

std::vector<EscalationStep> ChildRegistry::escalate(int64_t now)
{
    std::vector<EscalationStep> steps;
    for (ChildRecord* child : all()) {
        if (child->deadline_ms == 0 || now < child->deadline_ms)
            continue;
        EscalationStep step;
        step.from = child->state;
        step.waited_ms = now - child->state_since_ms;
        step.grace_ms = child->deadline_ms - child->state_since_ms;
        if (child->state == ChildState::Stopping && child->next == ChildState::TermSent)
            step.signal = terminate(*child, now);
        else
            step.signal = kill(*child, now);
        step.child = *child;
        steps.push_back(step);
    }
    return steps;
}

std::optional<int64_t> ChildRegistry::next_deadline() const
{
    std::optional<int64_t> earliest;
    for (const auto& entry : by_slot_)
        if (entry && entry->deadline_ms != 0 && (!earliest || entry->deadline_ms < *earliest))
            earliest = entry->deadline_ms;
    return earliest;
}

} // namespace mpmd
