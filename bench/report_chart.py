"""report_chart.py: the chart of a bench run, drawn by gnuplot from a TSV of the medians.

Writes STEM.tsv (one row per server: the medians and their ratios; "-" where there
is no figure), STEM.gp (the gnuplot script, so the chart can be redrawn or changed
by hand) and runs gnuplot on it for STEM.png: up to four panels of grouped bars
(throughput relative to nginx, CPU per request, latency, memory).
"""

import math
import os
import subprocess

from report_table import ratio, same_mpm_apache

COLUMNS = ("server", "ka_rps", "ka_x_nginx", "ka_x_apache", "close_rps", "close_x_nginx",
           "close_x_apache", "mib_s", "mib_x_nginx", "mib_x_apache", "p50_ms", "p99_ms",
           "p99_x_nginx", "cpu_ka", "cpu_ka_x_nginx", "cpu_close", "cpu_close_x_nginx", "cpu_1m",
           "pss_idle_mib", "pss_held_mib", "held", "tls_ka_rps", "tls_ka_x_nginx", "tls_hs_rps",
           "tls_hs_x_nginx")


def _row(med, name):
    m = med[name]
    values = {"server": name}
    for key in ("ka", "close", "mib"):
        fig = {"ka": "ka_rps", "close": "close_rps", "mib": "mib_s"}[key]
        values[f"{key}_x_nginx"] = ratio(med, name, fig, "nginx")
        ap = same_mpm_apache(name)
        values[f"{key}_x_apache"] = ratio(med, name, fig, ap) if ap else math.nan
    values["p99_x_nginx"] = ratio(med, name, "p99_ms", "nginx")
    values["cpu_ka_x_nginx"] = ratio(med, name, "cpu_ka", "nginx")
    values["cpu_close_x_nginx"] = ratio(med, name, "cpu_close", "nginx")
    values["tls_ka_x_nginx"] = ratio(med, name, "tls_ka_rps", "nginx")
    values["tls_hs_x_nginx"] = ratio(med, name, "tls_hs_rps", "nginx")
    for col in COLUMNS:
        values.setdefault(col, m.get(col, math.nan))
    return values


def _cell(v):
    if isinstance(v, str):
        return v
    return "-" if v != v else f"{v:.6g}"


def write_tsv(results, path):
    """The medians, one server a line, COLUMNS in order, header line first; the rows."""
    rows = [_row(results["medians"], name) for name in results["servers"]]
    with open(path, "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(_cell(r[c]) for c in COLUMNS) + "\n")
    return rows


def _panels(rows, idle_clients):
    """(title, y label, [(column, legend)], log scale) of each panel with data."""
    have = lambda col: any(r[col] == r[col] for r in rows)     # noqa: E731 (a NaN test)
    panels = []
    if have("ka_x_nginx"):
        panels.append(("Throughput relative to nginx (higher is better; line: 1.0)", "× nginx",
                       [("ka_x_nginx", "1 KiB keep-alive"), ("close_x_nginx", "1 KiB close"),
                        ("mib_x_nginx", "1 MiB keep-alive")], False))
    else:
        panels.append(("Requests per second (higher is better)", "requests/s",
                       [("ka_rps", "1 KiB keep-alive"), ("close_rps", "1 KiB close")], False))
    if have("tls_ka_x_nginx"):
        panels.append(("TLS relative to nginx (higher is better; line: 1.0)", "× nginx",
                       [("tls_ka_x_nginx", "1 KiB keep-alive"), ("tls_hs_x_nginx", "handshakes")],
                       False))
    panels.append(("Server CPU per request (lower is better)", "µs/request",
                   [("cpu_ka", "1 KiB keep-alive"), ("cpu_close", "1 KiB close")], False))
    panels.append(("Latency, 1 KiB keep-alive (lower is better)", "ms",
                   [("p50_ms", "p50"), ("p99_ms", "p99")], False))
    if have("pss_idle_mib") or have("pss_held_mib"):
        panels.append(("Memory, PSS of all processes (lower is better; log scale)", "MiB",
                       [("pss_idle_mib", "idle"),
                        ("pss_held_mib", f"{idle_clients} idle connections")], True))
    return [p for p in panels if any(have(col) for col, _ in p[2])]


def script(panels, results, tsv, png):
    mc, st = results["machine"], results["settings"]
    cols = math.ceil(math.sqrt(len(panels)))
    nrows = math.ceil(len(panels) / cols)
    q = lambda s: "'" + s.replace("'", "''") + "'"                 # noqa: E731 (gnuplot quoting)
    title = f"mpmd make bench, {mc['date']}, {mc['host']}: medians of {st['rounds']} round(s)"
    # libgd's png (every gnuplot has it): an indexed-colour image of about 20 KB, small
    # enough to keep beside the README (pngcairo's antialiased one is three times that).
    out = [f"set terminal png size {525 * cols},{360 * nrows} font 'sans,9'",
           f"set output {q(png)}",
           "set datafile separator tab", "set datafile missing '-'",
           "set style data histograms", "set style histogram clustered gap 1",
           "set style fill solid 0.8 border -1", "set grid ytics", "set key top left",
           "set xtics rotate by -25 nomirror", "set yrange [0:*]", "set auto x",
           # A quarter of headroom above the tallest bar, where the key goes.
           "set offsets 0, 0, graph 0.25, 0",
           f"set multiplot layout {nrows},{cols} title {q(title)}"]
    for title, ylabel, series, log in panels:
        out += [f"set title {q(title)}", f"set ylabel {q(ylabel)}"]
        out += ["set logscale y", "set yrange [*:*]"] if log else ["unset logscale y",
                                                                   "set yrange [0:*]"]
        refline = ", 1 with lines dt 2 lc rgb 'black' notitle" if "nginx" in ylabel else ""
        plots = []
        for i, (col, legend) in enumerate(series):
            n = COLUMNS.index(col) + 1
            src = q(tsv) + " skip 1" if i == 0 else "'' skip 1"     # the header line
            plots.append(f"{src} using {n}:xtic(1) title {q(legend)}" if i == 0
                         else f"{src} using {n} title {q(legend)}")
        out.append("plot " + ", ".join(plots) + refline)
    out.append("unset multiplot")
    return "\n".join(out) + "\n"


def write(results, stem):
    """STEM.tsv, STEM.gp and STEM.png; False if there is no figure to draw (every run
    failed).  Raises RuntimeError if gnuplot fails."""
    rows = write_tsv(results, stem + ".tsv")
    panels = _panels(rows, results["settings"]["idle_clients"])
    if not panels:
        return False
    tsv, png = os.path.basename(stem + ".tsv"), os.path.basename(stem + ".png")
    with open(stem + ".gp", "w") as f:
        f.write(script(panels, results, tsv, png))
    # In the output directory, so the script names its files without a path.
    done = subprocess.run(["gnuplot", os.path.basename(stem + ".gp")],
                          cwd=os.path.dirname(stem) or ".", capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"gnuplot failed: {done.stderr.strip()[-800:]}")
    return True
