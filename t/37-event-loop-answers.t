#!/usr/bin/env python3
# The event MPM's loop answers itself a request that needs no wait for the client (a whole
# request without a body to read), as nginx's loop does, and counts it in a worker record of
# its own, the one after the worker threads' (ThreadsPerChild) when ThreadLimit leaves room:
#   - kept-alive and pipelined requests are answered in order and counted in that record;
#   - a reply larger than the socket takes is finished by a worker thread, whole, counted
#     once (in the worker's record) and logged once;
#   - the RequestTimeout watchdog sees the loop stuck in a request (the test daemons'
#     /__fault/hang?loop=1, which the loop keeps) and a new child serves;
#   - with ThreadLimit = ThreadsPerChild there is no record for it: workers answer all.
import json

from mpmdtest import HttpConnection, Test, http_get, wait_for

THREADS = 2
LIMIT = 3
BIG = 8 * 1024 * 1024


def records(port):
    return json.loads(http_get(port, "/server-status?json").body)["workers"]


def by_thread(port, pid):
    return {w["thread"]: w for w in records(port) if w.get("pid") == pid}


def event_conf(thread_limit):
    return {"StartServers": "1", "ThreadsPerChild": str(THREADS), "ThreadLimit": str(thread_limit),
            "MinSpareThreads": "1", "MaxSpareThreads": "3", "MaxRequestWorkers": str(THREADS),
            "ServerLimit": "1"}


def main(t):
    if t.mpm() != "event":
        t.skip_all("the event loop's own requests: event MPM only")
    s = t.server(name="evloop", conf={"server": {"RequestTimeout": str(LIMIT)},
                                      "mpm_event": event_conf(THREADS + 1)})
    s.write_file(s.docroot + "/big.bin", bytes(range(256)) * (BIG // 256))
    s.start()
    port = s.port
    kids = wait_for(lambda: s.ready_children(workers=THREADS), 10) or [0]
    pid = kids[0]
    loop = wait_for(lambda: by_thread(port, pid).get(THREADS), 5)
    t.ok(loop, "the child's loop has a record after its %d workers'" % THREADS)
    # W when the loop is the one answering this very status request.
    t.ok(loop and (loop["status"] == "_" or (loop["status"] == "W" and "server-status" in (loop["request"] or ""))),
         "... idle between requests (%s)" % (loop and loop["status"]))
    before = loop["accesses_child"] if loop else 0

    with HttpConnection(port, timeout=10) as c:
        statuses = [c.request("GET", "/hello.txt?ka-%d" % i).status for i in range(30)]
        t.is_(statuses, [200] * 30, "30 kept-alive requests answered")
        c.send(b"".join(b"GET /hello.txt?pipe-%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(5)))
        bodies = [c.read_response() for _ in range(5)]
        t.is_([r.status for r in bodies], [200] * 5, "5 pipelined requests answered in order")
    after = by_thread(port, pid)
    # The first request of a connection that arrives with it goes to a worker from the
    # accepting thread; every later one is the loop's.
    t.cmp_ok(after[THREADS]["accesses_child"] - before, ">=", 34, "the loop's record counts what it answered")
    t.cmp_ok(sum(after[i]["accesses_child"] for i in range(THREADS)), "<=", 3,
             "the worker threads answered at most the connections' first requests")

    # A reply the socket cannot take whole: a worker finishes it.
    access = s.access_log.mark()
    with HttpConnection(port, timeout=20, rcvbuf=65536) as c:
        t.is_(c.request("GET", "/hello.txt").status, 200, "a request first, so the next one reaches the loop")
        workers_before = sum(w["accesses_child"] for th, w in by_thread(port, pid).items() if th < THREADS)
        c.send(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
        t.is_(r.status, 200, "an 8 MiB reply that fills the socket")
        t.ok(len(r.body) == BIG and r.body == bytes(range(256)) * (BIG // 256), "... arrives whole and in order")
        t.is_(c.request("GET", "/hello.txt?after-big").status, 200, "... and the connection goes on")
    t.ok(access.wait_for(r'"GET /big\.bin HTTP/1\.1" 200 %d ' % BIG, 5), "the big reply is logged with its full size")
    t.is_(len(access.grep(r"GET /big\.bin")), 1, "... once")
    workers_after = sum(w["accesses_child"] for th, w in by_thread(port, pid).items() if th < THREADS)
    t.cmp_ok(workers_after - workers_before, ">=", 1, "a worker thread finished and counted it")

    # The watchdog sees the loop stuck in a request.
    mark = s.mark()
    with HttpConnection(port, timeout=15) as c:
        t.is_(c.request("GET", "/hello.txt").status, 200, "a request first, so the next one reaches the loop")
        c.send(b"GET /__fault/hang?loop=1&stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        t.ok(c.closed_by_peer(LIMIT + 8), "a loop stuck in a request: the client sees its connection end")
    line = mark.wait_for(r"RequestTimeout of %d s reached: pid %d, slot \d+, thread %d, "
                         r"request \"GET /__fault/hang\?loop=1&stuck HTTP/1.1\"" % (LIMIT, pid, THREADS), 5)
    t.ok(line, "the watchdog names the loop's record (thread %d)" % THREADS)
    t.ok(mark.wait_for(r"child pid %d \(slot \d+, generation \d+, stopping\) killed by signal 9" % pid, 10),
         "the stuck child is killed")
    t.ok(wait_for(lambda: http_get(port, "/hello.txt").status == 200 and pid not in s.children(), 10),
         "a new child serves")
    s.stop()

    # No record left for the loop: the workers answer everything, as before.
    s2 = t.server(name="evnoloop", conf={"mpm_event": event_conf(THREADS)})
    s2.start()
    pid2 = (wait_for(lambda: s2.ready_children(workers=THREADS), 10) or [0])[0]
    with HttpConnection(s2.port, timeout=10) as c:
        statuses = [c.request("GET", "/hello.txt?ka-%d" % i).status for i in range(10)]
    t.is_(statuses, [200] * 10, "ThreadLimit = ThreadsPerChild: kept-alive requests answered")
    counted = by_thread(s2.port, pid2)
    t.is_(sorted(counted), list(range(THREADS)), "... and no record beyond the workers' is used")
    t.cmp_ok(sum(w["accesses_child"] for w in counted.values()), ">=", 10, "... the workers counted them")


Test().main(main)
