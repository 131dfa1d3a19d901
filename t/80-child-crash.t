#!/usr/bin/env python3
# Faults: a child that dies unexpectedly - SIGKILL from outside, or SIGSEGV/SIGABRT through the
# test daemons' /__fault/ hooks - idle or under a bounded load, is replaced at once (even
# when the MPM's idle-capacity policy would not start one), its scoreboard slot is cleared,
# and only requests on its own connections fail. One worker thread a child, so that a
# child's connections are exactly its one request in flight under every MPM.
# The hooks are in the test daemons only (src/mpmd has none), and work as well when the
# MPM comes from a shared object (t/mpmd-modular with LoadModule).
# Latencies are printed, never asserted: from the error log's own times (LogLevel debug
# logs each fork), the kill or the reap to the fork of the replacement.
import datetime
import json
import os
import re
import signal
import threading

from mpmconf import same_children
from mpmdtest import BUILDDIR, HttpConnection, Test, http_get, wait_for

CRASH_LINES = (r"killed by signal (6|9|11) \((Aborted|Killed|Segmentation fault)\)",)


def try_get(port, path, timeout=5.0):
    """The status of one request on a new connection, or None when the connection ended
    without a response."""
    try:
        with HttpConnection(port, timeout=timeout) as c:
            return c.request("GET", path, headers={"Connection": "close"}).status
    except (OSError, ValueError, AttributeError):
        return None


def status_pids(port):
    page = json.loads(http_get(port, "/server-status?json").body)
    return ({p["pid"] for p in page["processes"] if p.get("pid")},
            {w["pid"] for w in page["workers"] if w.get("pid")})


def replaced(s, gone, want):
    """Children once `gone` has left and `want` are running again (None until then)."""
    kids = s.children()
    return kids if gone not in kids and len(kids) >= want else None


def log_time(line):
    return datetime.datetime.strptime(line[1:line.index("]")], "%a %b %d %H:%M:%S.%f %Y")


def reaction(t, block, dead, what, killed_at=None):
    """Prints, from the error log, how soon after the death of `dead` (its reap line, and
    the kill when the test sent it) the master forked a replacement."""
    lines = block.lines()
    reaped = [i for i, l in enumerate(lines) if re.search(r"child pid %d \(slot " % dead, l)]
    forked = [l for l in lines[reaped[0] + 1:] if "started child pid" in l] if reaped else []
    if not forked:
        t.diag("%s (%s): no fork of a replacement in the log" % (what, t.mpm()))
        return
    text = "reap -> fork %.2f ms" % ((log_time(forked[0]) - log_time(lines[reaped[0]])).total_seconds() * 1000)
    if killed_at is not None:
        text = "kill -> fork %.2f ms, " % ((log_time(forked[0]) - killed_at).total_seconds() * 1000) + text
    t.diag("%s (%s): %s" % (what, t.mpm(), text))


def kill_and_wait(s, victim, want):
    killed_at = datetime.datetime.now()
    os.kill(victim, signal.SIGKILL)
    return wait_for(lambda: replaced(s, victim, want), 5), killed_at


class Load:
    """`clients` threads each doing `requests` sequential GETs, one connection each."""

    def __init__(self, port, clients=3, requests=60):
        self.port = port
        self.results = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(requests,)) for _ in range(clients)]
        for th in self.threads:
            th.start()

    def run(self, n):
        for i in range(n):
            status = try_get(self.port, "/__fault/sleep?ms=5")
            with self.lock:
                self.results.append(status)

    def join(self):
        for th in self.threads:
            th.join(60)
        return self.results


