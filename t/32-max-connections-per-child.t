#!/usr/bin/env python3
# MaxConnectionsPerChild counts connections, not requests: a child leaves after that many
# and is replaced. With one child only (MaxRequestWorkers=1) the access log's %P shows
# which child served each request. The harness's readiness probe (a connect without a
# request) is a connection too, as in Apache, so the first child has one fewer to give.
from mpmconf import same_children
from mpmdtest import HttpConnection, Test, alive, wait_for


def pids_by_tag(s, tag, n):
    lines = wait_for(lambda: len(s.access_log.grep(tag)) >= n and s.access_log.grep(tag), 5) or []
    return [int(l.rsplit(" ", 1)[-1]) for l in lines]


def main(t):
    one = same_children(start=1, min_spare=1, max_spare=1, max_workers=1, server_limit=1, max_connections=3)
    s = t.server(name="maxconn", conf=one)
    s.start()
    for i in range(7):
        with HttpConnection(s.port) as c:
            r = c.request("GET", "/hello.txt?close-%d" % i, headers={"Connection": "close"})
            t.is_(r.status, 200, "connection %d served" % (i + 1))
    pids = pids_by_tag(s, "close-", 7)
    t.is_(len(pids), 7, "7 access log lines")
    if len(pids) == 7:
        t.ok(pids[0] == pids[1], "probe + connections 1-2 served by one child (%s)" % pids[:2])
        t.ok(pids[2] == pids[3] == pids[4], "connections 3-5 served by the next child (%s)" % pids[2:5])
        t.ok(pids[5] == pids[6], "connections 6-7 served by the third child (%s)" % pids[5:])
        t.is_(len(set(pids)), 3, "three children in turn (%s)" % pids)
        t.ok(wait_for(lambda: not alive(pids[0]) and not alive(pids[2]), 3),
             "children that reached MaxConnectionsPerChild have exited")
    s.stop()

    # Keep-alive connections count once each: the probe and 2 connections with 3 and 2
    # requests are one child's share; the next 3 connections (1, 2, 1 requests) the next's.
    s.start()
    plan = [("ka-a", 3), ("ka-b", 2), ("ka-c", 1), ("ka-d", 2), ("ka-e", 1)]
    for tag, n in plan:
        with HttpConnection(s.port) as c:
            for i in range(n):
                hdrs = {"Connection": "close"} if i == n - 1 else {}
                r = c.request("GET", "/hello.txt?%s-%d" % (tag, i), headers=hdrs)
            t.is_(r.status, 200, "connection %s: %d requests served" % (tag, n))
    got = {tag: set(pids_by_tag(s, tag + "-", n)) for tag, n in plan}
    t.ok(all(len(v) == 1 for v in got.values()), "each connection served by one child (%s)" % got)
    t.ok(got["ka-a"] == got["ka-b"],
         "5 requests on 2 connections after the probe: one child (MaxConnectionsPerChild counts connections)")
    t.ok(got["ka-c"] == got["ka-d"] == got["ka-e"], "4 requests on the next 3 connections: the next child")
    t.ok(got["ka-c"] != got["ka-a"], "the third connection goes to a new child")


Test().main(main)
