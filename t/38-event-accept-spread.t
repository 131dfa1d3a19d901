#!/usr/bin/env python3
# The event MPM spreads new connections over its children. The kernel wakes one accepting
# thread per connection (EPOLLEXCLUSIVE), and the same one as long as it waits: one child
# would hold every kept-alive connection, so one loop would carry the load and a crash of
# that child would end most clients' connections. A child holding more than its share
# (the mean over its generation's children, plus 2) steps back once before it accepts, and
# another child takes the connection. 30 kept-alive clients opened one after another end
# spread over 3 children, each holding 10 +- 3, and every one of them is served.
import json

from mpmdtest import HttpConnection, Test, http_get, wait_for

CHILDREN = 3
CLIENTS = 30


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
    s = t.server(name="evspread", conf={"server": {"KeepAliveTimeout": "30", "Timeout": "30"},
                                        "mpm_event": event})
    s.start()
    port = s.port
    pids = wait_for(lambda: len(s.ready_children(workers=4)) == CHILDREN and s.ready_children(workers=4), 15)
    t.ok(pids, "%d children ready" % CHILDREN)
    pids = set(pids or [])

    clients = []
    try:
        statuses = []
        for i in range(CLIENTS):
            clients.append(HttpConnection(port, timeout=10))
            statuses.append(clients[-1].request("GET", "/hello.txt?spread-%d" % i).status)
        t.is_(statuses, [200] * CLIENTS, "%d clients, one after another, served" % CLIENTS)
        # A connection reaches its loop's count just after its reply is read: poll.
        counts = wait_for(lambda: (lambda h: h if sum(h.values()) >= CLIENTS else None)(held_by_child(port, pids)), 10) \
            or held_by_child(port, pids)
        t.is_(sum(counts.values()), CLIENTS, "the children hold the %d kept-alive connections (%s)" % (CLIENTS, counts))
        t.is_(len(counts), CHILDREN, "... each child holds some")
        t.ok(counts and max(counts.values()) <= CLIENTS // CHILDREN + 3 and min(counts.values()) >= CLIENTS // CHILDREN - 3,
             "... about a third each, none more than its share + 3 (%s)" % sorted(counts.values()))
        statuses = [c.request("GET", "/hello.txt?again").status for c in clients]
        t.is_(statuses, [200] * CLIENTS, "every kept-alive connection is served again where it is")
    finally:
        for c in clients:
            c.close()
    s.stop()


Test().main(main)
