"""machine_info.py: what a report records about the machine and the software measured,
so that two reports can be told apart: date, host, CPUs, kernel, memory, load, and
the version lines of mpmd, apache2, nginx and wrk."""

import os
import platform
import socket
import subprocess
import time


def _first(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _output(argv, lines=1):
    """The first LINES lines a command prints (stdout and stderr: nginx -v writes to
    stderr, wrk -v exits 1 after its version line)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return [f"{argv[0]}: {e}"]
    text = (done.stdout + done.stderr).strip().splitlines()
    return [" ".join(l.split()) for l in text[:lines]]


def _memory():
    kib = _first("/proc/meminfo", "MemTotal").split()[0]
    return f"{int(kib) / (1 << 20):.1f} GiB" if kib.isdigit() else "?"


def autogroup():
    """kernel.sched_autogroup_enabled: "1" when the scheduler shares the CPU per session."""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            return f.read().strip()
    except OSError:
        return "absent"


def machine():
    load = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "host": socket.gethostname(),
        "nproc": os.cpu_count(),
        "cpu": _first("/proc/cpuinfo", "model name"),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "memory": _memory(),
        "load": " ".join(f"{x:.2f}" for x in load),
    }


def versions(mpmd, apache2, nginx, source_dir):
    out = {}
    if mpmd:
        out["mpmd"] = _output([mpmd, "-V"], 2)
        commit = _output(["git", "-C", source_dir, "describe", "--always", "--dirty"])
        if commit and "fatal" not in commit[0]:
            out["mpmd"].append(f"source: {commit[0]}")
    if apache2:
        out["apache2"] = _output([apache2, "-v"], 2)
    if nginx:
        out["nginx"] = _output([nginx, "-v"])
    out["wrk"] = _output(["wrk", "-v"])
    out["gnuplot"] = _output(["gnuplot", "--version"])
    return out
