#!/usr/bin/env python3
# What another user (nobody, the User account) plants where mpmd writes as root (mpmd.conf(5),
# "Files written as root"; mpmd(8), SECURITY):
#   - at the scoreboard's name in /dev/shm, a forged scoreboard (mode 0666, naming pid 1 as
#     its running master), a link to a root file or a FIFO: the server starts all the same,
#     with a scoreboard of its own (root, 0600), never reads nor writes the planted one, and
#     mpmctl works; mpmctl itself refuses to read a planted object;
#   - at PidFile, ErrorLog or CustomLog in a world-writable sticky directory, a link to a
#     root file (or a file of its own): the server refuses to start, says why, and the
#     target is unchanged; a forged pid file is not believed by mpmd -k;
#   - after a log is removed, a link in its place: the master's automatic reopen refuses it
#     (the target is unchanged, serving goes on) and reopens once the link is gone.
# Directories another user can change are refused; a link root made (an administrator's) is
# followed, as is /dev/stderr.
import os
import pwd
import re
import stat
import struct
import subprocess

from mpmdpriv import as_user
from mpmdtest import BUILDDIR, Died, LogFile, MPMD, Test, http_get, line_of, run, wait_for

PRECIOUS = "root's own file: mpmd must never write here\n"
MPMCTL = os.path.join(BUILDDIR, "src", "mpmctl")
MASTER_PID_OFFSET = 56   # GlobalScore::master_pid (src/shared/scoreboard.h)
NOBODY = r"nobody \(uid \d+\)"


def victim(s):
    path = s.path("victim")
    with open(path, "w") as f:
        f.write(PRECIOUS)
    os.chmod(path, 0o644)
    return path


def unchanged(path):
    with open(path) as f:
        return f.read() == PRECIOUS


def public_directory(s):
    """A world-writable directory with the sticky bit, as /tmp."""
    path = s.path("public")
    os.mkdir(path)
    os.chmod(path, 0o1777)
    return path


def planted(t, what, fn):
    how, got = as_user(fn)
    t.is_(how, "ok", "as nobody: %s" % what)
    if how != "ok":
        t.diag("  " + str(got))


def started(t, s):
    try:
        s.start()
        return True
    except Died as e:
        t.diag(str(e))
        return False


def refused_start(t, s, what, pattern, directive=None):
    """mpmd refuses to start, saying `pattern`; with a `directive` ("[log] ErrorLog"), mpmd -t
    already reports it at the directive's file:line."""
    status, out, err = run(s.command("-D", "FOREGROUND"), timeout=10)
    t.is_(status, 1, "%s: mpmd refuses to start" % what)
    t.like(err, pattern, "and says why")
    if directive:
        with open(s.conf_path) as f:
            line = line_of(f.read(), directive.split()[-1] + " =")
        status, out, err = run(s.command("-t"))
        t.like(err, r"%s:%d: %s: %s" % (re.escape(s.conf_path), line, re.escape(directive), pattern),
               "%s: mpmd -t says so at file:line" % what)


def mpmctl_status(s):
    return run([MPMCTL, "status", "-f", s.conf_path], env=dict(os.environ, MPMD=MPMD))


def scoreboard(t):
    name = "/mpmd-t48-%d" % os.getpid()
    shm = "/dev/shm" + name
    try:
        scoreboard_checks(t, name, shm)
    finally:
        if os.path.lexists(shm):   # what nobody planted, whatever went wrong
            os.unlink(shm)


