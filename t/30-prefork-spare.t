#!/usr/bin/env python3
# Spare maintenance: StartServers children at start; idle children kept between
# MinSpareServers and MaxSpareServers (busy clients make the master fork more, excess idle
# children are stopped one per second); never more than MaxRequestWorkers, and "server reached
# MaxRequestWorkers setting" logged once for the episode. Busy = a client holding a worker
# with a request whose body never comes (Timeout is long here): its head is complete, so
# even the event MPM gives it a thread. Under worker and event, ThreadsPerChild = 1 makes
# the same numbers hold (mpmconf.same_children); thread maintenance with several threads a
# child is t/33-threaded-spare.t.
import time

from mpmconf import same_children
from mpmdtest import Test, hold_busy, http_get, wait_for


def release(conns):
    for c in conns:
        c.close()


def sample(s, seconds, until=None):
    """Child counts every 50 ms for at most `seconds` (stopping early when until(count)):
    [(time, count)]."""
    out = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        n = len(s.children())
        out.append((time.monotonic() - start, n))
        if until and until(n):
            break
        time.sleep(0.05)
    return out


def main(t):
    s = t.server(name="spare",
                 conf=dict(same_children(start=2, min_spare=2, max_spare=4, max_workers=8, server_limit=8),
                           server={"Timeout": "30"}))
    s.start()
    port = s.port
    t.is_(len(wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []), 2,
          "StartServers=2 children at start")
    counts = [n for _, n in sample(s, 1.5)]
    t.is_(set(counts), {2}, "2 children stay while idle (MinSpareServers=2)")

    # Five busy clients: the master forks until at least 2 are idle again (5 busy + 2 idle
    # = 7); as in Apache a pass forks the whole spawn rate (1, 2, 4, ... a second), so it
    # may overshoot by one or two, never past MaxRequestWorkers=8.
    busy = hold_busy(port, 5)
    samples = sample(s, 12, until=lambda n: n >= 7)
    t.cmp_ok(samples[-1][1], ">=", 7, "5 busy clients: at least 7 children (5 busy + MinSpareServers idle)")
    later = sample(s, 2.5)   # a last spawn pass may still land in the first second
    grown_to = later[-1][1]
    grown = [n for _, n in samples + later]
    t.cmp_ok(max(grown), "<=", 8, "never above MaxRequestWorkers")
    t.ok(grown == sorted(grown), "the number of children only grows meanwhile")
    t.is_({n for ts, n in later if ts >= 1.2}, {grown_to},
          "%d children stay while the 5 clients are busy" % grown_to)

    # The clients leave: 7 or 8 idle > MaxSpareServers 4; one idle child is stopped per second.
    release(busy)
    samples = sample(s, 14, until=lambda n: n <= 4)
    t.is_(samples[-1][1], 4, "idle children reduced to MaxSpareServers=4")
    seen = []
    for _, n in samples:
        if not seen or seen[-1] != n:
            seen.append(n)
    t.is_(seen, list(range(grown_to, 3, -1)), "stopped one at a time (%s)" % seen)
    firsts = {}
    for ts, n in samples:
        firsts.setdefault(n, ts)
    if all(k in firsts for k in (6, 5, 4)):
        span = firsts[4] - firsts[6]
        t.cmp_ok(span, ">=", 1.5, "about one per second (6 -> 4 took %.2f s)" % span)
    else:
        t.ok(False, "about one per second (counts seen: %s)" % seen)
    settled = sample(s, 1.5)
    t.is_({n for _, n in settled}, {4}, "4 idle children stay (MaxSpareServers)")

    # Twelve busy clients, MaxRequestWorkers=8: 8 children, never more; logged once.
    block = s.mark()
    busy = hold_busy(port, 12)
    samples = sample(s, 10, until=lambda n: n >= 8)
    t.is_(samples[-1][1], 8, "12 busy clients: MaxRequestWorkers=8 children")
    t.ok(block.wait_for(r"server reached MaxRequestWorkers setting", 5),
         "'server reached MaxRequestWorkers setting' is logged")
    more = sample(s, 3)
    t.cmp_ok(max(n for _, n in samples + more), "<=", 8, "never above MaxRequestWorkers=8")
    t.is_(len(block.grep(r"reached MaxRequestWorkers")), 1,
          "logged once for the episode (%d times)" % len(block.grep(r"reached MaxRequestWorkers")))
    release(busy)
    t.is_(http_get(port, "/hello.txt").status, 200, "serves again once the clients left")


Test().main(main)
