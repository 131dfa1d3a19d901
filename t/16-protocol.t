#!/usr/bin/env python3
# Protocol conformance, table-driven, on raw sockets: each case is the bytes of one request,
# the status mpmd must answer, and whether the connection stays open. Behind every request,
# in the same send, comes a pipelined follow-up GET: when the connection stays open it must
# be answered next, whole and correct; when it closes it must never be answered. A request
# that leaves the connection waiting (no answer, no close) fails on the client's deadline, and
# one that desyncs the stream fails either way. Cover: framing (Content-Length,
# Transfer-Encoding, chunked lines), limits, the request line and versions, fields, paths,
# dot names and links, methods (HEAD never with a body, whoever answers), conditionals and
# Expect.
import os
import re

from mpmdtest import HttpConnection, Test, http_get

FOLLOW_UP = b"GET /follow-up.txt HTTP/1.1\r\nHost: x\r\n\r\n"
FOLLOW_UP_BODY = b"follow-up\n"
HOST = b"Host: x\r\n"


def req(line, *fields, body=b""):
    """A request: the line, Host and the fields given, the blank line, the body."""
    head = line.encode() + b"\r\n" + HOST + b"".join(f.encode() + b"\r\n" for f in fields)
    return head + b"\r\n" + body


def raw(*parts):
    return b"".join(p.encode() if isinstance(p, str) else p for p in parts)


CHUNKED = "Transfer-Encoding: chunked"
LONG = "x" * 8200


def case(name, send, status, open_, check=None, then=None, follow=True):
    return {"name": name, "send": send, "status": status, "open": open_, "check": check,
            "then": then, "follow": follow}


def has(field, pattern):
    return lambda r, ctx: re.search(pattern, r.header(field) or "") is not None


def no_body(r, ctx):
    return r.body == b""


