// AcceptSet: what a child's accepting threads wait on: every listener (EPOLLEXCLUSIVE, so
// the kernel wakes one waiting child per new connection instead of all of them, the job of
// Apache's accept mutex without a lock a dying child could hold), the master-watch pipe (EOF
// once the master is gone) and the child's leave eventfd (child_signals.h). Several threads
// may wait in one set at once (next() keeps no state), but each wake passes a connection
// still pending on to the next waiter of the same set (the listener is level-triggered), so
// a worker thread waits alone in a set of its own and wakes only for a connection of its
// own; a set counts as waiting only while a thread waits in it.
// Runs in: children: prefork's process, each of worker's idle worker threads, event's
// accepting thread.
// Leans on: epoll_create1(2), epoll_ctl(2) EPOLLEXCLUSIVE, epoll_wait(2), accept4(2).
#ifndef MPMD_MPM_ACCEPT_SET_H
#define MPMD_MPM_ACCEPT_SET_H

#include "child/child_context.h"

#include <sys/socket.h>

namespace mpmd {

// A connection as accept4(2) gave it: non-blocking, close-on-exec.
struct AcceptedSocket {
    int fd = -1;
    sockaddr_storage peer{};
    int local_port = 0;   // the port of the listener it came in on
    bool proxy = false;   // that listener's PROXY protocol flag
    bool https = false;   // that listener's TLS flag
};

class AcceptSet {
public:
    enum class Outcome {
        Accepted,     // *out holds a new connection
        Nothing,      // woken without a connection (another child took it, a signal)
        Leave,        // the child was told to leave
        MasterGone,
        Failed,       // epoll itself failed (logged)
    };

    // `module` names the MPM in log lines ("mpm_prefork").
    AcceptSet(const ChildContext& context, const char* module);
    ~AcceptSet();
    AcceptSet(const AcceptSet&) = delete;
    AcceptSet& operator=(const AcceptSet&) = delete;

    bool ok() const { return epoll_fd_ >= 0; }
    // Waits for the next event and accepts at most one connection. A connection that woke
    // this child is accepted even when the child was told to leave in the same instant (the
    // caller serves it as its last): the kernel woke this child alone for it (EPOLLEXCLUSIVE),
    // so left in the backlog it would wait for the next arrival to wake another child, for
    // seconds on a quiet server, and a graceful restart would stall a client.
    // `step_back` (a child over its share, event's one accepting thread) lets the other
    // children take the connection first. Each listener's wait queue holds one entry per
    // child, and the kernel wakes the first whose thread waits: the child that registered
    // first takes every connection it is free for. Taking the entries out and adding them
    // again moves them to the tail (two epoll_ctl calls per listener). That is not enough on
    // a busy machine: the child the kernel woke may not run before this one, which finds the
    // connection still pending and takes it (a loaded `make check` saw 3, 10, 17 of 30). So
    // a wake that steps back also waits kStepBackUs before it accepts, and accept4 finds
    // nothing when another child took it. The price, only for a child over its share and
    // only when no other child takes the connection (all busy), is that delay on its accept.
    // Several threads may call next() at once: it keeps no state between calls.
    Outcome next(AcceptedSocket* out, bool step_back = false);
    // Without waiting: has the master gone? (for a listener that is not accepting just now)
    bool master_gone() const;
    // Ends every wait in this set, now and later (next() answers Leave), without making the
    // child leave: its threads stop accepting and finish what they hold (MaxConnectionsPerChild).
    // Called once, by one thread.
    void stop();

private:
    void watch_listener(size_t index);
    void go_last();

    const ChildContext& context_;
    const char* module_;
    int epoll_fd_ = -1;
    int stop_fd_ = -1;   // an eventfd made by stop(), readable from then on
};

} // namespace mpmd

#endif
