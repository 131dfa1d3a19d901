// The whole configuration of an mpmd build: the directive tables of every MPM (all are always
// known, so one file may hold every [mpm_*] section; only the loaded MPM uses its own), the
// load that checks them all, and MpmSetting, the MPM views' way of reading a directive and
// placing a warning about it.
// Runs in: master.
// Leans on: shared/config.h (Config::load); prefork_config.h, threaded_config.h (the views).
#ifndef MPMD_MPM_MPM_CONFIG_H
#define MPMD_MPM_MPM_CONFIG_H

#include "mpm/prefork_config.h"
#include "mpm/threaded_config.h"
#include "shared/config.h"
#include "shared/server_config.h"
#include "shared/status/status_config.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// The tables, in the order -L and mpmd.conf(5) show them: core, prefork, worker, event, status.
DirectiveTables all_directive_tables();

// A whole configuration, loaded and checked. Immutable; a restart loads a new one beside it
// and switches only when ok(). Every MPM's view is filled, from its section or its defaults.
struct LoadedConfig {
    Config raw;                            // every directive's value with its origin
    ServerConfig server;
    PreforkConfig prefork;
    ThreadedConfig worker;
    ThreadedConfig event;
    StatusConfig status;                   // [status]: the status page and its allow-list
    std::vector<ConfigMessage> errors;     // all of them, in line order
    std::vector<ConfigMessage> warnings;   // values adjusted as Apache does

    bool ok() const { return errors.empty(); }
};

// Reads options.path with all_directive_tables(). Never throws for user mistakes: every
// problem, in any section, is in errors (file:line: [section] Key: problem (allowed: ...)).
LoadedConfig load_config(const LoadOptions& options);

// One MPM directive's effective value, and messages located at it.
struct MpmSetting {
    const Config& config;
    std::string_view section;
    std::string_view name;

    const ConfigValue& value() const { return config.value(section, name); }
    // Integer directives only; their table bounds keep them within int.
    int number() const { return static_cast<int>(value().number); }
    // Located at this setting, or, when this one is a default, at the first of `causes`
    // that is not (the value that forced the change).
    ConfigMessage message(std::string_view text,
                          std::initializer_list<const MpmSetting*> causes = {}) const;
};

} // namespace mpmd

#endif
