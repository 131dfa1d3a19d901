// A child's signals. Apache's meanings, seen from the child: TERM leave now (default action),
// USR1 leave gracefully (finish the request in hand, then exit), HUP and WINCH are the
// master's business (ignored, so `kill -HUP -PGID` cannot take children down), PIPE ignored
// (a vanished client is an EPIPE, not a death).
// USR1 stays blocked except inside the ppoll(2) calls that wait for work, so the handler can
// only run there and no wake-up is ever lost between checking the flag and sleeping.
// Runs in: children (and the single process of -X).
#ifndef MPMD_CHILD_CHILD_SIGNALS_H
#define MPMD_CHILD_CHILD_SIGNALS_H

#include <signal.h>

namespace mpmd {

void install_child_signals();
// True once a graceful stop or restart was asked for.
bool child_leaving();
// Marks the child as leaving (MaxConnectionsPerChild reached, master gone).
void set_child_leaving();
// The signal mask to pass to ppoll(2) while waiting: USR1 open.
const sigset_t* child_wait_mask();

} // namespace mpmd

#endif
