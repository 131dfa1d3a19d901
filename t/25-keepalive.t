#!/usr/bin/env python3
# Persistent connections: HTTP/1.1 keeps the connection open, HTTP/1.0 only with
# Connection: keep-alive; MaxKeepAliveRequests limits a connection (the last allowed response
# carries Connection: close); KeepAliveTimeout closes an idle connection; a client that asked
# to close is closed at once, a close the server decides lingers; pipelined requests are
# answered in order; KeepAlive Off closes after every response.
import socket
import time

from mpmdtest import HttpConnection, Test, wait_for


TCP_CLOSE = 7   # tcp_info's tcpi_state (linux/tcp_states.h)


def reset_after_byte(c, within):
    """Sends one byte on a connection the server has closed; True when the kernel answers it
    with a reset within `within` seconds (the server's socket is gone), False while the
    server still reads it (a lingering close). Read from the socket's TCP state, which a
    reset takes from CLOSE-WAIT to CLOSE: after the end of the stream a read only ever
    returns that end, and the pending error is not kept in every state."""
    try:
        c.sock.sendall(b"x")
    except (ConnectionResetError, BrokenPipeError):
        return True
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if c.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == TCP_CLOSE:
            return True
        time.sleep(0.01)   # the interval of a poll bounded by `within`
    return False


def main(t):
    site = {"a.txt": "AAAA\n", "b.txt": "BB\n", "c.txt": "C\n"}
    s = t.server(name="keepalive", site=site,
                 conf={"server": {"KeepAliveTimeout": "1", "MaxKeepAliveRequests": "3",
                                  "Timeout": "5"}})
    s.start()
    port = s.port

    with HttpConnection(port) as c:
        r1 = c.request("GET", "/a.txt")
        r2 = c.request("GET", "/b.txt")
        t.is_((r1.status, r1.body, r2.status, r2.body), (200, b"AAAA\n", 200, b"BB\n"),
              "HTTP/1.1: two requests on one connection")
        t.ok((r1.header("Connection") or "").lower() != "close",
             "HTTP/1.1: first response does not close")
        r3 = c.request("GET", "/c.txt")
        t.is_((r3.status, r3.body), (200, b"C\n"), "third request (MaxKeepAliveRequests=3)")
        t.is_((r3.header("Connection") or "").lower(), "close",
              "the last allowed response carries Connection: close")
        t.ok(c.closed_by_peer(3), "the server closes after MaxKeepAliveRequests")

    with HttpConnection(port) as c:
        r = c.request("GET", "/a.txt", version="HTTP/1.0")
        t.is_(r.status, 200, "HTTP/1.0 without keep-alive: 200")
        t.ok(c.closed_by_peer(3), "HTTP/1.0 without keep-alive: closed after the response")

    with HttpConnection(port) as c:
        r1 = c.request("GET", "/a.txt", version="HTTP/1.0", headers={"Connection": "keep-alive"})
        t.is_((r1.header("Connection") or "").lower(), "keep-alive",
              "HTTP/1.0 with Connection: keep-alive: answered keep-alive")
        t.is_(r1.header("Content-Length"), "5", "HTTP/1.0 keep-alive response has Content-Length")
        r2 = c.request("GET", "/b.txt", version="HTTP/1.0", headers={"Connection": "keep-alive"})
        t.is_((r2.status, r2.body), (200, b"BB\n"), "HTTP/1.0 keep-alive: second request served")

    with HttpConnection(port) as c:
        r = c.request("GET", "/a.txt", headers={"Connection": "close"})
        t.is_((r.header("Connection") or "").lower(), "close", "Connection: close is echoed")
        t.ok(c.closed_by_peer(3), "HTTP/1.1 Connection: close: closed after the response")

    # Closing. A client that asked to close sends nothing more, so the server closes at once,
    # with no lingering close: its socket is gone by the time the client reads the end of the
    # reply, and a byte sent after that is answered by the kernel with a reset. A close the
    # server decides (MaxKeepAliveRequests reached) lingers instead: what the client still
    # sends is read and dropped for up to 2 s, so no reset can destroy the reply in flight.
    with HttpConnection(port) as c:
        c.request("GET", "/a.txt", headers={"Connection": "close"})
        t.ok(c.closed_by_peer(3), "Connection: close: the reply ends with the close")
        t.ok(reset_after_byte(c, 1.5), "... a full close, not a lingering one (a later byte is reset)")
    with HttpConnection(port) as c:
        for name in ("/a.txt", "/b.txt", "/c.txt"):
            c.request("GET", name)
        t.ok(c.closed_by_peer(3), "MaxKeepAliveRequests reached: the reply ends with the close")
        t.ok(not reset_after_byte(c, 0.5), "... a lingering close (a later byte is read, not reset)")

    # Pipelining: three requests in one write, answered in order (a 404 in the middle).
    with HttpConnection(port) as c:
        c.send(c.request_bytes("GET", "/a.txt") + c.request_bytes("GET", "/nothing") +
               c.request_bytes("HEAD", "/b.txt"))
        r1, r2, r3 = c.read_response(), c.read_response(), c.read_response(head_only=True)
        t.is_([(r.status, r.body) for r in (r1, r2, r3)],
              [(200, b"AAAA\n"), (404, r2.body), (200, b"")],
              "three pipelined requests answered in order")
        t.is_(r3.header("Content-Length"), "3", "pipelined HEAD carries the GET length")
    # Pipelining byte by byte does not confuse the parser either.
    with HttpConnection(port) as c:
        data = c.request_bytes("GET", "/b.txt") + c.request_bytes("GET", "/c.txt",
                                                                   headers={"Connection": "close"})
        for i in range(0, len(data), 7):
            c.send(data[i:i + 7])
        r1, r2 = c.read_response(), c.read_response()
        t.is_((r1.body, r2.body), (b"BB\n", b"C\n"), "pipelined requests sent in small pieces")

    # KeepAliveTimeout 1: an idle connection is closed after ~1 s (well before Timeout 5).
    with HttpConnection(port) as c:
        c.request("GET", "/a.txt")
        start = time.monotonic()
        closed = c.closed_by_peer(4)
        took = time.monotonic() - start
        t.ok(closed, "idle keep-alive connection closed by the server")
        t.cmp_ok(took, ">=", 0.7, "not closed before KeepAliveTimeout (%.2fs)" % took)
        t.cmp_ok(took, "<", 3.5, "closed soon after KeepAliveTimeout=1 (%.2fs)" % took)

    # All requests of one connection are served by one child (%P in the access log).
    with HttpConnection(port) as c:
        c.request("GET", "/a.txt?same-conn-1")
        c.request("GET", "/b.txt?same-conn-2")
        c.request("GET", "/c.txt?same-conn-3", headers={"Connection": "close"})
    lines = wait_for(lambda: len(s.access_log.grep("same-conn")) == 3 and
                     s.access_log.grep("same-conn"), 3) or []
    pids = {l.rsplit(" ", 1)[-1] for l in lines}
    t.ok(len(lines) == 3 and len(pids) == 1,
         "one child served the whole keep-alive connection (%s)" % sorted(pids))

    # KeepAlive Off: HTTP/1.1 responses close.
    s.stop()
    s.reconfigure({"server": {"KeepAlive": "Off"}})
    s.start()
    with HttpConnection(s.port) as c:
        r = c.request("GET", "/a.txt")
        t.is_((r.status, (r.header("Connection") or "").lower()), (200, "close"),
              "KeepAlive Off: Connection: close")
        t.ok(c.closed_by_peer(3), "KeepAlive Off: the server closes")


Test().main(main)
