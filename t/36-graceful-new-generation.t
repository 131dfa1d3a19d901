#!/usr/bin/env python3
# A graceful restart never waits for the old generation: with every child busy (ServerLimit=2,
# both children sending a large file to a slow reader), USR1 starts the new generation at once
# beside the old one (the scoreboard has slots for two generations), new clients are served by
# it with the new config, and the old children finish their downloads intact and then leave.
# Under worker and event (ThreadsPerChild=1 here) the same holds per thread.
import os
import signal

from mpmconf import same_children
from mpmdtest import SlowDownload, Test, alive, http_get, sha256, wait_for

BIG = 16 * 1024 * 1024


def main(t):
    big = os.urandom(BIG)
    conf = dict(same_children(start=2, min_spare=1, max_spare=2, max_workers=2, server_limit=2),
                server={"Timeout": "30", "ServerTokens": "Full"})
    s = t.server(name="gracegen", conf=conf, site={"big.bin": big, "hello.txt": "hello\n"})
    s.start()
    port = s.port
    old = wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []
    t.is_(len(old), 2, "two children (ServerLimit=2)")

    downloads = [SlowDownload(port, "/big.bin") for _ in range(2)]
    t.ok(all(d.response.status == 200 for d in downloads), "both children are busy sending big.bin")

    s.reconfigure({"server": {"ServerTokens": "Prod"}})
    block = s.mark()
    s.signal(signal.SIGUSR1)
    new = wait_for(lambda: len([p for p in s.children() if p not in old]) >= 2 and
                   [p for p in s.children() if p not in old], 5) or []
    t.is_(len(new), 2, "the new generation starts at once beside the busy old one")
    t.ok(all(alive(p) for p in old), "the old children are still finishing")
    r = http_get(port, "/hello.txt", timeout=5)
    t.is_((r.status, r.header("Server")), (200, "mpmd"), "a new client is served by the new generation")
    t.ok(not block.grep(r"scoreboard is full|reached MaxRequestWorkers"), "no 'scoreboard is full' episode")

    for d in downloads:
        got, digest = d.finish()
        t.is_((got, digest), (BIG, sha256(big)), "an in-flight download completes intact")
    t.ok(wait_for(lambda: not any(alive(p) for p in old), 10), "then the old children leave")
    t.ok(wait_for(lambda: len(s.children()) == 2, 5), "two children remain")


Test().main(main)
