// The master's own record of its children: the authority on which pid holds which slot,
// from which generation, in which state (the scoreboard mirrors it for readers; the master
// never trusts shared memory a child could have scribbled on for this).
// A child's life: Running (forked) -> Stopping (told to leave: graceful or TERM) -> gone
// (reaped: the registry drops it and the exit is logged).
// Runs in: master.
#ifndef MPMD_MASTER_CHILD_REGISTRY_H
#define MPMD_MASTER_CHILD_REGISTRY_H

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mpmd {

enum class ChildState { Running, Stopping };

constexpr std::string_view child_state_name(ChildState state)
{
    return state == ChildState::Running ? "running" : "stopping";
}

struct ChildRecord {
    pid_t pid = 0;
    uint32_t slot = 0;
    uint32_t generation = 0;
    ChildState state = ChildState::Running;
    int64_t started_ms = 0;       // CLOCK_MONOTONIC
    int64_t stop_requested_ms = 0;   // when it was first told to leave (CLOCK_MONOTONIC)
    int64_t term_sent_ms = 0;     // when GracefulRestartTimeout sent it TERM; 0 = not yet
};

class ChildRegistry {
public:
    explicit ChildRegistry(uint32_t slots) : by_slot_(slots) {}

    void add(const ChildRecord& child);
    // Removes and returns the child with `pid`, if it is ours.
    std::optional<ChildRecord> remove(pid_t pid);
    ChildRecord* in_slot(uint32_t slot);
    uint32_t slots() const { return uint32_t(by_slot_.size()); }
    size_t count() const;
    std::vector<ChildRecord*> all();

private:
    std::vector<std::optional<ChildRecord>> by_slot_;
};

} // namespace mpmd

#endif
