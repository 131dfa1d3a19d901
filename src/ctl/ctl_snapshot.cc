// See ctl_snapshot.h.
// Runs in: mpmctl.
#include "ctl/ctl_snapshot.h"

#include <cstring>
#include <string>

namespace mpmd {

StatusServerInfo attached_server_info(const Scoreboard& board, bool read_system)
{
    const GlobalScore& g = board.global();
    StatusServerInfo info;
    info.server_name = "localhost";
    const std::string version = field_text(g.server_version, sizeof g.server_version);
    if (!version.empty())
        info.server_version = version;
    info.mpm_name = field_text(g.mpm_name, sizeof g.mpm_name);
    info.threaded = g.mpm_threaded != 0;
    info.async = info.mpm_name == "event";
    info.max_processes = g.max_processes;
    info.threads_per_child = g.threads_per_child;
    info.master_pid = g.master_pid;
    info.read_system = read_system;
    return info;
}

StatusSnapshot take_ctl_snapshot(const Scoreboard& board)
{
    return take_status_snapshot(board, attached_server_info(board));
}

std::string terminal_safe(std::string_view text)
{
    std::string out(text);
    for (char& c : out) {
        const unsigned char byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f)
            c = '?';
    }
    return out;
}

} // namespace mpmd
