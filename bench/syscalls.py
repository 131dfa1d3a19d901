#!/usr/bin/env python3
"""syscalls.py: system calls, context switches and CPU time per request, each server in turn.

Where a small request's time goes on this machine is, to a first approximation, its
system calls and its context switches (doc/performance.md): this counts both, and the CPU
time used (task-clock), with `perf stat` attached to every process of the server (master
and children, every thread) around one wrk run per workload, and divides by the requests
wrk completed. The servers, their configs and the document root are make bench's
(run_bench.py, server_configs.py); each server is started alone, warmed up, measured and
stopped by its pid.

    make bench-syscalls [SERVERS="mpmd-event nginx"] [DURATION=5]
    bench/syscalls.py --build-dir BUILD [--servers ...] [--duration N] [--mpmd-dir DIR]

--mpmd-dir takes the mpmd daemons from DIR/mpmd-MPM instead of BUILD/bench (to compare
two builds, run it once per build). The sizes keep every server from forking during the
run (server_configs.mpm_sizes); a process started during a run would not be counted.
Python 3 standard library, perf (Debian package linux-perf) and wrk. Never part of
`make check`.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import measure
from idle_clients import descendants
import run_bench
import server_configs
import wrk_run

EVENTS = ["raw_syscalls:sys_enter", "context-switches", "task-clock"]   # task-clock: CPU ms
# --mallocs: calls of libc's malloc (C++'s operator new included), through a uprobe that
# `perf probe -x LIBC malloc` creates once (root); the name perf gives it:
MALLOC_EVENT = "probe_libc:malloc"


def counted(pids, url, duration, cfg, headers):
    """(requests, {event: count}) of one wrk run with perf attached to PIDS."""
    argv = ["perf", "stat", "-x", ",", "-e", ",".join(EVENTS), "-p", ",".join(map(str, pids)),
            "--", "wrk", f"-t{cfg.threads}", f"-c{cfg.connections}", f"-d{duration}s", "--latency"]
    for h in headers:
        argv += ["-H", h]
    argv.append(url)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"perf stat failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    counts = {}
    for line in done.stderr.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2] in EVENTS:
            try:
                counts[fields[2]] = float(fields[0])
            except ValueError:
                pass    # "<not counted>"
    missing = [e for e in EVENTS if e not in counts]
    if missing:
        raise RuntimeError(f"perf stat counted no {' '.join(missing)}: {done.stderr.strip()[-500:]}")
    return wrk_run.parse(done.stdout).requests, counts


def measure_server(server, cfg, work):
    proc, port = measure.start(server, cfg, "load", work)
    rows = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wrk_run.run(base + "/1k.txt", cfg.warmup, cfg.connections, cfg.threads)
        pids = descendants(proc.pid)
        for name, path, headers, tls in measure.WORKLOADS:
            if name == "1m" or (tls and not proc.tls_port):
                continue
            url = (f"https://127.0.0.1:{proc.tls_port}" if tls else base) + path
            requests, counts = counted(pids, url, cfg.duration, cfg, headers)
            if requests == 0:
                raise RuntimeError(f"{server.name}: wrk completed no request ({name})")
            rows[name] = (counts[EVENTS[0]] / requests, counts[EVENTS[1]] / requests,
                          counts[EVENTS[2]] * 1000 / requests,
                          counts.get(MALLOC_EVENT, 0) / requests)
            measure.log(f"   {server.name} {name}: {requests} requests, "
                        f"{rows[name][0]:.2f} system calls, {rows[name][1]:.3f} context "
                        f"switches, {rows[name][2]:.1f} us CPU a request ({len(pids)} processes)")
    finally:
        proc.stop()
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-dir", default=".", help="the build tree holding bench/mpmd-MPM")
    p.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p.add_argument("--mpms", default="prefork worker event")
    p.add_argument("--mpmd-dir", default="", help="take mpmd-MPM from this directory")
    p.add_argument("--servers", default=os.environ.get("SERVERS", ""))
    p.add_argument("--duration", type=int, default=run_bench.seconds(os.environ.get("DURATION", "5")))
    p.add_argument("--connections", type=int, default=int(os.environ.get("CONNECTIONS", 50)))
    p.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", 1)))
    p.add_argument("--mallocs", action="store_true",
                   help="also count malloc calls a request (needs the uprobe: perf probe -x LIBC malloc)")
    args = p.parse_args()
    if not shutil.which("perf"):
        sys.exit("syscalls.py: perf is missing (Debian package linux-perf)")
    if args.mallocs:
        listed = subprocess.run(["perf", "probe", "-l"], capture_output=True, text=True).stdout
        if MALLOC_EVENT not in listed:
            sys.exit(f"syscalls.py: no {MALLOC_EVENT} uprobe; as root: "
                     "perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc")
        EVENTS.append(MALLOC_EVENT)
    build = os.path.abspath(args.build_dir)
    mime = os.path.join(args.source_dir, "etc", "mime.types")
    paths = server_configs.Paths(build, mime if os.path.exists(mime) else "/etc/mime.types")
    if args.mpmd_dir:
        mpmd_dir = os.path.abspath(args.mpmd_dir)
        paths.mpmd = lambda mpm: os.path.join(mpmd_dir, f"mpmd-{mpm}")
    args.rounds, args.idle_clients, args.keep_work = 1, 0, False
    servers = run_bench.choose_servers(args)
    run_bench.check_tools(servers, paths)
    run_bench.raise_nofile()
    work = tempfile.mkdtemp(prefix="mpmd-syscalls.")
    os.chmod(work, 0o755)
    paths.certificate, paths.key = run_bench.make_certificate(work)
    cfg = argparse.Namespace(paths=paths, docroot=run_bench.make_docroot(work), duration=args.duration,
                             warmup=2, connections=args.connections, threads=args.threads,
                             idle_clients=0, keep_work=False)
    results = {}
    try:
        for s in servers:
            results[s.name] = measure_server(s, cfg, os.path.join(work, s.name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nPer request, 1 KiB file, wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
          f"(perf stat -e {','.join(EVENTS)})")
    names = [w[0] for w in measure.WORKLOADS if w[0] != "1m"]
    print("workloads: ka (keep-alive), close (Connection: close), tls_ka and tls_hs (the same over TLS;\n"
          "tls_hs is a handshake a request)")
    mallocs = f" {'mallocs':>8}" if args.mallocs else ""
    print(f"{'server':16} {'workload':8} {'syscalls':>8} {'switches':>8} {'CPU us':>8}{mallocs}")
    for server, rows in results.items():
        for name in names:
            if name not in rows:
                continue
            r = rows[name]
            extra = f" {r[3]:8.2f}" if args.mallocs else ""
            print(f"{server:16} {name:8} {r[0]:8.2f} {r[1]:8.3f} {r[2]:8.1f}{extra}")

if __name__ == "__main__":
    main()
