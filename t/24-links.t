#!/usr/bin/env python3
# Symbolic links, dot names and TRACE, as each directive sets them: Options (FollowSymLinks,
# SymLinksIfOwnerMatch, None), AllowSymLinksOutsideRoot, DotFiles (Deny, DenyHt, Allow),
# TraceEnable; config errors for Options name file:line; and a link swapped in and out
# under load never serves what it points at outside the root (the check is made on the
# descriptor that is sent, so there is no window between check and use).
import os
import threading
import time

from mpmdtest import HttpConnection, Test, http_get, http_request

SECRET = b"SECRET outside the document root\n"
NOBODY = 65534


def build_tree(s):
    """The same tree under every server: links inside and out of the root, owned by root or
    by nobody, dot names, a linked DirectoryIndex."""
    s.write_file("outside/secret.txt", SECRET)
    s.write_file("outside/index.html", SECRET)
    d = s.docroot
    os.symlink("page.txt", os.path.join(d, "link-in"))
    os.symlink(os.path.join(d, "page.txt"), os.path.join(d, "link-abs-in"))
    os.symlink("sub", os.path.join(d, "dir-link"))
    os.symlink("../outside/secret.txt", os.path.join(d, "link-out"))
    os.symlink(s.path("outside"), os.path.join(d, "dir-out"))
    os.symlink("../page.txt", os.path.join(d, "sub", "up"))
    os.symlink("page.txt", os.path.join(d, "link-nobody"))
    os.lchown(os.path.join(d, "link-nobody"), NOBODY, NOBODY)   # nobody's link to root's file
    os.symlink("../outside", os.path.join(d, "linked-index"))   # its index.html is outside


SITE = {"page.txt": "page\n", "sub/inner.txt": "inner\n", ".htpasswd": "user:x\n",
        ".git/config": "[core]\n", ".well-known/acme-challenge/token": "token\n",
        "swap-file": "inside\n"}


def statuses(t, s, expected, label):
    for path, want in expected.items():
        r = http_get(s.port, path)
        ok = r.status == want and (want != 200 or SECRET not in r.body)
        t.ok(ok, "%s: GET %s answers %d (got %d)" % (label, path, want, r.status))


def with_server(t, name, server_conf, expected, label):
    conf = {"server": server_conf}
    s = t.server(name=name, site=SITE, conf=conf)
    build_tree(s)
    s.start()
    statuses(t, s, expected, label)
    return s


