#!/usr/bin/env python3
# Slowloris: slowhttptest -H (Debian's slowhttptest) opens 1,000 connections that send a
# request head a few bytes a second, for a bounded time, while this file probes the server
# with normal requests. The header stage of RequestReadTimeout is short (2-3 s): every slow
# connection a child reads gets 408 at its deadline, logged in the access log (with %D) and
# at info in the error log. Then a request whose body stalls gets 408 at the body deadline.
#   event: the listener holds slow heads without a thread, so every probe is answered
#          while the attack runs.
#   prefork, worker: each slow connection holds a process or thread until its deadline,
#          so probes may wait behind them; once the attack ends the service recovers.
# slowhttptest and the probe thread are bounded in time; slowhttptest is stopped by pid.
import csv
import os
import re
import shutil
import subprocess
import threading
import time

from mpmdtest import Test, http_get, http_raw, wait_for

SLOWHTTPTEST = shutil.which("slowhttptest")
CONNECTIONS = 1000
ATTACK_SECONDS = 8            # slowhttptest -l
HEADER, HEADER_MAX = 2, 3     # RequestReadTimeout header=2-3,MinRate=500
BODY = 1                      # and body=1
PROBE_TIMEOUT = 4.0           # seconds a probe may take and still count as answered
SLACK = 2.0                   # seconds of scheduling delay allowed on a loaded machine


def probe_loop(port, stop, results):
    """Normal requests one after another until stop is set: (start, took, status or None)."""
    while not stop.is_set():
        start = time.monotonic()
        try:
            status = http_get(port, "/hello.txt", timeout=PROBE_TIMEOUT).status
        except OSError:
            status = None
        results.append((start, time.monotonic() - start, status))
        stop.wait(0.2)


def availability(prefix):
    """slowhttptest's CSV (-g -o): [(second, closed, pending, connected, available)]."""
    rows = []
    try:
        with open(prefix + ".csv", newline="") as f:
            for row in csv.reader(f):
                if row and row[0].isdigit():
                    rows.append(tuple(int(x) for x in row[:5]))
    except (OSError, ValueError):
        pass
    return rows


def main(t):
    t.tool("slowhttptest", "slowhttptest")
    mpm = t.mpm()
    conf = {
        "server": {"Timeout": "30", "KeepAliveTimeout": "2",
                   "RequestReadTimeout": "header=%d-%d,MinRate=500 body=%d" % (HEADER, HEADER_MAX, BODY)},
        "log": {"CustomLog": "@DIR@/access_log \"%h %l %u %t \\\"%r\\\" %>s %b %P %D\""},
    }
    s = t.server(name="slowloris", conf=conf)
    s.start()
    port = s.port
    t.is_(http_get(port, "/hello.txt").status, 200, "served before the attack")

    prefix = os.path.join(s.dir, "slowhttptest")
    out = open(os.path.join(s.dir, "slowhttptest.out"), "wb")
    stop = threading.Event()
    probes = []
    attack = subprocess.Popen(
        [SLOWHTTPTEST, "-H", "-c", str(CONNECTIONS), "-r", "500", "-i", "1", "-x", "10",
         "-l", str(ATTACK_SECONDS), "-p", "3", "-g", "-o", prefix,
         "-u", "http://127.0.0.1:%d/hello.txt" % port],
        stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    prober = threading.Thread(target=probe_loop, args=(port, stop, probes))
    try:
        prober.start()
        try:
            attack.wait(ATTACK_SECONDS + 30)
        except subprocess.TimeoutExpired:
            t.diag("slowhttptest still running after %d s; killing pid %d" % (ATTACK_SECONDS + 30, attack.pid))
    finally:
        if attack.poll() is None:
            attack.kill()
            attack.wait(5)
        stop.set()
        if prober.is_alive():
            prober.join(PROBE_TIMEOUT + 2)
        out.close()
    attack_end = time.monotonic()
    t.is_(attack.returncode, 0, "slowhttptest ran its bounded test")

    rows = availability(prefix)
    t.ok(rows and max(r[3] for r in rows) >= 100,
         "slowhttptest held many connections at once (most: %s)" % (max(r[3] for r in rows) if rows else None))
    for r in rows:
        t.diag("slowhttptest second %d: closed %d pending %d connected %d service %s"
               % (r[0], r[1], r[2], r[3], "available" if r[4] else "NOT available"))

    during = [p for p in probes if p[0] + p[1] <= attack_end]
    answered = [p for p in during if p[2] == 200]
    t.diag("%s: %d probes during the attack, %d answered, slowest %.2f s"
           % (mpm, len(during), len(answered), max((p[1] for p in during), default=0)))
    if mpm == "event":
        t.cmp_ok(len(during), ">=", 3, "probes ran while the attack ran")
        t.is_(len(answered), len(during), "event: every probe is answered while the attack runs")

    # Every slow connection a child read was closed at its header deadline with 408.
    lines = s.access_log.grep(r'"-" 408 ')
    durations = [int(l.split()[-1]) / 1e6 for l in lines if l.split()[-1].isdigit()]
    t.cmp_ok(len(durations), ">=", 5, "slow connections got 408 in the access log (%d)" % len(durations))
    late = [d for d in durations if not HEADER - 0.5 <= d <= HEADER_MAX + SLACK]
    t.is_(late, [], "each 408 came at the header deadline (%d..%d s; first: %s)"
          % (HEADER, HEADER_MAX, sorted(durations)[:3]))
    t.ok(wait_for(lambda: s.error_log.grep(r"\[reqtimeout:info\] .*Request header read timeout"), 5),
         "the error log says so at info")

    # The attack is over: the service recovers at once.
    start = time.monotonic()
    ok = wait_for(lambda: _status(port) == 200, 10)
    t.ok(ok, "service recovers after the attack (%.2f s)" % (time.monotonic() - start))
    t.ok(wait_for(lambda: all(_status(port) == 200 for _ in range(5)), 5), "and keeps serving")

    # A body that stops short is cut off at the body deadline, counted from the end of the head.
    start = time.monotonic()
    r = http_raw(port, b"POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
                 timeout=BODY + SLACK + 3)
    took = time.monotonic() - start
    t.is_(r.status if r else None, 408, "a stalled body gets 408")
    t.ok(BODY - 0.3 <= took <= BODY + SLACK, "at the body deadline (%.2f s)" % took)
    t.ok(wait_for(lambda: s.access_log.grep(r'"POST /hello.txt HTTP/1.1" 408 '), 5),
         "logged with its request line")
    t.ok(wait_for(lambda: s.error_log.grep(r"\[reqtimeout:info\] .*Request body read timeout"), 5),
         "the error log says so at info")


def _status(port):
    try:
        return http_get(port, "/hello.txt", timeout=2).status
    except OSError:
        return None


Test(timeout=120).main(main)
