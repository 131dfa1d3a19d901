// render_status_summary: `mpmctl status`, the status page as text in the spirit of Apache's
// `apachectl status` (which dumps /server-status through a text browser): version, MPM,
// uptime, totals, busy and idle workers, the scoreboard line with its key, and one row per
// live process. Pure: a function of the snapshot.
// Runs in: mpmctl.
// Leans on: mod_status.c (the figures and their words); status_text.h (Apache's spellings).
#ifndef MPMD_CTL_STATUS_SUMMARY_H
#define MPMD_CTL_STATUS_SUMMARY_H

#include "shared/status/status_snapshot.h"

#include <string>

namespace mpmd {

// The scoreboard key as mod_status words it, one "X" meaning per line, two leading spaces.
std::string scoreboard_key_text();

std::string render_status_summary(const StatusSnapshot& s);

} // namespace mpmd

#endif
