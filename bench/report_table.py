"""report_table.py: the medians of a bench run and its text report.

medians() reduces the rounds to one figure per server and measure (the median
of the rounds in which the server ran; a failed round is left out and counted).
render() prints the header (machine, versions, settings), two tables of at most
120 columns (throughput; latency, CPU and memory), the issue's targets as
ratios, and notes: wrk errors, short access logs, error-log lines, failures.
A cell with "!" had wrk errors in at least one round.
"""

import statistics

NAN = float("nan")
# The median's key and (workload, field in the round's record) it comes from.
ROUND_FIGURES = {
    "ka_rps": ("ka", "req_per_s"), "close_rps": ("close", "req_per_s"),
    "mib_s": ("1m", "mib_per_s"), "p50_ms": ("ka", "p50_ms"), "p99_ms": ("ka", "p99_ms"),
    "cpu_ka": ("ka", "cpu_us_per_req"), "cpu_close": ("close", "cpu_us_per_req"),
    "cpu_1m": ("1m", "cpu_us_per_req"),
    "tls_ka_rps": ("tls_ka", "req_per_s"), "tls_hs_rps": ("tls_hs", "req_per_s"),
    "cpu_tls_ka": ("tls_ka", "cpu_us_per_req"), "cpu_tls_hs": ("tls_hs", "cpu_us_per_req"),
    "tls_p99_ms": ("tls_ka", "p99_ms"),
}
WORKLOAD_OF = {k: w for k, (w, _) in ROUND_FIGURES.items()}


def _median(values):
    values = [v for v in values if v is not None and v == v]
    return statistics.median(values) if values else NAN


def medians(results):
    out = {}
    for name in results["servers"]:
        runs = [r[name] for r in results["rounds"] if name in r and "run_failed" not in r[name]]
        m = {"rounds_ok": len(runs), "rounds": len(results["rounds"])}
        for key, (workload, field) in ROUND_FIGURES.items():
            m[key] = _median([run["workloads"].get(workload, {}).get(field) for run in runs])
        m["errors"] = {}
        for run in runs:
            for workload, rec in run["workloads"].items():
                for kind, n in rec["errors"].items():
                    per = m["errors"].setdefault(workload, {})
                    per[kind] = per.get(kind, 0) + n
        idle = results["idle"].get(name, {})
        for key, src, scale in (("pss_idle_mib", "pss_before_kib", 1 / 1024),
                                ("pss_held_mib", "pss_kib", 1 / 1024), ("held", "held_open", 1),
                                ("answered", "answered", 1), ("procs", "procs", 1),
                                ("threads", "threads", 1)):
            try:
                m[key] = float(idle[src]) * scale
            except (KeyError, ValueError):
                m[key] = NAN
        out[name] = m
    return out


def ratio(med, name, key, other):
    """med[name][key] / med[other][key], NaN when either is missing."""
    try:
        a, b = med[name][key], med[other][key]
    except KeyError:
        return NAN
    return a / b if b and a == a and b == b else NAN


def same_mpm_apache(name):
    return "apache2-" + name.split("-", 1)[1] if name.startswith("mpmd-") else None


def _num(value, fmt, flag=False):
    if value != value:
        return "-"
    return format(value, fmt) + ("!" if flag else "")


def _flag(m, key):
    return WORKLOAD_OF.get(key) in m["errors"]


def _sessions(st):
    """Where the servers ran against wrk, as the kernel's scheduler sees it."""
    where = ("each server in a session of its own (--own-session)" if st.get("session") == "own"
             else "servers in the driver's session, beside wrk")
    return f"{where}; kernel.sched_autogroup_enabled {st.get('autogroup', '?')}"


def _header(results):
    mc, st, v = results["machine"], results["settings"], results["versions"]
    pad = " " * 10
    lines = [f"mpmd make bench on {mc['host']}, {mc['date']} (the run took "
             f"{results.get('minutes', '?')} min)",
             f"machine:  {mc['nproc']} CPUs ({mc['cpu']}), {mc['kernel']}, memory {mc['memory']}",
             f"load:     {mc['load']} at the start, {mc.get('load_end', '?')} at the end "
             "(1, 5 and 15 min averages)"]
    for name in ("mpmd", "apache2", "nginx", "wrk"):
        if name in v:
            lines.append(f"{name + ':':10}{'; '.join(v[name])}")
    warmup = f"after a {st['warmup']} s keep-alive warm-up" if st["warmup"] else "no warm-up"
    lines += [f"settings: {st['rounds']} round(s), medians; wrk -t{st['threads']} "
              f"-c{st['connections']} -d{st['duration']}s --latency, {warmup}",
              f"{pad}servers one at a time, in an order rotating each round; 1 KiB and 1 MiB "
              f"files; 127.0.0.1; nofile {st['nofile']}",
              f"{pad}access log on for every server (\"{st['access_log']}\" to a file); "
              f"children as {st['user']}",
              f"{pad}CPU: utime+stime of the master and every child, reaped ones included "
              f"(/proc/PID/stat, {st['tick_ms']:g} ms ticks)",
              f"{pad}scheduling: {_sessions(st)}"]
    return lines


