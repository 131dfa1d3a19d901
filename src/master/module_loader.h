// The handler modules LoadModule loads (module_api.h): every [modules] LoadModule line
// whose name is not an MPM's (mpm_loader.h has those) names a Module object in a shared
// object, which is loaded and checked: the file loads (RTLD_NOW, so a module that needs
// what this mpmd lacks fails here with dlerror's words), it holds a symbol of that name,
// the module was built for this mpmd's kModuleApiVersion, and its name is the one the
// line gives. Each problem is an error at its line; a module loaded twice is one too.
// Runs in: master (at start, at each restart, and for -t, -V and -M); children inherit
// the mappings through fork.
// Leans on: dlopen(3), dlsym(3), dlerror(3).
#ifndef MPMD_MASTER_MODULE_LOADER_H
#define MPMD_MASTER_MODULE_LOADER_H

#include "shared/config.h"
#include "shared/module_api.h"
#include "shared/server_config.h"

#include <vector>

namespace mpmd {

struct LoadedModules {
    std::vector<const Module*> modules;         // in file order
    std::vector<LoadModuleSetting> settings;    // the line of each
    std::vector<ConfigMessage> errors;          // file:line: [modules] LoadModule: ...
};

// Handles are never closed: a module's code stays mapped for the life of the process.
LoadedModules load_handler_modules(const ServerConfig& server);

// The order handlers are asked in: `loaded`, then the built-in ones.
std::vector<const Module*> handler_chain(const std::vector<const Module*>& loaded);

} // namespace mpmd

#endif
