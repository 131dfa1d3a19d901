// The handler modules built into mpmd, of the same API as a loaded one (module_api.h):
// status_module (the status page and metrics, status_handler.h) and static_module (files
// below DocumentRoot, static_handler.h), asked in that order after any loaded module;
// static_module answers every request that reaches it.
// Runs in: master (the list, for a generation's runtime and mpmd -M), children (handlers).
#ifndef MPMD_CHILD_BUILTIN_MODULES_H
#define MPMD_CHILD_BUILTIN_MODULES_H

#include "shared/module_api.h"

#include <vector>

namespace mpmd {

const std::vector<const Module*>& builtin_handler_modules();

} // namespace mpmd

#endif
