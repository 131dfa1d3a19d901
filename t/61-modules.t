#!/usr/bin/env python3
# Handler modules (module_api.h) on the MPM under test: the example mod_echo loaded by
# LoadModule answers /echo before the built-in modules, every hook runs (post_config at
# start and at a restart, child_init in each child, log_transaction after each request it
# answered), the built-in status page and static files still answer the rest, mpmd -M lists
# what is loaded, and LoadModule refuses, at its line, a module built for another API
# version, a missing name, a module loaded twice and a built-in one.
import os
import re
import signal

from mpmdtest import BUILDDIR, Test, http_get, http_request, line_of, run, wait_for

ECHO = os.path.join(BUILDDIR, "src", "modules", ".libs", "mod_echo.so")
ECHO_V0 = os.path.join(BUILDDIR, "src", "modules", ".libs", "mod_echo_v0.so")


def fields(body):
    return [tuple(line.split(": ", 1)) for line in body.decode().splitlines()]


def main(t):
    s = t.server(name="modules", conf={"modules": {"LoadModule": "echo_module %s" % ECHO}},
                 site={"index.html": "the site\n"})
    s.start()
    port = s.port

    r = http_get(port, "/echo/some/where?x=1", headers={"X-Test": "hello"})
    got = dict(fields(r.body)[:9])
    t.is_((r.status, r.header("Content-Type")), (200, "text/plain; charset=utf-8"), "echo_module answers /echo/...")
    t.is_({k: got.get(k) for k in ("method", "target", "path", "query", "configurations")},
          {"method": "GET", "target": "/echo/some/where?x=1", "path": "/echo/some/where", "query": "?x=1",
           "configurations": "1"},
          "... with the request as mpmd read it, and post_config ran once")
    t.ok(("field", "X-Test: hello") in fields(r.body), "... and its header fields")
    child = int(got.get("child", "0"))
    t.ok(child in s.children(), "child_init ran in the child that answered (pid %d)" % child)
    t.ok(wait_for(lambda: s.log_contains(r"echo_module: child_init in pid %d" % child), 5),
         "... and logged it")
    t.ok(wait_for(lambda: s.log_contains(r"echo_module: logged GET /echo/some/where\?x=1 200 \(\d+ bytes\)"), 5),
         "log_transaction ran after the reply")

    r = http_request(port, "POST", "/echo", body=b"x")
    t.is_((r.status, r.header("Allow")), (405, "GET, HEAD"), "its own 405 for POST")
    t.is_(http_get(port, "/").body, b"the site\n", "static_module answers what echo_module declines")
    t.is_(http_get(port, "/echoes").status, 404, "... /echoes is not /echo")
    r = http_get(port, "/server-status?auto")
    t.like(r.body.decode(), r"Total Accesses: \d+", "status_module still answers its location")

    rc, out, err = run(s.command("-M"))
    t.is_(rc, 0, "mpmd -M exits 0")
    t.like(out, r"(?m)^ echo_module \(shared\)$", "mpmd -M lists echo_module (shared)")
    t.like(out, r"(?m)^ status_module \(static\)$\n^ static_module \(static\)$", "... and the built-in handlers (static)")

    # post_config runs again at a restart (the children of the new generation say 2).
    s.signal(signal.SIGUSR1)
    t.ok(wait_for(lambda: dict(fields(http_get(port, "/echo").body)).get("configurations") == "2", 15),
         "after a graceful restart post_config has run twice")
    s.stop()

    # LoadModule's refusals, each at its line.
    bad = t.server(name="modules-bad")
    for lines, pattern, desc in (
            (["echo_module %s" % ECHO_V0],
             r"mod_echo_v0\.so was built for module API version 0, and this mpmd has version 1: rebuild",
             "a module built for another API version"),
            (["nosuch_module %s" % ECHO], r"holds no module named nosuch_module", "a name the file does not hold"),
            (["echo_module %s/missing.so" % bad.dir], r"cannot load echo_module: .*missing\.so", "a missing file"),
            (["echo_module %s" % ECHO, "echo_module %s" % ECHO], r"echo_module is loaded already",
             "a module loaded twice"),
            (["static_module %s" % ECHO], r"static_module is loaded already \(built in", "a built-in module's name")):
        bad.set("modules", {"LoadModule": lines})
        bad.write_config()
        text = bad.config_text()
        line = len(text[:text.rindex("LoadModule")].split("\n"))
        rc, out, err = run(bad.command("-t"))
        t.ok(rc == 1 and re.search(r"%s:%d: \[modules\] LoadModule: .*%s" % (re.escape(bad.conf_path), line, pattern),
                                   out + err),
             "%s: -t refuses it at its line (%s)" % (desc, (out + err).strip().replace("\n", " | ")[:200]))


Test(timeout=90).main(main)
