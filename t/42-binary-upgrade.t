#!/usr/bin/env python3
# Binary upgrade (USR2, nginx's way): the master runs the binary now installed at the path it
# was started as, handing it the listening sockets; the new master starts its children, then
# the old one stops gracefully. Under ab load (with and without keep-alive) no request fails,
# every request answered has one access-log line, the pid file names the new master and the
# scoreboard totals go on from the old ones. When the new binary cannot start (it exits 1, or
# the config is broken), the old master says why, gets its pid file back and keeps serving.
import json
import os
import re
import shutil
import signal
import subprocess
import time

from mpmdtest import BUILDDIR, MPMD, Test, alive, children_of, http_get, run, wait_for

MPMCTL = os.path.join(BUILDDIR, "src", "mpmctl")
REQUESTS = 20000
CONCURRENCY = 20


def status(port):
    return json.loads(http_get(port, "/server-status?json").body)["server"]


def open_files(pid):
    """What each descriptor of pid above 2 points at (sockets and pipes by type only)."""
    out = []
    for fd in [fd for fd in os.listdir("/proc/%d/fd" % pid) if int(fd) > 2]:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        out.append(re.sub(r"\[\d+\]$", "", target))
    return sorted(out)


def ab_figures(text):
    def figure(name):
        m = re.search(r"(?m)^%s:\s+(\d+)" % re.escape(name), text)
        return int(m.group(1)) if m else 0
    return {"complete": figure("Complete requests"), "failed": figure("Failed requests"),
            "non2xx": figure("Non-2xx responses"), "keepalive": figure("Keep-Alive requests")}


def upgrade_under_load(t, s, keepalive, how):
    """Runs ab against s while upgrading it (`how`: 'signal' or '-k'); returns the new master.
    ('-k' is slower to act under load: the command reads /proc/net/tcp first.)"""
    label = "ab %s" % ("-k" if keepalive else "without -k")
    old = s.master
    log_mark = len(s.access_log.lines())
    first = status(s.port)
    before = first["total_accesses"]
    ab = subprocess.Popen(["ab"] + (["-k"] if keepalive else []) +
                          ["-n", str(REQUESTS), "-c", str(CONCURRENCY), "-s", "10",
                           "http://127.0.0.1:%d/ab.txt" % s.port],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Upgrade once the load is under way.
    wait_for(lambda: len([l for l in s.access_log.lines()[log_mark:] if "GET /ab.txt" in l]) >= 500
             or ab.poll() is not None, 20)
    sent = time.monotonic()
    old_children = set(s.children())
    old_files = open_files(old)
    block = s.mark()
    if how == "signal":
        s.signal(signal.SIGUSR2)
    else:
        rc, out, err = run(s.command("-k", "upgrade"))
        t.is_(rc, 0, "%s: mpmd -k upgrade exits 0 (%s)" % (label, (out + err).strip()))
    new = wait_for(lambda: (lambda p: p if p and p != old and alive(p) else None)(s.pid_from_file()), 10)
    t.ok(new, "%s: the pid file names a new master (%s, was %d)" % (label, new, old))
    t.ok(block.wait_for(r"binary upgrade: took over from pid %d" % old, 10),
         "%s: the new master logs that it took over" % label)
    during_load = ab.poll() is None
    t.diag("%s: took over %.0f ms after USR2, %s" % (label, 1000 * (time.monotonic() - sent),
                                                     "ab still running" if during_load else "after ab finished"))
    new_children = set(children_of(new)) if new else set()
    t.ok(wait_for(lambda: not alive(old), 15), "%s: the old master %d exits" % (label, old))
    if s.proc is not None and s.proc.pid == old:
        t.is_(s.proc.wait(5), 0, "%s: the old master exits with status 0" % label)
    if new:
        s.master = new
        s.seen_pids.add(new)
    t.ok(not os.path.exists(s.pid_path + ".oldbin"), "%s: PidFile.oldbin is removed" % label)
    if new:
        t.is_(open_files(new), old_files, "%s: the new master holds the same descriptors as the old one "
              "(nothing else crossed the exec)" % label)
    try:
        out, _ = ab.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        ab.kill()
        out, _ = ab.communicate()
    out = out.decode(errors="replace")
    f = ab_figures(out)
    t.diag("%s (%s): %s" % (label, how, f))
    t.is_(ab.returncode, 0, "%s: ab finishes" % label)
    t.is_(f["complete"], REQUESTS, "%s: %d requests complete" % (label, REQUESTS))
    t.is_((f["failed"], f["non2xx"]), (0, 0), "%s: no failed request, no non-2xx response" % label)
    if f["failed"] or ab.returncode:
        t.diag(out[-2000:])
    # A request's line is written just after its reply has gone, so ab can have the last
    # answers before their lines are in the file (a window ThreadSanitizer widens).
    def ab_lines_now():
        return [l for l in s.access_log.lines()[log_mark:] if "GET /ab.txt" in l]
    wait_for(lambda: len(ab_lines_now()) >= f["complete"], 5)
    ab_lines = ab_lines_now()
    t.is_(len(ab_lines), f["complete"], "%s: one access-log line per request answered" % label)
    by = [int(l.rsplit(" ", 1)[1]) for l in ab_lines]   # %P ends the line
    both = "%s: the old master's children and the new one's both served ab (%d and %d requests)" % (
        label, len([p for p in by if p in old_children]), len([p for p in by if p in new_children]))
    if during_load:
        t.ok(any(p in old_children for p in by) and any(p in new_children for p in by), both)
    else:   # a loaded machine: ab was faster than the takeover, the load test proved nothing
        t.skip(both, "ab finished before the new master took over")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "%s: the new master serves" % label)
    t.ok(block.contains(r"binary upgrade: new master pid %d took over" % new),
         "%s: the old master logs the handover" % label)
    # Quiet now: the totals are the old master's carried plus the new one's.
    def settled():
        now = status(s.port)["total_accesses"]
        return now if now >= before + f["complete"] else None
    after = wait_for(settled, 5)
    t.ok(after, "%s: scoreboard totals go on (%d before, %s after, %d by ab)"
         % (label, before, after, f["complete"]))
    now = status(s.port)
    t.is_(now["start_time"], first["start_time"], "%s: the start time (and uptime) carries over" % label)
    # What the new master's workers did not serve is the old master's, carried: at least
    # what it had counted when the upgrade began (each slot's ms rounds down, the total's
    # once, so the difference can only be larger).
    page = json.loads(http_get(s.port, "/server-status?json").body)
    carried_ms = page["server"]["total_duration_ms"] - sum(w["duration_ms_slot"] for w in page["workers"])
    t.cmp_ok(carried_ms, ">=", first["total_duration_ms"],
             "%s: Total Duration carries over (%d ms carried, %d ms before; %d ms now)"
             % (label, carried_ms, first["total_duration_ms"], page["server"]["total_duration_ms"]))
    rc, out, err = run([MPMCTL, "status", "-f", s.conf_path])
    m = re.search(r"Total accesses: (\d+)", out)
    t.ok(rc == 0 and m and int(m.group(1)) >= before + f["complete"],
         "%s: mpmctl status reads the new scoreboard with the carried totals (%s)" % (label, m and m.group(1)))
    return new


