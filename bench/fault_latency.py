#!/usr/bin/env python3
"""fault_latency.py: how fast mpmd's master reacts to faults in children, per MPM.
Never part of `make check` (timings depend on the host).  Needs the test daemons of a
build tree (t/mpmd-prefork, t/mpmd-worker, t/mpmd-event: `make check` builds them, or
`make t/mpmd-prefork ...`), because the faults come from their /__fault/ hooks.

  bench/fault_latency.py --build BUILDDIR [--rounds N] [prefork worker event]

For each MPM it starts BUILDDIR/t/mpmd-MPM on a free 127.0.0.1 port (3 children,
RequestTimeout = 1) in a private /tmp directory and measures, N rounds each:
  respawn/SIGKILL  os.kill(child, SIGKILL) -> a new child of the master is visible in
                   /proc (polled every 1 ms; only pids not there before the kill are read)
  respawn/SIGSEGV  the /__fault/crash request sent -> a new child visible (as above)
  watchdog         /__fault/hang sent -> the connection ends, minus RequestTimeout (1 s):
                   the watchdog's own delay (its scan runs every 100 ms)
and prints min, median and max in milliseconds.  Between faults it waits 2.2 s, so that
each victim has lived through the respawn back-off's early-death window (1 s) and the
master's next tick: every sample is a plain replacement, never a throttled one.  Only talks to 127.0.0.1; every
process it starts is stopped by pid.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

LIMIT_S = 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return None if fields[0] == "Z" else int(fields[1])


def pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def children(master):
    return sorted(p for p in pids() if ppid_of(p) == master)


def new_child(master, before, timeout=5.0):
    """Polls /proc every 1 ms for a child of master whose pid is not in the set `before`;
    returns the monotonic time it was seen, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in pids():
            if p not in before and ppid_of(p) == master:
                return time.monotonic()
        time.sleep(0.001)
    return None


def request(port, path, timeout=10.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
    return s


def wait_closed(s):
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
    return time.monotonic()


def start(daemon, directory, port):
    os.makedirs(os.path.join(directory, "htdocs"))
    with open(os.path.join(directory, "htdocs", "hello.txt"), "w") as f:
        f.write("hello\n")
    with open(os.path.join(directory, "mime.types"), "w") as f:
        f.write("text/plain txt\n")
    os.chmod(directory, 0o755)
    os.chmod(os.path.join(directory, "htdocs"), 0o755)
    conf = os.path.join(directory, "mpmd.conf")
    threaded = "\n".join("[%s]\nStartServers = 3\nThreadsPerChild = 1\nThreadLimit = 1\n"
                         "MinSpareThreads = 1\nMaxSpareThreads = 5\nMaxRequestWorkers = 10\n"
                         "ServerLimit = 10" % s for s in ("mpm_worker", "mpm_event"))
    with open(conf, "w") as f:
        f.write("[server]\nListen = 127.0.0.1:%d\nServerRoot = %s\nDocumentRoot = %s/htdocs\n"
                "PidFile = %s/mpmd.pid\nTypesConfig = %s/mime.types\nRequestTimeout = %d\n"
                "User = nobody\nGroup = nogroup\n"
                "[log]\nErrorLog = %s/error_log\nLogLevel = warn\n"
                "[mpm_prefork]\nStartServers = 3\nMinSpareServers = 1\nMaxSpareServers = 5\n%s\n"
                % (port, directory, directory, directory, directory, LIMIT_S, directory, threaded))
    proc = subprocess.Popen([daemon, "-f", conf, "-D", "FOREGROUND"], stdin=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(children(proc.pid)) >= 3:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proc
            except OSError:
                pass
        time.sleep(0.05)
    stop(proc)
    shutil.rmtree(directory, ignore_errors=True)
    raise SystemExit("%s did not start (see %s/error_log)" % (daemon, directory))


def stop(proc):
    kids = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass


def settle(master, want=3):
    deadline = time.monotonic() + 5
    while len(children(master)) < want and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(2.2)


def measure(daemon, rounds):
    directory = tempfile.mkdtemp(prefix="mpmd-faultbench-")
    port = free_port()
    proc = start(daemon, directory, port)
    master = proc.pid
    settle(master)
    out = {"respawn/SIGKILL": [], "respawn/SIGSEGV": [], "watchdog": []}
    try:
        for _ in range(rounds):
            kids = children(master)
            before = set(pids())
            t0 = time.monotonic()
            os.kill(kids[0], signal.SIGKILL)
            seen = new_child(master, before)
            if seen:
                out["respawn/SIGKILL"].append((seen - t0) * 1000)
            settle(master)

            before = set(pids())
            t0 = time.monotonic()
            s = request(port, "/__fault/crash")
            seen = new_child(master, before)
            wait_closed(s)
            if seen:
                out["respawn/SIGSEGV"].append((seen - t0) * 1000)
            settle(master)

            t0 = time.monotonic()
            s = request(port, "/__fault/hang")
            ended = wait_closed(s)
            out["watchdog"].append((ended - t0 - LIMIT_S) * 1000)
            settle(master)
    finally:
        stop(proc)
        shutil.rmtree(directory, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=".", help="the build tree holding t/mpmd-MPM")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("mpms", nargs="*", default=["prefork", "worker", "event"])
    args = ap.parse_args()
    print("%-8s %-16s %6s %8s %8s %8s" % ("MPM", "measure", "rounds", "min ms", "median", "max ms"))
    for mpm in args.mpms:
        daemon = os.path.join(args.build, "t", "mpmd-" + mpm)
        if not os.access(daemon, os.X_OK):
            print("%-8s skipped: %s is not built" % (mpm, daemon))
            continue
        for name, values in measure(daemon, args.rounds).items():
            if values:
                print("%-8s %-16s %6d %8.1f %8.1f %8.1f" % (mpm, name, len(values), min(values),
                                                            statistics.median(values), max(values)))
            else:
                print("%-8s %-16s no sample" % (mpm, name))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
