#!/usr/bin/env python3
"""run_bench.py: `make bench`, mpmd beside Debian's apache2 and nginx in one run.

For each round, each server in an order that rotates by one every round: start
it alone on 127.0.0.1 with a generated config (server_configs.py), warm up, run
wrk's three workloads (1 KiB keep-alive, 1 KiB Connection: close, 1 MiB
keep-alive) with the server's CPU time around each, stop it (measure.load_run).
Then once per server: its PSS idle and holding IDLE_CLIENTS idle keep-alive
connections (measure.idle_run).  Medians over the rounds go into a text table,
a PNG chart and the raw numbers as JSON (report_table.py, report_chart.py).

Python 3 standard library only.  Never part of `make check`.  bench/README.md
says what each figure means; `run_bench.py --help` lists the settings, each
also read from the environment variable named in its help.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import machine_info
import measure
import report_chart
import report_table
import server_configs
from server_configs import PACKAGES
from server_process import TICKS_PER_SECOND


def settings(argv):
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add = p.add_argument
    add("--build-dir", default=".", help="the build tree holding bench/mpmd-MPM")
    add("--source-dir", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        help="the source tree (its etc/mime.types)")
    add("--mpms", default="prefork worker event", help="the MPMs the build links bench daemons for")
    add("--out", default=env.get("BENCH_OUT", "bench/results"), help="output directory (BENCH_OUT)")
    add("--rounds", type=int, default=int(env.get("ROUNDS", 3)), help="rounds (ROUNDS, 3)")
    add("--duration", type=int, default=seconds(env.get("DURATION", "10")),
        help="seconds of each measured wrk run (DURATION, 10)")
    add("--warmup", type=int, default=seconds(env.get("WARMUP", "2")),
        help="seconds of the unmeasured keep-alive run first (WARMUP, 2; 0: none)")
    add("--connections", type=int, default=int(env.get("CONNECTIONS", 50)),
        help="wrk connections (CONNECTIONS, 50)")
    add("--threads", type=int, default=int(env.get("THREADS", 1)), help="wrk threads (THREADS, 1)")
    add("--idle-clients", type=int, default=int(env.get("IDLE_CLIENTS", 2000)),
        help="idle keep-alive connections for the memory pass (IDLE_CLIENTS, 2000; 0: no pass)")
    add("--servers", default=env.get("SERVERS", ""),
        help="the servers to run, a space- or comma-separated subset (SERVERS, all)")
    add("--own-session", action="store_true",
        default=env.get("OWN_SESSION", "") not in ("", "0"),
        help="run each server in a session of its own, so in its own autogroup against "
             "wrk's (OWN_SESSION; default: wrk's session, see server_process.py)")
    add("--keep-work", action="store_true", default=env.get("KEEP_WORK", "") not in ("", "0"),
        help="keep the private directory with configs and logs (KEEP_WORK)")
    return p.parse_args(argv)


def seconds(text):
    """DURATION as compare-mpm.sh takes it: 10 or 10s."""
    return int(text[:-1] if text.endswith("s") else text)


def choose_servers(args):
    known = server_configs.all_servers(args.mpms.split())
    if not args.servers.strip():
        return known
    by_name = {s.name: s for s in known}
    wanted = args.servers.replace(",", " ").split()
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        sys.exit(f"run_bench: unknown server(s) {' '.join(unknown)}; this build has: "
                 f"{' '.join(by_name)}")
    return [s for s in known if s.name in wanted]


def check_tools(servers, paths):
    """Exit naming the Debian package of every missing tool the chosen servers need."""
    missing = [f"{t} (Debian package {PACKAGES[t]})" for t in ("wrk", "gnuplot", "openssl")
               if not shutil.which(t)]
    kinds = {s.kind for s in servers}
    if "apache2" in kinds:
        if not os.access(paths.apache2, os.X_OK):
            missing.append(f"{paths.apache2} (Debian package {PACKAGES['apache2']})")
        mods = ["authz_core", "mime", "dir", "ssl", "socache_shmcb"]   # log_config: built in
        mods += [f"mpm_{s.mpm}" for s in servers if s.kind == "apache2"]
        for so in (os.path.join(paths.apache_modules, f"mod_{m}.so") for m in mods):
            if not os.path.exists(so):
                missing.append(f"{so} (Debian package {PACKAGES['apache2']})")
    if "nginx" in kinds and not os.access(paths.nginx, os.X_OK):
        missing.append(f"{paths.nginx} (Debian package {PACKAGES['nginx']})")
    for s in servers:
        if s.kind == "mpmd" and not os.access(paths.mpmd(s.mpm), os.X_OK):
            missing.append(f"{paths.mpmd(s.mpm)} (run `make bench`, which links it)")
    if missing:
        sys.exit("run_bench: missing:\n  " + "\n  ".join(missing))


def make_docroot(work):
    """The files every server serves: 1k.txt (1 KiB) and 1m.txt (1 MiB)."""
    docroot = os.path.join(work, "htdocs")
    os.makedirs(docroot)
    for name, size in (("1k.txt", 1024), ("1m.txt", 1 << 20)):
        with open(os.path.join(docroot, name), "wb") as f:
            f.write(b"x" * (size - 1) + b"\n")
        os.chmod(os.path.join(docroot, name), 0o644)
    os.chmod(docroot, 0o755)
    return docroot


def make_certificate(work):
    """A self-signed RSA 2048 certificate for localhost, readable by the servers' children
    (nginx and apache2 read it as root, mpmd's master too): (certificate, key)."""
    crt, key = os.path.join(work, "bench.crt"), os.path.join(work, "bench.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "30", "-subj", "/CN=localhost", "-addext", "basicConstraints=critical,CA:FALSE"],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return crt, key


def raise_nofile(want=16384):
    """The servers inherit this limit (as idle-memory.sh gives them): 2,000 idle clients."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < limit:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def attempt(run, server, cfg, work):
    """RUN's figures, or {"run_failed": why}: one server that fails leaves the others
    measured, and the report names the failure."""
    try:
        return run(server, cfg, work)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        measure.log(f"run_bench: {e}")
        return {"run_failed": str(e)}


def on_term(signum, _frame):
    # Unwind through the finally blocks that stop the server being measured.
    raise SystemExit(f"run_bench: signal {signum}, stopping")


def main():
    args = settings(sys.argv[1:])
    build = os.path.abspath(args.build_dir)
    mime = os.path.join(args.source_dir, "etc", "mime.types")
    paths = server_configs.Paths(build, mime if os.path.exists(mime) else "/etc/mime.types")
    servers = choose_servers(args)
    check_tools(servers, paths)
    if args.rounds < 1 or args.duration < 1:
        sys.exit("run_bench: ROUNDS and DURATION must be at least 1")
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    nofile = raise_nofile()
    work = tempfile.mkdtemp(prefix="mpmd-bench.")
    os.chmod(work, 0o755)       # the children may run as nobody and must reach htdocs
    paths.certificate, paths.key = make_certificate(work)
    cfg = SimpleNamespace(paths=paths, docroot=make_docroot(work), duration=args.duration,
                          warmup=args.warmup, connections=args.connections,
                          threads=args.threads, idle_clients=args.idle_clients,
                          keep_work=args.keep_work, own_session=args.own_session)
    mpmd_bin = next((paths.mpmd(s.mpm) for s in servers if s.kind == "mpmd"), None)
    kinds = {s.kind for s in servers}
    results = {
        "machine": machine_info.machine(),
        "versions": machine_info.versions(mpmd_bin, paths.apache2 if "apache2" in kinds else None,
                                          paths.nginx if "nginx" in kinds else None,
                                          args.source_dir),
        "settings": {"rounds": args.rounds, "duration": args.duration, "warmup": args.warmup,
                     "connections": args.connections, "threads": args.threads,
                     "idle_clients": args.idle_clients, "nofile": nofile,
                     "user": ":".join(server_configs.run_as()),
                     "access_log": server_configs.COMMON_FORMAT,
                     "tick_ms": 1000 / TICKS_PER_SECOND,
                     "session": "own" if args.own_session else "shared",
                     "autogroup": machine_info.autogroup()},
        "servers": [s.name for s in servers],
        "stamp": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),    # the files' names
        "rounds": [],
        "idle": {},
    }
    started = time.monotonic()
    try:
        for r in range(args.rounds):
            shift = r % len(servers)
            order = servers[shift:] + servers[:shift]
            measure.log(f"=== round {r + 1}/{args.rounds}: {' '.join(s.name for s in order)}")
            results["rounds"].append({s.name: attempt(measure.load_run, s, cfg,
                                                      os.path.join(work, f"r{r + 1}-{s.name}"))
                                      for s in order})
        if args.idle_clients > 0:
            measure.log(f"=== memory: {args.idle_clients} idle keep-alive connections each")
            for s in servers:
                results["idle"][s.name] = attempt(measure.idle_run, s, cfg,
                                                  os.path.join(work, f"idle-{s.name}"))
    finally:
        if args.keep_work:
            measure.log(f"run_bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["minutes"] = round((time.monotonic() - started) / 60, 1)
    write_outputs(results, args.out)
    failed = [f"round {i} {name}" for i, rnd in enumerate(results["rounds"], 1)
              for name, run in rnd.items() if "run_failed" in run]
    failed += [f"memory {name}" for name, run in results["idle"].items() if "run_failed" in run]
    if failed:
        sys.exit(f"run_bench: failed: {', '.join(failed)} (see the notes above)")


def no_nan(value):
    """VALUE with NaN (a figure that could not be measured) as null: strict JSON."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [no_nan(v) for v in value]
    return value


def write_outputs(results, out_dir):
    """bench-DATE.{txt,json,tsv,gp,png} in OUT_DIR, and latest.* links to them."""
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.join(out_dir, "bench-" + results["stamp"])
    results["medians"] = report_table.medians(results)
    text = report_table.render(results)
    with open(stem + ".txt", "w") as f:
        f.write(text)
    with open(stem + ".json", "w") as f:
        json.dump(no_nan(results), f, indent=1, sort_keys=True)
    if not report_chart.write(results, stem):
        measure.log("run_bench: nothing measured, no chart")
    for ext in ("txt", "json", "tsv", "png"):
        link = os.path.join(out_dir, f"latest.{ext}")
        if os.path.lexists(link):
            os.remove(link)
        if os.path.exists(f"{stem}.{ext}"):
            os.symlink(os.path.basename(stem) + "." + ext, link)
    print(text)
    written = [e for e in ("txt", "png", "json", "tsv", "gp") if os.path.exists(f"{stem}.{e}")]
    print(f"written: {stem}.{{{','.join(written)}}} (and {out_dir}/latest.*)")


if __name__ == "__main__":
    main()
