#!/usr/bin/env python3
# A default-sized event server (Apache's defaults: StartServers 3, ThreadsPerChild 25, ...)
# holds 10,000 idle kept-alive connections and still answers a new client at once. The
# connections are opened in bounded batches (the listen backlog is 511), each makes one
# request and then idles; afterwards a sample of them is used again. Bounded in count and
# time; everything goes to 127.0.0.1.
import resource
import selectors
import socket
import time

from mpmdtest import Test, http_get, wait_for

TOTAL = 10000
BATCH = 400
REQUEST = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"


def open_batch(port, n, deadline):
    """n connections that each got one whole response; [] if the deadline passes."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, [b"", False])
    pending = n
    while pending and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=0.5):
            s, state = key.fileobj, key.data
            if ev & selectors.EVENT_WRITE and not state[1]:
                try:
                    s.send(REQUEST)
                except OSError:
                    continue
                state[1] = True
                sel.modify(s, selectors.EVENT_READ, state)
            elif ev & selectors.EVENT_READ:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    pending -= 1
                    state[0] = None
                    continue
                state[0] += data
                head, sep, body = state[0].partition(b"\r\n\r\n")
                if sep and len(body) >= 6:   # hello.txt is "hello\n"
                    sel.unregister(s)
                    pending -= 1
    sel.close()
    return socks if pending == 0 else []


def main(t):
    if t.mpm() != "event":
        t.skip_all("10,000 idle connections: event MPM only")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < TOTAL + 500:
        t.skip_all("the open files limit (%d) is too low for %d connections" % (hard, TOTAL))
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    # Apache's defaults for [mpm_event]: drop the harness's small values.
    defaults = {k: None for k in ("StartServers", "ThreadsPerChild", "ThreadLimit", "MinSpareThreads",
                                  "MaxSpareThreads", "MaxRequestWorkers", "ServerLimit")}
    s = t.server(name="ev10k", conf={"server": {"KeepAliveTimeout": "120", "Timeout": "60",
                                                "MaxKeepAliveRequests": "0"},
                                     "log": {"CustomLog": None, "LogLevel": "warn"},
                                     "mpm_event": defaults})
    s.start()
    port = s.port
    held = []
    deadline = time.monotonic() + 90
    while len(held) < TOTAL and time.monotonic() < deadline:
        batch = open_batch(port, min(BATCH, TOTAL - len(held)), deadline)
        if not batch:
            break
        held.extend(batch)
    t.is_(len(held), TOTAL, "%d kept-alive connections opened, each served once" % TOTAL)

    start = time.monotonic()
    r = http_get(port, "/hello.txt", timeout=10)
    took = time.monotonic() - start
    t.is_(r.status, 200, "a new client is answered while %d connections idle (%.3f s)" % (len(held), took))
    t.cmp_ok(took, "<", 2.0, "at once (well under a second is usual; 2 s bounds a loaded machine)")

    sample = held[:: max(1, len(held) // 100)]
    ok = 0
    for c in sample:
        c.setblocking(True)
        c.settimeout(5)
        try:
            c.sendall(REQUEST)
            ok += c.recv(4096).startswith(b"HTTP/1.1 200")
        except OSError:
            pass
    t.is_(ok, len(sample), "a sample of %d idle connections is still open and served" % len(sample))
    for c in held:
        c.close()


Test().main(main)
