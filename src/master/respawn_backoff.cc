// See respawn_backoff.h.
#include "master/respawn_backoff.h"

#include <algorithm>

namespace mpmd {

int64_t RespawnBackoff::current_delay_ms() const
{
    if (failures_ < 2)
        return 0;
    int64_t delay = settings_.first_delay_ms;
    // Doubling stops at the ceiling, so it never overflows.
    for (unsigned i = 2; i < failures_ && delay < settings_.max_delay_ms; ++i)
        delay *= 2;
    return std::min(delay, settings_.max_delay_ms);
}

int64_t RespawnBackoff::child_died(int64_t started_ms, int64_t now_ms, bool reached_ready)
{
    if (reached_ready || now_ms - started_ms >= settings_.early_death_ms) {
        if (failures_ > 0 && started_ms >= last_failure_ms_)
            reset();
        return 0;
    }
    ++failures_;
    probing_ = false;
    last_failure_ms_ = now_ms;
    const int64_t delay = current_delay_ms();
    not_before_ms_ = now_ms + delay;
    return delay;
}

bool RespawnBackoff::child_alive(int64_t started_ms, int64_t now_ms)
{
    if (failures_ == 0 || started_ms < last_failure_ms_ || now_ms - started_ms < settings_.early_death_ms)
        return false;
    reset();
    return true;
}

void RespawnBackoff::child_left(pid_t pid)
{
    if (probing_ && pid == probe_pid_)
        probing_ = false;
}

int64_t RespawnBackoff::wait_ms(int64_t now_ms) const
{
    if (probing_)
        return kUntilProbeEnds;
    return std::max<int64_t>(0, not_before_ms_ - now_ms);
}

void RespawnBackoff::spawned(pid_t pid)
{
    if (current_delay_ms() > 0 && !probing_) {
        probing_ = true;
        probe_pid_ = pid;
    }
}

void RespawnBackoff::reset()
{
    failures_ = 0;
    last_failure_ms_ = 0;
    not_before_ms_ = 0;
    probing_ = false;
    probe_pid_ = 0;
}

} // namespace mpmd