def main(t):
    if os.geteuid() != 0:
        t.skip_all("links owned by another user need root to make")

    # The defaults: SymLinksIfOwnerMatch, no way out of the root, dot names denied.
    s = with_server(t, "links-default", {}, {
        "/page.txt": 200, "/link-in": 200, "/link-abs-in": 200, "/dir-link/inner.txt": 200,
        "/sub/up": 200, "/link-nobody": 403, "/link-out": 403, "/dir-out/secret.txt": 403,
        "/linked-index/": 403, "/.htpasswd": 403, "/.git/config": 403, "/.git/": 403,
        "/.well-known/acme-challenge/token": 200}, "defaults")
    block = s.mark()
    http_get(s.port, "/link-out")
    http_get(s.port, "/.htpasswd")
    t.ok(block.wait_for(r"\[core:error\] .*Symbolic link not allowed or link target not accessible: .*/link-out"),
         "a refused link is logged as Apache's AH00037, with the file")
    t.ok(block.wait_for(r"\[core:error\] .*\[client 127\.0\.0\.1:\d+\] client denied by server configuration: .*/\.htpasswd"),
         "a refused dot name is logged as Apache's AH01630, with the client")

    # A link swapped in and out of place under load: every answer is the inside file or
    # 403, never the secret the link points at. Bounded in time and count.
    swap = os.path.join(s.docroot, "swap")
    link_tmp, file_tmp = swap + ".link", swap + ".file"
    stop = threading.Event()

    def swapper():
        while not stop.is_set():
            os.symlink("../outside/secret.txt", link_tmp)
            os.replace(link_tmp, swap)
            with open(file_tmp, "w") as f:
                f.write("inside\n")
            os.replace(file_tmp, swap)
    thread = threading.Thread(target=swapper, daemon=True)
    thread.start()
    seen = {"inside": 0, "refused": 0, "secret": 0, "other": 0}
    deadline = time.monotonic() + 3
    c = None
    for _ in range(3000):
        if time.monotonic() > deadline:
            break
        if c is None:
            c = HttpConnection(s.port)
        r = c.request("GET", "/swap")
        if r is None or (r.header("Connection") or "").lower() == "close":
            c.close()   # MaxKeepAliveRequests reached: the next request opens another
            c = None
        if r is None:
            continue
        key = ("secret" if SECRET in r.body else "inside" if r.status == 200 and r.body == b"inside\n"
               else "refused" if r.status in (403, 404) else "other")
        seen[key] += 1
    if c is not None:
        c.close()
    stop.set()
    thread.join(5)
    t.ok(seen["secret"] == 0 and seen["other"] == 0 and seen["inside"] > 0,
         "a link swapped in and out under %d requests never serves its target (%s)"
         % (sum(seen.values()), seen))
    s.stop()

    with_server(t, "links-none", {"Options": "None"}, {
        "/page.txt": 200, "/link-in": 403, "/dir-link/inner.txt": 403, "/link-nobody": 403,
        "/link-out": 403}, "Options None").stop()
    with_server(t, "links-follow", {"Options": "FollowSymLinks"}, {
        "/link-in": 200, "/link-nobody": 200, "/link-out": 403, "/dir-out/secret.txt": 403,
        "/linked-index/": 403}, "Options FollowSymLinks").stop()
    out = with_server(t, "links-out", {"Options": "FollowSymLinks", "AllowSymLinksOutsideRoot": "On"}, {
        "/link-in": 200, "/link-nobody": 200}, "FollowSymLinks and AllowSymLinksOutsideRoot On")
    for path in ("/link-out", "/dir-out/secret.txt", "/linked-index/"):
        r = http_get(out.port, path)
        t.is_((r.status, r.body), (200, SECRET), "FollowSymLinks, AllowSymLinksOutsideRoot On: %s is served" % path)
    out.stop()
    owner = with_server(t, "links-owner-out", {"AllowSymLinksOutsideRoot": "On"}, {
        "/link-nobody": 403}, "SymLinksIfOwnerMatch and AllowSymLinksOutsideRoot On")
    r = http_get(owner.port, "/link-out")
    t.is_((r.status, r.body), (200, SECRET), "SymLinksIfOwnerMatch, outside allowed: a link of the target's owner")
    owner.stop()

    with_server(t, "dot-ht", {"DotFiles": "DenyHt"}, {
        "/.htpasswd": 403, "/.git/config": 200}, "DotFiles DenyHt").stop()
    with_server(t, "dot-allow", {"DotFiles": "Allow"}, {
        "/.htpasswd": 200, "/.git/config": 200}, "DotFiles Allow").stop()

    # TraceEnable On: the request head echoed as message/http; a body refused; Allow says so.
    tr = with_server(t, "trace", {"TraceEnable": "On"}, {"/page.txt": 200}, "TraceEnable On")
    r = http_request(tr.port, "TRACE", "/page.txt", headers={"X-Probe": "one"})
    t.is_(r.status, 200, "TRACE: 200")
    t.like(r.header("Content-Type") or "", r"^message/http$", "TRACE: message/http")
    t.like(r.body.decode("latin-1"), r"^TRACE /page\.txt HTTP/1\.1\r\n(.*\r\n)*X-Probe: one\r\n",
           "TRACE: the request line and fields come back")
    t.is_(http_request(tr.port, "TRACE", "/", body=b"abc").status, 413, "TRACE with a body: 413")
    r = http_request(tr.port, "DELETE", "/page.txt")
    t.is_((r.status, r.header("Allow")), (405, "GET, HEAD, OPTIONS, TRACE"), "Allow names TRACE when it is on")
    r = http_request(tr.port, "OPTIONS", "*")
    t.is_((r.status, r.header("Allow")), (200, "GET, HEAD, OPTIONS, TRACE"), "OPTIONS * names TRACE when it is on")
    tr.stop()

    # Config errors name file:line and what is allowed.
    bad = t.server(name="links-config")
    for line, pattern in (("Options = Indexes", r"\"Indexes\" is not an option mpmd knows \(allowed: FollowSymLinks, "
                                                 r"SymLinksIfOwnerMatch, None, ExecCGI\)"),
                          ("Options = FollowSymLinks None", r"give one of FollowSymLinks, SymLinksIfOwnerMatch and None"),
                          ("DotFiles = Maybe", r"Deny.*DenyHt.*Allow"),
                          ("TraceEnable = extended", r"On.*Off")):
        bad.expect_config_error(line, pattern)


Test().main(main)
