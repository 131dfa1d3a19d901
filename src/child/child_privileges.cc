// See child_privileges.h.
#include "child/child_privileges.h"

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
    return true;
}

// After the ids changed: the kernel has already set the flag to fs.suid_dumpable, which
// may be 1 or 2 on some systems; the choice here is explicit either way.
void set_dumpable(const ServerRuntime& runtime)
{
    const std::string& directory = runtime.server.core_dump_directory;
    if (!directory.empty()) {
        if (chdir(directory.c_str()) == 0) {
            prctl(PR_SET_DUMPABLE, 1);
            return;
        }
        log_errno(LogLevel::Error, "core", errno,
                  "CoreDumpDirectory %s: a child cannot change to it as User %s; this child leaves no core dump",
                  directory.c_str(), runtime.server.user.c_str());
    }
    prctl(PR_SET_DUMPABLE, 0);
}

} // namespace

bool become_server_user(const ServerRuntime& runtime)
{
    if (!drop_privileges(runtime))
        return false;
    set_dumpable(runtime);
    return true;
}

} // namespace mpmd
