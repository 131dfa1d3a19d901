// The MPMs this build knows, by name, and the one linked in by ./configure --with-mpm=NAME.
// Runs in: master and children.
#ifndef MPMD_MPM_MPM_REGISTRY_H
#define MPMD_MPM_MPM_REGISTRY_H

#include "mpm/mpm.h"

namespace mpmd {

// Each is defined only when that MPM is built into this binary.
Mpm& prefork_mpm();
Mpm& worker_mpm();
Mpm& event_mpm();

} // namespace mpmd

#endif
