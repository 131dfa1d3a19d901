#!/usr/bin/env python3
# CGI (RFC 3875, mod_cgi's behaviour) on the MPM under test: ScriptAlias and Options ExecCGI
# with AddHandler; the environment a script gets and what it does not (the server's own
# environment, its descriptors, HTTP_PROXY); a POST body streamed in (chunked too); the
# script's Status, Location (internal and external) and body, answered whole or streamed
# chunked; stderr in the error log; a crashing script, a silent one (CGIScriptTimeout) and
# a stuck one the RequestTimeout watchdog ends, and their processes gone afterwards; a
# vhost's own ScriptAlias; HTTPS=on over TLS; LimitRequestBody; config errors.
import hashlib
import os
import pwd
import re
import select
import socket
import ssl
import time

from mpmdtest import HttpConnection, Test, TlsConnection, alive, http_get, http_request, run, wait_for
from mpmdtls import make_certificate

ENV_SH = """#!/bin/sh
printf 'Content-Type: text/plain\\n\\n'
env
"""

FDS_PY = """#!/usr/bin/python3
import os
fds = sorted(int(n) for n in os.listdir('/proc/self/fd'))
print('Content-Type: text/plain')
print()
for fd in fds:
    try:
        print(fd, os.readlink('/proc/self/fd/%d' % fd))
    except OSError:
        pass
"""

ECHO_PY = """#!/usr/bin/python3
import hashlib, os, sys
data = sys.stdin.buffer.read()
sys.stdout.write('Content-Type: text/plain\\n\\n')
sys.stdout.write('%d %s %s\\n' % (len(data), hashlib.sha256(data).hexdigest(), os.environ.get('CONTENT_LENGTH', '-')))
"""

# Its output cannot all be in before the server decides how to send it: after the first
# 150 kB it waits (20 s at most) for the file its query names, which the test writes only
# once the reply has begun, so it is streamed.
BIG_PY = """#!/usr/bin/python3
import os, sys, time
go = os.path.join("{dir}/pids", os.environ["QUERY_STRING"])
sys.stdout.write('Content-Type: application/octet-stream\\n\\n')
sys.stdout.flush()
for i in range(300):
    sys.stdout.write(('%07d' % i) * 128)
    sys.stdout.flush()
    deadline = time.monotonic() + 20
    while i == 150 and not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.05)
"""

# Answers before it reads its input, more than a pipe holds: the server must take its
# output while it is still giving it the body.
EARLY_PY = """#!/usr/bin/python3
import sys
sys.stdout.write('Content-Type: text/plain\\n\\n' + 'x' * 200000 + '\\n')
sys.stdout.flush()
data = sys.stdin.buffer.read()
sys.stdout.write('read %d\\n' % len(data))
"""

CRASH_SH = """#!/bin/sh
echo "about to crash" >&2
kill -SEGV $$
"""

STATUS_SH = """#!/bin/sh
printf 'Status: 404 Not Here\\nContent-Type: text/plain\\nX-From-Script: yes\\n\\nnothing here\\n'
"""

LOCAL_SH = """#!/bin/sh
printf 'Location: /hello.txt\\n\\n'
"""

EXTERNAL_SH = """#!/bin/sh
printf 'Location: http://example.org/elsewhere\\n\\n'
"""

BAD_SH = """#!/bin/sh
printf 'this is no header\\n\\n'
"""

SLEEPY_SH = """#!/bin/sh
echo $$ > "{dir}/pids/sleepy.pid"
exec sleep 60
"""

STUCK_SH = """#!/bin/sh
echo $$ > "{dir}/pids/stuck.pid"
printf 'Content-Type: text/plain\\n\\n'
while :; do printf x; sleep 0.5; done
"""


def env_of(body):
    return dict(line.split("=", 1) for line in body.decode().splitlines() if "=" in line)


def pid_gone(path):
    try:
        pid = int(open(path).read())
    except (OSError, ValueError):
        return False
    return not alive(pid)


