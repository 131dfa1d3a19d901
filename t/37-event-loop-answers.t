#!/usr/bin/env python3
# The event MPM answers a request that needs no wait for the client (a whole request without
# a body to read) where it arrives, as nginx's loop does: the accepting thread answers what
# comes with the accept (with AcceptFilter data, the default, every first request) and the
# loop answers what arrives on a connection it holds; each counts in a worker record of its
# own after the worker threads' (ThreadsPerChild: the loop, ThreadsPerChild + 1: the
# accepting thread) as far as ThreadLimit leaves room:
#   - kept-alive and pipelined requests are answered in order, counted in those records;
#   - Connection: close requests are answered by the accepting thread alone;
#   - a reply larger than the socket takes is finished by a worker thread, whole, counted
#     once (in the worker's record) and logged once;
#   - the RequestTimeout watchdog sees the accepting thread or the loop stuck in a request
#     (the test daemons' /__fault/hang?nowait=1, which they keep), and a new child serves;
#   - with less room (ThreadLimit = ThreadsPerChild + 1) only the loop answers; with none
#     (ThreadLimit = ThreadsPerChild) the workers answer everything.
import json

from mpmdtest import HttpConnection, Test, http_get, wait_for

THREADS = 2
LOOP, ACCEPTOR = THREADS, THREADS + 1
LIMIT = 3
BIG = 8 * 1024 * 1024


def records(port):
    return json.loads(http_get(port, "/server-status?json").body)["workers"]


def by_thread(port, pid):
    return {w["thread"]: w for w in records(port) if w.get("pid") == pid}


def served(port, pid, threads):
    return sum(w["accesses_child"] for th, w in by_thread(port, pid).items() if th in threads)


def served_reaches(port, pid, threads, count):
    """What the records count once it reaches `count` (polled: a request is counted after its
    reply has gone, so the client may ask before the answering thread has counted it)."""
    return wait_for(lambda: (lambda n: n if n >= count else None)(served(port, pid, threads)), 5) or \
        served(port, pid, threads)


def event_conf(thread_limit):
    return {"StartServers": "1", "ThreadsPerChild": str(THREADS), "ThreadLimit": str(thread_limit),
            "MinSpareThreads": "1", "MaxSpareThreads": "3", "MaxRequestWorkers": str(THREADS),
            "ServerLimit": "1"}


