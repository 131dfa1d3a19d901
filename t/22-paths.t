#!/usr/bin/env python3
# No path leaves DocumentRoot: dot segments, percent-encoded dots and slashes, NUL bytes,
# absolute-form targets. A secret file next to the DocumentRoot is never sent. Paths that
# stay inside the root after normalisation are served.
from mpmdtest import Test, http_get, http_raw

SECRET = b"SECRET-6f1c1d2e outside the document root\n"


def main(t):
    s = t.server(name="paths", site={"index.html": "<p>root</p>\n", "sub/page.txt": "page\n"})
    s.write_file("secret.txt", SECRET)
    s.write_file("etc/passwd", SECRET)
    s.start()
    port = s.port

    attacks = [
        "/../secret.txt", "/../../secret.txt", "/sub/../../secret.txt",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/sub%2f..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "//../secret.txt",
        "/sub/./../../secret.txt", "/..\\secret.txt", "/%2e%2e%5csecret.txt",
        "/../etc/passwd", "/sub/../../etc/passwd", "/%252e%252e/secret.txt",
        "http://127.0.0.1/../secret.txt", "/./../secret.txt", "/sub/..%00/../secret.txt",
    ]
    for target in attacks:
        r = http_raw(port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            % target).encode())
        code = r.status if r else None
        t.ok(r is not None and code in (400, 403, 404) and SECRET not in r.body,
             "%s: refused (%s)" % (target, code))

    # Apache's answers for the specific cases.
    t.is_(http_get(port, "/../secret.txt").status, 400, "climbing above the root: 400")
    t.is_(http_get(port, "/%2e%2e/secret.txt").status, 400, "encoded dot segments above the root: 400")
    t.is_(http_get(port, "/sub%2Fpage.txt").status, 404, "an encoded slash: 404")
    t.is_(http_get(port, "/index.html%00").status, 400, "%00 in the path: 400")
    t.is_(http_get(port, "/index.html%00.txt").status, 400, "%00 before an extension: 400")
    r = http_raw(port, b"GET /index.html\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    t.is_(r.status if r else None, 400, "a raw NUL byte in the request line: 400")
    t.is_(http_get(port, "relative/path").status, 400, "a target not starting with /: 400")

    # Normalisation inside the root is fine.
    for target, body in (("/sub/../index.html", b"<p>root</p>\n"), ("/./index.html", b"<p>root</p>\n"),
                         ("/sub/./page.txt", b"page\n"),
                         ("/%73ub/page.txt", b"page\n"),
                         ("http://127.0.0.1/sub/page.txt", b"page\n")):
        r = http_get(port, target)
        t.is_((r.status, r.body), (200, body), "%s stays inside the root: 200" % target)

    t.is_(http_get(port, "/index.html").status, 200, "the server still serves afterwards")


Test().main(main)
