#!/usr/bin/env python3
# Static files: GET and HEAD with Date, Server, Content-Length, Content-Type (from TypesConfig),
# Last-Modified and ETag; DirectoryIndex; 301 to the slash-terminated URL for a directory; the
# error statuses 400 403 404 405 (with Allow) 501 505 with small HTML bodies; ServerTokens.
import email.utils
import os
import re
import time

from mpmdtest import (HttpConnection, SRCDIR, Test, http_date, http_get, http_raw,
                      http_request, sha256, version)

DATE_RE = r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$"


def main(t):
    big = os.urandom(300 * 1024)
    site = {
        "index.html": "<html><body>home</body></html>\n",
        "style.css": "p { margin: 0 }\n",
        "notes.txt": "plain text\n",
        "blob.unknownext": "??\n",
        "UPPER.HTML": "<p>upper</p>\n",
        "a b.txt": "space in name\n",
        "big.bin": big,
        "docs/index.html": "<p>docs index</p>\n",
        "docs/page.html": "<p>docs page</p>\n",
        "empty/.keep": "",
        "custom.mpmdt": "custom type\n",
    }
    s = t.server(name="static", site=site,
                 conf={"server": {"ServerTokens": "Full", "ServerName": "static.example"}})
    types = s.write_file("mime.types", "# test types\ntext/html html htm\ntext/css css\n"
                         "text/plain txt\napplication/x-mpmd-test mpmdt\n")
    s.set("server", {"TypesConfig": types})
    s.write_config()
    os.unlink(os.path.join(s.docroot, "empty/.keep"))
    s.start()
    port = s.port

    r = http_get(port, "/index.html")
    t.is_(r.status, 200, "GET /index.html: 200")
    t.is_(r.version, "HTTP/1.1", "response is HTTP/1.1")
    t.is_(r.body, site["index.html"].encode(), "GET /index.html: body is the file")
    t.is_(r.header("Content-Length"), str(len(site["index.html"])), "Content-Length is the size")
    t.like(r.header("Content-Type"), r"^text/html\b", "Content-Type text/html")
    t.like(r.header("Date"), DATE_RE, "Date is an IMF-fixdate")
    if r.header("Date"):
        skew = abs(email.utils.parsedate_to_datetime(r.header("Date")).timestamp() - time.time())
        t.cmp_ok(skew, "<", 5, "Date is now")
    st = os.stat(os.path.join(s.docroot, "index.html"))
    t.is_(r.header("Last-Modified"), http_date(st.st_mtime), "Last-Modified is the file's mtime")
    t.like(r.header("ETag"), r'^(W/)?"[^"]+"$', "ETag is a quoted entity tag")
    t.is_(len(r.header_all("Content-Length")), 1, "exactly one Content-Length")
    ver = version()
    t.is_(r.header("Server"), "mpmd/%s (Unix)" % ver, "ServerTokens Full: Server: mpmd/VERSION (Unix)")

    h = http_request(port, "HEAD", "/index.html")
    t.is_(h.status, 200, "HEAD /index.html: 200")
    t.is_(h.header("Content-Length"), r.header("Content-Length"), "HEAD: same Content-Length as GET")
    t.is_(h.header("ETag"), r.header("ETag"), "HEAD: same ETag as GET")
    t.is_(h.header("Content-Type"), r.header("Content-Type"), "HEAD: same Content-Type as GET")
    with HttpConnection(port) as c:   # HEAD then GET on one connection: HEAD sent no body
        h1 = c.request("HEAD", "/notes.txt")
        g1 = c.request("GET", "/notes.txt", headers={"Connection": "close"})
    t.is_((h1.status, g1.status, g1.body), (200, 200, b"plain text\n"),
          "HEAD sends no body bytes (the next response on the connection parses)")

    for path, ctype in (("/style.css", r"^text/css\b"), ("/notes.txt", r"^text/plain\b"),
                        ("/custom.mpmdt", r"^application/x-mpmd-test$"),
                        ("/UPPER.HTML", r"^text/html\b"),
                        ("/blob.unknownext", r"^application/octet-stream$")):
        r = http_get(port, path)
        t.is_(r.status, 200, "GET %s: 200" % path)
        t.like(r.header("Content-Type"), ctype, "Content-Type of %s from TypesConfig" % path)
    r = http_get(port, "/a%20b.txt")
    t.is_((r.status, r.body), (200, b"space in name\n"), "percent-encoded space in the path")
    r = http_get(port, "/big.bin")
    t.is_(r.status, 200, "GET a 300 KiB file: 200")
    t.is_(r.header("Content-Length"), str(len(big)), "300 KiB file: Content-Length")
    t.is_(sha256(r.body), sha256(big), "300 KiB file: body intact")

    r = http_get(port, "/")
    t.is_((r.status, r.body), (200, site["index.html"].encode()), "GET /: DirectoryIndex")
    r = http_get(port, "/docs/")
    t.is_((r.status, r.body), (200, b"<p>docs index</p>\n"), "GET /docs/: DirectoryIndex")
    r = http_get(port, "/docs")
    t.is_(r.status, 301, "GET /docs: 301")
    t.like(r.header("Location"), r"^http://[^/]+/docs/$", "301 Location is /docs/ (absolute)")
    t.like(r.header("Content-Type"), r"^text/html", "301 has an HTML body")
    r = http_get(port, "/docs?x=1&y=2")
    t.like(r.header("Location"), r"^http://[^/]+/docs/\?x=1&y=2$", "301 keeps the query string")
    r = http_get(port, "/empty/")
    t.is_(r.status, 403, "directory without an index: 403")

    def error_page(r, status, reason, desc):
        t.is_(r.status if r else None, status, "%s: %d" % (desc, status))
        if r is None:
            return
        t.like(r.header("Content-Type"), r"^text/html", "%s: HTML body" % desc)
        t.like(r.body.decode("latin-1"), r"<title>%d %s</title>" % (status, reason),
               "%s: body has the status title" % desc)
        if r.header("Content-Length") is not None:
            t.is_(int(r.header("Content-Length")), len(r.body), "%s: Content-Length" % desc)
        t.cmp_ok(len(r.body), "<", 1024, "%s: body is small" % desc)

    error_page(http_get(port, "/missing.html"), 404, "Not Found", "missing file")
    error_page(http_get(port, "/missing/dir/"), 404, "Not Found", "missing directory")
    r = http_request(port, "POST", "/index.html", body=b"a=1")
    error_page(r, 405, "Method Not Allowed", "POST")
    allow = [m.strip() for m in (r.header("Allow") or "").split(",")]
    t.ok("GET" in allow and "HEAD" in allow, "405 has Allow with GET and HEAD (%r)" % allow)
    for m in ("PUT", "DELETE"):
        t.is_(http_request(port, m, "/index.html").status, 405, "%s: 405" % m)
    error_page(http_request(port, "BREW", "/index.html"), 501, "Not Implemented",
               "unknown method")
    error_page(http_raw(port, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505,
               "HTTP Version Not Supported", "HTTP/2.0 request")
    error_page(http_raw(port, b"GET / HTTP/3.1\r\nHost: x\r\n\r\n"), 505,
               "HTTP Version Not Supported", "HTTP/3.1 request")
    error_page(http_raw(port, b"GET / HTTP/1.1\r\n\r\n"), 400, "Bad Request",
               "HTTP/1.1 without Host")
    error_page(http_raw(port, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400,
               "Bad Request", "two Host headers")
    error_page(http_raw(port, b"this is not http\r\n\r\n"), 400, "Bad Request",
               "garbage request line")
    error_page(http_raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"), 400,
               "Bad Request", "header line without a colon")
    r = http_raw(port, b"GET /index.html HTTP/1.0\r\n\r\n")
    t.is_((r.status, r.body), (200, site["index.html"].encode()), "HTTP/1.0 without Host: 200")

    # ServerTokens Prod, and the server still answers after all those errors.
    s.stop()
    s.reconfigure({"server": {"ServerTokens": "Prod"}})
    s.start()
    r = http_get(s.port, "/index.html")
    t.is_(r.header("Server"), "mpmd", "ServerTokens Prod: Server: mpmd")

    # The repo ships etc/mime.types: the default types of a real site.
    shipped = os.path.join(SRCDIR, "etc", "mime.types")
    t.ok(os.path.isfile(shipped), "the source tree ships etc/mime.types")
    if os.path.isfile(shipped):
        s.stop()
        s.reconfigure({"server": {"TypesConfig": shipped}})
        s.write_site({"pic.png": b"\x89PNG\r\n", "app.js": "1;\n", "data.json": "{}\n"})
        s.start()
        for path, ctype in (("/index.html", "text/html"), ("/style.css", "text/css"),
                            ("/notes.txt", "text/plain"), ("/pic.png", "image/png"),
                            ("/app.js", "(text|application)/javascript"),
                            ("/data.json", "application/json")):
            t.like(http_get(s.port, path).header("Content-Type"), r"^%s\b" % ctype,
                   "etc/mime.types: %s is %s" % (path, ctype))


Test().main(main)