def big_reply(t, s, port, pid, first, what):
    """GET /big.bin with a small receive buffer, as the connection's first request or not."""
    workers = range(THREADS)
    access = s.access_log.mark()
    before = served(port, pid, workers)
    with HttpConnection(port, timeout=20, rcvbuf=65536) as c:
        if not first:
            t.is_(c.request("GET", "/hello.txt").status, 200, "a request first, so the next one reaches the loop")
        c.send(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        # Nothing is read until a worker thread holds the reply (W): a client reading at once
        # can keep pace with a slow server (ThreadSanitizer) so the socket never fills.
        held = wait_for(lambda: any(w.get("status") == "W" for th, w in by_thread(port, pid).items()
                                    if th in workers), 10)
        t.ok(held, "... the socket filled and a worker thread took the reply over (%s)" % what)
        r = c.read_response()
        t.is_(r.status, 200, "an 8 MiB reply that fills the socket (%s)" % what)
        t.ok(len(r.body) == BIG and r.body == bytes(range(256)) * (BIG // 256), "... arrives whole and in order")
        t.is_(c.request("GET", "/hello.txt?after-big").status, 200, "... and the connection goes on")
    t.ok(access.wait_for(r'"GET /big\.bin HTTP/1\.1" 200 %d ' % BIG, 5), "... is logged with its full size")
    t.is_(len(access.grep(r"GET /big\.bin")), 1, "... once")
    t.is_(served_reaches(port, pid, workers, before + 1) - before, 1, "... a worker thread finished and counted it")


def stuck(t, s, port, pid, first, thread, what):
    """A request that hangs where plain requests are answered: the watchdog ends the child."""
    mark = s.mark()
    with HttpConnection(port, timeout=15) as c:
        if not first:
            t.is_(c.request("GET", "/hello.txt").status, 200, "a request first, so the next one reaches the loop")
        c.send(b"GET /__fault/hang?nowait=1&stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        t.ok(c.closed_by_peer(LIMIT + 8), "%s stuck in a request: the client sees its connection end" % what)
    line = mark.wait_for(r"RequestTimeout of %d s reached: pid %d, slot \d+, thread %d, "
                         r"request \"GET /__fault/hang\?nowait=1&stuck HTTP/1.1\"" % (LIMIT, pid, thread), 5)
    t.ok(line, "the watchdog names %s's record (thread %d)" % (what, thread))
    t.ok(mark.wait_for(r"child pid %d \(slot \d+, generation \d+, stopping\) killed by signal 9" % pid, 10),
         "the stuck child is killed")
    t.ok(wait_for(lambda: http_get(port, "/hello.txt").status == 200 and pid not in s.children(), 10),
         "a new child serves")


def main(t):
    if t.mpm() != "event":
        t.skip_all("the event MPM's own answers: event MPM only")
    s = t.server(name="evloop", conf={"server": {"RequestTimeout": str(LIMIT)},
                                      "mpm_event": event_conf(THREADS + 2)})
    s.write_file(s.docroot + "/big.bin", bytes(range(256)) * (BIG // 256))
    s.start()
    port = s.port
    pid = (wait_for(lambda: s.ready_children(workers=THREADS), 10) or [0])[0]
    own = wait_for(lambda: LOOP in by_thread(port, pid) and ACCEPTOR in by_thread(port, pid) and by_thread(port, pid), 5)
    t.ok(own, "the child's loop and accepting thread have records after its %d workers'" % THREADS)
    # W while one of them answers this very status request.
    t.ok(own and all(own[th]["status"] in "_W" for th in (LOOP, ACCEPTOR)),
         "... idle between requests (%s)" % (own and [own[th]["status"] for th in (LOOP, ACCEPTOR)]))
    loop_before, acceptor_before = served(port, pid, [LOOP]), served(port, pid, [ACCEPTOR])

    with HttpConnection(port, timeout=10) as c:
        statuses = [c.request("GET", "/hello.txt?ka-%d" % i).status for i in range(30)]
        t.is_(statuses, [200] * 30, "30 kept-alive requests answered")
        c.send(b"".join(b"GET /hello.txt?pipe-%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(5)))
        bodies = [c.read_response() for _ in range(5)]
        t.is_([r.status for r in bodies], [200] * 5, "5 pipelined requests answered in order")
    t.cmp_ok(served_reaches(port, pid, [LOOP], loop_before + 34) - loop_before, ">=", 34, "the loop's record counts the kept-alive ones")
    acceptor_mid = served(port, pid, [ACCEPTOR])
    closes = [http_get(port, "/hello.txt?close-%d" % i, headers={"Connection": "close"}).status for i in range(10)]
    t.is_(closes, [200] * 10, "10 Connection: close requests answered")
    t.cmp_ok(served_reaches(port, pid, [ACCEPTOR], acceptor_mid + 10) - acceptor_mid, ">=", 10,
             "the accepting thread's record counts them (and the first of each connection)")
    t.is_(served(port, pid, range(THREADS)), 0, "the worker threads answered none of these")

    big_reply(t, s, port, pid, True, "from the accepting thread")
    big_reply(t, s, port, pid, False, "from the loop")

    stuck(t, s, port, pid, True, ACCEPTOR, "the accepting thread")
    pid = (wait_for(lambda: s.ready_children(workers=THREADS), 10) or [0])[0]
    stuck(t, s, port, pid, False, LOOP, "the loop")
    s.stop()

    # Room for the loop's record only: the loop answers every plain request.
    s1 = t.server(name="evloop1", conf={"mpm_event": event_conf(THREADS + 1)})
    s1.start()
    pid1 = (wait_for(lambda: s1.ready_children(workers=THREADS), 10) or [0])[0]
    closes = [http_get(s1.port, "/hello.txt?close-%d" % i, headers={"Connection": "close"}).status for i in range(10)]
    t.is_(closes, [200] * 10, "ThreadLimit = ThreadsPerChild + 1: Connection: close requests answered")
    served_reaches(s1.port, pid1, [LOOP], 10)
    counted = by_thread(s1.port, pid1)
    t.is_(sorted(counted), list(range(THREADS + 1)), "... no record beyond the loop's is used")
    t.cmp_ok(counted[LOOP]["accesses_child"], ">=", 10, "... the loop counted them")
    s1.stop()

    # No record left: the workers answer everything, as before.
    s2 = t.server(name="evnoloop", conf={"mpm_event": event_conf(THREADS)})
    s2.start()
    pid2 = (wait_for(lambda: s2.ready_children(workers=THREADS), 10) or [0])[0]
    with HttpConnection(s2.port, timeout=10) as c:
        statuses = [c.request("GET", "/hello.txt?ka-%d" % i).status for i in range(10)]
    t.is_(statuses, [200] * 10, "ThreadLimit = ThreadsPerChild: kept-alive requests answered")
    served_reaches(s2.port, pid2, range(THREADS), 10)
    counted = by_thread(s2.port, pid2)
    t.is_(sorted(counted), list(range(THREADS)), "... no record beyond the workers' is used")
    t.cmp_ok(sum(w["accesses_child"] for w in counted.values()), ">=", 10, "... the workers counted them")


Test().main(main)
