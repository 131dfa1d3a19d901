"""measure.py: the two measurements of one server, each on a fresh start of it.

load_run: the three wrk workloads after a warm-up, with the server's CPU time
around each measured run, then its access-log line count (the proof that it
logged) and the error-log lines above notice.
idle_run: bench/idle_clients.py holds N idle keep-alive connections and sums the
PSS of the server's processes before and while holding them.
Both stop the server by its pid whatever happens (server_process.py).
"""

import os
import socket
import subprocess
import sys
import time

import server_configs
import wrk_run
from server_process import TICKS_PER_SECOND, ServerProcess

HERE = os.path.dirname(os.path.abspath(__file__))

# name, URL path, extra request headers, over TLS
WORKLOADS = (
    ("ka", "/1k.txt", (), False),
    ("close", "/1k.txt", ("Connection: close",), False),
    ("1m", "/1m.txt", (), False),
    # Over TLS: 1 KiB keep-alive, and Connection: close, where every request is a new
    # connection with its handshake (full or resumed, as wrk makes it): handshakes/s.
    ("tls_ka", "/1k.txt", (), True),
    ("tls_hs", "/1k.txt", ("Connection: close",), True),
)


def free_port():
    """A port the kernel reports free on 127.0.0.1 (bound to port 0, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def start(server, cfg, purpose, work):
    """Write SERVER's config into the new directory WORK, start it, wait until it serves
    /1k.txt; (process, port).  Raises RuntimeError if it does not come up."""
    os.makedirs(work)
    port = free_port()
    tls_port = free_port() if cfg.paths.certificate and purpose == "load" else None
    argv = server_configs.write_config(server, cfg.paths, work, cfg.docroot, port, purpose,
                                       cfg.idle_clients, tls_port)
    proc = ServerProcess(server.name, argv, work, getattr(cfg, "own_session", False))
    if not proc.wait_ready(port, "/1k.txt"):
        how = proc.stop()
        detail = "\n".join(proc.tail_output() + proc.error_lines()[1])
        raise RuntimeError(f"{server.name} did not serve /1k.txt on port {port} ({how}):\n{detail}")
    proc.tls_port = tls_port
    return proc, port


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return n
            n += chunk.count(b"\n")


def load_run(server, cfg, work):
    """One round's figures for SERVER: {workload: {...}, "requests_total", ...}."""
    out = {"workloads": {}}
    proc, port = start(server, cfg, "load", work)
    log(f"== {server.name}: pid {proc.pid}, port {port}")
    requests = 0
    try:
        base = f"http://127.0.0.1:{port}"
        if cfg.warmup > 0:
            text = wrk_run.run(base + "/1k.txt", cfg.warmup, cfg.connections, cfg.threads)
            requests += wrk_run.parse(text).requests
        for name, path, headers, tls in WORKLOADS:
            if tls and not proc.tls_port:
                continue
            url = (f"https://127.0.0.1:{proc.tls_port}" if tls else base) + path
            before = proc.cpu_ticks()
            text = wrk_run.run(url, cfg.duration, cfg.connections, cfg.threads, headers)
            ticks = proc.cpu_ticks() - before
            r = wrk_run.parse(text)
            requests += r.requests
            cpu_us = (ticks / TICKS_PER_SECOND * 1e6 / r.requests) if r.requests else float("nan")
            out["workloads"][name] = {
                "requests": r.requests, "seconds": r.seconds, "req_per_s": r.req_per_s,
                "mib_per_s": r.bytes_per_s / (1 << 20), "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
                "cpu_ticks": ticks, "cpu_us_per_req": cpu_us, "errors": r.errors}
            log(f"   {name:5}: {r.req_per_s:10.0f} req/s {r.bytes_per_s / (1 << 20):8.1f} MiB/s "
                f"p50 {r.p50_ms:.2f} ms p99 {r.p99_ms:.2f} ms  CPU {cpu_us:6.1f} us/req"
                f"{'  errors ' + str(r.errors) if r.errors else ''}")
            if not proc.alive():
                raise RuntimeError(f"{server.name} exited during the {name} run")
    finally:
        out["stop"] = proc.stop()
        out["error_log_count"], out["error_log"] = proc.error_lines()
    access_log = os.path.join(work, "access_log")
    out["requests_total"] = requests
    out["access_log_lines"] = count_lines(access_log) if os.path.exists(access_log) else 0
    if not cfg.keep_work and os.path.exists(access_log):
        os.remove(access_log)     # up to ~100 MB a run, times servers and rounds
    return out


def idle_run(server, cfg, work):
    """SERVER's memory idle and holding cfg.idle_clients idle keep-alive connections:
    idle_clients.py's key=value output as a dict."""
    proc, port = start(server, cfg, "idle", work)
    log(f"== {server.name}: pid {proc.pid}, port {port}, {cfg.idle_clients} idle clients")
    deadline, settle, probe = 150, 3, 10
    try:
        time.sleep(2)       # as idle-memory.sh: let the StartServers children finish starting
        argv = [sys.executable, "-B", os.path.join(HERE, "idle_clients.py"), "--port", str(port),
                "--pid", str(proc.pid), "--count", str(cfg.idle_clients), "--window", "256",
                "--deadline", str(deadline), "--settle", str(settle),
                "--probe-timeout", str(probe)]
        done = subprocess.run(argv, capture_output=True, text=True,
                              timeout=deadline + settle + probe + 60)
        if done.returncode != 0:
            raise RuntimeError(f"idle_clients.py failed against {server.name}: "
                               f"{done.stderr.strip()[-500:]}")
        values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        log("   " + " ".join(f"{k}={values.get(k, '-')}" for k in
                             ("pss_before_kib", "pss_kib", "procs", "threads", "answered",
                              "held_open", "open_seconds", "probe_ms")))
    finally:
        stopped = proc.stop(grace=30)   # prefork with 2,000 children takes a while
    values["stop"] = stopped
    values["error_log_count"], values["error_log"] = proc.error_lines()
    return values
