#!/usr/bin/env python3
# TLS on a Listen marked https, as an administrator moving a site to HTTPS expects it:
#   - each vhost presents its own certificate, chosen by the client's SNI; an unknown name,
#     or none, gets the default (first) vhost's; the vhost's files are served over it;
#   - TLS 1.2 and 1.3 are offered, TLS 1.1 is refused (the server says so in its log);
#     ALPN selects http/1.1, and a client offering only h2 goes on without ALPN;
#   - keep-alive, pipelining, Range and a 1 MiB file work over TLS; a directory redirect
#     says https://;
#   - plain HTTP sent to the port gets a 400 that says to use https, a broken handshake is
#     logged; a key others may read is warned of; a missing certificate is an error;
#   - sessions resume (tickets); a graceful restart (USR1) under load serves renewed
#     certificates to new connections with no request failing, a connection opened before it
#     goes on, and the old generation's tickets no longer resume;
#   - under the event MPM, idle TLS connections hold no thread.
import hashlib
import os
import re
import signal
import socket
import ssl
import threading

from mpmdhttp import read_to_end
from mpmdtest import MPMD, TlsConnection, Test, http_raw, run, wait_for
from mpmdtls import make_certificate, tls_built

BIG = bytes(range(256)) * 4096   # 1 MiB