def cases(ctx):
    etag, lastmod = ctx["etag"], ctx["lastmod"]
    many_fields = "".join("X-F%d: v\r\n" % i for i in range(99))
    return [
        # -- the basics
        case("GET", req("GET / HTTP/1.1"), 200, True),
        case("GET a file", req("GET /index.html HTTP/1.1"), 200, True),
        case("GET Content-Length: 0", req("GET / HTTP/1.1", "Content-Length: 0"), 200, True),
        case("Connection: close", req("GET / HTTP/1.1", "Connection: close"), 200, False),
        case("Connection: keep-alive, Close", req("GET / HTTP/1.1", "Connection: keep-alive, Close"), 200, False),
        case("HTTP/1.0 closes", raw("GET / HTTP/1.0\r\n\r\n"), 200, False),
        case("HTTP/1.0 keep-alive", raw("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 200, True),
        case("HTTP/1.0 without Host", raw("GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 200, True),
        case("ten empty lines first", raw("\r\n" * 10, req("GET / HTTP/1.1")), 200, True),
        case("eleven empty lines first", raw("\r\n" * 11, req("GET / HTTP/1.1")), 400, False),
        # -- Content-Length and Transfer-Encoding
        case("POST with a body", req("POST / HTTP/1.1", "Content-Length: 5", body=b"hello"), 405, True,
             has("Allow", r"^GET, HEAD, OPTIONS$")),
        case("POST chunked", req("POST / HTTP/1.1", CHUNKED, body=b"5\r\nhello\r\n0\r\n\r\n"), 405, True),
        case("chunk extension", req("POST / HTTP/1.1", CHUNKED, body=b"5;a=b;c=\"d\"\r\nhello\r\n0\r\n\r\n"), 405, True),
        case("chunked trailer", req("POST / HTTP/1.1", CHUNKED, body=b"5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"), 405, True),
        case("chunk size in capitals", req("POST / HTTP/1.1", CHUNKED, body=b"A\r\n0123456789\r\n0\r\n\r\n"), 405, True),
        case("Transfer-Encoding: Chunked", req("POST / HTTP/1.1", "Transfer-Encoding: Chunked", body=b"0\r\n\r\n"), 405, True),
        case("Content-Length list of one value", req("POST / HTTP/1.1", "Content-Length: 5, 5", body=b"hello"), 405, True),
        case("Content-Length and Transfer-Encoding", req("POST / HTTP/1.1", "Content-Length: 4", CHUNKED, body=b"0\r\n\r\n"), 400, False),
        case("Transfer-Encoding and Content-Length", req("POST / HTTP/1.1", CHUNKED, "Content-Length: 4", body=b"0\r\n\r\n"), 400, False),
        case("two different lengths", req("POST / HTTP/1.1", "Content-Length: 1", "Content-Length: 2", body=b"ab"), 400, False),
        case("negative length", req("POST / HTTP/1.1", "Content-Length: -1"), 400, False),
        case("signed length", req("POST / HTTP/1.1", "Content-Length: +5", body=b"hello"), 400, False),
        case("length not a number", req("POST / HTTP/1.1", "Content-Length: five"), 400, False),
        case("length that overflows", req("POST / HTTP/1.1", "Content-Length: 99999999999999999999999"), 400, False),
        case("length over the body limit", req("POST / HTTP/1.1", "Content-Length: 1048577"), 413, False),
        case("Transfer-Encoding: gzip", req("POST / HTTP/1.1", "Transfer-Encoding: gzip"), 501, False),
        case("Transfer-Encoding: gzip, chunked", req("POST / HTTP/1.1", "Transfer-Encoding: gzip, chunked", body=b"0\r\n\r\n"), 501, False),
        case("Transfer-Encoding: chunked, chunked", req("POST / HTTP/1.1", "Transfer-Encoding: chunked, chunked", body=b"0\r\n\r\n"), 501, False),
        case("Transfer-Encoding: identity", req("POST / HTTP/1.1", "Transfer-Encoding: identity"), 501, False),
        case("two Transfer-Encoding fields", req("POST / HTTP/1.1", CHUNKED, CHUNKED, body=b"0\r\n\r\n"), 400, False),
        case("chunk size not hex", req("POST / HTTP/1.1", CHUNKED, body=b"zz\r\nhello\r\n0\r\n\r\n"), 400, False),
        case("chunk size that overflows", req("POST / HTTP/1.1", CHUNKED, body=b"fffffffffffffffffff\r\nx\r\n0\r\n\r\n"), 400, False),
        case("chunk longer than its size", req("POST / HTTP/1.1", CHUNKED, body=b"3\r\nhello\r\n0\r\n\r\n"), 400, False),
        case("chunked body over the limit", req("POST / HTTP/1.1", CHUNKED, body=b"100001\r\n"), 413, False),
        case("chunk lines with bare LF", req("POST / HTTP/1.1", CHUNKED, body=b"5\nhello\n0\n\n"), 400, False),
        case("chunk size line with bare LF", req("POST / HTTP/1.1", CHUNKED, body=b"5\nhello\r\n0\r\n\r\n"), 400, False),
        case("bare LF after chunk data", req("POST / HTTP/1.1", CHUNKED, body=b"5\r\nhello\n0\r\n\r\n"), 400, False),
        case("last chunk with bare LF", req("POST / HTTP/1.1", CHUNKED, body=b"5\r\nhello\r\n0\n\r\n"), 400, False),
        case("trailer end with bare LF", req("POST / HTTP/1.1", CHUNKED, body=b"5\r\nhello\r\n0\r\n\n"), 400, False),
        case("trailer field with bare LF", req("POST / HTTP/1.1", CHUNKED, body=b"0\r\nX: y\n\r\n"), 400, False),
        case("chunk lines with bare CR", req("POST / HTTP/1.1", CHUNKED, body=b"5\rhello\r0\r\r"), 400, False),
        case("HTTP/1.0 with Transfer-Encoding closes",
             raw("POST / HTTP/1.0\r\nConnection: keep-alive\r\n", CHUNKED, "\r\n\r\n0\r\n\r\n"), 405, False),
        case("HTTP/1.0 with a body", raw("POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nab"), 405, True),
        # -- the request line and versions
        case("HTTP/0.9 request", raw("GET /\r\n"), 400, False),
        case("request line with no target", raw("GET\r\n"), 400, False),
        case("request line with SP and no target", raw("GET \r\n"), 400, False),
        case("HTTP/0.9 version", raw("GET / HTTP/0.9\r\n\r\n"), 505, False),
        case("HTTP/1.2", req("GET / HTTP/1.2"), 505, False),
        case("HTTP/2.0", req("GET / HTTP/2.0"), 505, False),
        case("HTTP/2 preface", raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, False),
        case("HTTP/3", req("GET / HTTP/3"), 400, False),
        case("HTTP/1.10", req("GET / HTTP/1.10"), 400, False),
        case("HTTP/01.1", req("GET / HTTP/01.1"), 400, False),
        case("lower-case version", req("GET / http/1.1"), 400, False),
        case("two spaces", req("GET  / HTTP/1.1"), 400, False),
        case("a tab between the parts", req("GET\t/ HTTP/1.1"), 400, False),
        case("trailing space", req("GET / HTTP/1.1 "), 400, False),
        case("leading space", req(" GET / HTTP/1.1"), 400, False),
        case("space inside the target", req("GET /a b HTTP/1.1"), 400, False),
        case("bare CR in the request line", raw("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"), 400, False),
        case("bare LF line ends", raw("GET / HTTP/1.1\nHost: x\n\n"), 400, False),
        case("NUL in the request line", req("GET /\x00 HTTP/1.1"), 400, False),
        case("method with a bad character", req("G@T / HTTP/1.1"), 400, False),
        case("lower-case method", req("get / HTTP/1.1"), 501, True),
        case("unknown method", req("BREW / HTTP/1.1"), 501, True),
        case("TLS ClientHello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 32, 400, False),
        case("request line over 8190 bytes", req("GET /" + LONG + " HTTP/1.1"), 414, False),
        # -- fields
        case("HTTP/1.1 without Host", raw("GET / HTTP/1.1\r\n\r\n"), 400, False),
        case("two Host fields", req("GET / HTTP/1.1", "Host: y"), 400, False),
        case("Host with a space", raw("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, False),
        case("Host with a bad port", raw("GET / HTTP/1.1\r\nHost: x:y\r\n\r\n"), 400, False),
        case("Host with userinfo", raw("GET / HTTP/1.1\r\nHost: u@x\r\n\r\n"), 400, False),
        case("Host with a path", raw("GET / HTTP/1.1\r\nHost: x/y\r\n\r\n"), 400, False),
        case("Host IPv6 literal", raw("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"), 200, True),
        case("Host empty", raw("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 200, True),
        case("obs-fold", req("GET / HTTP/1.1", "X-A: a", " b"), 400, False),
        case("obs-fold with a tab", req("GET / HTTP/1.1", "X-A: a", "\tb"), 400, False),
        case("whitespace before the first field", raw("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), 400, False),
        case("whitespace before the colon", req("GET / HTTP/1.1", "X-A : a"), 400, False),
        case("field without a colon", req("GET / HTTP/1.1", "X-A"), 400, False),
        case("empty field name", req("GET / HTTP/1.1", ": a"), 400, False),
        case("space in a field name", req("GET / HTTP/1.1", "X A: a"), 400, False),
        case("NUL in a field value", req("GET / HTTP/1.1", "X-A: a\x00b"), 400, False),
        case("control byte in a field value", req("GET / HTTP/1.1", "X-A: a\x01b"), 400, False),
        case("whitespace inside a value", req("GET / HTTP/1.1", "X-A: a \t b"), 200, True),
        case("field line over 8190 bytes", req("GET / HTTP/1.1", "X-Big: " + LONG), 431, False),
        case("100 fields", raw("GET / HTTP/1.1\r\n", HOST, many_fields, "\r\n"), 200, True),
        case("101 fields", raw("GET / HTTP/1.1\r\n", HOST, many_fields, "X-Last: v\r\n\r\n"), 431, False),
        # -- paths
        case("missing file", req("GET /missing HTTP/1.1"), 404, True),
        case("directory without its slash", req("GET /dir HTTP/1.1"), 301, True, has("Location", r"/dir/$")),
        case("directory index", req("GET /dir/ HTTP/1.1"), 200, True),
        case("dot segments above the root", req("GET /../secret.txt HTTP/1.1"), 400, True),
        case("encoded dot segments above the root", req("GET /%2e%2e/secret.txt HTTP/1.1"), 400, True),
        case("encoded slash", req("GET /dir%2findex.html HTTP/1.1"), 404, True),
        case("encoded NUL", req("GET /index.html%00 HTTP/1.1"), 400, True),
        case("bad percent escape", req("GET /%zz HTTP/1.1"), 400, True),
        case("fragment in the target", req("GET /index.html#x HTTP/1.1"), 400, True),
        case("relative target", req("GET index.html HTTP/1.1"), 400, True),
        case("asterisk with GET", req("GET * HTTP/1.1"), 400, False),
        case("absolute-form", req("GET http://127.0.0.1/index.html HTTP/1.1"), 200, True),
        case("absolute-form with a port", req("GET http://example.org:8080/index.html HTTP/1.1"), 200, True),
        case("absolute-form with a bad authority", req("GET http://a<b>/ HTTP/1.1"), 400, False),
        case("absolute-form with a bad port", req("GET http://x:abc/ HTTP/1.1"), 400, False),
        case("absolute-form with userinfo", req("GET http://u@x/ HTTP/1.1"), 400, False),
        case("absolute-form without a host", req("GET http:///index.html HTTP/1.1"), 400, False),
        case("absolute-form with another scheme", req("GET ftp://x/index.html HTTP/1.1"), 400, True),
        case(".htpasswd", req("GET /.htpasswd HTTP/1.1"), 403, True),
        case(".git/config", req("GET /.git/config HTTP/1.1"), 403, True),
        case("encoded .git", req("GET /%2egit/config HTTP/1.1"), 403, True),
        case(".well-known", req("GET /.well-known/x.txt HTTP/1.1"), 200, True),
        case("a link inside the root", req("GET /link-in HTTP/1.1"), 200, True),
        case("a link out of the root", req("GET /link-out HTTP/1.1"), 403, True),
        case("a directory link out of the root", req("GET /dir-out/secret.txt HTTP/1.1"), 403, True),
        # -- methods; a reply to HEAD never has a body
        case("HEAD", req("HEAD / HTTP/1.1"), 200, True, no_body),
        case("HEAD of a missing file", req("HEAD /missing HTTP/1.1"), 404, True, no_body),
        case("HEAD of a directory: redirect", req("HEAD /dir HTTP/1.1"), 301, True, no_body),
        case("HEAD of a dot name", req("HEAD /.htpasswd HTTP/1.1"), 403, True, no_body),
        case("HEAD of a refused link", req("HEAD /link-out HTTP/1.1"), 403, True, no_body),
        case("HEAD of the status page, refused", req("HEAD /server-status HTTP/1.1"), 403, True, no_body),
        case("HEAD with a bad Host", raw("HEAD / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, False, no_body),
        case("HEAD with a version not supported", req("HEAD / HTTP/1.2"), 505, False, no_body),
        case("HEAD not modified", req("HEAD / HTTP/1.1", "If-None-Match: " + etag), 304, True, no_body),
        case("GET of the status page, refused", req("GET /server-status HTTP/1.1"), 403, True),
        case("OPTIONS *", req("OPTIONS * HTTP/1.1"), 200, True, has("Allow", r"^GET, HEAD, OPTIONS$")),
        case("OPTIONS a file", req("OPTIONS /index.html HTTP/1.1"), 200, True, has("Allow", r"^GET, HEAD, OPTIONS$")),
        case("OPTIONS a missing file", req("OPTIONS /missing HTTP/1.1"), 404, True),
        case("TRACE, TraceEnable Off", req("TRACE / HTTP/1.1"), 405, True, has("Allow", r"^GET, HEAD, OPTIONS$")),
        case("DELETE", req("DELETE /index.html HTTP/1.1"), 405, True, has("Allow", r"^GET, HEAD, OPTIONS$")),
        case("PUT with a body", req("PUT /x HTTP/1.1", "Content-Length: 3", body=b"abc"), 405, True),
        case("CONNECT", req("CONNECT x:443 HTTP/1.1"), 405, True),
        # -- conditionals
        case("If-None-Match matches", req("GET / HTTP/1.1", "If-None-Match: " + etag), 304, True, no_body),
        case("If-None-Match *", req("GET / HTTP/1.1", "If-None-Match: *"), 304, True),
        case("If-None-Match other", req("GET / HTTP/1.1", 'If-None-Match: "other"'), 200, True),
        case("If-Modified-Since the date", req("GET / HTTP/1.1", "If-Modified-Since: " + lastmod), 304, True),
        case("If-Modified-Since garbage", req("GET / HTTP/1.1", "If-Modified-Since: yesterday"), 200, True),
        case("If-Match other", req("GET / HTTP/1.1", 'If-Match: "other"'), 412, True),
        case("If-Unmodified-Since long ago", req("GET / HTTP/1.1", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT"), 412, True),
        # -- Expect
        case("Expect: 100-continue, refused before the body",
             req("POST / HTTP/1.1", "Expect: 100-continue", "Content-Length: 5"), 405, False, follow=False),
        case("Expect: 100-continue, body invited",
             req("GET /index.html HTTP/1.1", "Expect: 100-continue", "Content-Length: 5"), 200, True, then=b"hello"),
        case("Expect: 100-continue with the body already sent",
             req("GET / HTTP/1.1", "Expect: 100-continue", "Content-Length: 5", body=b"hello"), 200, True),
        case("Expect: 100-continue without a body", req("GET / HTTP/1.1", "Expect: 100-continue"), 200, True),
        case("Expect: 100-continue over the body limit",
             req("POST / HTTP/1.1", "Expect: 100-continue", "Content-Length: 2000000"), 413, False, follow=False),
        case("an unknown expectation", req("GET / HTTP/1.1", "Expect: 200-ok"), 417, False),
        case("Expect in HTTP/1.0 is ignored", raw("GET / HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 200-ok\r\n\r\n"), 200, True),
    ]


def run_case(t, port, c):
    head_only = c["send"].startswith(b"HEAD ")
    label = "%s: %s, connection %s" % (c["name"], c["status"], "kept" if c["open"] else "closed")
    try:
        with HttpConnection(port, timeout=5) as conn:
            conn.send(c["send"] if c["then"] is not None or not c["follow"] else c["send"] + FOLLOW_UP)
            r = conn.read_response(head_only=head_only)
            if c["then"] is not None:
                if r is None or r.status != 100:
                    return t.ok(False, "%s (interim %s, wanted 100 Continue)" % (label, r and r.status))
                conn.send(c["then"] + FOLLOW_UP)
                r = conn.read_response(head_only=head_only)
            if r is None:
                return t.ok(False, "%s (closed without an answer)" % label)
            problems = []
            if r.status != c["status"]:
                problems.append("status %d" % r.status)
            if c["check"] is not None and not c["check"](r, None):
                problems.append("check failed: %s" % r.head[:300])
            if c["open"]:
                nxt = conn.read_response()
                if nxt is None or nxt.status != 200 or nxt.body != FOLLOW_UP_BODY:
                    problems.append("follow-up answered %r" % (nxt and (nxt.status, nxt.body[:60])))
            else:
                if not conn.closed_by_peer(5):
                    problems.append("still open")
                elif conn.buf:
                    problems.append("more bytes after the answer: %r" % conn.buf[:80])
            return t.ok(not problems, label + ("" if not problems else " (%s)" % "; ".join(problems)))
    except (OSError, ConnectionError) as e:
        return t.ok(False, "%s (%s: %s)" % (label, type(e).__name__, e))


def main(t):
    site = {
        "index.html": "<p>index</p>\n",
        "follow-up.txt": FOLLOW_UP_BODY.decode(),
        "dir/index.html": "<p>dir</p>\n",
        ".htpasswd": "user:secret\n",
        ".git/config": "[core]\n",
        ".well-known/x.txt": "well known\n",
    }
    s = t.server(name="protocol", site=site,
                 # The status page answers only to 192.0.2.0/24 here, so 127.0.0.1 gets its 403.
                 conf={"status": {"Require": "ip 192.0.2.0/24"}})
    s.write_file("secret.txt", "SECRET outside the root\n")
    os.makedirs(s.path("outside"))
    s.write_file("outside/secret.txt", "SECRET\n")
    os.symlink("index.html", os.path.join(s.docroot, "link-in"))
    os.symlink("../secret.txt", os.path.join(s.docroot, "link-out"))
    os.symlink(s.path("outside"), os.path.join(s.docroot, "dir-out"))
    s.start()

    first = http_get(s.port, "/")
    ctx = {"etag": first.header("ETag") or '"none"', "lastmod": first.header("Last-Modified") or ""}
    table = cases(ctx)
    t.cmp_ok(len(table), ">=", 100, "the table has at least 100 cases (%d)" % len(table))
    for c in table:
        run_case(t, s.port, c)

    # Nothing above crashed a child or wedged the server.
    r = http_get(s.port, "/follow-up.txt")
    t.is_((r.status, r.body), (200, FOLLOW_UP_BODY), "the server serves on after every case")


Test().main(main)
