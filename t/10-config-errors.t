#!/usr/bin/env python3
# Config errors: `mpmd -t` prints `Syntax OK` for a good file and for a bad one every error as
# FILE:LINE: [section] Key: problem, exit status 1; adjusted values give Apache's warnings; a
# port already in use makes the start fail naming the Listen line; keys are case-insensitive.
import os
import re
import socket

from mpmdtest import Test, http_get, line_of, run


def main(t):
    # The port-in-use start at the end provokes an [emerg] about bind(2) on purpose.
    s = t.server(name="config", allow_log=[r"(?i)in use|bind|listen"])
    good = s.config_text()
    conf = s.conf_path

    def check(text, *args):
        s.write_config(text)
        return run(s.command("-t", *args))

    rc, out, err = check(good)
    t.is_(rc, 0, "-t on a good config exits 0")
    t.like(out + err, r"Syntax OK", "-t on a good config prints Syntax OK")

    def expect_error(text, needle, pattern, desc):
        """pattern may use {loc} for the escaped 'FILE:LINE' of the line holding needle."""
        rc, out, err = check(text)
        loc = "%s:%d" % (conf, line_of(text, needle))
        t.is_(rc, 1, "%s: -t exits 1" % desc)
        t.like(out + err, pattern.replace("{loc}", loc.replace(".", r"\.")), desc)
        t.unlike(out + err, r"Syntax OK", "%s: no Syntax OK" % desc)
        return out + err

    add = lambda section, line: good.replace("[%s]\n" % section, "[%s]\n%s\n" % (section, line), 1)

    expect_error(good + "[bogus]\nFoo = 1\n", "[bogus]", r"{loc}:.*bogus",
                 "unknown section named with file:line")
    expect_error(add("server", "NoSuchKey = 1"), "NoSuchKey", r"{loc}: \[server\] NoSuchKey:",
                 "unknown key named with file:line and section")
    expect_error(add("server", "DocumentRot = /tmp"), "DocumentRot",
                 r"{loc}: \[server\] DocumentRot:.*DocumentRoot",
                 "unknown key suggests the close name")
    expect_error(add("mpm_prefork", "KeepAlive = On"), "KeepAlive = On",
                 r"{loc}: \[mpm_prefork\] KeepAlive:.*server",
                 "key in the wrong section names the right one")
    expect_error(good.replace("Timeout = 3", "Timeout = 3x"), "Timeout = 3x",
                 r"{loc}: \[server\] Timeout:", "bad number (trailing garbage)")
    expect_error(good.replace("Timeout = 3", "Timeout = abc"), "Timeout = abc",
                 r"{loc}: \[server\] Timeout:", "bad number (letters)")
    expect_error(good.replace("StartServers = 2", "StartServers = 99999999999999999999"),
                 "StartServers = 9", r"{loc}: \[mpm_prefork\] StartServers:", "number overflow")
    expect_error(good.replace("KeepAliveTimeout = 2", "KeepAliveTimeout = -5"),
                 "KeepAliveTimeout = -5", r"{loc}: \[server\] KeepAliveTimeout:",
                 "negative number out of range")
    expect_error(add("server", "KeepAlive = maybe"), "KeepAlive = maybe",
                 r"{loc}: \[server\] KeepAlive:.*On.*Off", "bad On/Off lists the choices")
    expect_error(add("server", "ServerTokens = Chatty"), "ServerTokens = Chatty",
                 r"{loc}: \[server\] ServerTokens:.*Prod.*Full|{loc}: \[server\] ServerTokens:.*Full.*Prod",
                 "bad enum value lists the allowed values")
    expect_error(good.replace("LogLevel = info", "LogLevel = loud"), "LogLevel = loud",
                 r"{loc}: \[log\] LogLevel:.*debug", "bad LogLevel lists the levels")
    expect_error(good.replace("Listen = 127.0.0.1:%d" % s.port, "Listen = 127.0.0.1:http"),
                 "Listen = ", r"{loc}: \[server\] Listen:", "malformed Listen")
    expect_error(good.replace("Listen = 127.0.0.1:%d" % s.port, "Listen = 127.0.0.1:70000"),
                 "Listen = ", r"{loc}: \[server\] Listen:", "Listen port out of range")
    text = good.replace("ServerName = localhost", "ServerName = localhost\nServerName = b.example")
    first, second = line_of(text, "ServerName = localhost"), line_of(text, "b.example")
    rc, out, err = check(text)
    t.is_(rc, 1, "a scalar key set twice: -t exits 1")
    dup = [l for l in (out + err).split("\n") if "[server] ServerName:" in l]
    if not t.ok(dup and "%s:%d:" % (conf, second) in dup[0]
                and re.search(r"\b%d\b" % first, dup[0].split(":", 2)[2]),
                "a scalar key set twice: the error is at the second line and names the first"):
        t.diag("    output: %r" % (out + err))
    text = good.replace("MinSpareServers = 1", "MinSpareServers = 6")
    expect_error(text, "MinSpareServers = 6", r"MinSpareServers.*MaxSpareServers",
                 "MinSpareServers > MaxSpareServers is an error")
    expect_error(good.replace(s.dir + "/htdocs", s.dir + "/no-such-dir"), "DocumentRoot",
                 r"{loc}: \[server\] DocumentRoot:.*no-such-dir.*(No such file|not found|exist)",
                 "missing DocumentRoot names the path and the reason")
    s.write_file("plain-file", "not a directory\n")
    expect_error(good.replace(s.dir + "/htdocs", s.dir + "/plain-file"), "DocumentRoot",
                 r"{loc}: \[server\] DocumentRoot:.*plain-file",
                 "DocumentRoot that is a regular file is an error")
    expect_error(good.replace("User = nobody", "User = no-such-user-mpmd"), "User = ",
                 r"{loc}: \[server\] User:.*no-such-user-mpmd", "unknown User")
    expect_error(good.replace("Group = nogroup", "Group = no-such-group-mpmd"), "Group = ",
                 r"{loc}: \[server\] Group:.*no-such-group-mpmd", "unknown Group")
    custom = [l for l in good.split("\n") if l.startswith("CustomLog")][0]
    expect_error(good.replace(custom, 'CustomLog = %s/x.log "%%h %%Z"' % s.dir), "x.log",
                 r"{loc}: \[log\] CustomLog:.*%Z", "unknown % directive in a log format")

    # Every error is reported, not just the first.
    text = good.replace("Timeout = 3", "Timeout = zz").replace(
        "StartServers = 2", "StartServers = yy") + "[nowhere]\n"
    rc, out, err = check(text)
    t.is_(rc, 1, "three errors: exit 1")
    for needle in ("Timeout = zz", "StartServers = yy", "[nowhere]"):
        t.like(out + err, r"%s:%d:" % (conf, line_of(text, needle)),
               "three errors: line of %r reported" % needle)

    # Missing config file.
    rc, out, err = run([s.command()[0], "-t", "-f", s.dir + "/absent.conf"])
    t.is_(rc, 1, "missing config file: exit 1")
    t.like(out + err, r"absent\.conf", "missing config file is named")

    # Adjusted values are warnings (the config stays valid).
    text = good.replace("MaxRequestWorkers = 10", "MaxRequestWorkers = 300")
    rc, out, err = check(text)
    t.is_(rc, 0, "MaxRequestWorkers above ServerLimit is not an error")
    t.like(out + err, r"MaxRequestWorkers of 300 exceeds ServerLimit value of 10",
           "Apache's warning for MaxRequestWorkers above ServerLimit")
    t.like(out + err, r"Syntax OK", "Syntax OK after a warning")

    # Keys and sections are case-insensitive: the lower-case file serves.
    lower = "\n".join(l if l.startswith("[") or "=" not in l else
                      l.split("=", 1)[0].lower() + "=" + l.split("=", 1)[1]
                      for l in good.split("\n")).replace("[server]", "[SERVER]")
    rc, out, err = check(lower)
    t.is_(rc, 0, "lower-case keys and an upper-case section pass -t")
    s.start()
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the lower-case config serves")
    s.stop()

    # A port already in use: start fails, exit non-zero, message names the Listen line.
    s.write_config(good)
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(("127.0.0.1", s.port))
    busy.listen(1)
    try:
        rc, out, err = run(s.command("-D", "FOREGROUND"), timeout=15)
        log = s.error_log.read()
        t.ok(rc not in (0, None), "start with the port in use exits non-zero (got %r)" % rc)
        t.like(out + err + log, r"%s:%d|Listen.*127\.0\.0\.1:%d" %
               (conf.replace(".", r"\."), line_of(good, "Listen ="), s.port),
               "the error names the Listen line")
        t.like(out + err + log, r"(?i)in use", "the error says the address is in use")
        t.ok(not os.path.exists(s.pid_path) or s.pid_from_file() is None,
             "no pid file left by the failed start")
    finally:
        busy.close()


Test().main(main)
