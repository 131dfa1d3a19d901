"""wrk_run.py: one bounded wrk run and what its text output says.

wrk prints sizes in binary units (its "MB" is 2^20 bytes) and latencies with a unit
(us, ms, s); everything is converted here to requests, seconds, bytes and ms.
Errors are wrk's socket errors (connect, read, write, timeout) plus its
"Non-2xx or 3xx responses".
"""

import re
import subprocess
from dataclasses import dataclass, field

UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
TIME_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    req_per_s: float = 0.0
    bytes_per_s: float = 0.0        # wrk's Transfer/sec: headers and bodies
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    errors: dict = field(default_factory=dict)      # kind -> count, only nonzero ones

    def error_count(self):
        return sum(self.errors.values())


def run(url, duration, connections, threads, headers=()):
    """Run wrk for DURATION seconds (killed if it takes 60 s longer); the text it printed.
    Raises RuntimeError when wrk fails or prints no result."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for h in headers:
        argv += ["-H", h]
    argv.append(url)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"wrk did not finish within {duration + 60} s: {' '.join(argv)}")
    if done.returncode != 0 or "Requests/sec:" not in done.stdout:
        raise RuntimeError(f"wrk failed (status {done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[:500]}")
    return done.stdout


def _size(number, unit):
    return float(number) * UNITS[unit]


def parse(text):
    """The WrkResult of wrk --latency's output TEXT."""
    r = WrkResult()
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", text, re.M)
    if m:
        r.requests = int(m.group(1))
        r.seconds = float(m.group(2)) * TIME_MS[m.group(3)] / 1000
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if m:
        r.req_per_s = float(m.group(1))
    m = re.search(r"^Transfer/sec:\s+([\d.]+)([KMGT]?B)", text, re.M)
    if m:
        r.bytes_per_s = _size(m.group(1), m.group(2))
    for pct, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
        if m:
            setattr(r, attr, float(m.group(1)) * TIME_MS[m.group(2)])
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        for kind, n in zip(("connect", "read", "write", "timeout"), m.groups()):
            if int(n):
                r.errors[kind] = int(n)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m and int(m.group(1)):
        r.errors["non2xx"] = int(m.group(1))
    return r
