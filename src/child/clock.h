// Clock: where a connection's deadlines read the time. The connection state machine asks
// this interface, never the system directly, so its unit tests move time by hand (a fake
// clock) instead of sleeping.
// Runs in: children (any thread; the system clock keeps no state).
// Leans on: clock_gettime(2) (CLOCK_MONOTONIC for deadlines, CLOCK_REALTIME for log times).
#ifndef MPMD_CHILD_CLOCK_H
#define MPMD_CHILD_CLOCK_H

#include <cstdint>
#include <ctime>

namespace mpmd {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds of a monotonic clock: deadlines are compared with it.
    virtual int64_t monotonic_ms() const = 0;
    // Wall-clock time, for the access log's request times.
    virtual struct timespec realtime() const = 0;
};

// The system's clocks.
const Clock& system_clock();

} // namespace mpmd

#endif
