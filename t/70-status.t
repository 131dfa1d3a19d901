#!/usr/bin/env python3
# The status page (Apache's mod_status forms): ?auto with Apache 2.4's keys and a
# Name/X.Y.Z ServerVersion, ?json, ?metrics (OpenMetrics), the HTML page; the figures are
# true (N requests and their bytes show in Total Accesses and the per-worker counts, a
# request in flight shows as W with its request line); only allowed addresses get it.
import json
import re

from mpmdtest import SlowDownload, Test, http_get, wait_for

BIG = 8 * 1024 * 1024


def auto(port):
    r = http_get(port, "/server-status?auto")
    fields = {}
    for line in r.body.decode("latin-1").splitlines():
        key, sep, value = line.partition(": ")
        if sep and key not in fields:
            fields[key] = value
    return r, fields


def main(t):
    s = t.server(name="status", site={"hello.txt": "hello\n", "big.bin": b"x" * BIG})
    s.start()
    port = s.port

    r, f = auto(port)
    t.is_(r.status, 200, "?auto answers 200 to 127.0.0.1")
    t.like(r.header("Content-Type") or "", r"^text/plain", "?auto is text/plain")
    t.like(f.get("ServerVersion", ""), r"^mpmd/\d+\.\d+\.\d+ \(Unix\)$", "ServerVersion is Name/X.Y.Z (Unix)")
    t.is_(f.get("ServerMPM"), t.mpm(), "ServerMPM names the MPM under test")
    t.like(f.get("Uptime", ""), r"^\d+$", "Uptime is an integer")
    t.ok("Total kBytes" in f and "Total Accesses" in f, "Total Accesses and Total kBytes are there")
    t.like(f.get("Scoreboard", ""), r"^[_SRWKDCLGI.]+$", "Scoreboard is one key character per slot")
    for key in ("BusyWorkers", "IdleWorkers", "Total Accesses"):
        t.like(f.get(key, ""), r"^\d+$", "%s is numeric" % key)

    # Known traffic: 10 requests of hello.txt (6 bytes each) add 10 accesses and 60 bytes
    # (the ?auto and ?json requests themselves are counted too, once they are done).
    # The ?auto requests above are counted only after their last byte went out: wait until
    # no worker is busy, or one may land after `before` and count twice.
    t.ok(s.wait_quiet(10), "no worker busy before the counted requests")
    before = json.loads(http_get(port, "/server-status?json").body)
    for _ in range(10):
        http_get(port, "/hello.txt")
    # A worker counts a request just after its last byte is sent, so the client can ask
    # again (on another connection, maybe another child) a moment before the count moves:
    # poll, and expect each earlier probe to be counted as well.
    probes = 0
    def counted():
        nonlocal probes, after
        after = json.loads(http_get(port, "/server-status?json").body)
        probes += 1
        return after["server"]["total_accesses"] - before["server"]["total_accesses"] >= 11 + probes - 1
    after = None
    wait_for(counted, timeout=5)
    t.is_(after["server"]["total_accesses"] - before["server"]["total_accesses"], 11 + probes - 1,
          "10 requests (+ the first ?json and %d later probes) show in total_accesses" % (probes - 1))
    grew = after["server"]["total_bytes"] - before["server"]["total_bytes"]
    t.ok(grew >= 60, "their bytes show in total_bytes (+%d)" % grew)
    t.is_(sum(w["accesses_slot"] for w in after["workers"]), after["server"]["total_accesses"],
          "per-worker counts add up to the total")

    # A request in flight is W with its request line and client.
    d = SlowDownload(port, "/big.bin?inflight")
    page = json.loads(http_get(port, "/server-status?json").body)
    busy = [w for w in page["workers"] if w.get("status") == "W" and "inflight" in (w.get("request") or "")]
    t.is_(len(busy), 1, "the download in flight is one W worker with its request line")
    t.is_(busy and busy[0].get("client"), "127.0.0.1", "with its client")
    d.finish()

    m = http_get(port, "/server-status?metrics", headers={"Accept": "application/openmetrics-text"})
    text = m.body.decode()
    t.ok(text.endswith("# EOF\n"), "OpenMetrics ends with # EOF")
    bad = [l for l in text.splitlines()
           if l and not l.startswith("#") and not re.match(r'^[a-z_:][a-z0-9_:]*(\{[^}]*\})? \S+$', l)]
    t.is_(bad, [], "every metrics line is a comment or a sample")
    t.like(text, r"(?m)^mpmd_accesses_total \d+$", "mpmd_accesses_total is exported")

    h = http_get(port, "/server-status?refresh=5")
    t.is_(h.header("Refresh"), "5", "?refresh=5 sets Refresh")
    t.like(h.body.decode("latin-1"), r"Scoreboard Key|Server Version", "the HTML page has the scoreboard")

    # Not allowed: Require names another network; 127.0.0.1 gets 403.
    s.reconfigure({"status": {"Require": "ip 192.0.2.0/24"}})
    s.signal(1)   # SIGHUP
    t.ok(wait_for(lambda: http_get(port, "/server-status?auto").status == 403, 8),
         "an address outside Require gets 403")


Test().main(main)