def _throughput(results, med):
    rows = ["Throughput, higher is better (×nginx: ratio to nginx; ×apache: to apache2 with the "
            "same MPM; !: wrk errors)",
            f"{'server':<15}{'KA req/s':>10}{'×nginx':>8}{'×apache':>8}{'close req/s':>13}"
            f"{'×nginx':>8}{'×apache':>8}{'1 MiB MiB/s':>13}{'×nginx':>8}{'×apache':>8}"
            f"{'rounds':>8}"]
    for name in results["servers"]:
        m, ap = med[name], same_mpm_apache(name)
        cells = [f"{name:<15}"]
        for key, width, fmt in (("ka_rps", 10, ".0f"), ("close_rps", 13, ".0f"),
                                ("mib_s", 13, ".0f")):
            cells.append(f"{_num(m[key], fmt, _flag(m, key)):>{width}}")
            cells.append(f"{_num(ratio(med, name, key, 'nginx'), '.2f'):>8}")
            cells.append(f"{_num(ratio(med, name, key, ap), '.2f') if ap else '':>8}")
        cells.append(f"{m['rounds_ok']:>6}/{m['rounds']}")
        rows.append("".join(cells))
    return rows


def _tls(results, med):
    if all(med[name]["tls_ka_rps"] != med[name]["tls_ka_rps"] for name in results["servers"]):
        return []
    rows = ["TLS (the same certificate, RSA 2048; TLS 1.3 as negotiated): 1 KiB keep-alive, and "
            "handshakes/s (Connection: close, a new connection per request)",
            f"{'server':<15}{'KA req/s':>10}{'×nginx':>8}{'×apache':>8}{'p99 ms':>8}{'CPU µs':>8}"
            f"{'handshakes/s':>14}{'×nginx':>8}{'×apache':>8}{'CPU µs':>8}"]
    for name in results["servers"]:
        m, ap = med[name], same_mpm_apache(name)
        cells = [f"{name:<15}", f"{_num(m['tls_ka_rps'], '.0f', _flag(m, 'tls_ka_rps')):>10}",
                 f"{_num(ratio(med, name, 'tls_ka_rps', 'nginx'), '.2f'):>8}",
                 f"{_num(ratio(med, name, 'tls_ka_rps', ap), '.2f') if ap else '':>8}",
                 f"{_num(m['tls_p99_ms'], '.2f'):>8}", f"{_num(m['cpu_tls_ka'], '.1f'):>8}",
                 f"{_num(m['tls_hs_rps'], '.0f', _flag(m, 'tls_hs_rps')):>14}",
                 f"{_num(ratio(med, name, 'tls_hs_rps', 'nginx'), '.2f'):>8}",
                 f"{_num(ratio(med, name, 'tls_hs_rps', ap), '.2f') if ap else '':>8}",
                 f"{_num(m['cpu_tls_hs'], '.0f'):>8}"]
        rows.append("".join(cells))
    return rows


def _costs(results, med):
    held = results["settings"]["idle_clients"]
    memory = (f"PSS summed over all processes; held: of {held} idle connections, still open"
              if held else "no memory pass: IDLE_CLIENTS=0")
    rows = [f"Latency (1 KiB keep-alive), CPU per request, memory: lower is better ({memory})",
            f"{'server':<15}{'p50 ms':>8}{'p99 ms':>8}{'p99×ngx':>8}{'CPU µs KA':>11}{'×nginx':>8}"
            f"{'close':>8}{'×nginx':>8}{'PSS idle':>10}{f'PSS {held} idle':>15}{'held':>6}"]
    for name in results["servers"]:
        m = med[name]
        rows.append(
            f"{name:<15}{_num(m['p50_ms'], '.2f', _flag(m, 'p50_ms')):>8}"
            f"{_num(m['p99_ms'], '.2f', _flag(m, 'p99_ms')):>8}"
            f"{_num(ratio(med, name, 'p99_ms', 'nginx'), '.2f'):>8}"
            f"{_num(m['cpu_ka'], '.1f'):>11}{_num(ratio(med, name, 'cpu_ka', 'nginx'), '.2f'):>8}"
            f"{_num(m['cpu_close'], '.1f'):>8}"
            f"{_num(ratio(med, name, 'cpu_close', 'nginx'), '.2f'):>8}"
            f"{_num(m['pss_idle_mib'], '.1f'):>10}{_num(m['pss_held_mib'], '.1f'):>15}"
            f"{_num(m['held'], '.0f'):>6}")
    return rows


