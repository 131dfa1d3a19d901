#!/usr/bin/env python3
# Thread maintenance (worker and event): the master keeps idle threads between
# MinSpareThreads and MaxSpareThreads by starting whole children when idle threads are
# short and gracefully stopping one child per second when there are too many; it never
# runs more children than MaxRequestWorkers / ThreadsPerChild and says so once.
# Busy = a request whose body never comes (its head is complete, so even event gives it
# a thread). Every child has ThreadsPerChild worker threads beside its own: worker's
# listener; event's loop and accepting thread.
from mpmdtest import HttpConnection, Test, hold_busy, thread_count, wait_for

TPC = 4


def main(t):
    if t.mpm() == "prefork":
        t.skip_all("thread maintenance is for the worker and event MPMs")
    threaded = {"StartServers": "1", "ThreadsPerChild": str(TPC), "ThreadLimit": str(TPC),
                "MinSpareThreads": "2", "MaxSpareThreads": "6", "MaxRequestWorkers": "12",
                "ServerLimit": "4"}
    s = t.server(name="tspare", conf={"server": {"Timeout": "30"}, "mpm_worker": threaded,
                                      "mpm_event": threaded})
    s.start()
    port = s.port
    kids = wait_for(lambda: len(s.children()) == 1 and s.children(), 5) or []
    t.is_(len(kids), 1, "StartServers=1: one child")
    # A sanitizer build adds a helper thread or two of its own.
    own, names = (2, "a loop, an accepting thread") if t.mpm() == "event" else (1, "a main thread")
    t.ok(kids and wait_for(lambda: own + TPC <= thread_count(kids[0]) <= own + 2 + TPC, 5),
         "the child runs %s and ThreadsPerChild=%d workers (%s threads)"
         % (names, TPC, kids and thread_count(kids[0])))

    # 3 busy threads leave 1 idle < MinSpareThreads=2: a second child starts; then 5 idle.
    busy = hold_busy(port, 3)
    two = wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []
    t.is_(len(two), 2, "idle threads below MinSpareThreads: a second child starts")
    t.ok(not wait_for(lambda: len(s.children()) != 2, 1.5), "then the count holds (5 idle threads)")

    # Up to MaxRequestWorkers=12 threads = 3 children, never more, and the limit is logged.
    block = s.mark()
    more = hold_busy(port, 10)
    t.ok(wait_for(lambda: len(s.children()) == 3, 8), "13 busy clients: 3 children (MaxRequestWorkers=12)")
    t.ok(block.wait_for(r"server reached MaxRequestWorkers setting", 6),
         "'server reached MaxRequestWorkers setting' is logged")
    t.ok(not wait_for(lambda: len(s.children()) > 3, 1.5), "never more than 3 children")
    t.is_(len(block.grep(r"reached MaxRequestWorkers")), 1, "logged once for the episode")

    # Everyone leaves: 12 idle threads > MaxSpareThreads=6: children are stopped one at a time
    # until idle threads are within bounds (2 children = 8 idle > 6, 1 child = 4).
    for c in busy + more:
        c.close()
    seen = [3]
    def settle():
        n = len(s.children())
        if n != seen[-1]:
            seen.append(n)
        return n == 1
    t.ok(wait_for(settle, 10, step=0.05), "idle children are stopped down to one (%s)" % seen)
    t.is_(seen, [3, 2, 1], "one child at a time")
    r = HttpConnection(port).request("GET", "/hello.txt", headers={"Connection": "close"})
    t.is_(r.status, 200, "the remaining child serves")


Test().main(main)
