#!/usr/bin/env python3
# MaxConnectionsPerChildJitter: each child draws its own connection limit in
# [MaxConnectionsPerChild, MaxConnectionsPerChild + Jitter], logs it at debug when it leaves,
# and serves exactly that many connections; the limits differ from child to child. With one
# child at a time (one worker thread under worker and event) the access log's %P shows
# which child served each connection.
import re

from mpmconf import same_children
from mpmdtest import HttpConnection, Test, wait_for

BASE, JITTER = 2, 4


def main(t):
    conf = same_children(start=1, min_spare=1, max_spare=1, max_workers=1, server_limit=1, max_connections=BASE)
    for section in ("mpm_prefork", "mpm_worker", "mpm_event"):
        conf[section]["MaxConnectionsPerChildJitter"] = str(JITTER)
    conf["log"] = {"LogLevel": "debug"}
    s = t.server(name="jitter", conf=conf)
    s.start()
    total = 60
    for i in range(total):
        with HttpConnection(s.port) as c:
            r = c.request("GET", "/hello.txt?jitter-%d" % i, headers={"Connection": "close"})
        if r.status != 200:
            t.ok(False, "connection %d served (%s)" % (i, r.status))
            return
    t.ok(True, "%d connections served one after another" % total)

    lines = wait_for(lambda: len(s.access_log.grep("jitter-")) >= total and s.access_log.grep("jitter-"), 5) or []
    pids = [int(l.rsplit(" ", 1)[-1]) for l in lines]
    served = {}
    for p in pids:
        served[p] = served.get(p, 0) + 1
    leaving = {}
    for l in s.error_log.grep(r"leaves after \d+ connections"):
        m = re.search(r"child (\d+) leaves after (\d+) connections: its MaxConnectionsPerChild limit, "
                      r"drawn from (\d+)\.\.(\d+)", l)
        if m:
            leaving[int(m.group(1))] = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
    t.cmp_ok(len(leaving), ">=", 8, "children log their limit at debug when they leave (%d)" % len(leaving))
    limits = [v[0] for v in leaving.values()]
    t.ok(all(v[1:] == (BASE, BASE + JITTER) for v in leaving.values()),
         "each line names the range %d..%d" % (BASE, BASE + JITTER))
    t.ok(all(BASE <= n <= BASE + JITTER for n in limits), "every limit is in the range (%s)" % limits)
    t.cmp_ok(len(set(limits)), ">=", 2, "children draw different limits (%s)" % sorted(set(limits)))
    # The first child also took the harness's readiness probe; the others are exact.
    order = list(dict.fromkeys(pids))
    mismatched = [(p, served[p], leaving[p][0]) for p in order[1:] if p in leaving and served[p] != leaving[p][0]]
    t.is_(mismatched, [], "each child served exactly its own limit of connections")


Test().main(main)
