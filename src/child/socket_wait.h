// wait_until_ready: a thread's blocking wait for one connection to become readable or
// writable, bounded by a deadline and cut short when the master is gone or, for a wait with
// no request under way, when a restart hurries the child (Apache's HUP: idle connections
// close at once, requests in hand are finished).
// Runs in: children (prefork's thread, the worker threads of worker and event).
// Leans on: poll(2); child_signals.h for the restart's eventfd.
#ifndef MPMD_CHILD_SOCKET_WAIT_H
#define MPMD_CHILD_SOCKET_WAIT_H

#include "child/clock.h"

#include <cstdint>

namespace mpmd {

enum class Wait { Ready, Timeout, MasterGone, Hurried, Error };

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT; a hang-up or error counts as
// ready, the next call says what happened) or `deadline_ms` (clock's monotonic) passes.
// `master_watch_fd` (-1: none) is readable once the master is gone. With `idle`, a restart
// that hurries this child ends the wait (Hurried). A graceful stop never ends it: the
// caller decides at its next step.
Wait wait_until_ready(int fd, short events, int64_t deadline_ms, int master_watch_fd, bool idle,
                      const Clock& clock);

} // namespace mpmd

#endif
