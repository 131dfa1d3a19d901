#!/usr/bin/env python3
# MaxConnectionsPerChild counts connections, not requests: a child leaves after that many
# and is replaced. With one child only (MaxRequestWorkers=1) the access log's %P shows
# which child served each request.
from mpmdtest import HttpConnection, Test, alive, wait_for


def pids_by_tag(s, tag, n):
    lines = wait_for(lambda: len(s.access_log.grep(tag)) >= n and s.access_log.grep(tag), 5) or []
    return [int(l.rsplit(" ", 1)[-1]) for l in lines]


def main(t):
    one = {"StartServers": "1", "MinSpareServers": "1", "MaxSpareServers": "1",
           "MaxRequestWorkers": "1", "ServerLimit": "1", "MaxConnectionsPerChild": "3"}
    s = t.server(name="maxconn", conf={"mpm_prefork": one})
    s.start()
    for i in range(7):
        with HttpConnection(s.port) as c:
            r = c.request("GET", "/hello.txt?close-%d" % i, headers={"Connection": "close"})
            t.is_(r.status, 200, "connection %d served" % (i + 1))
    pids = pids_by_tag(s, "close-", 7)
    t.is_(len(pids), 7, "7 access log lines")
    if len(pids) == 7:
        t.ok(pids[0] == pids[1] == pids[2], "connections 1-3 served by one child (%s)" % pids[:3])
        t.ok(pids[3] == pids[4] == pids[5], "connections 4-6 served by one child (%s)" % pids[3:6])
        t.is_(len(set(pids)), 3, "three children in turn (%s)" % pids)
        t.ok(wait_for(lambda: not alive(pids[0]) and not alive(pids[3]), 3),
             "children that reached MaxConnectionsPerChild have exited")
    s.stop()

    # Keep-alive connections count once each: 3 connections with 3, 2 and 1 requests are
    # one child's share; the fourth connection goes to a new child.
    s.start()
    plan = [("ka-a", 3), ("ka-b", 2), ("ka-c", 1), ("ka-d", 2)]
    for tag, n in plan:
        with HttpConnection(s.port) as c:
            for i in range(n):
                hdrs = {"Connection": "close"} if i == n - 1 else {}
                r = c.request("GET", "/hello.txt?%s-%d" % (tag, i), headers=hdrs)
            t.is_(r.status, 200, "connection %s: %d requests served" % (tag, n))
    got = {tag: set(pids_by_tag(s, tag + "-", n)) for tag, n in plan}
    t.ok(all(len(v) == 1 for v in got.values()), "each connection served by one child (%s)" % got)
    t.ok(got["ka-a"] == got["ka-b"] == got["ka-c"],
         "6 requests on 3 connections: one child (MaxConnectionsPerChild counts connections)")
    t.ok(got["ka-d"] != got["ka-a"], "the fourth connection goes to a new child")


Test().main(main)
