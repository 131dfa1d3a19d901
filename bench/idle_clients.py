#!/usr/bin/env python3
"""idle_clients.py: hold many idle keep-alive connections to one HTTP server
and measure the server's memory meanwhile.  Helper of bench/idle-memory.sh;
never part of `make check`.  Only talks to 127.0.0.1.

Steps, each bounded in time:
 1. PSS of the server (master PID and all its descendants) before any client.
 2. Opens COUNT connections, each sending one GET and reading its whole
    response, then idling.  At most WINDOW connections are in flight
    (opened but not yet answered) at a time, so the server's listen backlog
    (511) is never overrun.  Stops opening at DEADLINE seconds.
 3. Waits SETTLE seconds, then counts the answered connections the server
    still holds open, and sums the PSS again.
 4. Times one new request on a new connection (PROBE_TIMEOUT at most).
 5. Counts the open connections once more and closes everything.

Prints "key=value" lines on stdout; progress goes to stderr.
"""

import argparse
import errno
import os
import resource
import selectors
import socket
import sys
import time


def descendants(root):
    """root and all its descendant pids, from /proc/*/stat."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def memory(root):
    """(sum of Pss in KiB, processes, threads) over root and its descendants."""
    pss = procs = threads = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                kib = next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            with open(f"/proc/{pid}/status") as f:
                nthreads = next(int(l.split()[1]) for l in f if l.startswith("Threads:"))
        except (OSError, StopIteration):
            continue        # gone meanwhile, or a kernel thread
        pss += kib
        procs += 1
        threads += nthreads
    return pss, procs, threads


class Conn:
    """One client connection: connect, send one request, read one response."""

    def __init__(self, port, request):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.request = request
        self.buf = b""
        self.state = "connecting"   # -> sent -> answered | failed
        self.status = None
        self.error = None
        self.started = time.monotonic()
        err = self.sock.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            self.fail(os.strerror(err))

    def fail(self, why):
        self.state = "failed"
        self.error = why

    def on_writable(self):
        err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            return self.fail(os.strerror(err))
        try:
            self.sock.send(self.request)      # small: fits the socket buffer
        except OSError as e:
            return self.fail(e.strerror)
        self.state = "sent"

    def on_readable(self):
        try:
            data = self.sock.recv(65536)
        except OSError as e:
            return self.fail(e.strerror or str(e) or type(e).__name__)
        if not data:
            return self.fail("closed before the whole response")
        self.buf += data
        head_end = self.buf.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = self.buf[:head_end].decode("latin-1").split("\r\n")
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if len(self.buf) >= head_end + 4 + length:
            self.status = int(head[0].split()[1])
            self.state = "answered"
            self.buf = b""


def open_all(args, request):
    sel = selectors.DefaultSelector()
    conns, inflight = [], set()
    start = time.monotonic()
    last_report = start
    while True:
        now = time.monotonic()
        if now - start > args.deadline:
            break
        while len(conns) < args.count and len(inflight) < args.window:
            c = Conn(args.port, request)
            conns.append(c)
            if c.state == "failed":
                c.sock.close()
                continue
            inflight.add(c)
            sel.register(c.sock, selectors.EVENT_WRITE, c)
        if not inflight:
            break
        for key, _ in sel.select(timeout=0.2):
            c = key.data
            if c.state == "connecting":
                c.on_writable()
                if c.state == "sent":
                    sel.modify(c.sock, selectors.EVENT_READ, c)
            else:
                c.on_readable()
            if c.state in ("answered", "failed"):
                sel.unregister(c.sock)
                inflight.discard(c)
                if c.state == "failed":
                    c.sock.close()
        if now - last_report >= 5:
            last_report = now
            answered = sum(c.state == "answered" for c in conns)
            print(f"  {now - start:5.1f} s: {len(conns)} opened, {answered} answered, "
                  f"{len(inflight)} waiting", file=sys.stderr)
    elapsed = time.monotonic() - start
    for c in inflight:
        sel.unregister(c.sock)
    sel.close()
    return conns, elapsed


def still_open(conns):
    """How many answered connections the server has not closed (no EOF, no reset)."""
    n = 0
    for c in conns:
        if c.state != "answered":
            continue
        try:
            data = c.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            n += 1              # nothing to read: open and idle
            continue
        except OSError:
            continue            # reset
        if data:
            n += 1              # unexpected bytes, but open
    return n


def probe(port, request, timeout):
    """Seconds a new request on a new connection takes, or None."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(max(0.1, timeout - (time.monotonic() - start)))
            s.sendall(request)
            c = Conn.__new__(Conn)
            c.sock, c.buf, c.state = s, b"", "sent"
            while c.state == "sent":
                s.settimeout(max(0.01, timeout - (time.monotonic() - start)))
                c.on_readable()
            if c.state == "answered" and c.status == 200:
                return time.monotonic() - start, None
            return None, c.error or f"status {c.status}"
    except OSError as e:
        return None, str(e) or type(e).__name__


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the server's master process")
    p.add_argument("--path", default="/1k.txt")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--window", type=int, default=256)
    p.add_argument("--deadline", type=float, default=120)
    p.add_argument("--settle", type=float, default=3)
    p.add_argument("--probe-timeout", type=float, default=10)
    args = p.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    request = (f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
               "Connection: keep-alive\r\n\r\n").encode()

    pss, procs, threads = memory(args.pid)
    print(f"pss_before_kib={pss}\nprocs_before={procs}\nthreads_before={threads}")

    conns, elapsed = open_all(args, request)
    answered = [c for c in conns if c.state == "answered"]
    failed = [c for c in conns if c.state == "failed"]
    print(f"opened={len(conns)}\nanswered={len(answered)}\n"
          f"non200={sum(c.status != 200 for c in answered)}\n"
          f"failed={len(failed)}\nwaiting={len(conns) - len(answered) - len(failed)}\n"
          f"open_seconds={elapsed:.1f}")
    reasons = {}
    for c in failed:
        reasons[c.error] = reasons.get(c.error, 0) + 1
    for why, n in sorted(reasons.items()):
        print(f"  failed: {n} x {why}", file=sys.stderr)

    time.sleep(args.settle)
    print(f"held_open={still_open(conns)}")
    pss, procs, threads = memory(args.pid)
    print(f"pss_kib={pss}\nprocs={procs}\nthreads={threads}")

    seconds, why = probe(args.port, request, args.probe_timeout)
    if seconds is None:
        print(f"probe=none\nprobe_error={why}")
    else:
        print(f"probe_ms={seconds * 1000:.1f}")
    print(f"held_open_after_probe={still_open(conns)}")
    for c in conns:
        c.sock.close()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
