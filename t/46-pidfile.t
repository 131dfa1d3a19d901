#!/usr/bin/env python3
# PidFile: holds the master's pid and a newline, survives restarts unchanged, is removed on
# stop; a stale pid file (a dead pid) does not stop a start; a relative PidFile (and the other
# relative paths) resolve against ServerRoot given with -d.
import os
import signal
import subprocess

from mpmdtest import LogFile, Test, http_get, wait_for


def main(t):
    s = t.server(name="pidfile")
    dead = subprocess.Popen(["true"])
    dead.wait()
    with open(s.pid_path, "w") as f:
        f.write("%d\n" % dead.pid)
    s.start()
    with open(s.pid_path) as f:
        text = f.read()
    t.is_(text, "%d\n" % s.master, "a stale pid file is replaced by the master's pid and a newline")
    s.signal(signal.SIGHUP)
    t.ok(wait_for(lambda: len(s.children()) >= 1, 5) and s.pid_from_file() == s.master,
         "the pid file is unchanged by a restart")
    s.stop()
    t.ok(not os.path.exists(s.pid_path), "the pid file is removed on stop")

    # Relative paths against -d DIR (ServerRoot from the command line overrides the file's).
    r = t.server(name="relative")
    os.makedirs(r.path("run"))
    r.set("server", {"ServerRoot": "/nonexistent-mpmd-root", "PidFile": "run/mpmd.pid",
                     "DocumentRoot": "htdocs"})
    r.set("log", {"ErrorLog": "error_log", "CustomLog": "access_log common"})
    r.write_config()
    r.pid_path = r.path("run/mpmd.pid")
    r.start(args=("-d", r.dir, "-D", "FOREGROUND"))
    t.is_(r.pid_from_file(), r.master, "relative PidFile resolved against -d")
    t.is_(http_get(r.port, "/hello.txt").status, 200, "relative DocumentRoot resolved against -d")
    t.ok(wait_for(lambda: LogFile(r.path("access_log")).lines(), 3),
         "relative CustomLog path resolved against -d")
    t.ok(os.path.exists(r.path("error_log")), "relative ErrorLog path resolved against -d")
    r.stop()
    t.ok(not os.path.exists(r.pid_path), "relative pid file removed on stop")


Test().main(main)
