// See fault_hooks.h.
#include "child/fault_hooks.h"

namespace mpmd {

namespace {

const FaultHooks* g_hooks = nullptr;

} // namespace

void install_fault_hooks(const FaultHooks* hooks) { g_hooks = hooks; }

const FaultHooks* fault_hooks() { return g_hooks; }

} // namespace mpmd
