#!/usr/bin/env python3
# Isolation between child and master (mpmd(8), SECURITY): a child holds no descriptor of the
# master's but the listeners, the log files, the standard streams and the read end of the
# pipe that tells it the master is gone (kcmp(2) compares every child descriptor with every
# master descriptor, so a leak is found whatever it is: the master's libevent epoll and
# signal pipe, and anything added to the master later); a child is not dumpable, so the
# User account cannot read its descriptors or memory nor ptrace(2) it, and cannot signal the
# master; CoreDumpDirectory makes children dumpable and puts their working directory there,
# and must name a directory User can write (file:line errors otherwise).
import errno
import os
import pwd
import re
import signal

from mpmdpriv import (access_mode, as_user, fd_table, kcmp_available, listening_inodes,
                      ptrace_attach_errno, same_open_file)
from mpmdtest import Test, http_get, line_of, proc_status, run, wait_for


def shared_with_master(s, child):
    """Each child descriptor that is one open file description with a master descriptor:
    [(child fd, its link, [master fds])]."""
    master_fds = fd_table(s.master)
    out = []
    for fd, link in sorted(fd_table(child).items()):
        same = [m for m in master_fds if same_open_file(child, fd, s.master, m)]
        if same:
            out.append((fd, link, same))
    return out


def judge(s, child, fd, link, master_fds):
    """What an inherited descriptor is, when it is one a child needs; None otherwise."""
    if fd <= 2 and any(m <= 2 for m in master_fds):
        return "standard stream"
    if link.startswith("socket:[") and link[8:-1] in listening_inodes(s.ports):
        return "listener"
    if link in (s.error_log.path, s.access_log.path):
        return "log file"
    if link.startswith("pipe:") and access_mode(child, fd) == os.O_RDONLY:
        # The master-watch pipe: the master holds its write end, the child only the read end.
        def writers(pid):
            return [n for n, l in fd_table(pid).items() if l == link and access_mode(pid, n) == os.O_WRONLY]
        if writers(s.master) and not writers(child):
            return "master-watch pipe (read end)"
    return None


def check_descriptors(t, s, when):
    # Children that reported a worker ready in the scoreboard: past their start-up, in which
    # they close what they inherit (a child seen just after fork still holds it all).
    kids = wait_for(lambda: len(s.ready_children()) >= 2 and s.ready_children(), 10) or []
    t.ok(len(kids) >= 2, "%s: children running and ready (%s)" % (when, kids))
    for child in kids:
        needed, leaked = {}, []
        for fd, link, master_fds in shared_with_master(s, child):
            what = judge(s, child, fd, link, master_fds)
            if what is None:
                leaked.append("fd %d (%s) is the master's fd %s (%s)" % (
                    fd, link, master_fds, fd_table(s.master).get(master_fds[0])))
            else:
                needed.setdefault(what, []).append(fd)
        t.ok(not leaked, "%s: child %d shares nothing else with the master" % (when, child))
        for line in leaked:
            t.diag("  " + line)
        t.is_(sorted(needed), ["listener", "log file", "master-watch pipe (read end)", "standard stream"],
              "%s: child %d keeps what it needs: listener, logs, standard streams, master-watch pipe" % (when, child))
        t.is_(len(needed.get("log file", [])), 2, "%s: child %d holds the error log and the access log" % (when, child))
        t.is_(len(needed.get("master-watch pipe (read end)", [])), 1, "%s: child %d holds one pipe of the master's"
              % (when, child))
        epolls = [fd for fd, link in fd_table(child).items() if link == "anon_inode:[eventpoll]"]
        master_epolls = [fd for fd, link in fd_table(s.master).items() if link == "anon_inode:[eventpoll]"]
        t.ok(not any(same_open_file(child, c, s.master, m) for c in epolls for m in master_epolls),
             "%s: child %d does not hold the master's epoll instance" % (when, child))


def descriptors(t):
    if not kcmp_available():
        t.skip("a child holds no descriptor of the master's", "kcmp(2) is not available here")
        return
    s = t.server(name="fds")
    s.start()
    check_descriptors(t, s, "first generation")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the children serve")
    t.ok(wait_for(lambda: s.access_log.grep(r"GET /hello.txt"), 3), "and log the request")
    old = set(s.children())
    s.signal(signal.SIGUSR1)
    t.ok(wait_for(lambda: len(s.children()) >= 2 and not old & set(s.children()), 10),
         "a graceful restart replaces every child")
    check_descriptors(t, s, "after a graceful restart")
    s.stop()


