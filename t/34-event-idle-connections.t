#!/usr/bin/env python3
# The event MPM holds connections that have no request to serve without a thread: kept-alive
# connections between requests, and new ones whose request head is still arriving. With only
# 2 worker threads, 40 idle kept-alive connections and 40 half-sent heads leave the workers
# free: a new client is answered at once, and every held connection is served when its
# request comes.
import os

from mpmdtest import HttpConnection, Test, http_get, wait_for

HELD = 40


def threads(pid):
    try:
        return len(os.listdir("/proc/%d/task" % pid))
    except OSError:
        return 0


def main(t):
    if t.mpm() != "event":
        t.skip_all("connections held without a thread: event MPM only")
    event = {"StartServers": "1", "ThreadsPerChild": "2", "ThreadLimit": "2", "MinSpareThreads": "1",
             "MaxSpareThreads": "3", "MaxRequestWorkers": "2", "ServerLimit": "1"}
    s = t.server(name="evidle", conf={"server": {"KeepAliveTimeout": "20", "Timeout": "20"},
                                      "mpm_event": event})
    s.start()
    port = s.port
    kids = wait_for(lambda: len(s.children()) == 1 and s.children(), 5) or [0]
    wait_for(lambda: threads(kids[0]) >= 3, 5)
    start_threads = threads(kids[0])   # listener + 2 workers (+ a sanitizer's own thread)

    idle = []
    for i in range(HELD):
        c = HttpConnection(port, timeout=5)
        r = c.request("GET", "/hello.txt?ka-%d" % i)
        idle.append((c, r.status))
    t.is_([st for _, st in idle if st != 200], [], "%d kept-alive connections served with 2 threads" % HELD)
    t.is_(http_get(port, "/hello.txt", timeout=3).status, 200,
          "a new client is answered while %d connections idle" % HELD)

    slow = []
    for i in range(HELD):
        c = HttpConnection(port, timeout=5)
        c.send(b"GET /hello.txt?slow-%d HTTP/1.1\r\nHost: x\r\n" % i)
        slow.append(c)
    t.is_(http_get(port, "/hello.txt", timeout=3).status, 200,
          "a new client is answered while %d heads arrive slowly" % HELD)
    t.is_(threads(kids[0]), start_threads, "the child has no more threads than at start (%d)" % start_threads)

    again = [c.request("GET", "/hello.txt?again").status for c, _ in idle]
    t.is_([st for st in again if st != 200], [], "every kept-alive connection is served again")
    for c in slow:
        c.send(b"\r\n")
    done = [c.read_response().status for c in slow]
    t.is_([st for st in done if st != 200], [], "every slow head is served once complete")
    for c, _ in idle:
        c.close()
    for c in slow:
        c.close()


Test().main(main)
