// The master's own record of its children: the authority on which pid holds which slot,
// from which generation, in which state (the scoreboard mirrors it for readers; the master
// never trusts shared memory a child could have scribbled on for this).
// A child's life is a state machine (Varnish's CH_* states), and its transitions are the only
// way the master decides to signal a child:
//
//   Running --ask_to_leave (USR1 graceful, HUP hurry)--> Stopping
//   Running, Stopping --terminate (TERM)--> TermSent
//   Running, Stopping, TermSent --kill (KILL)--> Killed
//   any --reaped--> gone (remove(): the registry drops it and the master logs the exit)
//
// Stopping to the end is one way: a request never moves a child back, and one a child
// already had (or a stronger one) sends nothing. The stop escalates, and that is written
// once, in escalate(): a child told to leave may get a deadline (GracefulRestartTimeout, a
// restart's grace, the RequestTimeout watchdog's) after which it goes on to TermSent or
// straight to Killed; a child in TermSent is killed kTermGraceMs later. The master drives
// escalate() from a timer armed for next_deadline(). Pure: the clock comes in as `now`
// (CLOCK_MONOTONIC ms) and signals go out as return values, so the unit tests need neither
// processes nor sleeps.
// Runs in: master.
// Leans on: nginx's stop ladder (graceful, TERM, then KILL); signal(7) for the numbers.
#ifndef MPMD_MASTER_CHILD_REGISTRY_H
#define MPMD_MASTER_CHILD_REGISTRY_H

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mpmd {

enum class ChildState {
    Running,    // forked; serves until told otherwise
    Stopping,   // told to leave (USR1: after its requests; HUP: after the request in hand)
    TermSent,   // sent TERM: leave now
    Killed,     // sent KILL: only the reaping is left
};

constexpr std::string_view child_state_name(ChildState state)
{
    switch (state) {
    case ChildState::Running: return "running";
    case ChildState::Stopping: return "stopping";
    case ChildState::TermSent: return "term sent";
    case ChildState::Killed: return "killed";
    }
    return "?";
}

// True once the child was told to leave in any way: the MPM's policy no longer counts it,
// the scoreboard shows it quiescing, and its exit is expected.
constexpr bool child_leaving(ChildState state) { return state != ChildState::Running; }

// Whether a child in `state` that died of `signal` died of what the master sent it on the
// way to that state (the leave request, then TERM, then KILL). Any other signal is a crash
// (SIGSEGV, SIGABRT) or somebody else's kill: an error even for a child that was leaving.
constexpr bool signal_from_master(ChildState state, int signal)
{
    const bool leave_request = signal == SIGUSR1 || signal == SIGHUP;
    switch (state) {
    case ChildState::Running: return false;
    case ChildState::Stopping: return leave_request;
    case ChildState::TermSent: return leave_request || signal == SIGTERM;
    case ChildState::Killed: return leave_request || signal == SIGTERM || signal == SIGKILL;
    }
    return false;
}

// Why a child was told to leave; the master names the limit in the log when the child
// outstays it.
enum class LeaveReason {
    None,       // still running
    Retire,     // trimmed by the MPM, or replaced by a new generation (GracefulRestartTimeout)
    Restart,    // HUP: the server restarts (the restart's grace)
    Stop,       // the server stops (TERM, WINCH)
    Watchdog,   // RequestTimeout: a request in it is stuck
};

// How long children get to obey TERM before they are killed (Apache waits about as long).
constexpr int64_t kTermGraceMs = 3000;
// A grace with no end: the child takes as long as it takes.
constexpr int64_t kNoDeadline = 0;

// A request to leave and what follows if the child outstays it.
struct LeavePlan {
    int signal = 0;                         // SIGUSR1 (graceful) or SIGHUP (hurry)
    LeaveReason reason = LeaveReason::Retire;
    int64_t grace_ms = kNoDeadline;         // then the next step; kNoDeadline = none
    ChildState then = ChildState::TermSent; // TermSent or Killed
};

struct ChildRecord {
    pid_t pid = 0;
    uint32_t slot = 0;
    uint32_t generation = 0;
    int64_t started_ms = 0;       // CLOCK_MONOTONIC, at fork
    ChildState state = ChildState::Running;
    int64_t state_since_ms = 0;   // when it entered `state`
    int64_t told_ms = 0;          // when it was first told to leave; 0 while Running
    int leave_signal = 0;         // the strongest leave request it had (SIGUSR1 < SIGHUP)
    LeaveReason reason = LeaveReason::None;   // why it was told to leave; with a deadline, the one behind it
    int64_t deadline_ms = 0;      // when escalate() takes the next step; 0 = never
    ChildState next = ChildState::Killed;     // that step, from Stopping

    ChildRecord() = default;
    ChildRecord(pid_t pid_, uint32_t slot_, uint32_t generation_, int64_t started)
        : pid(pid_), slot(slot_), generation(generation_), started_ms(started), state_since_ms(started)
    {
    }
};

// One step escalate() took: the child as it is now, where it came from, the signal the
// master must send, how long the child had been in `from` and the grace it had there (for
// the log).
struct EscalationStep {
    ChildRecord child;
    ChildState from = ChildState::Stopping;
    int signal = 0;
    int64_t waited_ms = 0;
    int64_t grace_ms = 0;
};

class ChildRegistry {
public:
    explicit ChildRegistry(uint32_t slots) : by_slot_(slots) {}

    // A child just forked, in state Running.
    void add(const ChildRecord& child);
    // Removes and returns the child with `pid`, if it is ours (it was reaped).
    std::optional<ChildRecord> remove(pid_t pid);
    ChildRecord* in_slot(uint32_t slot);
    ChildRecord* find(pid_t pid);
    uint32_t slots() const { return uint32_t(by_slot_.size()); }
    size_t count() const;
    std::vector<ChildRecord*> all();

    // Transitions. Each returns the signal the master must send now, 0 when there is none.
    // Running -> Stopping with `plan`'s signal and deadline. A child already Stopping
    // is hurried when the plan's signal is stronger (HUP after USR1), and takes the plan's
    // deadline (with its reason and next step) when that comes sooner.
    static int ask_to_leave(ChildRecord& child, const LeavePlan& plan, int64_t now);
    // Running or Stopping -> TermSent, killed kTermGraceMs later.
    static int terminate(ChildRecord& child, int64_t now);
    // Anything but Killed -> Killed.
    static int kill(ChildRecord& child, int64_t now);

    // The escalation: every child whose deadline is past takes its next step (Stopping ->
    // its plan's TermSent or Killed; TermSent -> Killed). Returns the steps taken.
    std::vector<EscalationStep> escalate(int64_t now);
    // The earliest deadline of any child, if one has one.
    std::optional<int64_t> next_deadline() const;

private:
    static void enter(ChildRecord& child, ChildState state, int64_t now);

    std::vector<std::optional<ChildRecord>> by_slot_;
};

} // namespace mpmd

#endif
