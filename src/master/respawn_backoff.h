// RespawnBackoff: the master's brake on children that die again and again at start. A child
// that dies unexpectedly (a signal, or a non-zero status other than the fatal one) within
// the early-death window after its fork, before any of its workers reported ready in the
// scoreboard, counts as a failed start. The first one costs
// nothing (a child killed from outside just after its start is replaced at once); from the
// second in a row on, the next spawn of any kind (replacement, maintenance) waits
// first_delay_ms, doubling with every further one up to max_delay_ms. Once such a delay is
// over, one child is started (the probe) and no other until its fate is known: it dies
// early (the next delay) or lives through the window, or dies only after it (it got going,
// so the cause was not at start), and the count resets: everything missing starts again. Pure: times come in as arguments (CLOCK_MONOTONIC ms), so the
// unit tests need neither processes nor sleeps.
// Runs in: master.
// Leans on: nginx's and systemd's restart throttling (a doubling delay with a ceiling).
#ifndef MPMD_MASTER_RESPAWN_BACKOFF_H
#define MPMD_MASTER_RESPAWN_BACKOFF_H

#include <sys/types.h>

#include <cstdint>

namespace mpmd {

class RespawnBackoff {
public:
    struct Settings {
        int64_t early_death_ms = 1000;   // a death this soon after fork is a failed start
        int64_t first_delay_ms = 100;
        int64_t max_delay_ms = 5000;
    };

    RespawnBackoff() = default;
    explicit RespawnBackoff(const Settings& settings) : settings_(settings) {}

    // A child forked at `started_ms` died unexpectedly at `now_ms`; `reached_ready` when one
    // of its workers had been ready to serve (it got going: not a failed start). Returns the
    // delay now in force before the next spawn (0 when there is none).
    int64_t child_died(int64_t started_ms, int64_t now_ms, bool reached_ready = false);
    // A child forked at `started_ms` is alive at `now_ms` (called for every child at the
    // maintenance tick): once one started after the last failure has lived through the
    // window, the start is healthy again. Returns true when this call reset the count.
    bool child_alive(int64_t started_ms, int64_t now_ms);
    // Child `pid` left as it was told to (not a failure); ends a probe.
    void child_left(pid_t pid);
    // Milliseconds until a spawn is allowed: 0 = now, kUntilProbeEnds = not before the probe
    // child dies or lives through the window.
    static constexpr int64_t kUntilProbeEnds = -1;
    int64_t wait_ms(int64_t now_ms) const;
    // Child `pid` was forked; during a back-off it is the probe.
    void spawned(pid_t pid);
    // Consecutive failed starts so far.
    unsigned failures() const { return failures_; }
    // The delay the next failure would add on top of the current ones.
    int64_t current_delay_ms() const;
    // Forget everything (a restart starts a new generation with a fresh chance).
    void reset();

private:
    Settings settings_;
    unsigned failures_ = 0;
    int64_t last_failure_ms_ = 0;
    int64_t not_before_ms_ = 0;
    bool probing_ = false;
    pid_t probe_pid_ = 0;
};

} // namespace mpmd

#endif