def refused_start(t, s, label, reason_pattern):
    """USR2 while the new binary cannot start: the old master says why and keeps serving."""
    master = s.master
    block = s.mark()
    s.signal(signal.SIGUSR2)
    t.ok(block.wait_for(r"binary upgrade failed: new master pid \d+ exited with status 1 \(see above\); "
                        r"still serving", 10), "%s: the old master logs the failure" % label)
    t.ok(block.contains(reason_pattern), "%s: the error log says why" % label)
    t.ok(wait_for(lambda: s.pid_from_file() == master, 5), "%s: the pid file names the old master again" % label)
    t.ok(not os.path.exists(s.pid_path + ".oldbin"), "%s: no PidFile.oldbin left" % label)
    rc, out, err = run([MPMCTL, "status", "-f", s.conf_path])
    t.ok(os.path.exists(segment_path(s)) and rc == 0 and "Total accesses" in out,
         "%s: the scoreboard has its name back (mpmctl status reads it)" % label)
    t.ok(s.alive(), "%s: the old master runs" % label)
    t.is_(http_get(s.port, "/hello.txt").status, 200, "%s: and serves" % label)


def segment_path(s):
    return "/dev/shm/mpmd" + re.sub(r"[^A-Za-z0-9._-]", "-", s.pid_path)


def install(s, source, path):
    """Installs a binary the way a package manager does: a new file renamed over the old,
    so the running binary's inode is untouched."""
    staging = path + ".new"
    shutil.copy2(source, staging)
    os.chmod(staging, 0o755)
    os.rename(staging, path)


