#!/usr/bin/env python3
# Name-based virtual hosts ([vhost:NAME] sections), as an Apache administrator expects them:
#   - a request is served from the DocumentRoot of the vhost whose ServerName or ServerAlias
#     (with * and ? patterns) its Host names, compared without regard to case and without the
#     port or a trailing dot; an absolute-form target's host wins over Host;
#   - a Host no vhost names, and an HTTP/1.0 request without Host, go to the first vhost;
#   - what a vhost leaves unset is the server's (DirectoryIndex), what it sets is its own
#     (DotFiles);
#   - the access log's %v and the status page's VHost column name the vhost's ServerName; a
#     vhost with its own CustomLog logs there alone, one without to the server's logs; a
#     vhost's own ErrorLog gets its requests' errors;
#   - mpmd -S prints the map as apache2ctl -S does; a restart with a changed map takes it;
#   - errors in the sections name file:line, and mpmd -t fails on them.
import json
import re
import signal

from mpmdtest import LogFile, Test, http_get, http_raw, run, wait_for


def body_of(port, host, path="/", **kw):
    r = http_get(port, path, headers={"Host": host}, **kw)
    return r.status, r.body.decode(errors="replace")


def main(t):
    site = {"index.html": "main\n"}
    s = t.server(name="vhosts", site=site, conf={
        "server": {"DotFiles": "Allow", "DirectoryIndex": "index.html"},
        "log": {"CustomLog": "@DIR@/access_log \"%v %h \\\"%r\\\" %>s\""},
        "vhost:www": {"ServerName": "www.example.com", "ServerAlias": ["example.com", "*.example.org"],
                      "DocumentRoot": "@DIR@/www"},
        "vhost:shop": {"ServerName": "Shop.Example.COM:8080", "ServerAlias": "shop-? shop.example.net",
                       "DocumentRoot": "@DIR@/shop", "DotFiles": "Deny",
                       "CustomLog": "@DIR@/shop_log \"shop %v \\\"%r\\\" %>s\"",
                       "ErrorLog": "@DIR@/shop_error_log"},
    })
    s.write_site({"index.html": "www home\n", ".hidden": "www dotfile\n"}, root=s.path("www"))
    s.write_site({"index.html": "shop home\n", ".hidden": "shop dotfile\n", "item.txt": "item\n"},
                 root=s.path("shop"))
    s.start()
    port = s.port

    t.is_(body_of(port, "www.example.com"), (200, "www home\n"), "Host www.example.com: www's DocumentRoot")
    t.is_(body_of(port, "shop.example.com"), (200, "shop home\n"), "Host shop.example.com: shop's")
    t.is_(body_of(port, "SHOP.example.com:%d" % port), (200, "shop home\n"),
          "... matched without regard to case, and without the port")
    t.is_(body_of(port, "shop.example.com."), (200, "shop home\n"), "... and without a trailing dot")
    t.is_(body_of(port, "example.com"), (200, "www home\n"), "ServerAlias example.com: www")
    t.is_(body_of(port, "deep.sub.example.org"), (200, "www home\n"), "ServerAlias *.example.org: www")
    t.is_(body_of(port, "shop-7"), (200, "shop home\n"), "ServerAlias shop-?: shop")
    t.is_(body_of(port, "shop.example.net"), (200, "shop home\n"), "a second alias on the same line")
    t.is_(body_of(port, "shop-77"), (200, "www home\n"), "? matches one character only: the default vhost")
    t.is_(body_of(port, "unknown.example"), (200, "www home\n"), "a Host no vhost names: the first vhost")
    t.is_(body_of(port, "127.0.0.1:%d" % port), (200, "www home\n"), "an address as Host: the first vhost")
    r = http_raw(port, b"GET / HTTP/1.0\r\n\r\n")
    t.is_(r and (r.status, r.body), (200, b"www home\n"), "HTTP/1.0 without Host: the first vhost")
    r = http_raw(port, b"GET http://shop.example.com/item.txt HTTP/1.1\r\nHost: www.example.com\r\n"
                       b"Connection: close\r\n\r\n")
    t.is_(r and (r.status, r.body), (200, b"item\n"), "an absolute-form target's host wins over Host")
    t.is_(body_of(port, "shop.example.com", "/item.txt"), (200, "item\n"), "a file of shop's")
    t.is_(body_of(port, "www.example.com", "/item.txt")[0], 404, "... is not www's")
    t.is_(body_of(port, "www.example.com", "/.hidden"), (200, "www dotfile\n"),
          "www leaves DotFiles unset: the server's Allow")
    t.is_(body_of(port, "shop.example.com", "/.hidden")[0], 403, "shop sets DotFiles Deny: 403")
    shop_errors = LogFile(s.path("shop_error_log"))
    t.ok(wait_for(lambda: shop_errors.grep(r"\[core:error\] .*\[client 127\.0\.0\.1:\d+\] client denied by server "
                                           r"configuration: .*shop/\.hidden"), 5),
         "shop's own ErrorLog has the refusal of its request")
    t.ok(not s.error_log.grep(r"client denied by server configuration: .*shop/\.hidden"),
         "... and the server's error log does not")

    # A request is logged once its reply has gone: wait for the last ones' lines.
    def shop_lines():
        with open(s.path("shop_log")) as f:
            return f.read().splitlines()
    wait_for(lambda: len(shop_lines()) >= 8 and s.access_log.grep(r"GET /\.hidden"), 5)
    lines = s.access_log.lines()
    t.ok(any(l.startswith("www.example.com 127.0.0.1 \"GET /item.txt") for l in lines),
         "%v logs the vhost's ServerName")
    t.ok(any(l.startswith("www.example.com 127.0.0.1 \"GET / HTTP/1.0") for l in lines),
         "... the default vhost's for a request without Host")
    t.is_([l for l in lines if "shop" in l.split(" ")[0].lower()], [],
          "no request of shop, which has its own CustomLog, is in the server's access log")
    shop = shop_lines()
    t.ok("shop Shop.Example.COM \"GET /item.txt HTTP/1.1\" 200" in shop,
         "shop's CustomLog has its requests, %%v without the port (%s)" % (shop[:3],))
    t.is_(len(shop), 8, "... all 8 of them, and no other vhost's")

    # The status page's VHost column: the record of the request itself names its vhost.
    r = http_get(port, "/server-status?json", headers={"Host": "shop.example.com"})
    workers = json.loads(r.body).get("workers", []) if r.status == 200 else []
    t.ok(any(w.get("vhost", "").lower() == "shop.example.com" and "server-status" in w.get("request", "")
             for w in workers), "the status page's VHost column names the vhost")

    status, out, err = run(s.command("-S"))
    t.is_(status, 0, "mpmd -S exits 0")
    conf_line = lambda name: next(i for i, l in enumerate(open(s.conf_path), 1) if l.strip() == "[vhost:%s]" % name)
    t.like(out, r"^VirtualHost configuration:\n127\.0\.0\.1:%d\s+is a NameVirtualHost\n" % port,
           "mpmd -S: the listener, a NameVirtualHost")
    t.like(out, r"\n\s+default server www\.example\.com \(%s:%d\)\n" % (re.escape(s.conf_path), conf_line("www")),
           "... its default server, with file:line")
    t.like(out, r"\n\s+port %d namevhost Shop\.Example\.COM \(%s:%d\)\n\s+wild alias shop-\?\n\s+alias shop\.example\.net\n"
           % (port, re.escape(s.conf_path), conf_line("shop")), "... each vhost with its aliases")
    t.like(out, r"\nMain DocumentRoot: \"%s\"\n" % re.escape(s.docroot), "... and the run settings")

    # A restart takes a new map: a third vhost, first in the file, becomes the default.
    s.write_site({"index.html": "blog home\n"}, root=s.path("blog"))
    conf = s.config_text().replace("[vhost:www]", "[vhost:blog]\nServerName = blog.example.com\n"
                                   "DocumentRoot = %s\n[vhost:www]" % s.path("blog"), 1)
    s.write_config(conf)
    s.signal(signal.SIGHUP)
    t.ok(wait_for(lambda: body_of(port, "blog.example.com") == (200, "blog home\n"), 10),
         "SIGHUP: after the restart the new vhost answers")
    t.is_(body_of(port, "nobody.example"), (200, "blog home\n"), "... and, first in the file, is the default")

    # Errors name file:line; mpmd -t fails on them.
    bad = s.config_text() + "[vhost:broken]\nServerName = broken.example\nTimeout = 5\n" \
                            "DocumentRoot = %s\n[vhost]\n" % s.path("missing")
    s.write_file("bad.conf", bad)
    lines_of = bad.split("\n")
    first = next(i for i, l in enumerate(lines_of, 1) if l == "[vhost:broken]")
    status, out, err = run([s.daemon, "-t", "-f", s.path("bad.conf")])
    t.ok(status != 0, "mpmd -t fails on a broken vhost section")
    t.like(err, r"bad\.conf:%d: \[vhost:broken\] Timeout: is not set per virtual host: set it in \[server\]"
           % (first + 2), "... a directive a vhost cannot set, at its line")
    t.like(err, r"bad\.conf:%d: \[vhost:broken\] DocumentRoot: .*missing: No such file or directory" % (first + 3),
           "... a missing DocumentRoot, at its line")
    t.like(err, r"bad\.conf:%d: \[vhost\]: a virtual host's section needs its name" % (first + 4),
           "... a section without a name, at its line")
    s.stop()


Test().main(main)
