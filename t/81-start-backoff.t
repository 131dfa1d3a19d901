#!/usr/bin/env python3
# Faults: children that die again and again at start (the test daemons crash a child at
# start while the file named by $MPMD_FAULT_START_CRASH exists) are respawned with a
# doubling delay, each death logged with its cause and the delay, instead of fork-looping;
# once the cause is gone the server recovers by itself. A child that exits with the reserved
# status 2 ($MPMD_FAULT_START_FATAL) instead makes the master log why and stop cleanly.
import os
import re
import signal
import time

from mpmconf import same_children
from mpmdtest import Test, http_get, wait_for

CRASH_LINES = (r"killed by signal 11 \(Segmentation fault\)",)


def main(t):
    s = t.server(name="backoff", allow_log=CRASH_LINES,
                 conf=same_children(start=2, min_spare=1, max_spare=3))
    flag = s.path("crash-at-start")
    os.environ["MPMD_FAULT_START_CRASH"] = flag
    s.start()
    kids = wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []
    t.is_(len(kids), 2, "2 children at start (no crash file yet)")
    t.is_(http_get(s.port, "/hello.txt").status, 200, "serves")

    # The cause appears; the children die (from outside) and every replacement crashes.
    s.write_file(flag, "crash\n")
    block = s.mark()
    for pid in kids:
        os.kill(pid, signal.SIGKILL)
    start = time.monotonic()
    t.ok(block.wait_for(r"test hook: .* exists, so this child crashes at start", 3),
         "the replacements crash at start (the hook says so)")
    t.ok(block.wait_for(r"failed start\(s\) in a row, so the next child starts in [1-9]\d* ms", 5),
         "the master throttles: a delay is logged")
    # Watch for 3 s: without a brake a fork loop would crash thousands of children.
    wait_for(lambda: time.monotonic() - start >= 3.0, 4)
    crashes = len(block.grep(r"killed by signal 11 "))
    t.cmp_ok(crashes, "<=", 12, "no fork loop: %d crashes in the first 3 s" % crashes)
    t.cmp_ok(crashes, ">=", 3, "the master keeps trying (%d crashes)" % crashes)
    delays = [int(m.group(1)) for l in block.grep(r"next child starts in (\d+) ms")
              for m in [re.search(r"next child starts in (\d+) ms", l)]]
    positive = [d for d in delays if d > 0]
    t.ok(len(positive) >= 2 and all(b == min(2 * a, 5000) for a, b in zip(positive, positive[1:])),
         "the delays double (%s)" % delays)
    t.ok(all(re.search(r"child pid \d+ \(slot \d+\) died \d+ ms after it started", l)
             for l in block.grep(r"next child starts in")),
         "each throttled death says how soon after its start it came")
    throttled = [int(re.search(r"child pid (\d+) \(slot", l).group(1)) for l in block.grep(r"next child starts in")]
    uncaused = [p for p in throttled
                if not block.contains(r"child pid %d \(slot \d+, generation \d+, running\) killed by signal" % p)]
    t.is_(uncaused, [], "each throttled death is also logged with its cause (%d deaths)" % len(throttled))

    # The cause goes: the next probe child lives, and the server recovers by itself.
    os.unlink(flag)
    gone = time.monotonic()
    back = wait_for(lambda: len(s.children()) >= 2 and block.contains(r"respawn back-off cleared"), 15)
    t.ok(back, "recovers once the cause is gone: back-off cleared, %d children" % len(s.children()))
    t.diag("recovery took %.1f s after the file was removed (%s)" % (time.monotonic() - gone, t.mpm()))
    t.is_(http_get(s.port, "/hello.txt").status, 200, "serves again")
    before = len(block.grep(r"killed by signal 11 "))
    t.ok(wait_for(lambda: len(block.grep(r"killed by signal 11 ")) > before, 1.5) is False or
         len(block.grep(r"killed by signal 11 ")) == before, "no crash after recovery")
    s.stop()

    # A cause that cannot heal: the reserved exit status stops the server instead.
    fatal = t.server(name="fatal", allow_log=(r"could not start and a new one would fail the same way",),
                     conf=same_children(start=2, min_spare=1, max_spare=3))
    os.environ["MPMD_FAULT_START_FATAL"] = fatal.path("cannot-start")
    fatal.start()
    kids = wait_for(lambda: len(fatal.children()) == 2 and fatal.children(), 5) or []
    if not t.ok(len(kids) == 2, "two children before the fatal cause appears"):
        return
    fatal.write_file("cannot-start", "fatal\n")
    block = fatal.mark()
    # One death is enough: its replacement exits 2, and the master stops (TERMing the other
    # child at once, so killing that one too would race with the master).
    os.kill(kids[0], signal.SIGKILL)
    t.is_(fatal.wait_exit(10), 1, "a child exiting with status 2 stops the master (exit status 1)")
    t.ok(block.contains(r"exited with status 2") and
         block.contains(r"could not start and a new one would fail the same way; stopping the server"),
         "the master logs the status and why it stops")
    t.ok(wait_for(lambda: not fatal.our_pids(), 5), "no process is left behind")
    del os.environ["MPMD_FAULT_START_FATAL"]


Test().main(main)
