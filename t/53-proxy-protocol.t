#!/usr/bin/env python3
# The PROXY protocol on a Listen marked proxy, as a load balancer (HAProxy) speaks it:
#   - versions 1 and 2 (IPv4 and IPv6) name the client: the access log's %a and %h, the
#     status page's client column and its Require see that client, %{c}a the balancer;
#   - a header without a client (version 2 LOCAL, a balancer's health check; version 1
#     UNKNOWN) leaves the balancer's own address; a header in pieces, and keep-alive and
#     pipelined requests behind it, work;
#   - a malformed header closes the connection with no reply and an error log line; a slow
#     one is bound by the request's deadline; a peer outside TrustedProxy is refused;
#   - a Listen without the flag takes no header; a restart that drops the flag takes it away;
#   - a proxy Listen without TrustedProxy, a bad TrustedProxy and an unknown flag are errors
#     at file:line;
#   - on a Listen marked https and proxy, the header comes before the TLS handshake.
import ipaddress
import re
import json
import signal
import socket
import ssl
import struct
import time

from mpmdtest import MPMD, HttpConnection, Test, http_raw, read_to_end, run, wait_for
from mpmdtls import make_certificate, tls_built

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v1(source, dest="127.0.0.1", sport=51234, dport=80):
    family = "TCP6" if ":" in source else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (family, source, dest, sport, dport)).encode()


def v2(source=None, dest="127.0.0.1", sport=51234, dport=80):
    if source is None:   # LOCAL: the balancer's own connection (a health check)
        return V2_SIGNATURE + bytes([0x20, 0x00]) + struct.pack("!H", 0)
    src, dst = ipaddress.ip_address(source), ipaddress.ip_address(dest)
    if src.version == 4:
        dst = ipaddress.ip_address("127.0.0.1") if dst.version != 4 else dst
        body = src.packed + dst.packed + struct.pack("!HH", sport, dport)
        family = 0x11
    else:
        dst = ipaddress.ip_address("::1") if dst.version != 6 else dst
        body = src.packed + dst.packed + struct.pack("!HH", sport, dport)
        family = 0x21
    return V2_SIGNATURE + bytes([0x21, family]) + struct.pack("!H", len(body)) + body


def get(path="/", close=True):
    return ("GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n" % (path, "Connection: close\r\n" if close else "")).encode()


