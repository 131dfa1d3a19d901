#!/usr/bin/env python3
# prometheus-apache-exporter 0.12 (Debian's package), unchanged, reads mpmd's ?auto page:
# apache_up is 1 and the accesses, uptime, worker and scoreboard metrics carry the true
# values of the scoreboard, and apache_duration_ms_total and apache_cpuload those of Total
# Duration and CPULoad. The exporter runs on a free 127.0.0.1 port and is stopped by
# its pid.
import re
import shutil
import subprocess
import urllib.request

from mpmdtest import Test, free_port, http_get, terminate, wait_for

EXPORTER = shutil.which("prometheus-apache-exporter")


def scrape(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def value(text, name, labels=""):
    m = re.search(r"(?m)^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text or "")
    return float(m.group(1)) if m else None


def auto(port):
    body = http_get(port, "/server-status?auto").body.decode("latin-1")
    return dict(l.split(": ", 1) for l in body.splitlines() if ": " in l)


def main(t):
    t.tool("prometheus-apache-exporter", "prometheus-apache-exporter")
    s = t.server(name="exporter")
    s.start()
    port = s.port
    for _ in range(7):
        http_get(port, "/hello.txt")
    # CPULoad shows once a clock tick of CPU time was counted: serve until it does. (In the
    # first second it is Apache's division by an uptime of 0, printed 0.e+79: wait past it.)
    def cpu_counted():
        for _ in range(50):
            http_get(port, "/hello.txt")
        page = auto(port)
        return "CPULoad" in page and int(page["Uptime"]) >= 1
    t.ok(wait_for(cpu_counted, 30), "CPU time is counted (?auto has CPULoad) and a second has passed")
    metrics_port = free_port()
    exporter = subprocess.Popen([EXPORTER, "--telemetry.address=127.0.0.1:%d" % metrics_port,
                                 "--scrape_uri=http://127.0.0.1:%d/server-status/?auto" % port],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        text = wait_for(lambda: scrape(metrics_port), 10)
        t.ok(text, "the exporter answers /metrics")
        t.is_(value(text, "apache_up"), 1.0, "apache_up is 1")
        # The scrape itself is one more request, counted once it is done. It is taken once no
        # worker is busy (the ?auto just made may still be closing on a slow machine), so the
        # scrape's own worker is the only busy one and the others show idle.
        before_page = auto(port)
        before = int(before_page["Total Accesses"])
        s.wait_quiet()
        text = scrape(metrics_port)
        after = int(auto(port)["Total Accesses"])
        got = value(text, "apache_accesses_total")
        t.ok(got is not None and before <= got <= after,
             "apache_accesses_total is the true count (%s, between %d and %d)" % (got, before, after))
        t.ok(got is not None and got >= 7, "it includes the 7 requests made")
        page = auto(port)
        # Total Duration and CPULoad are read from the same scrape: between the ?auto pages
        # before and after it (CPULoad, a ratio over the uptime, only moves a little).
        duration = value(text, "apache_duration_ms_total")
        t.ok(duration is not None and int(before_page["Total Duration"]) <= duration <= int(page["Total Duration"]),
             "apache_duration_ms_total is Total Duration (%s, between %s and %s)"
             % (duration, before_page["Total Duration"], page["Total Duration"]))
        cpuload = value(text, "apache_cpuload")
        loads = [float(p.get("CPULoad", "0")) for p in (before_page, page)]
        t.ok(cpuload is not None and cpuload > 0 and min(loads) * 0.5 <= cpuload <= max(loads) * 2,
             "apache_cpuload is CPULoad (%s; ?auto said %s then %s)" % (cpuload, loads[0], loads[1]))
        up = value(text, "apache_uptime_seconds_total")
        t.ok(up is not None and 0 <= up <= int(page["Uptime"]) + 1, "apache_uptime_seconds_total is the uptime (%s)" % up)
        busy = value(text, "apache_workers", '{state="busy"}')
        idle = value(text, "apache_workers", '{state="idle"}')
        t.ok(busy is not None and idle is not None and busy >= 1,
             "apache_workers busy/idle are there (busy %s, idle %s)" % (busy, idle))
        slots = sum(float(v) for v in re.findall(r'(?m)^apache_scoreboard\{state="[^"]+"\} (\S+)$', text))
        t.is_(int(slots), len(page["Scoreboard"]), "apache_scoreboard counts every scoreboard slot")
        idle_slots = value(text, "apache_scoreboard", '{state="idle"}')
        t.ok(idle_slots is not None and idle_slots >= 1, "idle workers show in apache_scoreboard (%s)" % idle_slots)
    finally:
        terminate(exporter, 5)
    err = exporter.stderr.read().decode(errors="replace")
    t.unlike(err, r"(?i)panic|level=error", "the exporter logged no error")


Test().main(main)
