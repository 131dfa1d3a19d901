// A child's signals, as the master uses them:
//   TERM  leave now (default action): the server is stopping.
//   USR1  leave gracefully: finish the request in hand, answer the next request on a
//         kept-alive connection (with Connection: close) or let it idle out, then exit.
//   HUP   leave soon: the server is restarting. Finish the request in hand (so a connection
//         accepted just before the restart is still answered), close idle kept-alive
//         connections at once, then exit. The master kills what is left after a few seconds.
//   WINCH ignored (the master's business); PIPE ignored (a vanished client is EPIPE);
//   XFSZ  ignored (a log past RLIMIT_FSIZE is EFBIG, dropped lines, never a dead child).
// The handlers only set flags and make two eventfds readable (the self-pipe idea), so any
// thread sleeping in poll(2)/epoll_wait(2) on those descriptors wakes without races
// between checking a flag and going to sleep, whichever thread took the signal.
// Runs in: children (and the single process of -X).
// Leans on: sigaction(2), eventfd(2).
#ifndef MPMD_CHILD_CHILD_SIGNALS_H
#define MPMD_CHILD_CHILD_SIGNALS_H

namespace mpmd {

// For the single process of -X: TERM and INT also mean "leave after the connection in
// hand" instead of dying on the spot. Call before install_child_signals().
void leave_on_stop_signals();
void install_child_signals();

// True once the child should stop accepting (graceful stop or restart, restart, or
// MaxConnectionsPerChild reached).
bool child_leaving();
// True once a restart asked children to leave without waiting on idle connections.
bool child_hurrying();
// Marks the child as leaving (MaxConnectionsPerChild reached, master gone).
void set_child_leaving();

// Readable once child_leaving(): poll it beside the listeners.
int child_leave_fd();
// Readable once child_hurrying(): poll it while a connection waits idle.
int child_hurry_fd();

} // namespace mpmd

#endif
