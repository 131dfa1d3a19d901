#!/usr/bin/env python3
# The scoreboard across restarts, as Apache's mod_status shows it: a child finishing a
# request after a graceful restart shows G with its request line; graceful restarts and
# restarts bump the generation and keep the totals (Total Accesses never goes back).
import json
import re
import signal

from mpmdtest import SlowDownload, Test, http_get, wait_for

BIG = 16 * 1024 * 1024


def status(port):
    return json.loads(http_get(port, "/server-status?json").body)


def main(t):
    s = t.server(name="restarts", conf={"server": {"Timeout": "30"}},
                 site={"hello.txt": "hello\n", "big.bin": b"y" * BIG})
    s.start()
    port = s.port
    for _ in range(5):
        http_get(port, "/hello.txt")
    first = None
    def counted():   # a request is counted a moment after its last byte is sent
        nonlocal first
        first = status(port)["server"]
        return first["total_accesses"] >= 5
    wait_for(counted, timeout=5)
    t.cmp_ok(first["total_accesses"], ">=", 5, "5 requests counted (%d)" % first["total_accesses"])

    d = SlowDownload(port, "/big.bin?finishing")
    s.signal(signal.SIGUSR1)
    def finishing():
        page = status(port)
        return [w for w in page["workers"] if w.get("status") == "G" and "finishing" in (w.get("request") or "")]
    g = wait_for(finishing, 5)
    t.ok(g, "the download of the old generation shows G with its request line")
    # ?auto counts it in GracefulWorkers, as Apache 2.4.71 does.
    def graceful_workers():
        body = http_get(port, "/server-status?auto").body.decode("latin-1")
        m = re.search(r"(?m)^GracefulWorkers: (\d+)$", body)
        return int(m.group(1)) if m else None
    t.cmp_ok(graceful_workers() or 0, ">=", 1, "?auto's GracefulWorkers counts it")
    got, _ = d.finish()
    t.is_(got, BIG, "and completes")
    # Its time is counted in its slot and in the total: the slot's sum of request times is
    # at least that request's own time, which a slow download makes long.
    def download_done():
        page = status(port)
        done = [w for w in page["workers"] if "finishing" in (w.get("request") or "") and w["request_ms"] > 0]
        return (done[0], page["server"]) if done else None
    found = wait_for(download_done, 5)
    t.ok(found, "the finished download's record has its time")
    if found:
        w, server = found
        t.cmp_ok(w["duration_ms_slot"], ">=", w["request_ms"],
                 "its slot's duration (%d ms) holds the download's %d ms" % (w["duration_ms_slot"], w["request_ms"]))
        t.cmp_ok(server["total_duration_ms"], ">=", first["total_duration_ms"] + w["request_ms"],
                 "Total Duration grew by it (%d -> %d ms)" % (first["total_duration_ms"], server["total_duration_ms"]))
    second = wait_for(lambda: (lambda p: p if p["mpm_generation"] > first["mpm_generation"] else None)(status(port)["server"]), 5)
    t.ok(second, "the graceful restart bumps the generation")
    if second:
        t.cmp_ok(second["total_accesses"], ">", first["total_accesses"], "totals are kept (%d -> %d)"
                 % (first["total_accesses"], second["total_accesses"]))
        t.cmp_ok(second["total_duration_ms"], ">=", (found[1]["total_duration_ms"] if found else 0),
                 "Total Duration is kept (%d ms)" % second["total_duration_ms"])

    before = status(port)["server"]
    s.signal(signal.SIGHUP)
    third = wait_for(lambda: (lambda p: p if p["mpm_generation"] > before["mpm_generation"] else None)(status(port)["server"]), 8)
    t.ok(third, "a restart (HUP) bumps the generation")
    if third:
        t.cmp_ok(third["total_accesses"], ">", before["total_accesses"], "and keeps the totals (%d -> %d)"
                 % (before["total_accesses"], third["total_accesses"]))
        t.cmp_ok(third["config_generation"], ">", before["config_generation"], "the config generation grows too")
        t.cmp_ok(third["total_duration_ms"], ">=", before["total_duration_ms"],
                 "and Total Duration (%d -> %d ms)" % (before["total_duration_ms"], third["total_duration_ms"]))


Test().main(main)
