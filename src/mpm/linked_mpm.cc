// The MPM linked in: chosen at configure time (--with-mpm=NAME defines MPMD_MPM_NAME and
// builds only that MPM's serving code into libmpm).
#include "mpm/mpm_registry.h"

#include <config.h>

#include <cstring>

namespace mpmd {

Mpm& linked_mpm()
{
#if defined(MPMD_MPM_EVENT)
    return event_mpm();
#elif defined(MPMD_MPM_WORKER)
    return worker_mpm();
#else
    return prefork_mpm();
#endif
}

} // namespace mpmd
