// take_ctl_snapshot: a StatusSnapshot of a scoreboard attached by name, with what the status
// page takes from the server's runtime (MPM, version, limits, master pid) read from the
// segment's global record instead, since mpmctl did not fork from the master.
// Runs in: mpmctl.
// Leans on: status_snapshot.h, scoreboard.h (GlobalScore's describe() fields).
#ifndef MPMD_CTL_CTL_SNAPSHOT_H
#define MPMD_CTL_CTL_SNAPSHOT_H

#include "shared/scoreboard.h"
#include "shared/status/status_snapshot.h"

#include <string>
#include <string_view>

namespace mpmd {

// The server description the master wrote into `board` (read_system: load and CPU from /proc).
StatusServerInfo attached_server_info(const Scoreboard& board, bool read_system = true);

StatusSnapshot take_ctl_snapshot(const Scoreboard& board);

// Client-controlled text (request lines, addresses, virtual hosts) made safe for a terminal:
// control bytes (ESC above all), DEL and bytes from 0x80 become '?'.
std::string terminal_safe(std::string_view text);

} // namespace mpmd

#endif
