// The status page's configuration: the [status] directive table (mod_status's ExtendedStatus,
// mod_authz_host's "Require ip" for the allow-list, where the pages live, and ScoreBoardFile,
// the name under which mpmctl finds the scoreboard) and StatusConfig, its typed view.
// Runs in: master (config load), children (allows() on each status request).
// Leans on: Apache httpd 2.4 mod_status (ExtendedStatus, default On when the module is
// loaded) and mod_authz_host (Require ip address|CIDR, Require local, Require all ...);
// Apache's ScoreBoardFile; shm_overview(7) for the form of a POSIX shared-memory name.
#ifndef MPMD_SHARED_STATUS_STATUS_CONFIG_H
#define MPMD_SHARED_STATUS_STATUS_CONFIG_H

#include "shared/config.h"
#include "shared/address_range.h"

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

inline constexpr std::string_view kStatusSection = "status";

const DirectiveTable& status_directive_table();

struct StatusConfig {
    std::string location = "/server-status";   // "" = no status page
    std::string metrics_location;              // "" = none; location?metrics always works
    bool extended_status = true;
    std::vector<AddressRange> allow;           // empty = every client is refused (403)
    // ScoreBoardFile as written: "auto" (derived from PidFile), "none", or "/name".
    std::string scoreboard_file = "auto";

    // The POSIX shared-memory name of the scoreboard ("" = anonymous) for a server whose
    // PidFile is `pid_file`: "auto" gives "/mpmd" + the pid file path with every character
    // outside [A-Za-z0-9._] as '-' (/run/mpmd.pid -> /mpmd-run-mpmd.pid), unique per server
    // because two servers never share a PidFile.
    std::string scoreboard_name(const std::string& pid_file) const;

    // Whether a client at `client` may see the pages (any range contains it).
    bool allows(const sockaddr_storage& client) const;

    // The view of [status] in `config`; a bad location, Require form, address or CIDR
    // range is appended to *errors as "file:line: [status] Key: problem (allowed: ...)".
    static StatusConfig from(const Config& config, std::vector<ConfigMessage>* errors);
};

} // namespace mpmd

#endif
