#!/usr/bin/env python3
# A fleet behind a real load balancer: HAProxy (Debian's haproxy) in front of two mpmd
# instances, speaking the PROXY protocol version 2 to them and checking their health on the
# status page. Clients from four loopback addresses load it through HAProxy while both
# instances get a rolling graceful restart (USR1, one after the other) and then a rolling
# binary upgrade (USR2): no request fails, each one answered has exactly one access log line,
# and the logs show each client's own address (%a), with HAProxy as the peer (%{c}a); the
# health checks (version 2 LOCAL headers) reach the status page as HAProxy itself.
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

from mpmdtest import Test, alive, http_get, read_to_end, reserve_port, terminate, wait_for

CLIENTS = ["127.0.0.%d" % (21 + i) for i in range(4)]
MAX_REQUESTS = 200000   # per client: the load stops long before; a bound all the same
MAX_SECONDS = 120


class Load:
    """Each client a thread: one request per connection (Connection: close), so every
    request either gets its whole answer or counts as failed; none is retried here."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answered = {c: 0 for c in CLIENTS}
        self.failures = []
        self.threads = [threading.Thread(target=self.run, args=(c,), daemon=True) for c in CLIENTS]

    def one(self, client, n):
        request = ("GET /index.html?c=%s-%d HTTP/1.1\r\nHost: fleet.example\r\nConnection: close\r\n\r\n"
                   % (client, n)).encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10, source_address=(client, 0)) as s:
            s.sendall(request)
            data = read_to_end(s)
        head, _, body = data.partition(b"\r\n\r\n")
        status = head.split(b" ", 2)[1] if head.startswith(b"HTTP/1.1 ") else b"-"
        if status != b"200" or body != b"fleet\n":
            raise ValueError("status %r, %d body bytes" % (status, len(body)))

    def run(self, client):
        started = time.monotonic()
        for n in range(MAX_REQUESTS):
            if self.stop.is_set() or time.monotonic() - started > MAX_SECONDS:
                return
            try:
                self.one(client, n)
                with self.lock:
                    self.answered[client] += 1
            except (OSError, ValueError) as e:
                with self.lock:
                    self.failures.append("%s #%d: %s" % (client, n, e))

    def total(self):
        with self.lock:
            return sum(self.answered.values())


def haproxy_config(dir, port, backends):
    # Checks every 500 ms, each given 5 s (a loaded 2-core machine, or a sanitizer build, is
    # slow to answer one); three misses in a row mark an instance DOWN, one answer UP again.
    servers = "\n".join("    server %s 127.0.0.1:%d send-proxy-v2 check inter 500ms fall 3 rise 1"
                        % (name, p) for name, p in backends)
    return """global
    stats socket %s/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout check 5s
    retries 3
    option redispatch
frontend fleet_in
    bind 127.0.0.1:%d
    default_backend fleet
backend fleet
    balance roundrobin
    option httpchk
    http-check send meth GET uri /server-status?auto
    http-check expect status 200
%s
""" % (dir, port, servers)


def server_states(sock_path):
    """{server name: status} of backend fleet, from HAProxy's stats socket."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(sock_path)
            s.sendall(b"show stat\n")
            data = read_to_end(s)
    except OSError:
        return {}
    rows = list(csv.reader(io.StringIO(data.decode().lstrip("# "))))
    if not rows:
        return {}
    head = rows[0]
    return {r[head.index("svname")]: r[head.index("status")] for r in rows[1:]
            if len(r) == len(head) and r[head.index("pxname")] == "fleet" and r[head.index("svname")] != "BACKEND"}


def mpm_generation(s):
    r = http_get(s.ports[1], "/server-status?json")
    return json.loads(r.body)["server"]["mpm_generation"] if r.status == 200 else None


def client_lines(s):
    return [l.split(" ") for l in s.access_log.lines() if "GET /index.html?c=" in l]


