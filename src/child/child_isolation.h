// What a new child keeps of its master: the first thing it does after fork(2), before any of
// its own set-up and long before a request, is to drop everything else. fork copies every
// descriptor and signal disposition of the master, and some of them would hand a process
// that runs as User, and parses what any client sends, a lever on the root master: an
// inherited epoll(7) descriptor is the master's very interest list (epoll_ctl(2) on it
// changes what the master's loop waits for), the write end of libevent's signal pipe would
// feed the master's loop made-up signals, and a libevent handler left installed would write
// to whatever descriptor later reuses that pipe's number.
//
// The rule is a positive list, so a descriptor the master opens in some later version cannot
// leak by being forgotten here: a child keeps stdin, stdout and stderr, the listening
// sockets, the open log files of its generation (error log, access logs) and the read end
// of the master-watch pipe; every other descriptor is closed. The scoreboard is a mapping,
// not a descriptor (its shared-memory object is closed once mapped). Descriptors the child
// opens afterwards are its own.
// Runs in: children, between fork(2) and prepare_child_process(), with every signal blocked
// (Supervisor::spawn forks so).
// Leans on: close_range(2) (Linux 5.9; else /proc/self/fd, else every number up to the
// limit), sigaction(2).
#ifndef MPMD_CHILD_CHILD_ISOLATION_H
#define MPMD_CHILD_CHILD_ISOLATION_H

#include "child/child_context.h"

#include <vector>

namespace mpmd {

// The descriptors a child of `context` needs from its master, sorted, without duplicates.
std::vector<int> inherited_descriptors_needed(const ChildContext& context);

// Closes every descriptor of this process but `keep` (sorted). False when closing could not
// be done completely (nothing left to fall back on); the caller must not serve then.
bool close_descriptors_except(const std::vector<int>& keep);

// Resets every signal the master handles with a function to its default action, so no
// handler of the master's can run in the child (the child then installs its own), and
// closes every inherited descriptor the child does not need. False, after logging why,
// when the descriptors could not all be closed.
bool isolate_from_master(const ChildContext& context);

} // namespace mpmd

#endif
