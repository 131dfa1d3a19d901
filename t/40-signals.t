#!/usr/bin/env python3
# Signals with Apache's meanings: HUP restarts (children replaced, config reread, listeners
# kept so connections made meanwhile are served; a broken config is refused and the old one
# keeps serving); USR1 restarts gracefully (a request in flight completes, new children use
# the new config); WINCH stops gracefully (the request in flight completes, then the master
# exits). TERM is covered by t/00-start.t.
import os
import signal

from mpmconf import same_children
from mpmdtest import SlowDownload, Test, alive, http_get, sha256, wait_for

BIG = 24 * 1024 * 1024


def get_or_none(port, path):
    try:
        return http_get(port, path)
    except OSError:
        return None


def main(t):
    big = os.urandom(BIG)
    site = {"gen.txt": "old\n", "hello.txt": "hello\n", "big.bin": big}
    s = t.server(name="signals", site=site,
                 conf=dict(same_children(start=2, min_spare=1, max_spare=4),
                           server={"ServerTokens": "Full", "Timeout": "20"}))
    s.start()
    port = s.port
    master = s.master

    # HUP: new children, new config (StartServers 3, ServerTokens Prod), same listeners.
    old = wait_for(lambda: len(s.children()) == 2 and s.children(), 5) or []
    t.is_(len(old), 2, "2 children before HUP")
    s.reconfigure(dict(same_children(start=3), server={"ServerTokens": "Prod"}))
    block = s.mark()
    s.signal(signal.SIGHUP)
    results = []
    for i in range(30):
        try:
            results.append(http_get(port, "/hello.txt", timeout=5).status)
        except OSError as e:
            results.append(repr(e))
    t.is_([r for r in results if r != 200], [], "requests made during the HUP restart are served")
    t.ok(wait_for(lambda: not any(alive(p) for p in old), 5), "HUP: the old children are gone")
    new = wait_for(lambda: len(s.children()) == 3 and s.children(), 5) or []
    t.is_(len(new), 3, "HUP: StartServers=3 from the reread config (%s)" % s.children())
    t.ok(not set(new) & set(old), "HUP: all children are new")
    t.is_(http_get(port, "/hello.txt").header("Server"), "mpmd", "HUP: ServerTokens Prod applies")
    t.ok(s.alive() and s.pid_from_file() == master, "HUP: same master, same pid file")
    # One line, with the signal table's short effect (not its manual text).
    t.ok(block.contains(r"\[core:notice\] \[pid \d+\] caught SIGHUP: restart$"), "HUP: the restart is logged")

    # HUP with a broken config: refused and logged; the old config keeps serving.
    good = s.config_text()
    s.write_config(good.replace("Timeout = 20", "Timeout = twenty"))
    block = s.mark()
    s.signal(signal.SIGHUP)
    t.ok(block.wait_for(r"Timeout", 5), "HUP with a broken config: the error is logged")
    t.ok(s.alive(), "HUP with a broken config: the master lives on")
    r = http_get(port, "/hello.txt")
    t.is_((r.status, r.header("Server")), (200, "mpmd"),
          "HUP with a broken config: the old config still serves")
    s.write_config(good)

    # USR1: a slow download in flight completes; meanwhile the new generation serves the new
    # DocumentRoot with ServerTokens Full.
    s.write_site({"gen.txt": "new\n", "hello.txt": "hello\n"}, root=s.path("htdocs2"))
    s.reconfigure({"server": {"DocumentRoot": "@DIR@/htdocs2", "ServerTokens": "Full"}})
    dl = SlowDownload(port, "/big.bin")
    t.is_(dl.response.status, 200, "slow download started")
    old = s.children()
    s.signal(signal.SIGUSR1)
    r = wait_for(lambda: (lambda r: r and r.body == b"new\n" and r)(get_or_none(port, "/gen.txt")),
                 10)
    t.ok(r, "USR1: new children serve the new DocumentRoot")
    t.like(r.header("Server") if r else None, r"^mpmd/", "USR1: ServerTokens Full applies")
    left = wait_for(lambda: len([p for p in old if alive(p)]) == 1 and
                    [p for p in old if alive(p)], 5)
    t.ok(left, "USR1: idle old children left, the busy one stays (%s)"
         % [p for p in old if alive(p)])
    got, digest = dl.finish()
    t.is_(got, BIG, "USR1: the download in flight completed (%d of %d bytes)" % (got, BIG))
    t.is_(digest, sha256(big), "USR1: the download is intact")
    t.ok(wait_for(lambda: not any(alive(p) for p in old), 5),
         "USR1: the old busy child leaves after its request")
    t.ok(s.alive() and s.pid_from_file() == master, "USR1: same master")
    t.is_(http_get(port, "/hello.txt").status, 200, "USR1: still serving")

    # WINCH: graceful stop waits for the download, then the master exits.
    s.write_file("htdocs2/big.bin", big)
    dl = SlowDownload(port, "/big.bin")
    t.is_(dl.response.status, 200, "second slow download started")
    s.signal(signal.SIGWINCH)
    t.ok(wait_for(lambda: not s.alive(), 1.5) is False,
         "WINCH: the master waits while a request is in flight")
    got, digest = dl.finish()
    t.is_((got, digest), (BIG, sha256(big)), "WINCH: the download in flight completed intact")
    t.is_(s.wait_exit(10), 0, "WINCH: then the master exits with status 0")
    t.ok(wait_for(lambda: not s.our_pids(), 3), "WINCH: no process left")
    t.ok(not os.path.exists(s.pid_path), "WINCH: pid file removed")


Test().main(main)
