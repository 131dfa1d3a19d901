#!/usr/bin/env python3
# The event MPM spreads new connections over its children. The kernel wakes one accepting
# thread per connection (EPOLLEXCLUSIVE), and the same one as long as it waits: one child
# would hold every kept-alive connection, so one loop would carry the load and a crash of
# that child would end most clients' connections. A child holding more than its share
# (the mean over its generation's children, plus 2) steps back once before it accepts, and
# another child takes the connection. 30 kept-alive clients opened one after another end
# spread over 3 children, none holding more than its share + 3 (13; the old code gave one
# child all 30), each holding some, and every one of them is served. The bound is on the
# most a child holds, as the rule is: a child that is busy when connections arrive takes
# fewer than its share (6, 12, 12 was seen under make distcheck's load), not none.
import json

from mpmdtest import HttpConnection, Test, http_get, wait_for

CHILDREN = 3
CLIENTS = 30
ATTEMPTS = 2


def held_by_child(port, pids):
    """async_connections of each of `pids` from the status page (the status request's own
    connection is answered, and closed, by the accepting thread)."""
    r = http_get(port, "/server-status?json")
    rows = json.loads(r.body).get("processes", []) if r.status == 200 else []
    return {p["pid"]: p["async_connections"] for p in rows if p.get("pid") in pids}


def main(t):
    if t.mpm() != "event":
        t.skip_all("how the event MPM's children share connections: event MPM only")
    event = {"StartServers": str(CHILDREN), "ThreadsPerChild": "4", "ThreadLimit": "6",
             "MinSpareThreads": "1", "MaxSpareThreads": "12", "MaxRequestWorkers": "12",
             "ServerLimit": str(CHILDREN)}
    # A loaded machine can still tilt one run (before AcceptSet::step_back paused, one run in
    # 24 under a `make -j3 check` ended 3, 10, 17; with the pause 25 runs stayed within 12):
    # the rule is checked on up to ATTEMPTS fresh servers, and one run that keeps it passes.
    # The code before the rule (one child took all 30, every time) fails both.
    results = []
    for attempt in range(ATTEMPTS):
        counts, served = one_run(t, event, attempt)
        spread = counts and max(counts.values()) <= CLIENTS // CHILDREN + 3 and min(counts.values()) >= 1
        results.append(sorted(counts.values()) if counts else None)
        t.diag("run %d: %s" % (attempt + 1, results[-1]))
        if spread and served:
            break
    t.ok(spread and served, "the kept-alive connections spread: none more than its share + 3, each some, "
         "all served (runs: %s)" % results)


def one_run(t, event, attempt):
    """(connections each child holds, whether every client was served twice) on a fresh server."""
    s = t.server(name="evspread%d" % attempt, conf={"server": {"KeepAliveTimeout": "30", "Timeout": "30"},
                                                    "mpm_event": event})
    s.start()
    port = s.port
    pids = wait_for(lambda: len(s.ready_children(workers=4)) == CHILDREN and s.ready_children(workers=4), 15)
    pids = set(pids or [])
    clients = []
    counts, served = {}, False
    try:
        statuses = []
        for i in range(CLIENTS):
            clients.append(HttpConnection(port, timeout=10))
            statuses.append(clients[-1].request("GET", "/hello.txt?spread-%d" % i).status)
        # A connection reaches its loop's count just after its reply is read: poll.
        counts = wait_for(lambda: (lambda h: h if sum(h.values()) >= CLIENTS else None)(held_by_child(port, pids)), 10) \
            or held_by_child(port, pids)
        again = [c.request("GET", "/hello.txt?again").status for c in clients]
        served = len(pids) == CHILDREN and statuses == again == [200] * CLIENTS and sum(counts.values()) == CLIENTS
    finally:
        for c in clients:
            c.close()
    s.stop()
    return counts, served

Test().main(main)
