// A child's own MaxConnectionsPerChild: drawn once at start, uniformly in
// [MaxConnectionsPerChild, MaxConnectionsPerChild + MaxConnectionsPerChildJitter], so that
// children started together (at a restart, say) do not all leave and respawn together.
// Runs in: children.
// Leans on: <random> (std::mt19937_64 seeded from the pid and the clock).
#ifndef MPMD_CHILD_CONNECTION_LIMIT_H
#define MPMD_CHILD_CONNECTION_LIMIT_H

#include <cstdint>

namespace mpmd {

struct ChildContext;

// The limit for a random value `random` (any 64-bit number): base + random % (jitter + 1);
// 0 (no limit) when base is 0.
uint64_t pick_connection_limit(uint64_t base, uint64_t jitter, uint64_t random);
// The same with a random value of this process's own.
uint64_t draw_connection_limit(uint64_t base, uint64_t jitter);
// The debug line a child logs when it leaves for reaching its limit.
void log_connection_limit_reached(const char* module, const ChildContext& context);

} // namespace mpmd

#endif
