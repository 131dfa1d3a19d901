#!/usr/bin/env python3
# The open-file cache (OpenFileCache, mpmd.conf(5) "Open files kept between requests"):
# the children keep the files they served open, and a file changed on disk is served as it
# is now, however it changed: rewritten in place with the same size and modification time,
# renamed over, removed, replaced by a link out of the root, or reached through a
# DocumentRoot link switched to another release. A removed file is let go of at its next
# request. A small file unchanged for two seconds is also held in memory: the same answers
# (whole, ranges, HEAD), and a change is seen as before. OpenFileCache 0 keeps nothing open.
import os
import re
import time

from mpmdtest import HttpConnection, Test, http_get, wait_for

SECRET = b"SECRET outside the document root\n"
MEM = bytes(range(32, 127)) * 40   # 3,800 bytes: under the 8 KiB held in memory


def held_files(s, name):
    """The children's open descriptors whose target names `name` (deleted or not)."""
    found = []
    for pid in s.children():
        fd_dir = "/proc/%d/fd" % pid
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if os.path.basename(target.replace(" (deleted)", "")) == name:
                found.append(target)
    return found


def body(port, path, conn=None):
    r = conn.request("GET", path) if conn is not None else http_get(port, path)
    return (r.status, r.body)


def main(t):
    s = t.server(name="filecache", conf={"server": {"DocumentRoot": "@DIR@/current"}})
    s.write_file("releases/1/page.txt", "release 1\n")
    s.write_file("releases/2/page.txt", "release 2\n")
    s.write_file("releases/1/f.txt", "one\n")
    s.write_file("releases/2/mem.txt", MEM)
    s.write_file("outside/secret.txt", SECRET)
    os.symlink("releases/1", s.path("current"))
    s.start()
    port = s.port
    root = s.path("releases/1")
    f = os.path.join(root, "f.txt")

    # One kept-alive connection: prefork and worker answer it in one process or thread, so
    # its requests meet the entries that thread's cache keeps.
    c = HttpConnection(port)
    t.is_(body(port, "/f.txt", c), (200, b"one\n"), "a file is served")
    t.is_(body(port, "/f.txt", c), (200, b"one\n"), "and served again")
    t.ok(wait_for(lambda: held_files(s, "f.txt"), 5), "a child keeps it open after the requests (%s)"
         % held_files(s, "f.txt"))

    st = os.stat(f)
    with open(f, "r+b") as out:   # same size, then the old modification time put back
        out.write(b"ONE\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    t.is_(body(port, "/f.txt", c), (200, b"ONE\n"),
          "rewritten in place with the same size and modification time: the new bytes")

    s.write_file("releases/1/f.new", "renamed over\n")
    os.rename(os.path.join(root, "f.new"), f)
    t.is_(body(port, "/f.txt", c), (200, b"renamed over\n"), "renamed over: the new file")

    with open(f, "ab") as out:
        out.write(b"appended\n")
    t.is_(body(port, "/f.txt", c), (200, b"renamed over\nappended\n"), "appended to: the whole file")

    os.unlink(f)
    t.is_(body(port, "/f.txt", c)[0], 404, "removed: 404")
    if t.mpm() != "event":
        # The event MPM hands each request to any worker thread: only the thread that
        # answered the 404 has looked; another lets go at its own next request for it.
        t.is_([x for x in held_files(s, "f.txt") if "deleted" in x], [],
              "no child holds the removed file after its next request")

    s.write_file("releases/1/f.txt", "back\n")
    t.is_(body(port, "/f.txt", c), (200, b"back\n"), "written again: served")
    os.unlink(f)
    os.symlink(s.path("outside/secret.txt"), f)
    r = c.request("GET", "/f.txt")
    t.ok(r.status == 403 and SECRET not in r.body,
         "replaced by a link out of the root: 403, not the secret (%d)" % r.status)

    t.is_(body(port, "/page.txt", c), (200, b"release 1\n"), "DocumentRoot current -> releases/1")
    os.symlink("releases/2", s.path("current.new"))
    os.rename(s.path("current.new"), s.path("current"))
    t.is_(body(port, "/page.txt", c), (200, b"release 2\n"), "current switched to releases/2: its file")
    c.close()

    # The kernel stamps a write with a coarse clock, so bytes are held only from a file that
    # has not changed for two seconds (mpmd.conf(5)): mem.txt was written before the start.
    m = s.path("releases/2/mem.txt")   # current -> releases/2 by now
    t.ok(wait_for(lambda: time.time() - os.stat(m).st_ctime > 2.5, 8), "mem.txt is two seconds old")
    mc = HttpConnection(port)
    answers = [body(port, "/mem.txt", mc) for _ in range(3)]   # opened, then held
    t.is_(answers, [(200, MEM)] * 3, "a small settled file: the same bytes each time")
    r = mc.request("GET", "/mem.txt", headers={"Range": "bytes=10-19"})
    t.is_((r.status, r.body), (206, MEM[10:20]), "a range of it")
    r = mc.request("GET", "/mem.txt", headers={"Range": "bytes=0-3,3790-"})
    parts = re.findall(rb"Content-Range: bytes (\d+)-(\d+)/3800\r\n\r\n(.*?)\r\n--", r.body, re.S)
    t.is_([(int(a), int(b), x) for a, b, x in parts], [(0, 3, MEM[0:4]), (3790, 3799, MEM[3790:])],
          "two ranges of it (multipart)")
    r = mc.request("HEAD", "/mem.txt")
    t.is_((r.status, r.header("Content-Length"), r.body), (200, "3800", b""), "HEAD: its length, no body")
    st = os.stat(m)
    with open(m, "r+b") as out:   # same size, the old modification time put back
        out.write(MEM.upper()[:100])
    os.utime(m, ns=(st.st_atime_ns, st.st_mtime_ns))
    changed = MEM.upper()[:100] + MEM[100:]
    t.is_([body(port, "/mem.txt", mc) for _ in range(2)], [(200, changed)] * 2,
          "rewritten in place with the same size and modification time: the new bytes")
    mc.close()

    # Without the cache the children hold no file between requests.
    t.ok(s.stop(), "the first server stops on SIGTERM and leaves no process")
    s2 = t.server(name="filecache0", conf={"server": {"OpenFileCache": "0"}}, site={"g.txt": "g\n"})
    s2.start()
    c = HttpConnection(s2.port)
    t.is_(body(s2.port, "/g.txt", c), (200, b"g\n"), "OpenFileCache 0: the file is served")
    # A reply is read before the server has closed the file it sent (it logs and counts
    # first): wait, with a deadline, for the descriptor to go.
    t.ok(wait_for(lambda: held_files(s2, "g.txt") == [], 5),
         "and no child keeps it open (%s)" % held_files(s2, "g.txt"))
    c.close()


Test().main(main)
