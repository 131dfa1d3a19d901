// The prefork MPM's configuration: its directive table ([mpm_prefork]) and the typed view with
// Apache's adjustments and warnings. The whole load (every table) is in mpm_config.h.
// Runs in: master.
// Leans on: Apache httpd 2.4 prefork.c (prefork_check_config: limits and warning texts).
#ifndef MPMD_MPM_PREFORK_CONFIG_H
#define MPMD_MPM_PREFORK_CONFIG_H

#include "shared/config.h"

#include <string_view>
#include <vector>

namespace mpmd {

inline constexpr std::string_view kPreforkSection = "mpm_prefork";
// The compile-time ceiling for ServerLimit (Apache's MAX_SERVER_LIMIT): it sizes the
// scoreboard, so a typo cannot ask for millions of records.
inline constexpr int kPreforkMaxServerLimit = 20000;

const DirectiveTable& prefork_directive_table();

struct PreforkConfig {
    int start_servers = 0;             // already at most max_request_workers
    int min_spare_servers = 0;         // >= 1
    int max_spare_servers = 0;         // > min_spare_servers
    int max_request_workers = 0;       // 1..server_limit
    int server_limit = 0;              // 1..kPreforkMaxServerLimit
    int max_connections_per_child = 0; // 0 = no limit
    int max_connections_per_child_jitter = 0;   // a child's limit is drawn in [M, M + this]

    // The view of `config`, adjusted as Apache adjusts (each adjustment a warning);
    // MinSpareServers > MaxSpareServers as written is an error.
    static PreforkConfig from(const Config& config, std::vector<ConfigMessage>* errors,
                              std::vector<ConfigMessage>* warnings);
};

} // namespace mpmd

#endif
