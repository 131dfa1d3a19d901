// See clock.h.
#include "child/clock.h"

namespace mpmd {

namespace {

class SystemClock final : public Clock {
public:
    int64_t monotonic_ms() const override
    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
    }
    struct timespec realtime() const override
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return ts;
    }
};

} // namespace

const Clock& system_clock()
{
    static const SystemClock clock;
    return clock;
}

} // namespace mpmd
