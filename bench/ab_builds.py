#!/usr/bin/env python3
"""ab_builds.py: two builds of one mpmd MPM, A and B, side by side in the same hour.

    bench/ab_builds.py --mpm event --a OLD/bench/mpmd-event --b bench/mpmd-event
                       [--rounds 3] [--duration 5] [--connections 50] [--path /1k.txt] [--close]

Each round starts A, then B, alone on a free port of 127.0.0.1 with the config `make bench`
writes (bench/server_configs.py, the "load" sizes, access log on), loads it with
`wrk -t1 -cN` for a second to warm it up and then for the measured run (with --close, every
request says "Connection: close"), and stops it by its pid. Alternating the builds round by
round spreads this VM's drift over both. It prints each run and the medians: requests per
second and server CPU per request (utime + stime of the master and its children,
bench/server_process.py). The document root holds bench's 1k.txt
and 1m.txt; they are made two seconds before the first run, so that the open-file cache
treats them as settled (doc/performance.md, "Small files leave in one send").
Never part of make check. Leans on: wrk(1), proc(5).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure  # noqa: E402
import server_configs  # noqa: E402
import wrk_run  # noqa: E402
from server_process import TICKS_PER_SECOND, ServerProcess  # noqa: E402


def one_run(binary, mpm, paths, docroot, work, args):
    """(requests per second, CPU microseconds per request) of BINARY."""
    os.makedirs(work)
    port = measure.free_port()
    server = server_configs.Server(f"mpmd-{mpm}", "mpmd", mpm)
    argv = server_configs.write_config(server, paths, work, docroot, port, "load", 0)
    argv[0] = binary
    proc = ServerProcess(os.path.basename(binary), argv, work)
    try:
        if not proc.wait_ready(port, args.path):
            raise RuntimeError(f"{binary} did not serve {args.path} on port {port}")
        url = f"http://127.0.0.1:{port}{args.path}"
        headers = ["Connection: close"] if args.close else []
        wrk_run.run(url, 1, args.connections, 1, headers)
        before = proc.cpu_ticks()
        result = wrk_run.parse(wrk_run.run(url, args.duration, args.connections, 1, headers))
        used = proc.cpu_ticks() - before
    finally:
        proc.stop()
    cpu_us = used * 1e6 / TICKS_PER_SECOND / max(result.requests, 1)
    return result.req_per_s, cpu_us


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mpm", required=True, choices=server_configs.MPMS)
    parser.add_argument("--a", required=True, help="the first mpmd binary (one MPM linked in)")
    parser.add_argument("--b", required=True, help="the second")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--path", default="/1k.txt")
    parser.add_argument("--close", action="store_true",
                        help="every request on a new connection (Connection: close)")
    args = parser.parse_args()
    args.a, args.b = os.path.abspath(args.a), os.path.abspath(args.b)   # servers run in their directory
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = server_configs.Paths(build_dir=top, mime_types=os.path.join(top, "etc", "mime.types"))
    scratch = tempfile.mkdtemp(prefix="mpmd-ab-")
    os.chmod(scratch, 0o755)   # the children (nobody when run as root) read the files below
    try:
        docroot = os.path.join(scratch, "htdocs")
        os.makedirs(docroot)
        with open(os.path.join(docroot, "1k.txt"), "wb") as f:
            f.write(b"x" * 1023 + b"\n")
        with open(os.path.join(docroot, "1m.txt"), "wb") as f:
            f.write(b"y" * (1 << 20))
        settled = time.time() + 2.5
        while time.time() < settled:   # the files' change time must be two seconds old
            time.sleep(0.1)
        runs = {"a": [], "b": []}
        for r in range(args.rounds):
            for which in ("a", "b"):
                binary = getattr(args, which)
                rps, cpu = one_run(binary, args.mpm, paths, docroot,
                                   os.path.join(scratch, f"{which}{r}"), args)
                runs[which].append((rps, cpu))
                print(f"round {r + 1} {which.upper()}: {rps:10.0f} req/s {cpu:7.2f} us CPU/request",
                      flush=True)
        for which in ("a", "b"):
            rps = statistics.median(x[0] for x in runs[which])
            cpu = statistics.median(x[1] for x in runs[which])
            print(f"{which.upper()} median: {rps:10.0f} req/s {cpu:7.2f} us CPU/request  "
                  f"({getattr(args, which)})")
        ratio = statistics.median(x[0] for x in runs["b"]) / statistics.median(x[0] for x in runs["a"])
        print(f"B/A: {ratio:.3f}x req/s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
