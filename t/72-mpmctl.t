#!/usr/bin/env python3
# mpmctl: status reads the scoreboard from shared memory (ScoreBoardFile, mode 0600) and
# shows true figures; configtest, graceful and stop run mpmd and pass its status through;
# the segment goes when the master exits; with no server every command fails and says why.
import os
import re
import shutil
import stat

from mpmdtest import BUILDDIR, MPMD, Test, alive, http_get, run, wait_for

MPMCTL = os.path.join(BUILDDIR, "src", "mpmctl")


def field(text, pattern):
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else None


def main(t):
    segment = "/mpmd-t72-%d" % os.getpid()
    s = t.server(name="mpmctl", conf={"status": {"ScoreBoardFile": segment}})
    s.start()
    env = dict(os.environ, MPMD=MPMD)

    def ctl(*args):
        return run([MPMCTL] + list(args) + ["-f", s.conf_path], env=env)

    shm = "/dev/shm" + segment
    st = os.stat(shm) if os.path.exists(shm) else None
    t.ok(st is not None, "the master created %s" % shm)
    t.is_(st and oct(stat.S_IMODE(st.st_mode)), oct(0o600), "mode 0600")
    t.is_(st and st.st_uid, os.geteuid(), "owned by the user who started mpmd")

    rc, out, err = ctl("status")
    t.is_(rc, 0, "mpmctl status exits 0")
    t.like(out, r"(?m)^Server Version: mpmd/\d+\.\d+\.\d+ \(Unix\)$", "it names the version")
    t.is_(field(out, r"^Server MPM: (\S+)$"), t.mpm(), "and the MPM under test")
    t.like(out, r"(?m)^Scoreboard: [_SRWKDCLGI.]+$", "and the scoreboard line")
    t.like(out, r"(?m)^Server uptime: ", "and the uptime")
    before = int(field(out, r"^Total accesses: (\d+) ") or -1)

    for _ in range(7):
        http_get(s.port, "/hello.txt")
    rc, out, err = ctl("status")
    after = int(field(out, r"^Total accesses: (\d+) ") or -1)
    t.is_(after - before, 7, "7 requests add exactly 7 accesses (mpmctl itself makes none)")
    pids = [int(p) for p in re.findall(r"(?m)^\d+\s+(\d+)\s+\d+\s+(?:no|yes)\s", out)]
    kids = s.children()
    t.ok(pids and set(pids) <= set(kids) | set(s.seen_pids), "the process table lists the children (%s)" % pids)
    t.like(out, r"(?m)^\d+ requests currently being processed, \d+ workers gracefully restarting, "
           r"\d+ idle workers$", "busy, graceful and idle workers")

    # Not root: the 0600 segment is closed to another user (the config file is readable).
    if os.geteuid() == 0 and shutil.which("setpriv"):
        os.chmod(s.conf_path, 0o644)
        rc, out, err = run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            MPMCTL, "status", "-f", s.conf_path], env=env)
        t.is_(rc, 1, "status as another user exits 1")
        t.like(err, r"permission denied", "and says the segment is not readable")
    else:
        t.skip("status as another user is refused", "needs root and setpriv")
        t.skip("and says why", "needs root and setpriv")

    rc, out, err = ctl("configtest")
    t.is_(rc, 0, "configtest exits 0 on a good config")
    t.like(out + err, r"Syntax OK", "and says Syntax OK")
    broken = s.path("broken.conf")
    with open(broken, "w") as f:
        f.write("[server]\nTimeout = soon\n")
    rc, out, err = run([MPMCTL, "configtest", "-f", broken], env=env)
    t.is_(rc, 1, "configtest passes mpmd -t's failure through")
    t.like(err, r"broken\.conf:2: \[server\] Timeout", "with mpmd's file:line error")

    old = s.children()
    rc, out, err = ctl("graceful")
    t.is_(rc, 0, "mpmctl graceful exits 0")
    t.ok(wait_for(lambda: int(field(ctl("status")[1], r"^Parent Server MPM Generation: (\d+)$") or 0) >= 1, 8),
         "the scoreboard shows the new generation")
    t.ok(wait_for(lambda: not any(alive(p) for p in old), 8), "the old children leave")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "still serving")

    # upgrade is mpmd -k upgrade: a new master from the binary, the old one leaves, the
    # totals carry over into the new scoreboard.
    old_master = s.master
    counted = int(field(ctl("status")[1], r"^Total accesses: (\d+) ") or -1)
    rc, out, err = ctl("upgrade")
    t.is_(rc, 0, "mpmctl upgrade exits 0 (%s)" % (out + err).strip())
    new = wait_for(lambda: (lambda p: p if p and p != old_master and alive(p) else None)(s.pid_from_file()), 10)
    t.ok(new, "the pid file names a new master (%s, was %d)" % (new, old_master))
    t.ok(wait_for(lambda: not alive(old_master), 15), "the old master exits")
    if s.proc is not None and s.proc.pid == old_master:
        s.proc.wait(5)
    if new:
        s.master = new
        s.seen_pids.add(new)
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the new master serves")
    upgraded = wait_for(lambda: int(field(ctl("status")[1], r"^Total accesses: (\d+) ") or -1) > counted, 5)
    t.ok(upgraded, "mpmctl status reads the new master's scoreboard, totals carried (%d before)" % counted)

    master = s.master
    rc, out, err = ctl("stop")
    t.is_(rc, 0, "mpmctl stop exits 0")
    t.ok(wait_for(lambda: not alive(master), 10), "the master exits")
    t.ok(wait_for(lambda: not os.path.exists(shm), 5), "the segment is removed when the master exits")

    rc, out, err = ctl("status")
    t.is_(rc, 1, "status with no server exits 1")
    t.like(err, r"no scoreboard %s" % re.escape(segment), "and says there is no scoreboard")
    rc, out, err = ctl("top")
    t.is_(rc, 1, "top with no server exits 1")
    rc, out, err = ctl("stop")
    t.is_(rc, 1, "stop with no server passes mpmd's failure through")
    t.ok(err.strip() != "", "and says why")
    rc, out, err = run([MPMCTL, "frobnicate"], env=env)
    t.is_(rc, 1, "an unknown command exits 1")
    t.like(err, r"Usage: mpmctl", "with the usage")

    # A stale segment (its master killed) is replaced at the next start.
    s.start()
    stale_master = s.master
    s.kill_all()
    t.ok(os.path.exists(shm), "SIGKILL leaves the segment behind")
    rc, out, err = ctl("status")
    t.like(err, r"stale", "status says a segment whose master is gone is stale")
    s.start()
    rc, out, err = ctl("status")
    t.is_(rc, 0, "a new master replaces the stale segment (%s)" % err.strip())
    t.ok(s.master != stale_master, "and status reads the new one")


Test().main(main)
