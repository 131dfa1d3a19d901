#!/usr/bin/env python3
# Access log: every LogFormat directive the contract lists, the common and combined
# nicknames, escaping of hostile bytes, exactly one line per request (keep-alive, pipelining,
# errors, across a graceful restart), and reopening on HUP and USR1 (rename, signal, new file).
import os
import re
import signal
import time

from mpmdtest import HttpConnection, LogFile, Test, http_get, http_request, wait_for

FIELDS = ["%h", "%l", "%u", "%t", "%r", "%>s", "%b", "%B", "%D", "%T", "%U", "%q", "%m", "%H",
          "%v", "%p", "%P", "%{User-Agent}i", "%{X-Missing}i"]
T_RE = r"^\[\d\d/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]$"


def main(t):
    s = t.server(name="access", conf={
        "server": {"ServerName": "itest.example"},
        "log": {"LogFormat": '"%s" pipes' % "|".join(FIELDS),
                "CustomLog": ["@DIR@/access_log pipes", "@DIR@/common_log common",
                              "@DIR@/combined_log combined"]}})
    s.start()
    port = s.port
    pipes, common, combined = (s.access_log, LogFile(s.path("common_log")),
                               LogFile(s.path("combined_log")))

    body = open(os.path.join(s.docroot, "hello.txt"), "rb").read()
    http_get(port, "/hello.txt?a=1&b=2", headers={"user-agent": "itest/1.0"})
    lines = wait_for(lambda: pipes.lines(), 3) or [""]
    f = lines[-1].split("|")
    t.is_(len(f), len(FIELDS), "one field per directive")
    f += [None] * len(FIELDS)
    v = dict(zip(FIELDS, f))
    t.is_(v["%h"], "127.0.0.1", "%h client address")
    t.is_((v["%l"], v["%u"]), ("-", "-"), "%l and %u are -")
    t.like(v["%t"], T_RE, "%t in [dd/Mon/yyyy:HH:MM:SS +zzzz] form")
    if v["%t"] and re.match(T_RE, v["%t"]):
        ts = time.mktime(time.strptime(v["%t"][1:-7], "%d/%b/%Y:%H:%M:%S"))
        t.cmp_ok(abs(ts - time.time()), "<", 10, "%t is now, in local time")
    t.is_(v["%r"], "GET /hello.txt?a=1&b=2 HTTP/1.1", "%r request line")
    t.is_(v["%>s"], "200", "%>s status")
    t.is_((v["%b"], v["%B"]), (str(len(body)), str(len(body))), "%b and %B body bytes")
    t.like(v["%D"], r"^\d+$", "%D microseconds")
    t.like(v["%T"], r"^\d+$", "%T seconds")
    t.is_(v["%U"], "/hello.txt", "%U path")
    t.is_(v["%q"], "?a=1&b=2", "%q query with ?")
    t.is_((v["%m"], v["%H"]), ("GET", "HTTP/1.1"), "%m method and %H protocol")
    t.is_(v["%v"], "itest.example", "%v ServerName")
    t.is_(v["%p"], str(port), "%p server port")
    t.ok(v["%P"] and v["%P"].isdigit() and int(v["%P"]) in s.children() + [s.master],
         "%P is a child's pid")
    t.is_(v["%{User-Agent}i"], "itest/1.0", "%{User-Agent}i (header names case-insensitive)")
    t.is_(v["%{X-Missing}i"], "-", "%{X-Missing}i of an absent header is -")

    http_request(port, "HEAD", "/nothing-here")
    lines = wait_for(lambda: len(pipes.lines()) >= 2 and pipes.lines(), 3) or [""]
    f = dict(zip(FIELDS, lines[-1].split("|")))
    t.is_((f.get("%>s"), f.get("%b"), f.get("%B"), f.get("%q")), ("404", "-", "0", ""),
          "HEAD 404: %b is -, %B is 0, %q empty")

    lines = wait_for(lambda: len(common.lines()) >= 2 and common.lines(), 3) or ["", ""]
    t.like(lines[0], r'^127\.0\.0\.1 - - \[[^]]+\] "GET /hello\.txt\?a=1&b=2 HTTP/1\.1" 200 %d$'
           % len(body), "common: Apache's definition")
    lines = wait_for(lambda: len(combined.lines()) >= 2 and combined.lines(), 3) or ["", ""]
    t.like(lines[0], r'^127\.0\.0\.1 - - \[[^]]+\] "GET /hello\.txt\?a=1&b=2 HTTP/1\.1" 200 %d '
           r'"-" "itest/1\.0"$' % len(body), "combined: common plus Referer and User-agent")

    # Hostile bytes cannot split or forge a line: quotes, backslashes and bytes outside
    # printable ASCII (obs-text, which HTTP allows in field values) are escaped like Apache.
    before = len(common.lines())
    http_get(port, "/hello.txt", headers={"User-Agent": 'a"b\\c\xe9d\xffe',
                                          "Referer": 'r" "forged'})
    lines = wait_for(lambda: len(combined.lines()) > before and combined.lines(), 3) or [""]
    t.ok(lines[-1].endswith(r'"r\" \"forged" "a\"b\\c\xe9d\xffe"'),
         "quotes, backslashes and non-ASCII bytes escaped (%r)" % lines[-1][-40:])

    # Exactly one line per request: keep-alive, pipelined, errors, a graceful restart.
    for log in (pipes, common, combined):
        wait_for(lambda: len(log.lines()) == before + 1, 3)
    start = {log.path: len(log.lines()) for log in (pipes, common, combined)}
    with HttpConnection(port) as c:
        for i in range(5):
            c.request("GET", "/hello.txt?ka=%d" % i)
        c.send(b"".join(c.request_bytes("GET", "/x%d" % i) for i in range(4)))
        for i in range(4):
            c.read_response()
        c.request("POST", "/hello.txt", headers={"Connection": "close"}, body=b"x=1")
    s.signal(signal.SIGUSR1)
    for i in range(10):
        try:
            http_get(port, "/hello.txt?after=%d" % i)
        except OSError as e:
            t.diag("request during USR1: %r" % e)
    n = 5 + 4 + 1 + 10
    for log in (pipes, common, combined):
        got = wait_for(lambda: len(log.lines()) - start[log.path] >= n
                       and len(log.lines()) - start[log.path], 5)
        extra = wait_for(lambda: len(log.lines()) - start[log.path] > n, 0.5)
        t.ok(got == n and not extra, "%s: exactly %d lines for %d requests (got %s)"
             % (os.path.basename(log.path), n, n, len(log.lines()) - start[log.path]))
    t.ok(all(len(l.split("|")) == len(FIELDS) for l in pipes.lines()), "every line is whole")

    # Reopen on HUP and USR1: rename the log, signal, new lines go to a new file.
    for sig in (signal.SIGHUP, signal.SIGUSR1):
        name = signal.Signals(sig).name
        rotated = s.path("access_log.%s" % name)
        os.rename(pipes.path, rotated)
        s.signal(sig)
        t.ok(wait_for(lambda: os.path.exists(pipes.path), 8, step=0.1),
             "%s: the access log is reopened under its name" % name)
        # Children of the old generation may still serve a request or two into the old file
        # while the restart settles; within a few seconds every new request lands in the new one.
        tries = [0]
        def lands_in_new_file():
            tries[0] += 1
            tag = "after-%s-%d" % (name, tries[0])
            try:
                http_get(port, "/hello.txt?" + tag)
            except OSError:
                return False
            return wait_for(lambda: pipes.grep(tag + " "), 1)
        t.ok(wait_for(lands_in_new_file, 8, step=0.2), "%s: new lines go to the new file" % name)
        old_size = os.path.getsize(rotated)
        http_get(port, "/hello.txt?later-%s" % name)
        wait_for(lambda: pipes.grep("later-%s" % name), 3)
        t.is_(os.path.getsize(rotated), old_size, "%s: the renamed file gets no more lines" % name)


Test().main(main)
