// The status page's configuration: the [status] directive table (mod_status's ExtendedStatus,
// mod_authz_host's "Require ip" for the allow-list, and where the pages live) and StatusConfig,
// its typed view with the client allow-list.
// Runs in: master (config load), children (allows() on each status request).
// Leans on: Apache httpd 2.4 mod_status (ExtendedStatus, default On when the module is
// loaded) and mod_authz_host (Require ip address|CIDR, Require local, Require all ...).
#ifndef MPMD_SHARED_STATUS_STATUS_CONFIG_H
#define MPMD_SHARED_STATUS_STATUS_CONFIG_H

#include "shared/config.h"
#include "shared/status/address_range.h"

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

    // Whether a client at `client` may see the pages (any range contains it).
    bool allows(const sockaddr_storage& client) const;

    // The view of [status] in `config`; a bad location, Require form, address or CIDR
    // range is appended to *errors as "file:line: [status] Key: problem (allowed: ...)".
    static StatusConfig from(const Config& config, std::vector<ConfigMessage>* errors);
};

} // namespace mpmd

#endif