def main(t):
    s = t.server(name="crash", allow_log=CRASH_LINES,
                 conf=dict(same_children(start=3, min_spare=1, max_spare=5), log={"LogLevel": "debug"}))
    s.start()
    port = s.port
    kids = wait_for(lambda: len(s.children()) == 3 and s.children(), 5) or []
    t.is_(len(kids), 3, "3 children at start")

    # Idle, SIGKILL: two idle children are left, enough for the policy, yet it is replaced.
    block = s.mark()
    victim = kids[0]
    now, killed_at = kill_and_wait(s, victim, 3)
    t.ok(now, "an idle child killed with SIGKILL is replaced (%s -> %s)" % (kids, now))
    reaction(t, block, victim, "SIGKILL, idle", killed_at)
    t.ok(block.wait_for(r"child pid %d \(slot \d+, generation \d+, running\) killed by signal 9" % victim, 3),
         "its exit is logged with the signal")
    processes, workers = status_pids(port)
    t.ok(victim not in processes and victim not in workers,
         "its scoreboard slot is cleared: the status page no longer shows pid %d" % victim)

    # Idle, SIGSEGV from a handler (the request itself is the only casualty).
    for path, signo in (("/__fault/crash", 11), ("/__fault/abort", 6)):
        block = s.mark()
        before = s.children()
        t.is_(try_get(port, path), None, "%s: the client sees its connection end without a reply" % path)
        line = block.wait_for(r"killed by signal %d " % signo, 3)
        t.ok(line, "%s: the exit is logged with signal %d" % (path, signo))
        dead = int(line[0].split("child pid ")[1].split()[0]) if line else -1
        t.ok(dead in before, "%s: the child that died was one of ours (%d)" % (path, dead))
        t.ok(wait_for(lambda: replaced(s, dead, 3), 5), "%s: it is replaced (%s)" % (path, s.children()))
        reaction(t, block, dead, "%s, idle" % path)
        t.is_(http_get(port, "/hello.txt").status, 200, "%s: serving goes on" % path)

    # Under a bounded load: a crash costs the crash request and nothing else.
    load = Load(port)
    wait_for(lambda: len(load.results) >= 3, 5)
    block = s.mark()
    before = s.children()
    t.is_(try_get(port, "/__fault/crash"), None, "under load: the crashing request gets no reply")
    line = block.wait_for(r"killed by signal 11 ", 3)
    dead = int(line[0].split("child pid ")[1].split()[0]) if line else -1
    now = wait_for(lambda: replaced(s, dead, 3), 5)
    t.ok(now, "under load: the crashed child is replaced (%s -> %s)" % (before, now))
    reaction(t, block, dead, "/__fault/crash, under load")
    results = load.join()
    failed = [r for r in results if r != 200]
    t.is_(len(results), 180, "the load ran to its end")
    t.is_(failed, [], "under load: every other request succeeded (%d of %d)" % (len(results) - len(failed),
                                                                            len(results)))

    # Under load, SIGKILL from outside on a busy child: its one connection fails at most.
    load = Load(port, clients=3, requests=40)
    victim = None
    busy = wait_for(lambda: [k for k in s.children()
                             if k in {w["pid"] for w in json.loads(http_get(port, "/server-status?json").body)["workers"]
                                      if w.get("status") == "W" and "sleep" in (w.get("request") or "")}], 5)
    if busy:
        victim = busy[0]
        block = s.mark()
        now, killed_at = kill_and_wait(s, victim, 3)
        t.ok(now, "a busy child killed with SIGKILL is replaced")
        reaction(t, block, victim, "SIGKILL, busy under load", killed_at)
    else:
        t.ok(False, "a child busy with the load is found")
    results = load.join()
    failed = [r for r in results if r != 200]
    t.cmp_ok(len(failed), "<=", 1, "only the killed child's one connection may fail (%d of %d failed)"
             % (len(failed), len(results)))
    t.is_(http_get(port, "/hello.txt").status, 200, "serves after the faults")
    s.stop()

    installed = os.path.join(BUILDDIR, "src", "mpmd")
    if os.path.exists(installed):
        with open(installed, "rb") as f:
            t.ok(b"/__fault/" not in f.read(), "src/mpmd carries no fault hooks")

    # The MPM loaded from a shared object: the hooks live in the daemon, so they work too.
    module = os.path.join(os.environ.get("MPMD_MODULES", os.path.join(BUILDDIR, "src", "mpm", ".libs")),
                          "mod_mpm_%s.so" % t.mpm())
    modular = os.path.join(BUILDDIR, "t", "mpmd-modular")
    if not (os.path.exists(module) and os.access(modular, os.X_OK)):
        t.skip("the hooks work in t/mpmd-modular", "%s or %s is not built" % (modular, module))
        return
    m = t.server(name="crash-modular", allow_log=CRASH_LINES, daemon=modular,
                 conf=dict(same_children(start=2, min_spare=1, max_spare=4),
                           modules={"LoadModule": "mpm_%s_module %s" % (t.mpm(), module)}))
    m.start()
    block = m.mark()
    t.is_(try_get(m.port, "/__fault/crash"), None, "t/mpmd-modular: /__fault/crash ends the connection")
    line = block.wait_for(r"killed by signal 11 ", 3)
    dead = int(line[0].split("child pid ")[1].split()[0]) if line else -1
    t.ok(line and wait_for(lambda: replaced(m, dead, 2), 5), "t/mpmd-modular: the child crashed and was replaced")


Test().main(main)
