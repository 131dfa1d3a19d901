#!/usr/bin/env python3
# Error log: every line is `[Www Mmm dd hh:mm:ss.uuuuuu yyyy] [module:level] [pid N] message`
# in local time, written by the master and the children; LogLevel filters; the log is
# reopened on HUP and USR1 (rename, signal, new lines go to a new file).
import datetime
import os
import signal
import socket

from mpmdtest import ERROR_LOG_LINE, LogFile, Test, connection_holder, http_get, wait_for

LEVELS = ["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"]


def main(t):
    s = t.server(name="errlog", conf={"log": {"LogLevel": "debug"}})
    s.start()
    kids = wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []
    http_get(s.port, "/hello.txt")
    http_get(s.port, "/missing")
    lines = s.error_log.lines()
    t.ok(lines, "the error log has lines at LogLevel debug")
    bad = [l for l in lines if not ERROR_LOG_LINE.match(l)]
    t.is_(bad, [], "every line has the [time] [module:level] [pid N] shape")
    pids = {int(m.group(5)) for m in map(ERROR_LOG_LINE.match, lines) if m}
    t.ok(s.master in pids, "the master writes to the error log (pid %d)" % s.master)
    m = ERROR_LOG_LINE.match(lines[-1]) if lines else None
    if m:
        stamp = lines[-1][1:lines[-1].index("]")]
        when = datetime.datetime.strptime(stamp, "%a %b %d %H:%M:%S.%f %Y")
        skew = abs((datetime.datetime.now() - when).total_seconds())
        t.cmp_ok(skew, "<", 10, "the time stamp is now, in local time (%.1f s off)" % skew)
    else:
        t.ok(False, "the time stamp is now, in local time")

    # A killed child: the master logs it (a line of the master's).
    victim = kids[0] if kids else 0
    block = s.mark()
    if victim:
        os.kill(victim, signal.SIGKILL)
    t.ok(block.wait_for(r"\[pid %d\].*\b%d\b" % (s.master, victim), 5),
         "the master logs the killed child %d" % victim)

    # Reopen on HUP and USR1.
    for sig in (signal.SIGHUP, signal.SIGUSR1):
        name = signal.Signals(sig).name
        rotated = s.path("error_log.%s" % name)
        os.rename(s.error_log.path, rotated)
        s.signal(sig)
        t.ok(wait_for(lambda: os.path.exists(s.error_log.path) and s.error_log.lines(), 8),
             "%s: a new error log is opened under its name and written" % name)
        new = s.error_log.lines()
        t.is_([l for l in new if not ERROR_LOG_LINE.match(l)], [],
              "%s: the new file's lines have the same shape" % name)
        size = os.path.getsize(rotated)
        http_get(s.port, "/missing-after-%s" % name)
        wait_for(lambda: len(s.error_log.lines()) > len(new), 2)
        t.is_(os.path.getsize(rotated), size, "%s: the renamed file gets no more lines" % name)

    # A leaving child that dies of a signal the master did not send is an error, not a
    # child's normal end at info: a crash during a graceful restart must be seen.
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n")   # a request in hand, its head unfinished
    holder = wait_for(lambda: connection_holder(s.children(), sock), 10)
    t.ok(holder, "a child holds an unfinished request (%s)" % holder)
    if holder:
        s.signal(signal.SIGUSR1)
        t.ok(wait_for(lambda: s.scoreboard_processes().get(holder, {}).get("stopping"), 10),
             "after USR1 that child is leaving, the request still in hand")
        block = s.mark()
        os.kill(holder, signal.SIGKILL)
        t.ok(block.wait_for(r"\[core:error\] \[pid %d\] child pid %d \(.*, stopping\) killed by signal 9"
                            % (s.master, holder), 10),
             "a leaving child killed by a signal the master did not send is logged at error")
    sock.close()
    s.check_log()
    s.stop()

    # LogLevel error: nothing below error is written.
    q = t.server(name="errlevel", conf={"log": {"LogLevel": "error"}})
    q.start()
    http_get(q.port, "/missing")
    # The victim must be one: under a slow build the children come well after the master.
    victim = (wait_for(lambda: q.ready_children(), 10) or [None])[0]
    t.ok(victim, "LogLevel error: a child to kill (%s)" % victim)
    if victim:
        os.kill(victim, signal.SIGKILL)
    # The crash must be reaped (and so logged, at error) before the restart: a child the
    # HUP finds unreaped is one the master has told to leave, and its end is logged at
    # info. Under a loaded distcheck the kill can take seconds to be reaped.
    t.ok(wait_for(lambda: q.error_log.lines(), 30), "LogLevel error: the killed child is logged")
    wait_for(lambda: len(q.children()) == 2 and victim not in q.children(), 10)
    q.signal(signal.SIGHUP)
    wait_for(lambda: len(q.children()) == 2, 5)
    q.stop()
    levels = [m.group(4) for m in map(ERROR_LOG_LINE.match, q.error_log.lines()) if m]
    above = [l for l in levels if l.startswith("trace") or LEVELS.index(l) > LEVELS.index("error")]
    t.ok(levels, "LogLevel error: the log has lines (%d)" % len(levels))
    t.is_(above, [], "LogLevel error: no warn, notice, info, debug or trace lines")

Test().main(main)
