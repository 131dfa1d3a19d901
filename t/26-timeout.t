#!/usr/bin/env python3
# Timeout: a client that sends nothing, stops in the middle of a request head, or trickles
# the head byte by byte is dropped once Timeout passes (the head must arrive within Timeout),
# and the child it held serves the next client (AcceptFilter none, so that a silent client
# reaches mpmd at all). With AcceptFilter data, the default, a silent client stays in the
# kernel: the only worker serves the next client at once, and the silent one is served once
# it sends its request.
import socket
import time

from mpmconf import same_children
from mpmdtest import HttpConnection, Test, http_get

TIMEOUT = 2


def dropped_within(c, limit):
    """Seconds until the server closed c (or answered 408 and closed); None if not in time."""
    start = time.monotonic()
    if not c.closed_by_peer(limit):
        return None
    if c.buf and not c.buf.startswith(b"HTTP/1.1 408") and not c.buf.startswith(b"HTTP/1.0 408"):
        return None
    return time.monotonic() - start


def main(t):
    conf = {"server": {"Timeout": str(TIMEOUT), "KeepAliveTimeout": "1", "AcceptFilter": "none"}}
    conf.update(same_children(start=1, min_spare=1, max_spare=1, max_workers=1, server_limit=1))
    s = t.server(name="timeout", conf=conf)
    s.start()
    port = s.port

    with HttpConnection(port) as c:
        took = dropped_within(c, TIMEOUT + 4)
        t.ok(took is not None, "a silent client is dropped (%s s)" % took)
        t.ok(took is not None and took >= TIMEOUT - 0.6, "not before Timeout")

    with HttpConnection(port) as c:
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        took = dropped_within(c, TIMEOUT + 4)
        t.ok(took is not None and took >= TIMEOUT - 0.6,
             "a client stopping inside the head is dropped after Timeout (%s s)" % took)

    # Slowloris: one byte every 0.3 s keeps arriving, but the head must be complete within
    # Timeout; the loop is bounded by count and time.
    with HttpConnection(port) as c:
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
        start = time.monotonic()
        dropped = None
        for i in range(len(head)):
            if time.monotonic() - start > TIMEOUT + 5:
                break
            try:
                c.send(head[i:i + 1])
            except OSError:
                dropped = time.monotonic() - start
                break
            if c.closed_by_peer(0.3):
                dropped = time.monotonic() - start
                break
        t.ok(dropped is not None and dropped < TIMEOUT + 2.5,
             "a trickled request head is dropped once Timeout passes (%s s)" % dropped)

    # The only worker (MaxRequestWorkers=1) may be held by a silent client (prefork and worker
    # give it a thread; event holds it without one): a second client is served at the latest
    # once the first is dropped, and the silent one is dropped after Timeout.
    with HttpConnection(port) as idle:
        start = time.monotonic()
        r = http_get(port, "/hello.txt", timeout=TIMEOUT + 6)
        took = time.monotonic() - start
        t.is_(r.status, 200, "the waiting client is served")
        t.cmp_ok(took, "<", TIMEOUT + 3, "within Timeout of the silent client (%.2f s)" % took)
        t.ok(idle.closed_by_peer(TIMEOUT + 2), "the silent client was dropped")

    t.is_(http_get(port, "/hello.txt").status, 200, "the server still serves")
    s.stop()

    conf = {"server": {"Timeout": str(TIMEOUT), "KeepAliveTimeout": "1"}}
    conf.update(same_children(start=1, min_spare=1, max_spare=1, max_workers=1, server_limit=1))
    d = t.server(name="deferred", conf=conf)
    d.start()
    with HttpConnection(d.port, timeout=TIMEOUT + 6) as idle:
        start = time.monotonic()
        r = http_get(d.port, "/hello.txt", timeout=TIMEOUT + 6)
        took = time.monotonic() - start
        t.is_(r.status, 200, "AcceptFilter data: a client beside a silent one is served")
        t.cmp_ok(took, "<", TIMEOUT - 0.5, "... at once: the silent client holds no worker (%.2f s)" % took)
        t.ok(not idle.closed_by_peer(TIMEOUT + 1),
             "... the kernel holds the silent client, so Timeout has not started for it")
        idle.send(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        r = idle.read_response()
        t.is_(r and r.status, 200, "... which is served once it sends its request")


Test().main(main)
