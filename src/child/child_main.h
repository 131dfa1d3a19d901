// A child's life after fork(2) (and after child_isolation.h), up to the MPM's serving loop:
// take the signals a child needs, become User/Group and not dumpable (child_privileges.h),
// draw its MaxConnectionsPerChild. The master then runs the MPM's loop and gives the exit
// status back (src/master/: the child library does not know the MPMs, which build on it).
// -X runs the same in the one process.
// Runs in: children.
#ifndef MPMD_CHILD_CHILD_MAIN_H
#define MPMD_CHILD_CHILD_MAIN_H

#include "child/child_context.h"

namespace mpmd {

// Exit status reserved for "failed at start for a reason a respawn cannot heal" (wrong
// privileges and the like): the master logs it and stops instead of fork-looping (nginx's 2).
constexpr int kChildFatalExit = 2;

// Runs in the new child before it serves: true when it may serve; false when it must leave
// at once with kChildFatalExit (the reason is in the error log). `threaded`: the MPM serves
// with threads, so CGI scripts are started by a helper process forked now (cgi_launch.h).
bool prepare_child_process(ChildContext& context, bool threaded);

} // namespace mpmd

#endif
