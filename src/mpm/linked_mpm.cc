// The MPM a binary or a module carries. Compiled once per carrier (src/mpm/mpms.am), with
// MPMD_CARRY_MPM_PREFORK, _WORKER or _EVENT naming the MPM (none: a binary that must load
// one) and MPMD_MPM_MODULE when the carrier is a shared object (mod_mpm_NAME.so).
// Runs in: master and children.
#include "mpm/mpm_registry.h"

namespace mpmd {
namespace {

Mpm* carried_mpm()
{
#if defined(MPMD_CARRY_MPM_PREFORK)
    return &prefork_mpm();
#elif defined(MPMD_CARRY_MPM_WORKER)
    return &worker_mpm();
#elif defined(MPMD_CARRY_MPM_EVENT)
    return &event_mpm();
#else
    return nullptr;
#endif
}

} // namespace

#if !defined(MPMD_MPM_MODULE)
Mpm* linked_in_mpm() { return carried_mpm(); }
#endif

} // namespace mpmd

#if defined(MPMD_MPM_MODULE)
// The one symbol a module exports for the loader (kMpmModuleSymbol).
extern "C" mpmd::Mpm* mpmd_mpm_module_v1() { return mpmd::carried_mpm(); }
#endif
