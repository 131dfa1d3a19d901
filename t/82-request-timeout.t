#!/usr/bin/env python3
# RequestTimeout: a request whose handler hangs (the test daemons' /__fault/hang) is ended by
# the master's watchdog: the client sees its connection end about at the limit, the error
# log names the pid, slot, thread, request line and client, a replacement child serves on.
# Under worker and event the stuck child leaves gracefully: a request it was serving beside
# the stuck one still finishes. A request under the limit is left alone.
# Latencies are printed, never asserted; the bounds below only catch a watchdog that
# does not act at all, or acts before the limit.
import json
import threading
import time

from mpmdtest import HttpConnection, Test, http_get, wait_for

LIMIT = 2
THREADED_ONE_CHILD = {"StartServers": "1", "ThreadsPerChild": "4", "ThreadLimit": "4",
                      "MinSpareThreads": "1", "MaxSpareThreads": "8", "MaxRequestWorkers": "4",
                      "ServerLimit": "1"}


def get_in_thread(port, path, out):
    def run():
        try:
            with HttpConnection(port, timeout=10) as c:
                r = c.request("GET", path, headers={"Connection": "close"})
                out.append(r.status if r else "no reply")
        except Exception as e:   # reported through `out`, checked by the test
            out.append(repr(e))
    th = threading.Thread(target=run)
    th.start()
    return th


def worker_of(port, tag):
    page = json.loads(http_get(port, "/server-status?json").body)
    found = [w for w in page["workers"] if tag in (w.get("request") or "") and w.get("status") == "W"]
    return found[0] if found else None


def main(t):
    s = t.server(name="reqtimeout", conf={"server": {"RequestTimeout": str(LIMIT)}},
                 mpm_conf={"worker": {"mpm_worker": THREADED_ONE_CHILD},
                           "event": {"mpm_event": THREADED_ONE_CHILD}})
    s.start()
    port = s.port
    threaded = t.mpm() != "prefork"

    # Under the limit: untouched.
    t.is_(http_get(port, "/__fault/sleep?ms=%d" % (LIMIT * 1000 // 2), timeout=10).status, 200,
          "a request under RequestTimeout is answered")

    block = s.mark()
    neighbour = []
    th = None
    with HttpConnection(port, timeout=15) as c:
        c.send(b"GET /__fault/hang?stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        start = time.monotonic()
        w = wait_for(lambda: worker_of(port, "stuck"), 3)
        t.ok(w, "the hung request shows as W on the status page")
        if threaded:
            # A neighbour on the same (only) child, under the limit itself but still running
            # when the stuck one passes it: it must be answered before the child goes.
            wait_for(lambda: time.monotonic() - start >= LIMIT / 2, LIMIT)
            th = get_in_thread(port, "/__fault/sleep?ms=%d&neighbour" % (LIMIT * 1000 * 3 // 4), neighbour)
        closed = c.closed_by_peer(LIMIT + 8)
        took = time.monotonic() - start
    t.ok(closed, "the client sees its connection end")
    t.cmp_ok(took, ">=", LIMIT - 0.2, "not before the limit (%.2f s)" % took)
    t.cmp_ok(took, "<=", LIMIT + 5, "the watchdog acted (%.2f s for a %d s limit)" % (took, LIMIT))
    t.diag("connection ended %.0f ms after the request was sent, RequestTimeout %d s (%s)"
           % (took * 1000, LIMIT, t.mpm()))
    line = block.wait_for(r"RequestTimeout of %d s reached: pid (\d+), slot (\d+), thread (\d+), "
                          r"request \"GET /__fault/hang\?stuck HTTP/1.1\" from 127\.0\.0\.1, running [\d.]+ s" % LIMIT, 3)
    t.ok(line, "the log names pid, slot, thread, request line, client and time (%s)" % (line[0] if line else ""))
    if w and line:
        t.like(line[0], r"pid %d, slot %d, thread %d," % (w["pid"], w["slot"], w["thread"]),
               "... of the worker the status page showed")
    if w:
        t.ok(block.wait_for(r"child pid %d \(slot \d+, generation \d+, stopping\) killed by signal 9" % w["pid"], 5),
             "the stuck child is killed and reaped")
    if th:
        th.join(15)
        t.is_(neighbour, [200], "the neighbour on the same child is answered before the child goes")
    t.ok(wait_for(lambda: http_get(port, "/hello.txt").status == 200, 5), "the server keeps serving")
    t.ok(wait_for(lambda: s.children() and w and w["pid"] not in s.children(), 5),
         "a new child serves (%s)" % s.children())


Test().main(main)