def client(cafile=None, verify_name=True, minimum=None, maximum=None, alpn=None, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        ctx.load_verify_locations(cafile)
        ctx.check_hostname = verify_name
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if ciphers:
        ctx.set_ciphers(ciphers)
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    if alpn:
        ctx.set_alpn_protocols(alpn)
    return ctx


def fetch(port, ctx, sni, path="/", headers=None):
    with TlsConnection(port, ctx, server_hostname=sni) as c:
        r = c.request("GET", path, headers=headers or {"Host": sni or "localhost", "Connection": "close"})
        return r


def handshake_error(port, ctx, sni=None):
    """None when the handshake succeeds, else the client's error text."""
    try:
        with TlsConnection(port, ctx, server_hostname=sni):
            return None
    except (ssl.SSLError, OSError) as e:
        return str(e) or type(e).__name__


def main(t):
    if not tls_built(MPMD):
        t.skip_all("this mpmd was built without OpenSSL (./configure --without-openssl)")
    openssl = t.tool("openssl", "openssl")
    s = t.server(name="tls", ports=2, site={"index.html": "main\n"}, conf={
        "server": {"Listen": ["127.0.0.1:@PORT@", "127.0.0.1:@PORT2@ https"],
                   "SSLCertificateFile": "@DIR@/www.example.com.crt",
                   "SSLCertificateKeyFile": "@DIR@/www.example.com.key",
                   "KeepAliveTimeout": "20", "Timeout": "20"},
        "vhost:www": {"ServerName": "www.example.com", "DocumentRoot": "@DIR@/www"},
        "vhost:shop": {"ServerName": "shop.example.com", "DocumentRoot": "@DIR@/shop",
                       "SSLCertificateFile": "@DIR@/shop.example.com.crt",
                       "SSLCertificateKeyFile": "@DIR@/shop.example.com.key"},
    }, mpm_conf={"event": {"mpm_event": {"StartServers": "1", "ThreadsPerChild": "2", "ThreadLimit": "2",
                                         "MinSpareThreads": "1", "MaxSpareThreads": "3",
                                         "MaxRequestWorkers": "2", "ServerLimit": "1"}}})
    www_crt, www_key = make_certificate(openssl, s.dir, "www.example.com")
    shop_crt, _ = make_certificate(openssl, s.dir, "shop.example.com", ("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"))
    s.write_site({"index.html": "www home\n", "big.bin": BIG, "sub/index.html": "sub\n"}, root=s.path("www"))
    s.write_site({"index.html": "shop home\n"}, root=s.path("shop"))
    s.start()
    port = s.ports[1]

    # SNI picks the certificate; the client checks it against that host's own.
    r = fetch(port, client(shop_crt), "shop.example.com")
    t.is_((r.status, r.body), (200, b"shop home\n"), "SNI shop.example.com: shop's certificate verifies, shop's files")
    r = fetch(port, client(www_crt), "www.example.com")
    t.is_((r.status, r.body), (200, b"www home\n"), "SNI www.example.com: www's certificate")
    t.is_(handshake_error(port, client(www_crt, verify_name=False), "unknown.example"), None,
          "an unknown SNI name gets the default vhost's certificate")
    t.ok(handshake_error(port, client(shop_crt, verify_name=False), "unknown.example") is not None,
         "... and not shop's")
    t.is_(handshake_error(port, client(www_crt, verify_name=False), None), None, "no SNI: the default's too")

    # Protocols and ALPN.
    for version, name in ((ssl.TLSVersion.TLSv1_2, "TLS 1.2"), (ssl.TLSVersion.TLSv1_3, "TLS 1.3")):
        with TlsConnection(port, client(maximum=version, minimum=version), server_hostname="www.example.com") as c:
            t.is_(c.sock.version(), name.replace(" ", "v"), "%s is offered" % name)
    block = s.error_log.mark()
    old = client(minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1, ciphers="DEFAULT@SECLEVEL=0")
    t.ok(handshake_error(port, old, "www.example.com") is not None, "TLS 1.1 is refused")
    t.ok(block.wait_for(r"\[ssl:info\] .*TLS handshake failed: .*unsupported protocol", 5),
         "... by the server, which logs why")
    with TlsConnection(port, client(alpn=["h2", "http/1.1"]), server_hostname="www.example.com") as c:
        t.is_(c.sock.selected_alpn_protocol(), "http/1.1", "ALPN: http/1.1 is selected")
    with TlsConnection(port, client(alpn=["h2"]), server_hostname="www.example.com") as c:
        t.is_(c.sock.selected_alpn_protocol(), None, "ALPN: a client offering only h2 goes on without ALPN")
        r = c.request("GET", "/", headers={"Host": "www.example.com"})
        t.is_(r.status, 200, "... and is served HTTP/1.1")

    # Keep-alive, pipelining, Range, a big file, a redirect.
    with TlsConnection(port, client(), server_hostname="www.example.com") as c:
        host = {"Host": "www.example.com"}
        first = c.request("GET", "/", headers=host)
        c.send(c.request_bytes("GET", "/index.html", headers=host) + c.request_bytes("GET", "/", headers=host))
        second, third = c.read_response(), c.read_response()
        t.is_([x.status for x in (first, second, third)], [200, 200, 200],
              "keep-alive and two pipelined requests on one TLS connection")
        r = c.request("GET", "/big.bin", headers=dict(host, Range="bytes=1000-1009,2000-2001"))
        t.is_(r.status, 206, "Range over TLS: 206")
        t.ok(BIG[1000:1010] in r.body and BIG[2000:2002] in r.body, "... with both parts")
        # A range that fits one TLS record behind its head is read into the reply (one write);
        # one that does not is sent from the file: each arrives exact.
        sizes = {}
        for first_byte, last_byte in ((5, 9004), (0, 16000), (7, 16390)):
            r = c.request("GET", "/big.bin", headers=dict(host, Range="bytes=%d-%d" % (first_byte, last_byte)))
            sizes[last_byte - first_byte + 1] = (r.status, r.body == BIG[first_byte:last_byte + 1])
        t.is_(sizes, {9000: (206, True), 16001: (206, True), 16384: (206, True)},
              "single ranges of 9000, 16001 and 16384 bytes arrive exact")
        r = c.request("GET", "/big.bin", headers=host)
        t.is_((r.status, hashlib.sha256(r.body).hexdigest()), (200, hashlib.sha256(BIG).hexdigest()),
              "a 1 MiB file over TLS arrives whole")
        r = c.request("GET", "/sub", headers=host)
        t.is_((r.status, r.header("Location")), (301, "https://www.example.com/sub/"),
              "a directory redirect over TLS says https://")

    # What is refused.
    block = s.error_log.mark()
    access = s.access_log.mark()
    r = http_raw(port, b"GET /plain-http HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
    t.ok(r is not None and r.status == 400 and b"https://" in r.body and r.header("Connection") == "close",
         "plain HTTP to the TLS port: 400, saying to use https://, and the connection closes (%s)" % (r and r.body))
    t.ok(block.wait_for(r"\[ssl:info\] .*plain HTTP request on a TLS port", 5), "... logged")
    t.ok(access.wait_for(r'"GET /plain-http HTTP/1\.1" 400 ', 5), "... in the access log too, with its request line")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"HEAD /plain-http HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
        answer = read_to_end(raw)
    t.ok(answer.startswith(b"HTTP/1.1 400 ") and answer.endswith(b"\r\n\r\n"),
         "... a HEAD gets the 400 head alone, then the close (%r)" % answer[-60:])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01\x00\x05hello")
        raw.settimeout(5)
        try:
            closed = raw.recv(4096) is not None
        except OSError:
            closed = True
    t.ok(closed and block.wait_for(r"\[ssl:info\] .*TLS handshake failed", 5),
         "a broken handshake is closed and logged")

    # Session resumption: a ticket from one connection resumes the next ones (any child: the
    # ticket keys are the generation's, made by the master).
    resumer = client()

    def session_of(session=None):
        with TlsConnection(port, resumer, server_hostname="www.example.com", session=session) as c:
            c.request("GET", "/", headers={"Host": "www.example.com"})
            return c.sock.session, c.sock.session_reused
    ticket, _ = session_of()
    t.is_([session_of(ticket)[1] for _ in range(4)], [True] * 4, "a session resumes on the next connections")

    kept = TlsConnection(port, client(), server_hostname="www.example.com", timeout=20)
    t.is_(kept.request("GET", "/", headers={"Host": "www.example.com"}).status, 200, "a connection before the restart")
    old_der = kept.sock.getpeercert(binary_form=True)
    stop, failures, answered = threading.Event(), [], [0]

    def load():
        while not stop.is_set():
            try:
                r = fetch(port, client(), "www.example.com")
                if r.status != 200:
                    failures.append(r.status)
                answered[0] += 1
            except (OSError, ssl.SSLError, ConnectionError) as e:
                failures.append(str(e))
    threads = [threading.Thread(target=load, daemon=True) for _ in range(3)]
    for th in threads:
        th.start()
    wait_for(lambda: answered[0] >= 30, 10)
    new_crt, new_key = make_certificate(openssl, s.path("renewed"), "www.example.com")
    os.replace(new_crt, www_crt)
    os.replace(new_key, www_key)
    s.signal(signal.SIGUSR1)

    def new_certificate():
        with TlsConnection(port, client(), server_hostname="www.example.com") as c:
            return c.sock.getpeercert(binary_form=True) != old_der
    t.ok(wait_for(new_certificate, 15), "after USR1, new connections get the renewed certificate")
    t.is_(session_of(ticket)[1], False, "... and a ticket of the old generation no longer resumes (new ticket keys)")
    at_restart = answered[0]
    wait_for(lambda: answered[0] >= at_restart + 30, 10)
    stop.set()
    for th in threads:
        th.join(20)
    t.is_(failures[:5], [], "no request failed through the restart (%d answered)" % answered[0])
    r = kept.request("GET", "/", headers={"Host": "www.example.com", "Connection": "close"})
    t.is_(r.status, 200, "the connection opened before the restart is answered after it")
    kept.close()

    # The event MPM holds idle TLS connections without a thread (2 threads, 20 idle).
    if t.mpm() == "event":
        idle = [TlsConnection(port, client(), server_hostname="www.example.com", timeout=10) for _ in range(20)]
        statuses = [c.request("GET", "/", headers={"Host": "www.example.com"}).status for c in idle]
        t.is_(set(statuses), {200}, "event: 20 kept-alive TLS connections served by 2 threads")
        t.is_(fetch(port, client(), "www.example.com").status, 200, "... a new TLS client is answered while they idle")
        again = [c.request("GET", "/", headers={"Host": "www.example.com"}).status for c in idle]
        t.is_(set(again), {200}, "... and each idle one is answered again")
        for c in idle:
            c.close()

    # Startup checks: a missing certificate, a key others may read.
    base = s.config_text()
    s.write_file("bad.conf", base.replace("SSLCertificateFile = %s\n" % www_crt, "", 1))
    status, out, err = run([s.daemon, "-t", "-f", s.path("bad.conf")])
    section = next(i for i, l in enumerate(base.replace("SSLCertificateFile = %s\n" % www_crt, "", 1).split("\n"), 1)
                   if l == "[vhost:www]")
    t.like(err, r"bad\.conf:%d: \[vhost:www\] SSLCertificateFile: a Listen marked https needs SSLCertificateFile "
           r"and SSLCertificateKeyFile here" % section,
           "mpmd -t: a vhost of a Listen marked https without a certificate is an error, at its section")
    t.ok(status != 0, "... and -t fails")
    s.stop()

    # mpmd -t reads the certificates and keys as the start does.
    open_key = s.path("open.key")
    with open(www_key, "rb") as f:
        s.write_file(open_key, f.read(), mode=0o644)
    s.write_file("open.conf", base.replace("SSLCertificateKeyFile = %s\n" % www_key,
                                           "SSLCertificateKeyFile = %s\n" % open_key, 1))
    status, out, err = run([s.daemon, "-t", "-f", s.path("open.conf")])
    t.ok(status == 0 and re.search(r"open\.conf:\d+: \[server\] SSLCertificateFile: the key .*open\.key may be read "
                                   r"by every user", err), "mpmd -t: a key others may read is warned of (%s)" % err.strip())
    s.write_file("missing.conf", base.replace("SSLCertificateFile = %s\n" % shop_crt, "SSLCertificateFile = %s\n"
                                              % s.path("gone.crt"), 1))
    status, out, err = run([s.daemon, "-t", "-f", s.path("missing.conf")])
    t.ok(status != 0 and re.search(r"missing\.conf:\d+: \[vhost:shop\] SSLCertificateFile: cannot read .*gone\.crt: No such file or directory", err),
         "mpmd -t: a certificate that cannot be loaded is an error, at its line (%s)" % err.strip().split("\n")[0])

Test().main(main)
