#!/usr/bin/env python3
# Supervision: a child killed with SIGKILL is reaped (no zombie) and replaced, even all of
# them at once, and its exit is logged; a child whose master died (SIGKILL on the master)
# exits within about a second, even while it serves, and the port can be bound again at once.
import os
import signal
import time

from mpmconf import same_children
from mpmdtest import (HttpConnection, SlowDownload, Test, connection_holder, http_get, port_is_free, proc_status,
                      wait_for)

BIG = 8 * 1024 * 1024


def main(t):
    s = t.server(name="respawn", conf=same_children(start=3, min_spare=3, max_spare=5),
                 site={"hello.txt": "hello\n", "big.bin": b"r" * BIG})
    s.start()
    port = s.port
    kids = wait_for(lambda: len(s.children()) == 3 and s.children(), 5) or []
    t.is_(len(kids), 3, "3 children at start")

    block = s.mark()
    victim = kids[0]
    os.kill(victim, signal.SIGKILL)
    t.ok(wait_for(lambda: proc_status(victim) is None, 5), "the killed child is reaped (no zombie)")
    now = wait_for(lambda: len(s.children()) == 3 and victim not in s.children() and s.children(), 5)
    t.ok(now, "the killed child is replaced: 3 children again (%s)" % s.children())
    t.ok(block.wait_for(r"\b%d\b.*(signal 9|SIGKILL|Killed)" % victim, 3),
         "the exit is logged with the pid and signal 9")
    t.is_(http_get(port, "/hello.txt").status, 200, "serves after the respawn")

    kids = s.children()
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
    t.ok(wait_for(lambda: all(proc_status(p) is None for p in kids), 5), "all killed children reaped")
    # A pass forks the whole spawn rate (as Apache), so one more than MinSpareServers may
    # start; never more than MaxSpareServers stay.
    t.ok(wait_for(lambda: 3 <= len(s.children()) <= 5 and not set(kids) & set(s.children()), 8),
         "all three replaced (%s -> %s)" % (kids, s.children()))
    t.is_(http_get(port, "/hello.txt").status, 200, "serves after killing every child")

    # A child killed while serving: the client sees the connection end, the server goes on.
    with HttpConnection(port) as c:
        c.send(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n")
        holder = wait_for(lambda: connection_holder(s.children(), c.sock), 3)
        t.ok(holder, "the child serving an unfinished request is found (%s)" % holder)
        if holder:
            os.kill(holder, signal.SIGKILL)
            t.ok(c.closed_by_peer(3), "its client sees the connection end when it is killed")
    t.is_(http_get(port, "/hello.txt").status, 200, "serves with a client cut off mid-request")

    # The master dies: its children notice and exit within about a second, the busy and
    # the idle alike, and a new mpmd binds the same port at once.
    kids = s.children()
    t.ok(kids, "children before killing the master")
    busy = SlowDownload(port, "/big.bin", first=64 * 1024)
    idle = HttpConnection(port)
    idle.send(idle.request_bytes(path="/hello.txt"))
    t.is_(idle.read_response().status, 200, "a kept-alive connection waits idle, a download runs")
    os.kill(s.master, signal.SIGKILL)
    s.proc.wait(5)
    start = time.monotonic()
    gone = wait_for(lambda: all(proc_status(p) is None or
                                proc_status(p).get("State", "").startswith("Z") for p in kids), 5)
    took = time.monotonic() - start
    t.ok(gone, "children exit after the master is killed")
    t.cmp_ok(took, "<=", 2.0, "within about a second (%.2f s)" % took)
    t.ok(wait_for(lambda: port_is_free(port), 3), "the port is free once they are gone")
    t.ok(busy.finish()[0] < BIG, "the download was cut")
    t.ok(idle.closed_by_peer(3), "the kept-alive connection was closed")
    idle.close()
    again = t.server(name="respawn-again", conf={"server": {"Listen": "127.0.0.1:%d" % port}})
    again.start()
    t.is_(http_get(port, "/hello.txt").status, 200, "a new mpmd binds the same port at once and serves")


Test().main(main)
