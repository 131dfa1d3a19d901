// See child_main.h.
#include "child/child_main.h"

#include "child/child_privileges.h"
#include "child/child_signals.h"
#include "child/connection_limit.h"
#include "child/fault_hooks.h"

namespace mpmd {

bool prepare_child_process(ChildContext& context)
{
    install_child_signals();
    if (!become_server_user(*context.runtime))
        return false;
    if (const FaultHooks* hooks = fault_hooks(); hooks != nullptr && hooks->child_start != nullptr)
        hooks->child_start();
    context.max_connections = draw_connection_limit(context.runtime->max_connections_per_child,
                                                    context.runtime->max_connections_jitter);
    return true;
}

} // namespace mpmd
