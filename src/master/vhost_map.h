// The virtual host map that `mpmd -S` prints after checking the configuration, in the shape of
// `apache2ctl -S` (httpd -t -D DUMP_VHOSTS -D DUMP_RUN_CFG): each listener with its default
// server and name-based vhosts (where each was defined, its aliases), then the main server's
// run-time settings.
// Runs in: master (a one-shot command).
#ifndef MPMD_MASTER_VHOST_MAP_H
#define MPMD_MASTER_VHOST_MAP_H

#include "shared/server_config.h"

#include <string>

namespace mpmd {

std::string vhost_map_text(const ServerConfig& server);

} // namespace mpmd

#endif
