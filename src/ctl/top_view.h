// TopView: one frame of `mpmctl top`, a full-screen view of the scoreboard drawn with plain
// ANSI/ECMA-48 escapes (cursor home, erase to end of line and of screen, reverse video): the
// header (version, MPM, uptime, generation, totals, requests per second), the scoreboard grid
// with its key, and a table of busy workers. Pure: frames are strings, so tests read them.
// Runs in: mpmctl.
// Leans on: ECMA-48 (CSI H, CSI K, CSI J, SGR 1/7/0); mod_status.c (busy keys, the legend).
#ifndef MPMD_CTL_TOP_VIEW_H
#define MPMD_CTL_TOP_VIEW_H

#include "shared/status/status_snapshot.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mpmd {

struct TopSize {
    int columns = 80;
    int rows = 24;
};

class TopView {
public:
    // The frame's lines without escapes, each at most size.columns wide, at most size.rows
    // of them. The request rate is over the time since the previous frame (the average
    // since start for the first).
    std::vector<std::string> lines(const StatusSnapshot& s, TopSize size);
    // lines() as terminal output: home, each line erased to its end, reverse video on the
    // worker table's heading, the rest of the screen erased.
    std::string frame(const StatusSnapshot& s, TopSize size);

private:
    int64_t last_now_ = 0;          // microseconds, the previous frame's snapshot time
    uint64_t last_accesses_ = 0;
    size_t heading_line_ = 0;       // index of the worker table's heading in the last lines()
};

// Seconds the worker has been in its current request or state, from snapshot time `now`.
int64_t worker_seconds(const WorkerSnapshot& w, int64_t now);

} // namespace mpmd

#endif
