// A generation: what its children are forked with (a loaded configuration, the MPM, the
// runtime built from both, the listening sockets), built in this one place for the start,
// for -t and for every restart. The steps, in order:
//   1. the configuration file (LoadOptions: the path, -d and -D);
//   2. the MPM: LoadModule's or the linked-in one, exactly one (mpm_loader.h); its errors
//      join the configuration's, in file:line order;
//   3. the runtime (server_setup.h): MIME types, the access logs opened through the cache;
//   4. the listeners brought to the Listen lines (ListenerSet::update: kept, bound, closed).
// Steps 3 and 4 run once 1 and 2 have no error, and need a site with logs and listeners;
// without them the build stops after step 2 and can be taken further later (-t checks that
// much; a start looks for a server already running before it opens or binds anything).
// What a caller does with the result is its own: at start an error is fatal, at a restart it
// is logged and the generation serving goes on.
// Runs in: master.
#ifndef MPMD_MASTER_GENERATION_H
#define MPMD_MASTER_GENERATION_H

#include "master/server_setup.h"
#include "mpm/mpm.h"
#include "mpm/mpm_config.h"
#include "shared/config.h"
#include "shared/listeners.h"
#include "shared/server_runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace mpmd {

struct GenerationSite {
    LoadOptions options;
    // At a restart, the MPM serving: the configuration's choice is checked but never
    // switched to (LoadModule needs a full stop and start). At start: nullptr, it chooses.
    Mpm* running = nullptr;
    // At a restart, the handler modules serving (ServerRuntime::modules), kept as the MPM
    // is; at start: nullptr, LoadModule loads them.
    const std::vector<const Module*>* running_modules = nullptr;
    LogFileCache* logs = nullptr;        // both null: stop after step 2
    ListenerSet* listeners = nullptr;
};

struct Generation {
    std::unique_ptr<LoadedConfig> config;     // steps 1-2; errors and warnings in it
    Mpm* mpm = nullptr;                       // step 2
    std::vector<const Module*> modules;       // step 2: the handler chain (module_loader.h)
    std::shared_ptr<ServerRuntime> runtime;   // steps 3-4, set when both succeeded
    std::vector<std::string> errors;          // steps 3-4

    bool config_ok() const { return config && config->ok() && mpm != nullptr; }
    bool ok() const { return config_ok() && errors.empty(); }
    // Every error of the steps taken, as the log shows them.
    std::vector<std::string> all_errors() const;
};

// Takes the steps `next` still lacks, as far as `site` allows. Returns next.ok().
bool build_generation(Generation& next, const GenerationSite& site);

} // namespace mpmd

#endif