# The issue's targets: label, figure, bound, higher (True: ratio >= bound), compared with.
TARGETS = (
    ("1 KiB keep-alive ≥ 1.0× nginx", "ka_rps", 1.0, True, "nginx"),
    ("CPU/request keep-alive ≤ nginx", "cpu_ka", 1.0, False, "nginx"),
    ("Connection: close ≥ 1.0× nginx", "close_rps", 1.0, True, "nginx"),
    ("1 KiB keep-alive ≥ 1.5× apache2 same MPM", "ka_rps", 1.5, True, None),
    ("1 MiB ≥ 1.5× nginx", "mib_s", 1.5, True, "nginx"),
    ("p99 ≤ 1.5× nginx's", "p99_ms", 1.5, False, "nginx"),
)


def _targets(results, med):
    mpmds = [n for n in results["servers"] if n.startswith("mpmd-")]
    if not mpmds:
        return []
    rows = ["Targets from the issue: ratio and verdict for each mpmd MPM (the first two are "
            "the event MPM's)"]
    for label, key, bound, higher, other in TARGETS:
        cells = []
        for name in sorted(mpmds, key=lambda n: n != "mpmd-event"):
            r = ratio(med, name, key, other or same_mpm_apache(name))
            verdict = "ok" if (r >= bound if higher else r <= bound) else "MISSED"
            cells.append(f"{name[5:]:>7} " + ("-" if r != r else f"{r:5.2f}× {verdict}"))
        rows.append(f"  {label:<42}" + "".join(f"{c:<24}" for c in cells).rstrip())
    return rows


def _oneline(text, limit=300):
    return " | ".join(l.strip() for l in text.splitlines() if l.strip())[:limit]


def _notes(results, med):
    notes = []
    for name in results["servers"]:
        for workload, kinds in sorted(med[name]["errors"].items()):
            notes.append(f"wrk errors, {name} {workload} (all rounds): "
                         + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for i, rnd in enumerate(results["rounds"], 1):
        for name, run in rnd.items():
            if "run_failed" in run:
                notes.append(f"round {i}: {name} FAILED: {_oneline(run['run_failed'])}")
                continue
            if run["access_log_lines"] < run["requests_total"]:
                notes.append(f"round {i}: {name} logged {run['access_log_lines']} access-log "
                             f"lines for {run['requests_total']} answered requests")
            if run["error_log_count"]:
                notes.append(f"round {i}: {name} error log, {run['error_log_count']} line(s) "
                             f"above notice, last: {run['error_log'][-1][:160]}")
            if run["stop"] != "exited 0":
                notes.append(f"round {i}: {name} stopped: {run['stop']}")
    for name, idle in results["idle"].items():
        if "run_failed" in idle:
            notes.append(f"memory: {name} FAILED: {_oneline(idle['run_failed'])}")
            continue
        if idle.get("answered") != str(results["settings"]["idle_clients"]):
            notes.append(f"memory: {name} answered {idle.get('answered')} of "
                         f"{results['settings']['idle_clients']} idle clients "
                         f"(failed {idle.get('failed')}, waiting {idle.get('waiting')})")
        if idle.get("probe") == "none":
            notes.append(f"memory: {name} did not answer a new connection while holding the "
                         f"idle ones: {idle.get('probe_error')}")
        if idle.get("error_log_count"):
            notes.append(f"memory: {name} error log, {idle['error_log_count']} line(s) above "
                         f"notice, last: {idle['error_log'][-1][:160]}")
        if idle.get("stop") != "exited 0":
            notes.append(f"memory: {name} stopped: {idle.get('stop')}")
    return ["Notes"] + ["  " + n for n in notes] if notes else ["Notes: none (no wrk errors, "
                                                               "every request logged)"]


def render(results):
    med = results["medians"]
    parts = [_header(results), _throughput(results, med), _costs(results, med), _tls(results, med),
             _targets(results, med), _notes(results, med)]
    return "\n\n".join("\n".join(p) for p in parts if p) + "\n"