def as_nobody_towards(child, master):
    def probe():
        out = {}
        try:
            os.listdir("/proc/%d/fd" % child)
            out["fd"] = 0
        except OSError as e:
            out["fd"] = e.errno
        try:
            with open("/proc/%d/environ" % child, "rb") as f:
                f.read()
            out["environ"] = 0
        except OSError as e:
            out["environ"] = e.errno
        out["ptrace"] = ptrace_attach_errno(child)
        try:
            os.kill(master, 0)
            out["kill master"] = 0
        except OSError as e:
            out["kill master"] = e.errno
        return out
    return as_user(probe)


def not_dumpable(t):
    s = t.server(name="dump")
    s.start()
    kids = wait_for(lambda: len(s.ready_children()) >= 2 and s.ready_children(), 10) or []
    nobody = pwd.getpwnam("nobody").pw_uid
    for child in kids:
        t.is_(os.stat("/proc/%d/fd" % child).st_uid, 0,
              "child %d runs as nobody but /proc/%d/fd belongs to root (not dumpable)" % (child, child))
        how, got = as_nobody_towards(child, s.master)
        t.is_(how, "ok", "a process as nobody ran its probes")
        got = got if how == "ok" else {}
        t.is_(got.get("fd"), errno.EACCES, "as nobody, /proc/%d/fd cannot be read" % child)
        t.is_(got.get("environ"), errno.EACCES, "as nobody, /proc/%d/environ cannot be read" % child)
        t.is_(got.get("ptrace"), errno.EPERM, "as nobody, ptrace(PTRACE_ATTACH) on child %d: EPERM" % child)
        t.is_(got.get("kill master"), errno.EPERM, "as nobody, the master cannot be signalled")
        st = proc_status(child)
        t.is_(st and st.get("Uid", "").split()[0], str(nobody), "child %d does run as nobody" % child)
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the children serve")
    s.stop()


def core_dump_directory(t):
    s = t.server(name="cores")
    cores = s.path("cores")
    os.mkdir(cores, 0o700)
    os.chown(cores, pwd.getpwnam("nobody").pw_uid, -1)
    s.set("server", {"CoreDumpDirectory": "@DIR@/cores"})
    s.write_config()
    s.start()
    kids = wait_for(lambda: len(s.ready_children()) >= 2 and s.ready_children(), 10) or []
    for child in kids:
        t.is_(os.readlink("/proc/%d/cwd" % child), cores, "CoreDumpDirectory: child %d works in %s" % (child, cores))
        how, got = as_nobody_towards(child, s.master)
        t.is_(got.get("fd") if how == "ok" else how, 0, "CoreDumpDirectory: child %d is dumpable (nobody reads "
              "its /proc/%d/fd)" % (child, child))
        t.is_(got.get("kill master") if how == "ok" else how, errno.EPERM, "and the master still cannot be signalled")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "the children serve")
    s.stop()

    # Checked with the configuration: the directory must exist and User must be able to write it.
    for what, prepare, problem in (
            ("a missing directory", lambda p: None, r"No such file or directory"),
            ("a directory nobody cannot write", lambda p: os.mkdir(p, 0o755),
             r"not writable by User nobody"),
            ("a file", lambda p: open(p, "w").close(), r"Not a directory")):
        bad = s.path("bad-" + what.replace(" ", "-"))
        prepare(bad)
        s.set("server", {"CoreDumpDirectory": bad})
        s.write_config()
        with open(s.conf_path) as f:
            line = line_of(f.read(), "CoreDumpDirectory")
        status, out, err = run(s.command("-t"))
        t.is_(status, 1, "CoreDumpDirectory %s: mpmd -t fails" % what)
        t.like(err, r"%s:%d: \[server\] CoreDumpDirectory: .*%s" % (re.escape(s.conf_path), line, problem),
               "and says why at file:line")


def main(t):
    if os.geteuid() != 0:
        t.skip("isolation between child and master", "not running as root")
        return
    descriptors(t)
    not_dumpable(t)
    core_dump_directory(t)


Test().main(main)
