#!/usr/bin/env python3
# Nothing lost (the fault suite): while clients send requests without pause, the server goes
# through a graceful restart, a log rotation (the access log renamed, then USR1, as logrotate
# does), a restart (HUP), the death of a child (SIGSEGV through the test daemons' /__fault/
# hook), a log file removed under it, and one more graceful restart. Afterwards every request
# a client had answered has exactly one line across the access-log files (the rotated one,
# the removed one read through a descriptor kept open, the current one), no line is there
# for a request that was not answered, and the scoreboard's Total Accesses grew by exactly
# the requests answered. One worker thread a child, so a crashing child takes only its own
# request with it under every MPM (binary upgrades are counted in t/42-binary-upgrade.t).
import os
import re
import signal
import threading

from mpmconf import same_children
from mpmdtest import HttpConnection, Test, wait_for

CLIENTS = 6
BODY = b"n" * 1024


class Clients:
    """CLIENTS threads, each sending GET /1k.txt?CLIENT-N on a new connection
    (Connection: close) until stopped; every answer is checked and its query recorded."""

    def __init__(self, port):
        self.port = port
        self.answered = []          # queries answered 200 with the whole body
        self.bad = []               # anything else: (query, what)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(CLIENTS)]
        for th in self.threads:
            th.start()

    def _run(self, client):
        n = 0
        while not self.stopping.is_set():
            n += 1
            query = "c%d-%d" % (client, n)
            try:
                with HttpConnection(self.port, timeout=10) as c:
                    r = c.request("GET", "/1k.txt?" + query, headers={"Connection": "close"})
                outcome = None if (r.status == 200 and r.body == BODY) else "status %s, %d bytes" % (r.status, len(r.body))
            except (OSError, ValueError, AttributeError) as e:
                outcome = repr(e)
            with self.lock:
                if outcome is None:
                    self.answered.append(query)
                else:
                    self.bad.append((query, outcome))

    def count(self):
        with self.lock:
            return len(self.answered)

    def stop(self):
        self.stopping.set()
        for th in self.threads:
            th.join(15)


def queries(text):
    return re.findall(r"GET /1k\.txt\?(c\d+-\d+) ", text)


def main(t):
    conf = dict(same_children(start=4, min_spare=2, max_spare=8, max_workers=16, server_limit=16),
                server={"Timeout": "10"})
    s = t.server(name="nothinglost", conf=conf, site={"1k.txt": BODY}, allow_log=(r"killed by signal 11",))
    s.start()
    port = s.port
    log = s.access_log.path
    rotated, removed = log + ".1", None
    accesses_before = s.total_accesses()
    clients = Clients(port)

    def progress(more=200):
        """Waits until the clients have had `more` further requests answered."""
        goal = clients.count() + more
        return wait_for(lambda: clients.count() >= goal, 20)

    def restarted(pattern, block):
        return block.wait_for(pattern, 10)

    t.ok(progress(), "the clients are being answered")
    block = s.mark()
    s.signal(signal.SIGUSR1)
    t.ok(restarted(r"graceful restart: generation \d+ started", block), "a graceful restart under load")
    t.ok(progress(), "... served on")

    os.rename(log, rotated)
    block = s.mark()
    s.signal(signal.SIGUSR1)
    t.ok(restarted(r"graceful restart: generation \d+ started", block), "the access log rotated, then USR1")
    t.ok(wait_for(lambda: os.path.exists(log), 5), "... a new access log is opened")
    t.ok(progress(), "... served on")

    block = s.mark()
    s.signal(signal.SIGHUP)
    t.ok(restarted(r"restart: generation \d+ started", block), "a restart (HUP) under load")
    t.ok(progress(), "... served on")

    block = s.mark()
    try:
        with HttpConnection(port, timeout=10) as c:
            c.request("GET", "/__fault/crash", headers={"Connection": "close"})
    except (OSError, ValueError, AttributeError):
        pass
    t.ok(block.wait_for(r"killed by signal 11", 10), "a child dies of SIGSEGV under load")
    t.ok(progress(), "... served on")

    # A log removed under the server: its lines until the master's own restart go to the
    # removed file, which the descriptor opened here still reads.
    removed = open(log, "rb")
    block = s.mark()
    os.unlink(log)
    t.ok(block.wait_for(r"graceful restart: generation \d+ started, writing to the new log", 10),
         "the access log removed: the master reopens it and restarts gracefully")
    t.ok(progress(), "... served on")

    block = s.mark()
    s.signal(signal.SIGUSR1)
    t.ok(restarted(r"graceful restart: generation \d+ started", block), "one more graceful restart")
    t.ok(progress(), "... served on")
    clients.stop()

    answered = clients.answered
    t.diag("%d requests answered, %d not" % (len(answered), len(clients.bad)))
    t.is_(clients.bad, [], "no client request failed or got anything but the file")

    # Each answered request is logged just after its last byte: wait for the last lines.
    def logged():
        text = ""
        for path in (rotated, log):
            with open(path, "rb") as f:
                text += f.read().decode("latin-1")
        removed.seek(0)
        text += removed.read().decode("latin-1")
        return queries(text)
    lines = wait_for(lambda: len(logged()) >= len(answered) and logged(), 10) or logged()
    removed.close()
    duplicates = sorted(q for q in set(lines) if lines.count(q) > 1)
    t.is_(duplicates, [], "no request has two access-log lines")
    t.is_(sorted(set(answered) - set(lines)), [], "every answered request has its access-log line")
    t.is_(sorted(set(lines) - set(answered)), [], "no access-log line for a request not answered")
    grew = wait_for(lambda: (s.total_accesses() or 0) - accesses_before >= len(answered) and
                    (s.total_accesses() or 0) - accesses_before, 10)
    t.is_(grew, len(answered), "Total Accesses grew by exactly the requests answered")


Test(timeout=300).main(main)
