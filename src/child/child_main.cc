// See child_main.h.
#include "child/child_main.h"

#include "child/child_signals.h"
#include "child/connection_limit.h"
#include "child/fault_hooks.h"
#include "shared/error_log.h"

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

namespace mpmd {

namespace {

bool drop_privileges(const ServerRuntime& runtime)
{
    if (!runtime.switch_user)
        return true;
    const gid_t gid = runtime.gid;
    if (setgroups(1, &gid) != 0 || setgid(runtime.gid) != 0) {
        log_errno(LogLevel::Emerg, "core", errno, "cannot set group id to %u (Group %s)",
                  unsigned(runtime.gid), runtime.server.group.c_str());
        return false;
    }
    if (setuid(runtime.uid) != 0) {
        log_errno(LogLevel::Emerg, "core", errno, "cannot set user id to %u (User %s)",
                  unsigned(runtime.uid), runtime.server.user.c_str());
        return false;
    }
    // A process that changed credentials is not dumpable; allow core dumps for debugging.
    prctl(PR_SET_DUMPABLE, 1);
    return true;
}

} // namespace

int run_child_process(Mpm& mpm, ChildContext& context)
{
    install_child_signals();
    if (!drop_privileges(*context.runtime))
        return kChildFatalExit;
    if (const FaultHooks* hooks = fault_hooks(); hooks != nullptr && hooks->child_start != nullptr)
        hooks->child_start();
    context.max_connections = draw_connection_limit(context.runtime->max_connections_per_child,
                                                    context.runtime->max_connections_jitter);
    return mpm.run_child(context);
}

} // namespace mpmd
