#!/usr/bin/env python3
# Basic life: the master starts in the foreground, writes its pid file, forks StartServers
# children, serves a request on every Listen (IPv4, a bare port, IPv6 when ::1 exists), and
# SIGTERM stops everything (pid file removed, port free again). -X serves from one process.
import errno
import signal
import socket

from mpmconf import same_children
from mpmdtest import Test, alive, http_get, ipv6_loopback, port_is_free, wait_for


def bind_errno(port):
    """errno of a plain bind(2) of 127.0.0.1:port (0 when it binds), as another test would."""
    with socket.socket() as other:
        try:
            other.bind(("127.0.0.1", port))
            return 0
        except OSError as e:
            return e.errno


def main(t):
    s = t.server(conf=same_children(start=3, min_spare=1, max_spare=5))
    # The harness holds the port from its choice until the daemon listens (reserve_port), so
    # a test running beside this one under make -j check cannot take it meanwhile.
    t.is_(bind_errno(s.port), errno.EADDRINUSE, "before the start, the chosen port is held: nobody else binds it")
    s.start()
    t.is_(s.port_holders, [], "once mpmd listens, the harness has let go of the port")
    t.is_(s.pid_from_file(), s.master, "pid file holds the pid of the foreground master")
    t.ok(s.alive(), "master stays in the foreground (-D FOREGROUND) and runs")
    t.is_(len(wait_for(lambda: len(s.children()) == 3 and s.children(), 5) or []), 3,
          "StartServers=3 children forked by the master")
    r = http_get(s.port, "/")
    t.is_(r.status, 200, "GET / answers 200")
    t.is_(r.body, open(s.docroot + "/index.html", "rb").read(), "GET / sends index.html")
    r = http_get(s.port, "/hello.txt")
    t.is_(r.body, b"hello, world\n", "GET /hello.txt sends the file")

    kids = s.children()
    s.signal(signal.SIGTERM)
    status = s.wait_exit(10)
    t.is_(status, 0, "master exits with status 0 on SIGTERM")
    t.ok(wait_for(lambda: not any(s.our_pids()), 3), "no child left after SIGTERM")
    t.ok(wait_for(lambda: not [p for p in kids if alive(p)], 3),
         "every child of the master is gone")
    t.ok(wait_for(lambda: s.pid_from_file() is None, 2), "pid file removed on exit")
    t.ok(port_is_free(s.port), "listening port is free after exit")
    s.check_log()

    # Several Listen lines: an address:port, a bare port (all addresses), and [::1]:port.
    s2 = t.server(name="listen", ports=3)
    listen = ["127.0.0.1:@PORT@", "@PORT2@"]
    v6 = ipv6_loopback()
    if v6:
        listen.append("[::1]:@PORT3@")
    s2.reconfigure({"server": {"Listen": listen}})
    s2.start()
    t.is_(http_get(s2.ports[0], "/hello.txt").status, 200, "served on Listen 127.0.0.1:port")
    t.is_(http_get(s2.ports[1], "/hello.txt").status, 200, "served on Listen port (any address)")
    if v6:
        r = http_get(s2.ports[2], "/hello.txt", host="::1")
        t.is_(r.status, 200, "served on Listen [::1]:port")
    else:
        t.skip("served on Listen [::1]:port", "no IPv6 loopback")
    t.ok(s2.stop(), "SIGTERM stops the server with three listeners")
    t.ok(all(port_is_free(p) for p in s2.ports[:2]), "every listening port is free again")

    # -X: one process, no children, serves itself.
    s3 = t.server(name="single")
    s3.start(args=("-X",))
    t.is_(http_get(s3.port, "/hello.txt").body, b"hello, world\n", "-X serves a request")
    t.is_(s3.children(), [], "-X forks no children")
    t.ok(s3.stop(), "-X process stops on SIGTERM")


Test().main(main)