def main(t):
    s = t.server(name="proxy", ports=2, site={"index.html": "hello\n"}, conf={
        "server": {"Listen": ["127.0.0.1:@PORT@", "127.0.0.1:@PORT2@ proxy"],
                   "TrustedProxy": "192.0.2.1 127.0.0.1"},
        "log": {"CustomLog": "@DIR@/access_log \"%a %{c}a %h \\\"%r\\\" %>s\""},
        "status": {"Require": "ip 127.0.0.1 203.0.113.0/24"},
    })
    s.start()
    plain, proxied = s.ports[0], s.ports[1]

    def logged(path, timeout=5):
        """The access log line of the request for `path` (a unique one per check)."""
        found = []
        wait_for(lambda: found.extend(s.access_log.grep(r'"GET %s HTTP' % path)) or found, timeout)
        return found[0].split(" ")[:3] if found else None

    r = http_raw(proxied, v1("203.0.113.7", dport=proxied) + get("/?v1"))
    t.is_(r and (r.status, r.body), (200, b"hello\n"), "version 1 header, then the request: served")
    t.is_(logged(r"/\?v1"), ["203.0.113.7", "127.0.0.1", "203.0.113.7"],
          "... %a and %h are the client the header names, %{c}a the balancer")
    r = http_raw(proxied, v2("2001:db8::7", "::1", dport=proxied) + get("/?v2six"))
    t.is_(r and r.status, 200, "version 2, TCP over IPv6: served")
    t.is_(logged(r"/\?v2six"), ["2001:db8::7", "127.0.0.1", "2001:db8::7"], "... the IPv6 client is logged")
    r = http_raw(proxied, v2() + get("/?local"))
    t.is_(r and r.status, 200, "version 2 LOCAL (a health check): served")
    t.is_(logged(r"/\?local"), ["127.0.0.1", "127.0.0.1", "127.0.0.1"], "... as the balancer's own")
    r = http_raw(proxied, b"PROXY UNKNOWN\r\n" + get("/?unknown"))
    t.is_(r and r.status, 200, "version 1 UNKNOWN: served, as the balancer's own")

    # In pieces: the header a byte at a time, then keep-alive and pipelined requests.
    with HttpConnection(proxied) as c:
        for b in v2("198.51.100.20", dport=proxied):
            c.send(bytes([b]))
        c.send(get("/?piece1", close=False))
        first = c.read_response()
        c.send(get("/?piece2", close=False) + get("/?piece3"))
        second, third = c.read_response(), c.read_response()
    t.is_([x.status for x in (first, second, third)], [200, 200, 200],
          "a header sent a byte at a time, then a kept-alive and two pipelined requests: all served")
    t.is_([logged(r"/\?piece%d" % i)[0] for i in (1, 2, 3)], ["198.51.100.20"] * 3,
          "... each logged with the client the header named")

    # The status page: its Require and its client column see the client.
    r = http_raw(proxied, v1("203.0.113.9", dport=proxied) + get("/server-status?json"))
    workers = json.loads(r.body).get("workers", []) if r and r.status == 200 else []
    t.is_(r and r.status, 200, "status page: a client in Require's 203.0.113.0/24 is let in")
    t.ok(any(w.get("client") == "203.0.113.9" and "server-status" in w.get("request", "") for w in workers),
         "... and its record shows that client")
    r = http_raw(proxied, v1("198.51.100.1", dport=proxied) + get("/server-status"))
    t.is_(r and r.status, 403, "a client outside Require is refused, though the balancer is local")

    # What is refused: a malformed header, plain HTTP on the proxy port, a slow header.
    block = s.error_log.mark()
    t.is_(http_raw(proxied, get("/?noheader")), None, "plain HTTP on a proxy Listen: closed with no reply")
    t.ok(block.wait_for(r"\[remoteip:error\] .*\[client 127\.0\.0\.1:\d+\] PROXY protocol: no header at the start "
                        r"of the connection", 5), "... and the error log says why")
    t.is_(http_raw(proxied, b"PROXY TCP4 203.0.113.300 127.0.0.1 1 2\r\n" + get("/?badaddr")), None,
          "a version 1 header with a bad address: closed with no reply")
    t.is_(http_raw(plain, v1("203.0.113.8", dport=plain) + get("/?plainport")).status, 400,
          "a header on a Listen without the flag is no HTTP: 400")
    with HttpConnection(proxied, timeout=15) as c:
        c.send(b"PROXY TCP4 203.0.113")
        started = time.monotonic()
        closed = c.closed_by_peer(12)
        took = time.monotonic() - started
    t.ok(closed and took < 10, "a header that does not finish is closed at the request's deadline "
         "(Timeout 3 s; took %.1f s)" % took)
    t.is_(logged(r"/\?(noheader|badaddr)", timeout=0.5), None, "none of these reached the access log")

    # A restart that drops the flag: the same socket, now without a header.
    s.set("server", {"Listen": ["127.0.0.1:@PORT@", "127.0.0.1:@PORT2@"]})
    s.write_config()
    s.signal(signal.SIGHUP)
    t.ok(wait_for(lambda: (http_raw(proxied, get("/?after")) or type("r", (), {"status": 0})).status == 200, 10),
         "SIGHUP without the flag: the port takes plain HTTP")

    # Errors at file:line.
    base = s.config_text()
    checks = [
        ("Listen = 127.0.0.1:1 proxy", r"\[server\] Listen: 127\.0\.0\.1:1 proxy: no address may send the PROXY "
                                      r"protocol header; set TrustedProxy", "a proxy Listen without TrustedProxy"),
        ("TrustedProxy = 10.0.0.0/8 10.1.1.1/8", r"\[server\] TrustedProxy: .*10\.1\.1\.1/8", "a bad TrustedProxy range"),
        ("Listen = 127.0.0.1:1 tls", r"\[server\] Listen: \"tls\" is not a Listen flag", "an unknown Listen flag"),
    ]
    for line, pattern, what in checks:
        text = base.replace("[server]\n", "[server]\n" + line + "\n", 1)
        if "TrustedProxy" not in line:
            text = "\n".join(l for l in text.split("\n") if not l.startswith("TrustedProxy"))
        s.write_file("bad.conf", text)
        at = next(i for i, l in enumerate(text.split("\n"), 1) if l == line)
        status, out, err = run([s.daemon, "-t", "-f", s.path("bad.conf")])
        t.ok(status != 0 and re.search(r"bad\.conf:%d: %s" % (at, pattern), err),
             "mpmd -t: %s, at its line (%s)" % (what, err.strip().split("\n")[0]))
    s.stop()

    # https and proxy: the header (here in pieces) before the TLS handshake.
    openssl = t.tool("openssl", "openssl", "a certificate for PROXY before TLS") if tls_built(MPMD) else None
    if openssl:
        p = t.server(name="proxy-tls", conf={
            "server": {"Listen": "127.0.0.1:@PORT@ https proxy", "TrustedProxy": "127.0.0.1",
                       "SSLCertificateFile": "@DIR@/localhost.crt", "SSLCertificateKeyFile": "@DIR@/localhost.key"},
            "log": {"CustomLog": "@DIR@/access_log \"%a %{c}a %h \\\"%r\\\" %>s\""}})
        make_certificate(openssl, p.dir, "localhost")
        p.start()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", p.port), timeout=5)
        header = v2("203.0.113.50", dport=p.port)
        raw.sendall(header[:7])
        raw.sendall(header[7:])
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(get("/?tlsproxy"))
            answer = read_to_end(tls)
        t.ok(answer.startswith(b"HTTP/1.1 200 "), "https and proxy: the PROXY header, then TLS: served (%r)" % answer[:40])
        line = []
        wait_for(lambda: line.extend(p.access_log.grep(r'"GET /\?tlsproxy ')) or line, 5)
        t.is_(line[0].split(" ")[:3] if line else None, ["203.0.113.50", "127.0.0.1", "203.0.113.50"],
              "... and the client the header named is logged")
        p.stop()

    # A peer outside TrustedProxy is refused on a proxy Listen.
    u = t.server(name="proxy-untrusted", conf={
        "server": {"Listen": "127.0.0.1:@PORT@ proxy", "TrustedProxy": "192.0.2.0/24"}})
    u.start()
    t.is_(http_raw(u.port, v1("203.0.113.7", dport=u.port) + get("/?untrusted")), None,
          "a peer outside TrustedProxy: closed with no reply, whatever it sends")
    t.ok(wait_for(lambda: u.error_log.grep(r"\[remoteip:warn\].*connection refused: a Listen marked proxy"), 5),
         "... and the error log says so")
    u.stop()


Test().main(main)
