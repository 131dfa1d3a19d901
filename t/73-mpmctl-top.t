#!/usr/bin/env python3
# mpmctl top in a real terminal (a detached tmux session of 120x40): the header, the
# scoreboard grid and key; a slow download in flight shows as a W worker with its request
# line; q quits and the terminal comes back from raw mode and the alternate screen.
import os
import re
import signal

from mpmdtest import BUILDDIR, MPMD, SlowDownload, Test, descendants, proc_cmdline, run, wait_for

MPMCTL = os.path.join(BUILDDIR, "src", "mpmctl")
BIG = 8 * 1024 * 1024


def main(t):
    t.tool("tmux", "tmux")
    segment = "/mpmd-t73-%d" % os.getpid()
    s = t.server(name="mpmctltop", site={"big.bin": b"x" * BIG},
                 conf={"status": {"ScoreBoardFile": segment}})
    s.start()
    session = "mpmd-t73-%d" % os.getpid()
    socket_dir = s.path("tmux")
    os.mkdir(socket_dir, 0o700)
    tmux = ["tmux", "-S", os.path.join(socket_dir, "sock")]
    command = "MPMD='%s' '%s' top -f '%s'; echo mpmctl-exited-$?; sleep 60" % (MPMD, MPMCTL, s.conf_path)
    rc, out, err = run(tmux + ["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
    t.is_(rc, 0, "tmux session %s started (%s)" % (session, err.strip()))

    def screen():
        return run(tmux + ["capture-pane", "-p", "-t", session])[1]

    try:
        t.ok(wait_for(lambda: "mpmd top - mpmd/" in screen(), 10), "the header appears")
        text = screen()
        t.like(text, r"%s MPM" % t.mpm(), "it names the MPM")
        t.like(text, r"(?m)^generation \d+ \(config \d+\)  master pid %d" % s.master, "the generation and master pid")
        t.like(text, r"(?m)^accesses \d+  traffic .*req/s", "totals and req/s")
        t.like(text, r"(?m)^  [_SRWKDCLGI.]+\s*$", "the scoreboard grid")
        t.like(text, r"(?m)^_ wait  S start  R read  W reply", "its key")
        t.like(text, r"(?m)^SLOT\s+PID\s+ST\s+SECS\s+CLIENT", "the busy-worker table heading")

        d = SlowDownload(s.port, "/big.bin?inflight-top")
        t.ok(wait_for(lambda: "GET /big.bin?inflight-top HTTP/1.1" in screen(), 5),
             "the download in flight is in the busy-worker table")
        rows = [l for l in screen().splitlines() if "inflight-top" in l]
        t.like(rows[0] if rows else "", r"^\d+\.\d+\s+\d+\s+W\s+\d+\s+127\.0\.0\.1\s",
               "as a W worker with its pid, seconds and client")
        d.finish()

        run(tmux + ["send-keys", "-t", session, "q"])
        t.ok(wait_for(lambda: "mpmctl-exited-0" in screen(), 5), "q quits with status 0")
        t.unlike(screen(), r"mpmd top - ", "the alternate screen is gone (the terminal is restored)")

        # SIGTERM (by pid) ends it just as cleanly: raw mode off, normal screen back, and
        # the shell's `stty -a` shows echo and canonical mode on again.
        again = ("MPMD='%s' '%s' top -f '%s'; echo mpmctl-ended-$?; stty -a | tr ' ' '\\n' | "
                 "grep -x -e echo -e icanon | tr '\\n' ' '; echo; sleep 60") % (MPMD, MPMCTL, s.conf_path)
        run(tmux + ["respawn-pane", "-k", "-t", session, again])
        t.ok(wait_for(lambda: "mpmd top - mpmd/" in screen(), 10), "top runs again")
        top_pids = wait_for(lambda: [p for p in descendants(int(run(tmux + [
            "display-message", "-p", "-t", session, "#{pane_pid}"])[1].strip() or 0))
            if any(b"/mpmctl" in a for a in proc_cmdline(p))], 5) or []
        for pid in top_pids:
            os.kill(pid, signal.SIGTERM)
        t.ok(top_pids and wait_for(lambda: "mpmctl-ended-0" in screen(), 5), "SIGTERM ends it (%s)" % top_pids)
        t.ok(wait_for(lambda: re.search(r"(?m)^icanon echo\s*$", screen()), 5),
             "the terminal is back in canonical mode with echo")
        t.unlike(screen(), r"mpmd top - ", "and on the normal screen")
    finally:
        pane_pid = run(tmux + ["display-message", "-p", "-t", session, "#{pane_pid}"])[1].strip()
        run(tmux + ["kill-session", "-t", session])
        run(tmux + ["kill-server"])
        if pane_pid.isdigit() and not wait_for(lambda: not os.path.exists("/proc/%s" % pane_pid), 3):
            os.kill(int(pane_pid), signal.SIGKILL)


Test().main(main)
