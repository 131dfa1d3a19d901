#!/usr/bin/env python3
# Range requests on a static file (RFC 9110 14): every byte of every 206 part is compared with
# a generated file of a few MiB whose content never repeats. Single, open-ended and suffix
# ranges; multipart/byteranges parsed part by part; overlapping ranges coalesced; past
# MaxRanges, or asking for more than the file, the whole file with 200; MaxRanges none; 416
# with Content-Range */LEN; invalid syntax ignored; If-Range by ETag and date; HEAD ignores
# Range; pipelined requests after a multipart 206 and a 416 stay framed; %b is the body.
import hashlib
import os
import re
import time

from mpmdtest import HttpConnection, Test, http_date, http_request, wait_for

SIZE = 3 * 1024 * 1024 + 12345
NAME = "data.bin"
TYPE = "application/octet-stream"


def generate(size):
    """Bytes in which no 32-byte block repeats (SHA-256 of a counter), so a part taken from
    the wrong offset cannot match by chance."""
    blocks = []
    for i in range((size + 31) // 32):
        blocks.append(hashlib.sha256(b"mpmd-ranges-%d" % i).digest())
    return b"".join(blocks)[:size]


def ranges_field(ranges):
    return "bytes=" + ",".join("%s-%s" % (a, "" if b is None else b) for a, b in ranges)


def parse_multipart(body, boundary):
    """[(headers dict with lower-case names, bytes)] of a multipart/byteranges body, reading
    each part's length from its Content-Range; raises ValueError on any framing error."""
    parts = []
    delimiter = b"--" + boundary.encode()
    if not body.startswith(delimiter + b"\r\n"):
        raise ValueError("the body does not open with the boundary: %r" % body[:80])
    at = len(delimiter) + 2
    while True:
        end = body.find(b"\r\n\r\n", at)
        if end < 0:
            raise ValueError("a part header does not end")
        headers = {}
        for line in body[at:end].decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        m = re.match(r"^bytes (\d+)-(\d+)/(\d+)$", headers.get("content-range", ""))
        if not m:
            raise ValueError("part without a Content-Range: %r" % headers)
        first, last = int(m.group(1)), int(m.group(2))
        start = end + 4
        data = body[start:start + last - first + 1]
        if len(data) != last - first + 1:
            raise ValueError("part %d-%d is cut short" % (first, last))
        parts.append((headers, data))
        at = start + len(data)
        if body[at:at + 2 + len(delimiter)] != b"\r\n" + delimiter:
            raise ValueError("no delimiter after part %d-%d: %r" % (first, last, body[at:at + 80]))
        at += 2 + len(delimiter)
        if body[at:] == b"--\r\n":
            return parts
        if body[at:at + 2] != b"\r\n":
            raise ValueError("bad delimiter line after part %d-%d" % (first, last))
        at += 2


def main(t):
    data = generate(SIZE)
    s = t.server(name="ranges", site={NAME: data, "empty.txt": b""})
    # Old enough for its Last-Modified to be a strong validator (If-Range by date).
    mtime = int(time.time()) - 3600
    os.utime(os.path.join(s.docroot, NAME), (mtime, mtime))
    s.start()
    port = s.port
    path = "/" + NAME

    def get(range_value, extra=None, target=path, method="GET"):
        headers = {"Range": range_value} if range_value is not None else {}
        headers.update(extra or {})
        return http_request(port, method, target, headers=headers, timeout=20)

    def whole_file(r, desc):
        t.ok(r.status == 200 and r.body == data and r.header("Content-Length") == str(SIZE)
             and r.header("Content-Range") is None, desc + ": 200 with the whole file")

    def single(r, first, last, desc):
        """A 206 of one part, checked byte for byte."""
        ok = (r.status == 206 and r.header("Content-Range") == "bytes %d-%d/%d" % (first, last, SIZE)
              and r.header("Content-Type") == TYPE
              and r.header("Content-Length") == str(last - first + 1)
              and r.body == data[first:last + 1])
        t.ok(ok, "%s: 206 bytes %d-%d/%d, every byte as in the file" % (desc, first, last, SIZE))
        if not ok:
            t.diag("got %r %s %s" % (r, r.header("Content-Range"), r.header("Content-Type")))

    def multipart(r, expected, desc):
        """A 206 multipart/byteranges whose parts are `expected` [(first, last)], in order."""
        m = re.match(r"^multipart/byteranges; boundary=(\S+)$", r.header("Content-Type") or "")
        if r.status != 206 or not m:
            t.ok(False, "%s: 206 multipart/byteranges (got %r, %s)" % (desc, r, r.header("Content-Type")))
            return None
        t.is_(r.header("Content-Length"), str(len(r.body)), desc + ": Content-Length is the body's")
        try:
            parts = parse_multipart(r.body, m.group(1))
        except ValueError as e:
            t.ok(False, "%s: the multipart body parses (%s)" % (desc, e))
            return None
        got = []
        bytes_ok = True
        for headers, part in parts:
            first, last = map(int, re.match(r"bytes (\d+)-(\d+)/", headers["content-range"]).groups())
            got.append((first, last))
            bytes_ok = bytes_ok and headers.get("content-type") == TYPE \
                and headers["content-range"].endswith("/%d" % SIZE) and part == data[first:last + 1]
        t.is_(got, expected, desc + ": the parts, in order")
        t.ok(bytes_ok, desc + ": each part has the file's Content-Type and exactly its bytes")
        return m.group(1)

    # -- the whole file
    r = get(None)
    whole_file(r, "no Range")
    t.is_(r.header("Accept-Ranges"), "bytes", "Accept-Ranges: bytes on a 200")
    etag, last_modified = r.header("ETag"), r.header("Last-Modified")
    t.is_(last_modified, http_date(mtime), "Last-Modified is the file's mtime")

    # -- one range
    for first, last in [(0, 0), (0, 99), (1, 1), (65535, 1048577), (SIZE - 1, SIZE - 1),
                        (1000000, 2999999)]:
        single(get("bytes=%d-%d" % (first, last)), first, last, "bytes=%d-%d" % (first, last))
    r = get("bytes=0-99")
    t.is_(r.header("Accept-Ranges"), "bytes", "Accept-Ranges: bytes on a 206")
    t.is_(r.header("ETag"), etag, "a 206 carries the ETag")
    single(get("bytes=%d-%d" % (SIZE - 10, SIZE + 1000)), SIZE - 10, SIZE - 1, "a range past the end is clipped")
    single(get("bytes=100-99999999999999999999999"), 100, SIZE - 1, "a huge last-pos is clipped")
    single(get("bytes=%d-" % (SIZE - 777)), SIZE - 777, SIZE - 1, "open-ended bytes=N-")
    single(get("bytes=0-"), 0, SIZE - 1, "bytes=0-")
    single(get("bytes=-500"), SIZE - 500, SIZE - 1, "suffix bytes=-500")
    single(get("bytes=-%d" % (SIZE + 5)), 0, SIZE - 1, "a suffix longer than the file is all of it")
    single(get("Bytes=5-9"), 5, 9, "the unit in any case")
    single(get("bytes=10-19, 20-29"), 10, 29, "adjacent ranges are one part")

    # -- several ranges
    asked = [(0, 99), (1000, 1999), (2 * 1024 * 1024, 2 * 1024 * 1024 + 300000), (SIZE - 500, SIZE - 1)]
    b1 = multipart(get("bytes=0-99, 1000-1999,%d-%d,-500" % asked[2]), asked, "four ranges")
    b2 = multipart(get("bytes=,500-599,, 0-9 ,"), [(0, 9), (500, 599)],
                   "out of order, with empty list elements")
    t.ok(b1 and b2 and b1 != b2, "each multipart response has its own boundary")
    t.ok(b1 is not None and b1.encode() not in data, "the boundary does not occur in the file")
    multipart(get("bytes=0-99,50-149,150-199,1000-1099,1050-1199"), [(0, 199), (1000, 1199)],
                   "overlapping and adjacent ranges coalesced")
    r = get("bytes=" + ",".join(["0-999"] * 150))
    single(r, 0, 999, "150 copies of one range: one part, sent once")
    r = get("bytes=" + ",".join("%d-" % (i * 1000) for i in range(100)))
    whole_file(r, "ranges asking for more than the file holds (CVE-2011-3192)")

    # -- MaxRanges (default 200), counted as written
    spread = [(i * 10000, i * 10000 + 9) for i in range(200)]
    multipart(get(ranges_field(spread)), spread, "200 ranges, as many as MaxRanges")
    r = get(ranges_field(spread + [(SIZE - 1, SIZE - 1)]))
    whole_file(r, "201 ranges, one past MaxRanges")

    # -- nothing satisfiable: 416
    for value in ["bytes=%d-" % SIZE, "bytes=%d-%d" % (SIZE + 5, SIZE + 10), "bytes=-0",
                  "bytes=99999999999999999999999-"]:
        r = get(value)
        t.ok(r.status == 416 and r.header("Content-Range") == "bytes */%d" % SIZE
             and r.header("Content-Length") == str(len(r.body)) and b"416" in r.body,
             "%s: 416 with Content-Range: bytes */%d" % (value, SIZE))
    r = http_request(port, "GET", "/empty.txt", headers={"Range": "bytes=0-"})
    t.is_((r.status, r.header("Content-Range")), (416, "bytes */0"), "any int-range of an empty file: 416")
    r = http_request(port, "GET", "/empty.txt", headers={"Range": "bytes=-5"})
    t.is_((r.status, r.body), (200, b""), "a suffix of an empty file: 200, empty")

    # -- invalid: ignored
    for value in ["bytes=5-1", "bytes=abc", "items=0-5", "bytes 0-5", "bytes=0-5;6-7", "bytes=",
                  "bytes=1-2, x"]:
        whole_file(get(value), "Range: %s (invalid)" % value)

    # -- If-Range (after the other preconditions)
    single(get("bytes=0-99", {"If-Range": etag}), 0, 99, "If-Range with the ETag")
    whole_file(get("bytes=0-99", {"If-Range": '"not-the-etag"'}), "If-Range with another ETag")
    whole_file(get("bytes=0-99", {"If-Range": "W/" + etag}), "If-Range with a weak ETag")
    single(get("bytes=0-99", {"If-Range": last_modified}), 0, 99, "If-Range with the Last-Modified date")
    whole_file(get("bytes=0-99", {"If-Range": http_date(mtime - 1)}), "If-Range with another date")
    whole_file(get("bytes=%d-" % SIZE, {"If-Range": '"not-the-etag"'}),
               "a failed If-Range with an unsatisfiable Range")
    r = get("bytes=0-99", {"If-Range": etag, "If-None-Match": etag})
    t.is_((r.status, r.body), (304, b""), "If-None-Match is evaluated before Range: 304")

    # -- HEAD ignores Range; no body on the wire (the next response on the connection parses)
    with HttpConnection(port, timeout=20) as c:
        h = c.request("HEAD", path + "?head", headers={"Range": "bytes=0-99"})
        r = c.request("GET", path + "?after-head", headers={"Range": "bytes=5-9"})
    t.ok(h.status == 200 and h.header("Content-Length") == str(SIZE) and h.header("Content-Range") is None
         and h.header("Accept-Ranges") == "bytes", "HEAD with Range: 200 with the file's length")
    single(r, 5, 9, "the request after a HEAD with Range")

    # -- pipelined: three requests in one write; each response framed on its own
    with HttpConnection(port, timeout=20) as c:
        c.send(c.request_bytes("GET", path + "?pipe-multipart", headers={"Range": "bytes=0-9,-10"})
               + c.request_bytes("GET", path + "?pipe-416", headers={"Range": "bytes=%d-" % SIZE})
               + c.request_bytes("GET", path + "?pipe-last", headers={"Range": "bytes=100-109"}))
        p1, p2, p3 = c.read_response(), c.read_response(), c.read_response()
    multipart(p1, [(0, 9), (SIZE - 10, SIZE - 1)], "pipelined multipart")
    t.is_((p2.status, p2.header("Content-Range")), (416, "bytes */%d" % SIZE), "pipelined 416 after it")
    single(p3, 100, 109, "pipelined request after a multipart 206 and a 416")

    # -- %b in the access log is the body sent (the line is written after the response: poll)
    def logged(query):
        pattern = r'\?%s HTTP/1\.1" ' % query
        wait_for(lambda: s.access_log.grep(pattern), 5)
        found = s.access_log.grep(pattern)
        m = re.search(r'" (\d{3}) (\S+) ', found[-1]) if found else None
        return m.groups() if m else None

    for query, response in [("pipe-multipart", p1), ("pipe-416", p2), ("pipe-last", p3)]:
        t.is_(logged(query), (str(response.status), str(len(response.body))),
              "access log for ?%s: status, and %%b is the body sent" % query)
    t.is_(logged("head"), ("200", "-"), "access log for the HEAD with Range: %b is -")

    # -- MaxRanges none: Range is ignored and Accept-Ranges says so
    n = t.server(name="ranges-none", site={NAME: data}, conf={"server": {"MaxRanges": "none"}})
    n.start()
    r = http_request(n.port, "GET", path, headers={"Range": "bytes=0-99"}, timeout=20)
    t.ok(r.status == 200 and r.body == data, "MaxRanges none: 200 with the whole file")
    t.is_(r.header("Accept-Ranges"), "none", "MaxRanges none: Accept-Ranges: none")
    r = http_request(n.port, "GET", path, headers={"Range": "bytes=%d-" % SIZE}, timeout=20)
    t.is_(r.status, 200, "MaxRanges none: not even a 416")


Test().main(main)
