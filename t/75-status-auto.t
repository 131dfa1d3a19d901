#!/usr/bin/env python3
# ?auto line for line as Apache 2.4.71 prints it for the same MPM: the same keys in the same
# order (prefork and worker without the Processes/Conns* lines, event with them; each key
# once), numbers in APR's "%g" spelling, and values true to what the test did: accesses,
# kilobytes, the time requests took (a CGI script that sleeps 300 ms), the rates derived from
# them, CPULoad exactly when CPU time was counted. Then ExtendedStatus Off drops the extended
# block, as in Apache.
import json
import re
import time

from mpmdtest import Test, http_get, wait_for

# The key sequence Debian's Apache/2.4.71 mod_status printed for ?auto (ExtendedStatus On,
# uptime of a second or more, requests served), per MPM. Written here, from Apache's output.
HEAD = ["ServerVersion", "ServerMPM", "Server Built", "CurrentTime", "RestartTime",
        "ParentServerConfigGeneration", "ParentServerMPMGeneration", "ServerUptimeSeconds",
        "ServerUptime", "Load1", "Load5", "Load15"]
EXTENDED = ["Total Accesses", "Total kBytes", "Total Duration", "CPUUser", "CPUSystem",
            "CPUChildrenUser", "CPUChildrenSystem", "CPULoad", "Uptime", "ReqPerSec", "BytesPerSec",
            "BytesPerReq", "DurationPerReq"]
WORKERS = ["BusyWorkers", "GracefulWorkers", "IdleWorkers"]
ASYNC = ["Processes", "Stopping", "ConnsTotal", "ConnsAsyncWaitIO", "ConnsAsyncWriting",
         "ConnsAsyncKeepAlive", "ConnsAsyncClosing"]
APACHE_2_4_71 = {
    "prefork": HEAD + EXTENDED + WORKERS + ["Scoreboard"],
    "worker": HEAD + EXTENDED + WORKERS + ["Scoreboard"],
    "event": HEAD + EXTENDED + WORKERS + ASYNC + ["Scoreboard"],
}
FLOATS = ["CPUUser", "CPUSystem", "CPUChildrenUser", "CPUChildrenSystem", "CPULoad", "ReqPerSec",
          "BytesPerSec", "BytesPerReq", "DurationPerReq"]
# APR's %g: six significant digits, no leading "0." and no trailing zeros, an unpadded exponent.
APR_G = re.compile(r"^-?(?:[1-9]\d*(?:\.\d*[1-9])?|0|\.\d*[1-9])(?:\.?e[+-][1-9]\d*)?$")
SIZE = 2048
SLEEP_CGI = "#!/bin/sh\nsleep 0.3\nprintf 'Content-Type: text/plain\\r\\n\\r\\nslept\\n'\n"


def auto(port):
    """(body, [keys in order], {key: value}); the first line, the server's name, has no key."""
    body = http_get(port, "/server-status?auto").body.decode("latin-1")
    lines = body.splitlines()
    keys = [l.split(":", 1)[0] for l in lines[1:]]
    values = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in lines[1:]}
    return body, keys, values


