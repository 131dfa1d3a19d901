#!/usr/bin/env python3
# Conditional requests on static files: If-None-Match (strong, weak, list, *) and
# If-Modified-Since (three date forms) answer 304 without a body; If-None-Match wins over
# If-Modified-Since; a changed file gets a new ETag; If-Match failing answers 412.
import os
import time

from mpmdtest import HttpConnection, Test, http_date, http_get, http_request


def main(t):
    s = t.server(name="cond", site={"page.html": "<p>version one</p>\n"})
    s.start()
    port = s.port
    path = os.path.join(s.docroot, "page.html")
    mtime = time.time() - 3600
    os.utime(path, (mtime, mtime))

    r = http_get(port, "/page.html")
    etag, lm = r.header("ETag"), r.header("Last-Modified")
    t.ok(etag is not None and lm is not None, "200 carries ETag and Last-Modified")
    t.is_(lm, http_date(int(mtime)), "Last-Modified is the file's mtime")

    def status(headers, method="GET"):
        return http_request(port, method, "/page.html", headers=headers).status

    t.is_(status({"If-None-Match": etag}), 304, "If-None-Match with the ETag: 304")
    t.is_(status({"If-None-Match": '"nope"'}), 200, "If-None-Match with another tag: 200")
    t.is_(status({"If-None-Match": '"a", %s, "b"' % etag}), 304, "ETag in a list: 304")
    t.is_(status({"If-None-Match": "*"}), 304, "If-None-Match: *: 304")
    weak = etag if etag.startswith("W/") else "W/" + etag
    t.is_(status({"If-None-Match": weak}), 304, "weak comparison for If-None-Match: 304")
    t.is_(status({"If-None-Match": etag}, "HEAD"), 304, "HEAD with If-None-Match: 304")

    t.is_(status({"If-Modified-Since": lm}), 304, "If-Modified-Since = Last-Modified: 304")
    later = time.gmtime(mtime + 60)
    t.is_(status({"If-Modified-Since": http_date(mtime + 60)}), 304,
          "If-Modified-Since after the mtime: 304")
    t.is_(status({"If-Modified-Since": time.strftime("%A, %d-%b-%y %H:%M:%S GMT", later)}),
          304, "If-Modified-Since in RFC 850 form: 304")
    t.is_(status({"If-Modified-Since": time.strftime("%a %b %e %H:%M:%S %Y", later)}), 304,
          "If-Modified-Since in asctime form: 304")
    t.is_(status({"If-Modified-Since": http_date(mtime - 86400)}), 200,
          "If-Modified-Since before the mtime: 200")
    t.is_(status({"If-Modified-Since": "not a date"}), 200, "unparsable If-Modified-Since: 200")

    t.is_(status({"If-None-Match": '"nope"', "If-Modified-Since": lm}), 200,
          "If-None-Match (no match) wins over a matching If-Modified-Since: 200")
    t.is_(status({"If-None-Match": etag, "If-Modified-Since": http_date(mtime - 86400)}), 304,
          "If-None-Match (match) wins over an old If-Modified-Since: 304")

    # A 304 has no body: the next response on the same connection parses.
    with HttpConnection(port) as c:
        r1 = c.request("GET", "/page.html", headers={"If-None-Match": etag})
        r2 = c.request("GET", "/page.html", headers={"Connection": "close"})
    t.is_(r1.status, 304, "304 on a keep-alive connection")
    t.is_(r1.header("ETag"), etag, "304 repeats the ETag")
    t.ok(r1.header("Content-Length") in (None, "0", str(len(r2.body))),
         "304 has no body length of its own")
    t.is_((r2.status, r2.body), (200, b"<p>version one</p>\n"),
          "the response after a 304 is intact (the 304 sent no body)")

    t.is_(status({"If-Match": '"nope"'}), 412, "If-Match with another tag: 412")
    t.is_(status({"If-Match": etag}), 200, "If-Match with the ETag: 200")
    t.is_(status({"If-Unmodified-Since": http_date(mtime - 86400)}), 412,
          "If-Unmodified-Since before the mtime: 412")

    # The file changes: the old validators no longer match.
    with open(path, "w") as f:
        f.write("<p>version two, longer</p>\n")
    os.utime(path, (mtime + 10, mtime + 10))
    r = http_get(port, "/page.html", headers={"If-None-Match": etag})
    t.is_(r.status, 200, "old ETag after the file changed: 200")
    t.is_(r.body, b"<p>version two, longer</p>\n", "the new content is sent")
    t.ok(r.header("ETag") not in (None, etag), "the ETag changed with the file")
    t.is_(status({"If-Modified-Since": lm}), 200, "old Last-Modified after the change: 200")


Test().main(main)
