#!/usr/bin/env python3
# -k start|graceful|restart|stop|graceful-stop: `-k start` daemonizes (the command returns,
# the master runs in its own session); the other verbs find the master through PidFile and
# act as the signals do.
import os

from mpmdtest import Test, alive, http_get, port_is_free, proc_status, run, wait_for


def main(t):
    s = t.server(name="kaction")
    rc, out, err = s.start_daemon()
    t.is_(rc, 0, "-k start exits 0 once the server runs")
    master = s.master
    t.ok(master and alive(master), "the master from the pid file runs (%s)" % master)
    st = proc_status(master) or {}
    t.ok(st.get("PPid") != str(os.getpid()), "the master is not the child of the -k start command")
    t.is_(os.getsid(master) if master else None, master, "the master leads its own session")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the daemon serves")

    for verb in ("graceful", "restart"):
        old = wait_for(lambda: s.children(), 5) or []
        rc, out, err = run(s.command("-k", verb))
        t.is_(rc, 0, "-k %s exits 0" % verb)
        t.ok(wait_for(lambda: not any(alive(p) for p in old) and s.children(), 8),
             "-k %s: the children are replaced (%s -> %s)" % (verb, old, s.children()))
        t.ok(alive(master) and s.pid_from_file() == master, "-k %s: same master" % verb)
        t.is_(http_get(s.port, "/hello.txt").status, 200, "-k %s: still serving" % verb)

    rc, out, err = run(s.command("-k", "stop"))
    t.is_(rc, 0, "-k stop exits 0")
    t.ok(wait_for(lambda: not alive(master), 10), "-k stop: the master exits")
    t.ok(wait_for(lambda: not s.our_pids(), 3), "-k stop: no process left")
    t.ok(not os.path.exists(s.pid_path), "-k stop: pid file removed")
    t.ok(wait_for(lambda: port_is_free(s.port), 3), "-k stop: the port is free")

    rc, out, err = run(s.command("-k", "stop"))
    t.ok(rc not in (0, None), "-k stop with no server running fails (status %r)" % rc)
    t.ok((out + err).strip() != "", "-k stop with no server running says why")

    s.start_daemon()
    master = s.master
    t.ok(master and alive(master), "-k start again")
    rc, out, err = run(s.command("-k", "graceful-stop"))
    t.is_(rc, 0, "-k graceful-stop exits 0")
    t.ok(wait_for(lambda: not alive(master), 10), "-k graceful-stop: the master exits")
    t.ok(wait_for(lambda: not s.our_pids(), 3), "-k graceful-stop: no process left")
    t.ok(not os.path.exists(s.pid_path), "-k graceful-stop: pid file removed")


Test().main(main)
