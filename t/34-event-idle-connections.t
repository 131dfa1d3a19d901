#!/usr/bin/env python3
# The event MPM holds connections that have no request to serve without a thread: kept-alive
# connections between requests, new ones whose request head is still arriving, and closing
# ones in their lingering close. With only 2 worker threads, 40 idle kept-alive connections,
# 40 half-sent heads and 10 lingering closes leave the workers free: a new client is
# answered at once, every held connection is served when its request comes, and the status
# page counts the connections held without a thread, the lingering ones apart.
import re
import time

from mpmdtest import HttpConnection, Test, http_get, thread_count, wait_for

HELD = 40


def main(t):
    if t.mpm() != "event":
        t.skip_all("connections held without a thread: event MPM only")
    event = {"StartServers": "1", "ThreadsPerChild": "2", "ThreadLimit": "2", "MinSpareThreads": "1",
             "MaxSpareThreads": "3", "MaxRequestWorkers": "2", "ServerLimit": "1"}
    s = t.server(name="evidle", conf={"server": {"KeepAliveTimeout": "20", "Timeout": "20"},
                                      "mpm_event": event})
    s.start()
    port = s.port
    # Counted once both workers report ready in the scoreboard: every thread of the child
    # (loop, accepting thread, 2 workers, + a sanitizer's own) has started by then.
    kids = wait_for(lambda: len(s.ready_children(workers=2)) == 1 and s.ready_children(workers=2), 10) or [0]
    start_threads = thread_count(kids[0])

    idle = []
    for i in range(HELD):
        c = HttpConnection(port, timeout=5)
        r = c.request("GET", "/hello.txt?ka-%d" % i)
        idle.append((c, r.status))
    t.is_([st for _, st in idle if st != 200], [], "%d kept-alive connections served with 2 threads" % HELD)
    t.is_(http_get(port, "/hello.txt", timeout=3).status, 200,
          "a new client is answered while %d connections idle" % HELD)
    # A worker sends its reply before it hands the connection back to the loop, so the last
    # few may still be on their way to the loop when the reply is read: poll, with a deadline.
    held = []

    def all_held():
        auto = http_get(port, "/server-status?auto").body.decode("latin-1")
        held[:] = [int(v) for v in re.findall(r"(?m)^ConnsAsyncKeepAlive: (\d+)$", auto)]
        return held and held[0] >= HELD
    t.ok(wait_for(all_held, 5), "the status page counts them as held without a thread (%s)" % held)

    slow = []
    for i in range(HELD):
        c = HttpConnection(port, timeout=5)
        c.send(b"GET /hello.txt?slow-%d HTTP/1.1\r\nHost: x\r\n" % i)
        slow.append(c)
    t.is_(http_get(port, "/hello.txt", timeout=3).status, 200,
          "a new client is answered while %d heads arrive slowly" % HELD)
    t.is_(thread_count(kids[0]), start_threads, "the child has no more threads than at start (%d)" % start_threads)

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

    # Lingering closes: 10 clients get their last reply (Connection: close, with bytes of a
    # further request behind it, so they may still send) but keep their side open; the
    # server drains them for 2 s in its event loop, not in a worker.
    closing = []
    for i in range(10):
        c = HttpConnection(port, timeout=5)
        c.send(c.request_bytes(path="/hello.txt?close-%d" % i, headers={"Connection": "close"}) + b"GET /more")
        closing.append((c, c.read_response().status))
    t.is_([st for _, st in closing if st != 200], [], "10 last replies sent")
    lingering = []

    def counted_closing():
        auto = http_get(port, "/server-status?auto").body.decode("latin-1")
        lingering[:] = [int(v) for v in re.findall(r"(?m)^ConnsAsync(?:KeepAlive|Closing): (\d+)$", auto)]
        return len(lingering) == 2 and lingering[1] >= 1
    # Polled within their 2 s: each lingers from its reply on, and goes once drained.
    t.ok(wait_for(counted_closing, 1.5),
         "?auto counts lingering closes as ConnsAsyncClosing, apart from ConnsAsyncKeepAlive (%s)" % lingering)
    start = time.monotonic()
    st = http_get(port, "/hello.txt", timeout=3).status
    took = time.monotonic() - start
    t.is_(st, 200, "a new client is answered while 10 connections linger (%.3f s)" % took)
    t.cmp_ok(took, "<", 1.5, "without waiting for the 2 s lingering closes")
    t.ok(all(c.closed_by_peer(4) for c, _ in closing), "the lingering connections are closed after it")
    t.ok(wait_for(lambda: re.search(r"(?m)^ConnsAsyncClosing: 0$",
                                    http_get(port, "/server-status?auto").body.decode("latin-1")), 5),
         "and ConnsAsyncClosing is 0 once they are gone")


Test().main(main)