def scoreboard_checks(t, name, shm):
    s = t.server(name="board", conf={"status": {"ScoreBoardFile": name}})
    target = victim(s)
    s.start()
    with open(shm, "rb") as f:
        genuine = bytearray(f.read())
    t.is_(struct.unpack_from("<i", genuine, MASTER_PID_OFFSET)[0], s.master,
          "a genuine scoreboard names its master at offset %d" % MASTER_PID_OFFSET)
    s.stop()
    forged = bytearray(genuine)
    struct.pack_into("<i", forged, MASTER_PID_OFFSET, 1)   # init: always running

    def plant_forged():
        fd = os.open(shm, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.fchmod(fd, 0o666)
        os.write(fd, bytes(forged))
        os.close(fd)

    for what, plant in (("a forged scoreboard, mode 0666, naming pid 1 as its running master", plant_forged),
                        ("a symbolic link to a root file", lambda: os.symlink(target, shm)),
                        ("a FIFO", lambda: os.mkfifo(shm, 0o666))):
        planted(t, "%s at %s" % (what, shm), plant)
        before = os.lstat(shm)
        mark = s.mark()
        t.ok(started(t, s), "%s: the server starts all the same" % what)
        st = os.lstat(shm)
        t.ok(stat.S_ISREG(st.st_mode) and st.st_ino != before.st_ino, "%s: the scoreboard in use is a new object" % what)
        t.is_((st.st_uid, oct(stat.S_IMODE(st.st_mode))), (0, oct(0o600)), "%s: owned by root, mode 0600" % what)
        t.ok(mark.contains(r"\[core:warn\] .*ScoreBoardFile: removed %s, .* owned by %s: not a scoreboard this "
                           r"server made" % (re.escape(shm), NOBODY)), "%s: the error log says what was removed" % what)
        status, out, err = mpmctl_status(s)
        t.is_(status, 0, "%s: mpmctl status works" % what)
        t.like(out, r"(?m)^Scoreboard: [_SRWKDCLGI.]+$", "and reads the server's scoreboard")
        t.ok(unchanged(target), "%s: the root file is unchanged" % what)
        t.is_(http_get(s.port, "/hello.txt").status, 200, "%s: the server serves" % what)
        s.stop()

    planted(t, "a forged scoreboard naming a running process", plant_forged)
    with open(shm, "r+b") as f:
        f.seek(MASTER_PID_OFFSET)
        f.write(struct.pack("<i", os.getpid()))
    status, out, err = mpmctl_status(s)
    t.is_(status, 1, "mpmctl status refuses a scoreboard nobody planted")
    t.like(err, r"is a regular file of mode 0666 owned by %s: not read" % NOBODY, "and says why")
    os.unlink(shm)


def pid_file(t):
    s = t.server(name="pid")
    public = public_directory(s)
    target = victim(s)
    s.set("server", {"PidFile": "@DIR@/public/mpmd.pid"})
    s.write_config()
    s.pid_path = os.path.join(public, "mpmd.pid")
    planted(t, "a link at the PidFile path to a root file", lambda: os.symlink(target, s.pid_path))
    refused_start(t, s, "PidFile is a link nobody made",
                  r"%s is a symbolic link owned by %s; mpmd follows a link on the way to a file it writes as root "
                  r"only when root owns it" % (re.escape(s.pid_path), NOBODY), "[server] PidFile")
    t.ok(unchanged(target), "the link's target is unchanged")
    os.unlink(s.pid_path)

    t.ok(started(t, s), "with the link gone, the server starts (a sticky directory is allowed)")
    st = os.lstat(s.pid_path)
    t.ok(stat.S_ISREG(st.st_mode) and st.st_uid == 0, "the pid file is a regular file of root's")
    s.stop()

    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        def forge():
            with open(s.pid_path, "w") as f:
                f.write("%d\n" % sleeper.pid)
        planted(t, "a pid file naming a process of root's", forge)
        status, out, err = run(s.command("-k", "stop"))
        t.is_(status, 1, "mpmd -k stop does not believe a pid file nobody wrote")
        t.like(err, r"pid file %s is not trusted: it is owned by %s" % (re.escape(s.pid_path), NOBODY), "and says why")
        t.ok(sleeper.poll() is None, "the process it names was not signalled")
    finally:
        sleeper.kill()
        sleeper.wait()


def logs(t):
    s = t.server(name="logs")
    public = public_directory(s)
    target = victim(s)
    defaults = {"ErrorLog": s.conf["log"]["ErrorLog"], "CustomLog": s.conf["log"]["CustomLog"]}
    for key, value, link in (("ErrorLog", "@DIR@/public/error_log", "error_log"),
                             ("CustomLog", "@DIR@/public/access_log common", "access_log")):
        link = os.path.join(public, link)
        planted(t, "a link at the %s path to a root file" % key, lambda link=link: os.symlink(target, link))
        s.set("log", {key: value})
        s.write_config()
        refused_start(t, s, "%s is a link nobody made" % key,
                      r"%s is a symbolic link owned by %s" % (re.escape(link), NOBODY), "[log] " + key)
        t.ok(unchanged(target), "%s: the link's target is unchanged" % key)
        os.unlink(link)
        planted(t, "a file of its own at the %s path" % key, lambda link=link: open(link, "w").close())
        refused_start(t, s, "%s is a file nobody made, in a sticky directory" % key,
                      r"cannot open log file %s: %s is owned by %s, in %s, a directory other users can write to" % (
                          re.escape(link), re.escape(link), NOBODY, re.escape(public)))
        os.unlink(link)
        s.set("log", defaults)
        s.write_config()

    open_directory = s.path("open")
    os.mkdir(open_directory)
    os.chmod(open_directory, 0o777)
    nobodys = s.path("nobodys")
    os.mkdir(nobodys)
    os.chown(nobodys, pwd.getpwnam("nobody").pw_uid, -1)
    for where, problem in ((open_directory, r"directory %s is writable by every user and has no sticky bit"),
                           (nobodys, r"directory %s is owned by " + NOBODY)):
        s.set("log", {"ErrorLog": os.path.join(where, "error_log")})
        s.write_config()
        refused_start(t, s, "ErrorLog in %s" % os.path.basename(where), problem % re.escape(where), "[log] ErrorLog")
    s.set("log", defaults)

    # An administrator's link (made by root) is followed; so is /dev/stderr.
    real = s.path("real")
    os.mkdir(real)
    os.mkdir(s.path("logs"))
    os.symlink(os.path.join(real, "error_log"), s.path("logs/error_log"))
    s.set("log", {"ErrorLog": "@DIR@/logs/error_log"})
    s.write_config()
    s.error_log = LogFile(os.path.join(real, "error_log"))
    t.ok(started(t, s), "ErrorLog through a link root made: the server starts")
    t.ok(s.error_log.grep(r"resuming normal operations"), "and logs to the link's target")
    s.stop()
    s.set("log", {"ErrorLog": "/dev/stderr"})
    s.write_config()
    t.ok(started(t, s), "ErrorLog /dev/stderr (a link into /proc): the server starts")
    t.ok(wait_for(lambda: "resuming normal operations" in s.output(), 3), "and logs to its standard error")
    s.stop()


def reopen(t):
    s = t.server(name="reopen", conf={"log": {"CustomLog": "@DIR@/public/access_log common"}})
    public = public_directory(s)
    target = victim(s)
    log = LogFile(os.path.join(public, "access_log"))
    s.start()
    t.is_(http_get(s.port, "/hello.txt?before").status, 200, "a log in a sticky directory, created by mpmd: serving")
    t.ok(wait_for(lambda: log.grep(r"GET /hello.txt\?before"), 3), "and logging")
    mark = s.mark()
    os.unlink(log.path)
    planted(t, "a link to a root file where the removed access log was", lambda: os.symlink(target, log.path))
    t.ok(mark.wait_for(r"access log %s was .* while in use, and a new one cannot be opened: cannot open log "
                       r"file %s: %s is a symbolic link owned by %s" % ((re.escape(log.path),) * 3 + (NOBODY,)), 8),
         "the master's reopen refuses the link, and says so")
    t.is_(http_get(s.port, "/hello.txt?during").status, 200, "serving goes on")
    t.ok(unchanged(target), "the link's target is unchanged")
    os.unlink(log.path)
    t.ok(mark.wait_for(r"access log %s was removed while in use .*logging resumes" % re.escape(log.path), 8),
         "once the link is gone, a new log is opened")
    st = os.lstat(log.path) if os.path.lexists(log.path) else None
    t.ok(st and stat.S_ISREG(st.st_mode) and st.st_uid == 0, "a regular file of root's")
    t.ok(wait_for(lambda: http_get(s.port, "/hello.txt?after").status == 200 and log.grep(r"GET /hello.txt\?after"), 10),
         "the new generation logs there")
    t.ok(unchanged(target), "the root file is still unchanged")
    s.stop()


def main(t):
    if os.geteuid() != 0:
        t.skip("files planted by another user", "not running as root")
        return
    scoreboard(t)
    pid_file(t)
    logs(t)
    reopen(t)


Test().main(main)
