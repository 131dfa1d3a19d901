// A child's life after fork(2) (and after child_isolation.h): take the signals a child needs,
// become User/Group and not dumpable (child_privileges.h), run the MPM's serving loop, and
// give the master an exit status that says how it went. -X runs the same in the one process.
// Runs in: children.
#ifndef MPMD_CHILD_CHILD_MAIN_H
#define MPMD_CHILD_CHILD_MAIN_H

#include "child/child_context.h"
#include "mpm/mpm.h"

namespace mpmd {

// Exit status reserved for "failed at start for a reason a respawn cannot heal" (wrong
// privileges and the like): the master logs it and stops instead of fork-looping (nginx's 2).
constexpr int kChildFatalExit = 2;

// Runs in the new child; returns its exit status (the caller _exits with it).
int run_child_process(Mpm& mpm, ChildContext& context);

} // namespace mpmd

#endif
