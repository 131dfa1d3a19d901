// A child's identity: it becomes User and Group (when the master runs as root), and then it
// is made not dumpable, unless CoreDumpDirectory asks for core dumps.
//
// Not dumpable (prctl(2) PR_SET_DUMPABLE 0) means that no process of the User account can
// ptrace(2) the child, read its /proc/PID/mem, environ or fd/ (so it cannot take over a
// listening socket or a log descriptor through pidfd_getfd(2) or /proc/PID/fd either), and
// that the kernel writes no core dump of it. Every process running as User would otherwise
// share that access: another child, a CGI program, a compromised account. With
// CoreDumpDirectory the administrator trades that for core dumps: the child changes to
// that directory (where a core_pattern of "core" puts them) and stays dumpable, as Apache
// does.
// Runs in: children (after child_isolation.h, before the MPM's serving loop).
// Leans on: setgroups(2), setgid(2), setuid(2), prctl(2) PR_SET_DUMPABLE, chdir(2), core(5).
#ifndef MPMD_CHILD_CHILD_PRIVILEGES_H
#define MPMD_CHILD_CHILD_PRIVILEGES_H

#include "shared/server_runtime.h"

namespace mpmd {

// setgroups to Group alone, setgid, setuid (all three ids), when the master runs as root;
// then the dumpable policy above. False, after logging why, when an id cannot be taken
// (the child must not serve then).
bool become_server_user(const ServerRuntime& runtime);

} // namespace mpmd

#endif
