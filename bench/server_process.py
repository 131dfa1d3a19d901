"""server_process.py: one server under test as a child of the driver: start, readiness,
CPU time of its whole process tree, stop.

The server runs in the foreground in its own process group: apache2 signals its
whole process group when it stops in the foreground, which would otherwise include
the driver.  It stays in the driver's session unless asked (own_session), because
the kernel's autogroup scheduler (sched(7), on in Debian's kernels) shares the CPU
between sessions, not processes: a server in a session of its own gets one share
against wrk's, however many processes serve, and on a machine that also runs the
load generator that penalises a process per connection for a split that has no
counterpart where clients are elsewhere.  It is stopped by its pid only: TERM,
then KILL after a bound.
Leans on: proc(5) /proc/PID/stat fields 14-17 (utime, stime, cutime, cstime, in
clock ticks), sysconf(3) _SC_CLK_TCK, setpgid(2), setsid(2), sched(7) autogroup.
"""

import http.client
import os
import signal
import subprocess
import time

from idle_clients import descendants

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def stat_times(pid):
    """(utime + stime, cutime + cstime) of PID in clock ticks, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # After "pid (comm) ": state is field 3, so utime (14) is index 11 here.
    fields = stat[stat.rfind(b")") + 2:].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return utime + stime, cutime + cstime


class ServerProcess:
    """A started server; name is used in messages, work is its private directory."""

    def __init__(self, name, argv, work, own_session=False):
        self.name = name
        self.work = work
        self.output = os.path.join(work, "output")
        group = {"start_new_session": True} if own_session else {"process_group": 0}
        with open(self.output, "ab") as out:
            self.proc = subprocess.Popen(argv, cwd=work, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, **group)
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def wait_ready(self, port, path, deadline=20.0):
        """Poll until PATH answers 200; False if the server exits or DEADLINE passes."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if not self.alive():
                return False
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    return True
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        return False

    def cpu_ticks(self):
        """CPU ticks used so far by the master and every child, exited ones included.

        Live processes count with their own utime+stime (a process's figure covers its
        threads, the exited ones too); children that exited and were reaped count
        through the master's cutime+cstime.  The master is read last, so a child
        reaped between the two reads may count twice: the load sizes are chosen so that
        no child exits during a measured run."""
        total = 0
        for pid in descendants(self.pid):
            if pid == self.pid:
                continue
            times = stat_times(pid)
            if times:
                total += times[0]
        own = stat_times(self.pid)
        if own:
            total += own[0] + own[1]
        return total

    def stop(self, grace=20.0):
        """TERM the master, wait up to GRACE seconds, then KILL; reap it either way.
        Returns how it ended: "exited N", "signal N" or "killed after Ns"."""
        if self.alive():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            code = self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            # Its children too, or they would outlive it: every descendant still in the
            # server's process group (whose id is the master's pid).
            for pid in descendants(self.pid):
                try:
                    if os.getpgid(pid) == self.pid:
                        os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait(timeout=10)
            return f"killed after {grace:.0f}s"
        return f"signal {-code}" if code < 0 else f"exited {code}"

    def error_lines(self, limit=5):
        """The error log's lines above notice (the last LIMIT), and their count."""
        path = os.path.join(self.work, "error_log")
        try:
            with open(path, errors="replace") as f:
                lines = [l.rstrip("\n") for l in f if l.strip() and ":notice]" not in l]
        except OSError:
            return 0, []
        return len(lines), lines[-limit:]

    def tail_output(self, limit=10):
        try:
            with open(self.output, errors="replace") as f:
                return f.read().splitlines()[-limit:]
        except OSError:
            return []
