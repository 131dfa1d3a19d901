#!/usr/bin/env python3
# Directives a restart cannot apply (the directive table marks them: ServerLimit and
# ThreadLimit size the scoreboard, PidFile is where mpmd -k finds the master, ScoreBoardFile,
# LoadModule): after HUP or USR1 with one changed, the master keeps the value it started with
# and logs a warning that names it, every restart, until a full stop and start. Another MPM's
# section and directives a restart does apply (Timeout) draw no warning; a file changed back
# draws none. mpmd -L and mpmd.conf(5) say it of exactly the marked rows.
import os
import re
import signal

from mpmdtest import MPMD, Test, http_get, run, wait_for

WARNING = r"\[%s\] %s changed: that takes effect only after a full stop and start; keeping %s"


def restart(t, s, sig, what):
    """Signal, wait for the new generation; the log lines of that restart."""
    block = s.mark()
    s.signal(sig)
    started = block.wait_for(r"restart: generation \d+ started", 10)
    t.ok(started, "%s: the server restarted" % what)
    return block


def main(t):
    mpm = t.mpm()
    own = "mpm_" + mpm
    other = "mpm_worker" if mpm != "worker" else "mpm_event"
    s = t.server(name="fullrestart")
    s.start()
    old_limit = s.conf.get(own, {}).get("ServerLimit")
    t.ok(wait_for(lambda: s.children(), 5), "children running")
    started_pid_file = s.pid_path

    # ServerLimit of the running MPM, PidFile, and beside them a change a restart applies and
    # one in another MPM's section.
    moved_pid_file = s.path("moved.pid")
    s.set(own, {"ServerLimit": "37"})
    s.set(other, {"ServerLimit": "9"})
    s.set("server", {"PidFile": moved_pid_file, "Timeout": "17"})
    s.write_config()
    for sig, name in ((signal.SIGHUP, "HUP"), (signal.SIGUSR1, "USR1")):
        block = restart(t, s, sig, name)
        kept_limit = re.escape(old_limit) if old_limit else r"\d+"
        t.ok(block.contains(WARNING % (own, "ServerLimit", kept_limit)),
             "%s: [%s] ServerLimit is named, with the value kept" % (name, own))
        t.ok(block.contains(WARNING % ("server", "PidFile", re.escape(started_pid_file))),
             "%s: PidFile is named, keeping %s" % (name, started_pid_file))
        t.ok(not block.contains(r"\[%s\] ServerLimit changed" % other),
             "%s: another MPM's ServerLimit draws no warning" % name)
        t.ok(not block.contains(r"Timeout changed"), "%s: Timeout (applied by a restart) draws none" % name)
        t.is_(len(block.grep(r"takes effect only after a full stop and start")), 2,
              "%s: exactly the two changed rows are named" % name)
        t.is_(s.pid_from_file(), s.master, "%s: the pid file the server started with still names the master" % name)
        t.ok(not os.path.exists(moved_pid_file), "%s: nothing is written at the new PidFile" % name)
        t.is_(http_get(s.port, "/hello.txt").status, 200, "%s: the server serves on" % name)

    # Back to the values it started with: a restart says nothing.
    s.set(own, {"ServerLimit": old_limit})
    s.set("server", {"PidFile": started_pid_file})
    s.write_config()
    block = restart(t, s, signal.SIGHUP, "HUP with the start values")
    t.ok(not block.contains(r"takes effect only after a full stop and start"),
         "the start values back: no warning")

    # The docs come from the same rows.
    rc, listing, _ = run([MPMD, "-L"], timeout=10)
    t.is_(rc, 0, "mpmd -L runs")
    notes = set()
    for block in listing.split("\n\n"):
        m = re.match(r"\s*(\[\w+\] \w+) = ", block)
        if m and "A change needs a full stop and start" in " ".join(block.split()):
            notes.add(m.group(1))
    t.is_(sorted(notes), sorted(["[server] PidFile", "[modules] LoadModule", "[status] ScoreBoardFile",
                                 "[mpm_prefork] ServerLimit", "[mpm_worker] ServerLimit",
                                 "[mpm_worker] ThreadLimit", "[mpm_event] ServerLimit",
                                 "[mpm_event] ThreadLimit"]),
          "mpmd -L says \"a change needs a full stop and start\" of exactly the marked directives")


Test().main(main)