def main(t):
    haproxy = t.tool("haproxy", "haproxy")
    fleet = []
    for name in ("a", "b"):
        s = t.server(name="fleet-" + name, ports=2, site={"index.html": "fleet\n"}, conf={
            "server": {"Listen": ["127.0.0.1:@PORT@ proxy", "127.0.0.1:@PORT2@"], "TrustedProxy": "127.0.0.1"},
            "log": {"CustomLog": "@DIR@/access_log \"%a %{c}a \\\"%r\\\" %>s\""},
        }, mpm_conf={"prefork": {"mpm_prefork": {"StartServers": "4", "MinSpareServers": "2",
                                                 "MaxSpareServers": "6"}}})
        s.start()
        fleet.append(s)
    a, b = fleet

    dir = tempfile.mkdtemp(prefix="mpmd-haproxy-")
    port, holder = reserve_port()
    config = os.path.join(dir, "haproxy.cfg")
    with open(config, "w") as f:
        f.write(haproxy_config(dir, port, [("a", a.port), ("b", b.port)]))
    holder.close()
    output = open(os.path.join(dir, "output"), "wb")
    proxy = subprocess.Popen([haproxy, "-f", config, "-db"], stdin=subprocess.DEVNULL, stdout=output,
                             stderr=subprocess.STDOUT, start_new_session=True)
    load = Load(port)
    try:
        sock = os.path.join(dir, "haproxy.sock")
        both_up = lambda: server_states(sock) == {"a": "UP", "b": "UP"}
        t.ok(wait_for(both_up, 10), "HAProxy sees both instances UP through their status page (%s)"
             % server_states(sock))
        for th in load.threads:
            th.start()
        t.ok(wait_for(lambda: load.total() >= 200, 20), "load flows through HAProxy (%d requests)" % load.total())

        def served_since(s, mark):
            return len(client_lines(s)) > mark + 20

        for how, sig in (("graceful restart", signal.SIGUSR1), ("binary upgrade", signal.SIGUSR2)):
            for name, s in zip("ab", fleet):
                before = len(client_lines(s))
                if sig == signal.SIGUSR1:
                    generation = mpm_generation(s)
                    s.signal(sig)
                    t.ok(wait_for(lambda: (mpm_generation(s) or 0) > generation, 15),
                         "%s of %s: a new generation serves" % (how, name))
                else:
                    old = s.master
                    s.signal(sig)
                    new = wait_for(lambda: (lambda p: p if p and p != old and alive(p) else None)(s.pid_from_file()), 15)
                    t.ok(new and wait_for(lambda: not alive(old), 20),
                         "%s of %s: the new master %s took over and the old one %d left" % (how, name, new, old))
                    if s.proc is not None and s.proc.pid == old:
                        s.proc.wait(5)
                    if new:
                        s.master = new
                        s.seen_pids.add(new)
                t.ok(wait_for(lambda: served_since(s, before), 15) and wait_for(both_up, 10),
                     "... %s serves HAProxy's clients again, UP, before the next instance's turn" % name)
        load.stop.set()
        for th in load.threads:
            th.join(30)
        total = load.total()
        t.diag("answered: %s" % load.answered)
        t.is_(load.failures[:5], [], "no request failed through the rolling restart and upgrade (%d answered)" % total)
        t.ok(all(n > 0 for n in load.answered.values()), "every client was answered")

        # Each request answered has one access log line, in one instance or the other.
        wait_for(lambda: len(client_lines(a)) + len(client_lines(b)) >= total, 5)
        lines = client_lines(a) + client_lines(b)
        t.is_(len(lines), total, "one access log line per request answered, over both instances")
        t.ok(len(client_lines(a)) > 0 and len(client_lines(b)) > 0, "both instances served (%d, %d)"
             % (len(client_lines(a)), len(client_lines(b))))
        wrong = [l for l in lines if l[3].split("?c=")[1].rsplit("-", 1)[0] != l[0] or l[1] != "127.0.0.1"]
        t.is_(wrong[:3], [], "each line's %a is the client's own address, its %{c}a HAProxy's")
        t.is_(sorted({l[0] for l in lines}), CLIENTS, "... all four clients")
        checks = [l for s in fleet for l in s.access_log.lines() if "GET /server-status?auto" in l]
        t.ok(checks and all(l.startswith("127.0.0.1 127.0.0.1 ") and l.endswith(" 200") for l in checks),
             "HAProxy's health checks (LOCAL headers) reach the status page as HAProxy itself (%d)" % len(checks))
    finally:
        load.stop.set()
        terminate(proxy)
        output.close()
        if load.failures or proxy.returncode not in (0, 143, -15):
            t.diag("haproxy exited with %s; its output:\n%s" % (proxy.returncode, open(os.path.join(dir, "output")).read()[-3000:]))
        shutil.rmtree(dir, ignore_errors=True)
    for s in fleet:
        s.stop()


Test().main(main)