def main(t):
    s = t.server(name="cgi", conf={
        "server": {"ScriptAlias": "/cgi-bin/ @DIR@/cgi-bin/",
                   "AddHandler": "cgi-script .cgi",
                   "CGIScriptTimeout": "2",
                   "RequestTimeout": "4",
                   "Timeout": "10"},
    }, allow_log=[r"AH01215", r"AH01220", r"AH02809", r"AH01241", r"AH02811", r"AH01216",
                  r"RequestTimeout", r"killed by signal 9", r"stuck"])
    scripts = {"env.sh": ENV_SH, "fds.py": FDS_PY, "echo.py": ECHO_PY, "big.py": BIG_PY.format(dir=s.dir),
               "crash.sh": CRASH_SH, "early.py": EARLY_PY, "status.sh": STATUS_SH, "local.sh": LOCAL_SH,
               "external.sh": EXTERNAL_SH, "bad.sh": BAD_SH,
               "sleepy.sh": SLEEPY_SH.format(dir=s.dir), "stuck.sh": STUCK_SH.format(dir=s.dir)}
    for name, text in scripts.items():
        s.write_file("cgi-bin/" + name, text, mode=0o755)
    s.write_file("cgi-bin/noexec.sh", ENV_SH, mode=0o644)
    os.makedirs(s.path("cgi-bin/sub"), exist_ok=True)
    os.chmod(s.path("cgi-bin/sub"), 0o755)
    os.makedirs(s.path("pids"))
    os.chown(s.path("pids"), pwd.getpwnam("nobody").pw_uid, -1)   # the scripts (as nobody) write here
    s.write_site({"hello.txt": "hello from a file\n"})
    s.write_file(os.path.join(s.docroot, "page.cgi"), ENV_SH, mode=0o755)
    s.start()
    port = s.port

    # -- the environment
    r = http_get(port, "/cgi-bin/env.sh/extra/path?a=1&b=two",
                 headers={"X-Custom": "custom value", "Proxy": "http://evil:8080/",
                          "X-Under_Score": "spoof", "Authorization": "Basic c2VjcmV0"})
    t.is_(r.status, 200, "a ScriptAlias script runs")
    env = env_of(r.body)
    expect = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/cgi-bin/env.sh",
              "PATH_INFO": "/extra/path", "QUERY_STRING": "a=1&b=two", "SERVER_PORT": str(port),
              "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "SERVER_ADDR": "127.0.0.1",
              "REQUEST_URI": "/cgi-bin/env.sh/extra/path?a=1&b=two", "HTTP_X_CUSTOM": "custom value",
              "SCRIPT_FILENAME": s.path("cgi-bin/env.sh"), "REQUEST_SCHEME": "http",
              "PATH_TRANSLATED": s.docroot + "/extra/path", "SERVER_NAME": "127.0.0.1",
              "DOCUMENT_ROOT": s.docroot, "CONTEXT_PREFIX": "/cgi-bin"}
    t.is_({k: env.get(k) for k in expect}, expect, "the CGI/1.1 variables have the request's values")
    t.ok(env.get("REMOTE_PORT", "").isdigit() and env.get("SERVER_SOFTWARE", "").startswith("mpmd"),
         "REMOTE_PORT and SERVER_SOFTWARE are set")
    t.ok("HTTP_PROXY" not in env and "HTTP_AUTHORIZATION" not in env and "HTTP_X_UNDER_SCORE" not in env,
         "no HTTP_PROXY (httpoxy), no Authorization, no field with '_' in its name")
    allowed = set(expect) | {"REMOTE_PORT", "SERVER_SOFTWARE", "PATH", "CONTEXT_DOCUMENT_ROOT", "PWD",
                             "HTTP_HOST", "HTTP_PROXY_IGNORED", "SHLVL", "_"}
    stray = sorted(k for k in env if k not in allowed and not k.startswith("HTTP_"))
    t.is_(stray, [], "nothing of the server's own environment reaches the script")
    t.is_(env.get("PWD"), s.path("cgi-bin"), "the script runs in its own directory")

    # -- descriptors: stdin, stdout, stderr (pipes) and the one listing them
    r = http_get(port, "/cgi-bin/fds.py")
    fds = dict(line.split(" ", 1) for line in r.body.decode().splitlines())
    t.is_(sorted(fds), ["0", "1", "2"], "the script holds only 0, 1 and 2 (its listing's own is closed by then)")
    t.ok(all(fds[n].startswith("pipe:") for n in ("0", "1", "2")), "0, 1 and 2 are pipes: %r" % fds)

    # -- a POST body, whole and chunked, larger than any pipe holds
    body = os.urandom(300000)
    r = http_request(port, "POST", "/cgi-bin/echo.py", body=body, headers={"Content-Type": "application/x-test"})
    t.is_((r.status, r.body.decode().split()),
          (200, [str(len(body)), hashlib.sha256(body).hexdigest(), str(len(body))]),
          "a 300 kB POST body reaches the script whole, with CONTENT_LENGTH")
    with HttpConnection(port) as c:
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 50000]), body[i:i + 50000])
                          for i in range(0, len(body), 50000)) + b"0\r\n\r\n"
        c.send(b"POST /cgi-bin/echo.py HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
        r = c.read_response()
        t.is_(r.body.decode().split(), [str(len(body)), hashlib.sha256(body).hexdigest(), "-"],
              "a chunked body reaches the script de-chunked, without CONTENT_LENGTH")
        r2 = c.request("GET", "/cgi-bin/status.sh")
        t.is_(r2.status, 404, "... and the connection goes on to the next request")

    r = http_request(port, "POST", "/cgi-bin/early.py", body=body, timeout=15)
    t.is_((r.status, r.body[:3], r.body.split(b"\n")[-2]), (200, b"xxx", b"read %d" % len(body)),
          "a script that writes 200 kB before it reads a 300 kB body gets it all")

    # -- what the script says
    r = http_get(port, "/cgi-bin/status.sh")
    t.is_((r.status, r.header("X-From-Script"), r.body), (404, "yes", b"nothing here\n"),
          "Status: 404 and the script's own fields and body")
    r = http_get(port, "/cgi-bin/local.sh")
    t.is_((r.status, r.body), (200, b"hello from a file\n"), "a local Location is followed inside the server")
    r = http_get(port, "/cgi-bin/external.sh")
    t.is_((r.status, r.header("Location")), (302, "http://example.org/elsewhere"),
          "any other Location is a 302")
    mark = s.mark()
    r = http_get(port, "/cgi-bin/bad.sh")
    t.is_(r.status, 500, "a malformed header answers 500")
    t.ok(wait_for(lambda: s.log_contains(r"AH01215: malformed header from script.*bad\.sh", since=mark), 5),
         "... and says so in the error log")
    r = http_request(port, "HEAD", "/cgi-bin/status.sh")
    t.is_((r.status, r.body), (404, b""), "HEAD: the script's status, no body")

    # -- streamed output
    expected = b"".join((b"%07d" % i) * 128 for i in range(300))

    def streamed(c, go, version="HTTP/1.1"):
        """GET big.py; once the reply has begun (the script is waiting), let it finish."""
        c.send(c.request_bytes("GET", "/cgi-bin/big.py?" + go, version))
        began = select.select([c.sock], [], [], 10)[0]
        s.write_file(s.path("pids/" + go), "")
        return began, c.read_response()

    with HttpConnection(port) as c:
        began, r = streamed(c, "go-1.1")
        t.is_((bool(began), r.header("Transfer-Encoding"), len(r.body), r.body == expected),
              (True, "chunked", len(expected), True),
              "a long output streams chunked over HTTP/1.1 (sent before it ends), every byte")
        r = c.request("GET", "/cgi-bin/status.sh")
        t.is_(r.status, 404, "... and the connection is kept alive after it")
    with HttpConnection(port) as c:
        began, r = streamed(c, "go-1.0", "HTTP/1.0")
        t.is_((r.header("Transfer-Encoding"), r.body == expected), (None, True),
              "over HTTP/1.0 it ends with the close")

    # -- failures
    mark = s.mark()
    r = http_get(port, "/cgi-bin/crash.sh")
    t.is_(r.status, 500, "a script that crashes before its header: 500")
    t.ok(wait_for(lambda: s.log_contains(r"\[cgi:error\].*AH01215: about to crash: .*crash\.sh", since=mark), 5),
         "its stderr line is in the error log with its name")
    t.ok(s.log_contains(r"End of script output before headers.*crash\.sh", since=mark), "... and why it failed")
    t.is_(http_get(port, "/cgi-bin/noexec.sh").status, 403, "a file the server may not execute: 403")
    t.is_(http_get(port, "/cgi-bin/missing.sh").status, 404, "a missing script: 404")
    t.is_(http_get(port, "/cgi-bin/sub/").status, 403, "a directory: 403")
    start = time.monotonic()
    r = http_get(port, "/cgi-bin/sleepy.sh", timeout=15)
    t.is_(r.status, 504, "a script silent past CGIScriptTimeout: 504")
    t.ok(wait_for(lambda: pid_gone(s.path("pids/sleepy.pid")), 5), "... and it is killed")
    t.cmp_ok(time.monotonic() - start, "<", 9, "... within the timeout, not the request's")

    # -- ExecCGI
    mark = s.mark()
    t.is_(http_get(port, "/page.cgi").status, 403, "a .cgi below DocumentRoot without Options ExecCGI: 403")
    t.ok(wait_for(lambda: s.log_contains(r"AH02809: Options ExecCGI is off", since=mark), 5), "... logged as AH02809")

    # -- the watchdog: a script that writes a byte now and then (so CGIScriptTimeout never
    # fires) holds its request past RequestTimeout; the master kills the child, and the
    # script dies with it (prefork: its parent-death signal; worker, event: the helper
    # sees its socket close, or dies itself)
    mark = s.mark()
    with HttpConnection(port, timeout=20) as c:
        c.send(c.request_bytes("GET", "/cgi-bin/stuck.sh"))
        t.ok(wait_for(lambda: os.path.exists(s.path("pids/stuck.pid")), 5), "a stuck script runs")
        t.ok(wait_for(lambda: s.log_contains(r"RequestTimeout", since=mark), 15),
             "the RequestTimeout watchdog ends its child")
        t.ok(wait_for(lambda: pid_gone(s.path("pids/stuck.pid")), 5), "... and the script goes with it")

    # -- LimitRequestBody (1 MiB by default): refused before the script runs
    mark = s.mark()
    r = http_request(port, "POST", "/cgi-bin/crash.sh", body=b"x" * (1048576 + 1))
    t.is_(r.status, 413, "a body over LimitRequestBody: 413")
    t.ok(not s.log_contains(r"crash\.sh", since=mark), "... and the script did not run")

    # -- ExecCGI with AddHandler; a vhost with a ScriptAlias of its own; HTTPS
    openssl = t.tool("openssl", "openssl")
    s2 = t.server(name="cgi-exec", ports=2, conf={
        "server": {"Listen": ["127.0.0.1:@PORT@", "127.0.0.1:@PORT2@ https"],
                   "SSLCertificateFile": "@DIR@/localhost.crt", "SSLCertificateKeyFile": "@DIR@/localhost.key",
                   "AddHandler": ["cgi-script .cgi", "cgi-script PY"],
                   "Options": "SymLinksIfOwnerMatch ExecCGI",
                   "LimitRequestBody": "0"},
        "vhost:default": {"ServerName": "localhost"},
        "vhost:tools": {"ServerName": "tools.example", "ScriptAlias": "/run/ @DIR@/tools-cgi/"}})
    make_certificate(openssl, s2.dir, "localhost")
    s2.write_file(os.path.join(s2.docroot, "page.cgi"), ENV_SH, mode=0o755)
    s2.write_file(os.path.join(s2.docroot, "echo.py"), ECHO_PY, mode=0o755)
    s2.write_file("tools-cgi/env.sh", ENV_SH, mode=0o755)
    s2.write_file(os.path.join(s2.docroot, "plain.txt"), "plain\n")
    s2.start()
    r = http_get(s2.port, "/page.cgi/more?x=y")
    env = env_of(r.body)
    t.is_((r.status, env.get("SCRIPT_NAME"), env.get("PATH_INFO"), env.get("QUERY_STRING")),
          (200, "/page.cgi", "/more", "x=y"), "with Options ExecCGI it runs, with its PATH_INFO")
    t.is_(http_get(s2.port, "/plain.txt").body, b"plain\n", "other files are still served as files")
    r = http_get(s2.port, "/run/env.sh", headers={"Host": "tools.example"})
    t.is_((r.status, env_of(r.body).get("SCRIPT_FILENAME")), (200, s2.path("tools-cgi/env.sh")),
          "a vhost's own ScriptAlias")
    t.is_(http_get(s2.port, "/run/env.sh", headers={"Host": "localhost"}).status, 404,
          "... which other hosts do not have")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with TlsConnection(s2.ports[1], ctx, server_hostname="localhost") as c:
        r = c.request("GET", "/page.cgi", headers={"Host": "localhost", "Connection": "close"})
    env = env_of(r.body)
    t.is_((r.status, env.get("HTTPS"), env.get("REQUEST_SCHEME"), env.get("SERVER_PORT")),
          (200, "on", "https", str(s2.ports[1])), "over TLS: HTTPS=on, REQUEST_SCHEME=https")
    rc, out, err = run([s2.daemon, "-l"])
    t.like(out, r"(?m)^\s*mod_cgi\.c$", "mpmd -l lists mod_cgi.c")
    body = os.urandom(3 * 1048576)
    r = http_request(s2.port, "POST", "/echo.py", body=body, timeout=20)
    t.is_((r.status, r.body.decode().split()[:2]), (200, [str(len(body)), hashlib.sha256(body).hexdigest()]),
          "LimitRequestBody 0: a 3 MiB body reaches a script (AddHandler's \"PY\" is .py)")
    s2.stop()

    # -- config errors name file:line and the fix
    for line, pattern in (("ScriptAlias = cgi-bin/ /tmp", r"must begin with '/'"),
                          ("ScriptAlias = /cgi-bin/ %s/nowhere" % s2.dir, r"nowhere"),
                          ("ScriptAlias = /cgi-bin/", r"ScriptAlias:"),
                          ("AddHandler = php-script .php", r"not a handler mpmd has \(allowed: cgi-script\)"),
                          ("CGIScriptTimeout = -1", r"out of range"),
                          ("LimitRequestBody = 3000000000", r"out of range"),
                          ("Options = ExecCGI Indexes", r"allowed: FollowSymLinks, SymLinksIfOwnerMatch, None, ExecCGI")):
        s2.expect_config_error(line, pattern)
    s.stop()


Test(timeout=120).main(main)