def main(t):
    t.tool("ab", "apache2-utils")
    mpm = t.mpm()
    # Start from a copy of $MPMD that the test can replace.
    s = t.server(name="upgrade", site={"ab.txt": "x" * 512, "hello.txt": "hello\n"},
                 conf={"server": {"Timeout": "10"}},
                 mpm_conf={"prefork": {"mpm_prefork": {"StartServers": "24", "MinSpareServers": "4",
                                                       "MaxSpareServers": "32", "MaxRequestWorkers": "32",
                                                       "ServerLimit": "32"}}})
    binary_dir = s.path("sbin")
    os.makedirs(binary_dir)
    binary = os.path.join(binary_dir, "mpmd")
    install(s, MPMD, binary)
    s.daemon = binary
    s.start()
    t.ok(wait_for(lambda: status(s.port)["total_accesses"] >= 0, 5), "status page answers")

    upgrade_under_load(t, s, keepalive=True, how="signal")
    upgrade_under_load(t, s, keepalive=False, how="signal")

    # The new binary fails at once (an install gone wrong).
    with open(s.path("broken"), "w") as f:
        f.write("#!/bin/sh\necho 'this mpmd cannot start: broken install' >&2\nexit 1\n")
    install(s, s.path("broken"), binary)
    refused_start(t, s, "failing binary", r"this mpmd cannot start: broken install")
    install(s, MPMD, binary)

    # The config was broken after the start: -k upgrade refuses, USR2 fails and is logged.
    good = s.config_text()
    s.write_config(good.replace("Timeout = 10", "Timeout = ten"))
    rc, out, err = run(s.command("-k", "upgrade"))
    t.ok(rc == 1 and "refused" in err, "-k upgrade with a broken config is refused (%d: %s)" % (rc, err.strip()))
    refused_start(t, s, "broken config", r"Timeout")
    s.write_config(good)

    # A second USR2 while one runs is refused (the new binary here is held at its start: a
    # wrapper that waits, at most 10 s, for the test to open a gate file, then runs a copy
    # of $MPMD); then the upgrade goes through.
    install(s, MPMD, binary + ".real")
    gate = s.path("gate")
    with open(s.path("slow"), "w") as f:
        f.write("#!/bin/sh\nn=0\nwhile [ ! -e '%s' ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done\n"
                "exec '%s.real' \"$@\"\n" % (gate, binary))
    install(s, s.path("slow"), binary)
    master = s.master
    block = s.mark()
    s.signal(signal.SIGUSR2)
    t.ok(block.wait_for(r"binary upgrade: started new master pid", 5), "USR2 to a slow new binary")
    s.signal(signal.SIGUSR2)
    t.ok(block.wait_for(r"binary upgrade refused: an upgrade is already running \(new master pid \d+\)", 5),
         "a second USR2 during an upgrade is refused")
    open(gate, "w").close()
    t.ok(wait_for(lambda: not alive(master), 15), "the upgrade completes")
    s.master = s.pid_from_file()
    s.seen_pids.add(s.master)
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the newest master serves (%s)" % mpm)

    # A daemon (mpmd -k start) started with a relative -f, upgraded at once with -k upgrade
    # (the signal waits until the master handles it): the new master runs in the start-up
    # directory, so it finds the same config, then lives in / as a daemon does.
    d = t.server(name="upgrade-daemon")
    d_binary = d.path("mpmd")
    install(d, MPMD, d_binary)
    d.daemon = d_binary
    started = subprocess.run([d_binary, "-k", "start", "-f", "mpmd.conf"], cwd=d.dir, stdin=subprocess.DEVNULL,
                             capture_output=True, timeout=15)
    t.ok(started.returncode == 0 and d.wait_ready(10), "daemon started with -f mpmd.conf relative to %s" % d.dir)
    d.master = d.pid_from_file()
    d.seen_pids.add(d.master)
    old = d.master
    upgraded = subprocess.run([d_binary, "-k", "upgrade", "-f", "mpmd.conf"], cwd=d.dir, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=15)
    t.is_(upgraded.returncode, 0, "daemon: mpmd -k upgrade exits 0 (%s)" % upgraded.stderr.decode().strip())
    new = wait_for(lambda: (lambda p: p if p and p != old and alive(p) else None)(d.pid_from_file()), 10)
    t.ok(new and wait_for(lambda: not alive(old), 10), "daemon: the new master (%s) took over from %d" % (new, old))
    if new:
        d.master = new
        d.seen_pids.add(new)
        t.is_(os.readlink("/proc/%d/cwd" % new), "/", "daemon: the new master lives in /")
    t.is_(http_get(d.port, "/hello.txt").status, 200, "daemon: the new master serves")

Test().main(main)