def close(a, b, rel=2e-5):
    """Equal to six significant digits (what %g keeps)."""
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def main(t):
    s = t.server(name="auto", conf={"server": {"ScriptAlias": "/cgi-bin/ @DIR@/cgi-bin/"}},
                 site={"hello.txt": "x" * SIZE})
    s.write_file("cgi-bin/sleep.sh", SLEEP_CGI, mode=0o755)
    s.start()
    port = s.port
    mpm = t.mpm()

    # Rates are printed from an uptime of one second on.
    t.ok(wait_for(lambda: int(auto(port)[2].get("ServerUptimeSeconds", "0")) >= 1, 5), "uptime reaches 1 s")
    t.ok(s.wait_quiet(10), "no worker busy before the counted requests")
    # Every duration counted below lies between `began` and `ended`: the first ?auto's own
    # (it is counted after its reply), the files', the script's.
    began = time.monotonic()
    before_body, _, before = auto(port)
    answers = [http_get(port, "/hello.txt").status for _ in range(10)]
    t.is_(answers, [200] * 10, "10 requests of a 2 KiB file")
    slept = http_get(port, "/cgi-bin/sleep.sh")
    t.is_(slept.status, 200, "a CGI script that sleeps 300 ms answers")
    t.ok(s.wait_quiet(10), "no worker busy before the count is read")
    elapsed_ms = (time.monotonic() - began) * 1000
    body, keys, f = auto(port)

    want = list(APACHE_2_4_71[mpm])
    cpu = sum(float(f.get(k, "0")) for k in ("CPUUser", "CPUSystem", "CPUChildrenUser", "CPUChildrenSystem"))
    if cpu == 0:   # Apache prints CPULoad only once some CPU time was counted
        want.remove("CPULoad")
    t.is_(keys, want, "?auto has Apache 2.4.71's %s keys, in its order" % mpm)
    t.is_(len(keys), len(set(keys)), "each key once")
    t.is_(body.splitlines()[0], "127.0.0.1", "the first line is the server's name")
    bad = [(k, f[k]) for k in FLOATS if k in f and not APR_G.match(f[k])]
    t.is_(bad, [], "every float is in APR's %g spelling (no leading 0., no trailing zeros)")

    accesses = int(f["Total Accesses"])
    t.is_(accesses - int(before["Total Accesses"]), 12,
          "Total Accesses: 12 more (the first ?auto, 10 files, the script)")
    # The total in bytes when `f` was printed: what ?json counts once that ?auto is counted
    # (after its reply has gone), less that ?auto.
    t.ok(s.wait_quiet(10), "the ?auto read is counted")
    page = json.loads(http_get(port, "/server-status?json").body)["server"]
    total_bytes = page["total_bytes"] - len(body)
    t.is_(int(f["Total kBytes"]), total_bytes // 1024, "Total kBytes is the bytes sent / 1024 (%d)" % total_bytes)
    t.cmp_ok(int(f["Total kBytes"]) - int(before["Total kBytes"]), ">=", 10 * SIZE // 1024 - 1,
             "it grew by the 10 files' 20 kB")
    grew_ms = int(f["Total Duration"]) - int(before["Total Duration"])
    # A request's time ends at its log line, after the client has its reply, so a little of
    # each of the 12 may overlap the next one: 1 ms each, and 1 ms for truncated totals.
    t.ok(300 <= grew_ms <= elapsed_ms + 13,
         "Total Duration grew by the script's 300 ms and at most the %.0f ms the requests took (%d ms)"
         % (elapsed_ms, grew_ms))
    duration = int(f["Total Duration"])
    uptime = int(f["Uptime"])
    kbytes = int(f["Total kBytes"])
    t.ok(close(float(f["DurationPerReq"]), duration / accesses), "DurationPerReq is Total Duration / Total Accesses")
    t.ok(close(float(f["ReqPerSec"]), accesses / uptime), "ReqPerSec is Total Accesses / Uptime")
    t.ok(close(float(f["BytesPerSec"]), 1024 * kbytes / uptime), "BytesPerSec is 1024 x Total kBytes / Uptime")
    t.ok(close(float(f["BytesPerReq"]), 1024 * kbytes / accesses), "BytesPerReq is 1024 x Total kBytes / Total Accesses")
    if "CPULoad" in f:
        t.ok(close(float(f["CPULoad"]), cpu / uptime * 100, rel=1e-3), "CPULoad is CPU seconds / Uptime x 100")
    else:
        t.ok(cpu == 0, "no CPU time counted yet, and no CPULoad")
    t.is_(f["Uptime"], f["ServerUptimeSeconds"], "Uptime is ServerUptimeSeconds")
    t.cmp_ok(int(f["BusyWorkers"]), ">=", 1, "BusyWorkers counts the worker answering")
    t.is_(f["GracefulWorkers"], "0", "GracefulWorkers is 0 with no restart under way")
    if mpm == "event":
        t.is_(int(f["Processes"]), len(s.children()), "Processes counts the children")
        t.is_([f[k] for k in ("Stopping", "ConnsAsyncWaitIO", "ConnsAsyncWriting", "ConnsAsyncClosing")],
              ["0", "0", "0", "0"], "Stopping and the async waits are 0")

    # ExtendedStatus Off: no totals, as in Apache.
    s.reconfigure({"server": {"ScriptAlias": "/cgi-bin/ @DIR@/cgi-bin/"}, "status": {"ExtendedStatus": "Off"}})
    generation = int(f["ParentServerMPMGeneration"])
    s.signal(1)   # SIGHUP
    t.ok(wait_for(lambda: int(auto(port)[2].get("ParentServerMPMGeneration", "0")) > generation, 8),
         "a restart with ExtendedStatus Off")
    _, keys, f = auto(port)
    t.is_(keys, [k for k in APACHE_2_4_71[mpm] if k not in EXTENDED],
          "ExtendedStatus Off: Apache's keys without the totals and rates")


Test().main(main)
