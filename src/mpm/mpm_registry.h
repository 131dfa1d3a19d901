// The MPMs this build knows, by name; the one a binary carries (linked in, or none); and
// the entry point through which a shared object (mod_mpm_NAME.so) hands over its MPM.
// Runs in: master and children.
// Leans on: dlsym(3) (the module entry point is looked up by its C name).
#ifndef MPMD_MPM_MPM_REGISTRY_H
#define MPMD_MPM_MPM_REGISTRY_H

#include "mpm/mpm.h"

namespace mpmd {

// Each is defined only where that MPM's serving code is: in src/mpm/libmpm_NAME.a (linked
// in) or in mod_mpm_NAME.so.
Mpm& prefork_mpm();
Mpm& worker_mpm();
Mpm& event_mpm();

// The MPM linked into this binary, or nullptr when it has none and a LoadModule line must
// load one (./configure --enable-mpms-shared without --with-mpm).
Mpm* linked_in_mpm();

// Every MPM module exports `extern "C" mpmd::Mpm* mpmd_mpm_module_v1()`, returning an Mpm
// that lives as long as the process. The version changes whenever class Mpm or anything a
// module takes from the binary changes incompatibly, so an old module fails to load
// instead of crashing.
constexpr char kMpmModuleSymbol[] = "mpmd_mpm_module_v1";
using MpmModuleEntry = Mpm* (*)();

} // namespace mpmd

#endif
