// A child's signals, as the master uses them:
//   TERM  leave now (default action): the server is stopping.
//   USR1  leave gracefully: finish the request in hand, answer the next request on a
//         kept-alive connection (with Connection: close) or let it idle out, then exit.
//   HUP   leave soon: the server is restarting. Finish the request in hand (so a connection
//         accepted just before the restart is still answered), close idle kept-alive
//         connections at once, then exit. The master kills what is left after a few seconds.
//   WINCH ignored (the master's business); PIPE ignored (a vanished client is EPIPE).
// USR1 and HUP stay blocked except inside the ppoll(2)/epoll_pwait(2) calls that wait for
// work, so their handler only runs there and no wake-up is lost between checking a flag
// and going to sleep.
// Runs in: children (and the single process of -X).
#ifndef MPMD_CHILD_CHILD_SIGNALS_H
#define MPMD_CHILD_CHILD_SIGNALS_H

#include <signal.h>

namespace mpmd {

void install_child_signals();
// For the single process of -X: TERM and INT also mean "leave after the connection in
// hand" instead of dying on the spot. Call before install_child_signals().
void leave_on_stop_signals();
// True once a graceful stop or restart was asked for.
bool child_leaving();
// True once a restart asked children to leave without waiting on idle connections.
bool child_hurrying();
// Marks the child as leaving (MaxConnectionsPerChild reached, master gone).
void set_child_leaving();
// The signal mask to pass to ppoll(2) while waiting: USR1 open.
const sigset_t* child_wait_mask();

} // namespace mpmd

#endif
