# mpmdtest: the harness every t/*.t integration test uses (Python 3 standard library only).
# Runs in the test process; starts the real mpmd (master and its children) on free 127.0.0.1
# ports with a private config, site, pid file and logs in a mkdtemp directory, and emits TAP.
# Leans on: /proc/PID/{status,cmdline} (proc(5)), kill(2) by PID only, alarm(2) as the
# watchdog, TCP sockets (RFC 9112 framing for responses), automake's tap-driver.sh.
#
# Habits (from nginx-tests' Test::Nginx, memcached's MemcachedTest.pm, pgbouncer's utils.py):
# every wait polls with a deadline; the whole file is bounded by a watchdog; every process a
# test starts is killed by PID at the end (the master and any children it left behind); the
# error log is printed as TAP diagnostics when an assertion fails; every file ends by checking
# the error log for alert, crash and sanitizer lines.

import atexit
import inspect
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback

MPMD = os.environ.get("MPMD", "")
SRCDIR = os.environ.get("MPMD_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("MPMD_BUILDDIR", SRCDIR)

# Lines that must never appear in an error log unless a test provoked them (nginx-tests'
# check in every file): alert/crit/emerg levels, crashes and sanitizer reports.
BAD_LOG_LINE = re.compile(
    r"\[emerg\]|:emerg\]|:alert\]|:crit\]|Segmentation fault|core dumped|AddressSanitizer"
    r"|runtime error|ThreadSanitizer|LeakSanitizer")

# ErrorLog line shape: [Wed Nov 25 21:32:13.123456 2026] [module:level] [pid N] message
ERROR_LOG_LINE = re.compile(
    r"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"[ 0-3]\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[([A-Za-z0-9_.]+):"
    r"(emerg|alert|crit|error|warn|notice|info|debug|trace\d)\] \[pid (\d+)\] (.*)$")

DEFAULT_TIMEOUT = 120          # seconds for a whole test file (the watchdog)

# .ci/run sets MPMD_TEST_REQUIRE_TOOLS=1: CI installs every tool the suite uses, so a missing
# one there is a broken setup, and the tests that need it fail instead of skipping.
REQUIRE_TOOLS = os.environ.get("MPMD_TEST_REQUIRE_TOOLS", "") == "1"



THREADED_DEFAULTS = {"StartServers": "2", "ThreadsPerChild": "4", "ThreadLimit": "4",
                     "MinSpareThreads": "1", "MaxSpareThreads": "16", "MaxRequestWorkers": "40",
                     "ServerLimit": "10"}

class Watchdog(Exception):
    pass


class Died(Exception):
    """Raised by helpers when a test cannot go on (e.g. the daemon did not start)."""

from mpmdhttp import (HttpConnection, Response, SlowDownload, hold_busy, http_date,  # noqa: F401
                      TlsConnection, http_get, http_raw, http_request, read_to_end, sha256)
from mpmdproc import (alive, all_pids, children_of, connection_holder, descendants,  # noqa: F401
                      free_port, ipv6_loopback, line_of, port_is_free, proc_cmdline, reserve_port,
                      proc_status, run, terminate, thread_count, wait_for)


# ---------------------------------------------------------------- logs

class LogFile:
    """A log file read by path; marks remember (inode, offset) so a block of lines written
    since a mark can be inspected even across a rename-and-reopen."""

    def __init__(self, path):
        self.path = path

    def _stat(self):
        try:
            st = os.stat(self.path)
            return st.st_ino, st.st_size
        except FileNotFoundError:
            return None, 0

    def read(self):
        try:
            with open(self.path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def lines(self, since=None):
        text = self.read()
        if since is not None:
            ino, off = since
            cur_ino, _ = self._stat()
            if cur_ino == ino:
                text = text.encode("utf-8", errors="replace")[off:].decode("utf-8", "replace")
        return [l for l in text.split("\n") if l != ""]

    def mark(self):
        return LogBlock(self, self._stat())

    def grep(self, pattern, since=None):
        rx = re.compile(pattern)
        return [l for l in self.lines(since) if rx.search(l)]


class LogBlock:
    """The lines a log gained since the block's mark (pgbouncer's log-contains-in-block)."""

    def __init__(self, log, start):
        self.log = log
        self.start = start

    def lines(self):
        return self.log.lines(self.start)

    def grep(self, pattern):
        return self.log.grep(pattern, self.start)

    def contains(self, pattern):
        return bool(self.grep(pattern))

    def wait_for(self, pattern, timeout=5.0):
        return wait_for(lambda: self.grep(pattern), timeout)


# ---------------------------------------------------------------- the daemon under test

DEFAULT_SITE = {
    "index.html": "<html><head><title>mpmd test</title></head><body>index</body></html>\n",
    "hello.txt": "hello, world\n",
    "style.css": "body { color: black; }\n",
    "sub/index.html": "<html><body>sub index</body></html>\n",
}


class Server:
    """One mpmd instance: directory, config, site, process, logs.

    conf is {section: {Key: value}}; a value None drops a default, a list repeats the key,
    '@DIR@' and '@PORT@' / '@PORT2@' are replaced when the file is written.
    mpm_conf is {mpm: conf}: settings applied after conf when that MPM is under test
    (t.mpm()), e.g. mpm_conf={"prefork": {"mpm_prefork": {"StartServers": "3"}}}.
    daemon is the binary to run (default $MPMD), e.g. t/mpmd-modular."""

    def __init__(self, test, conf=None, site=None, name="mpmd", extra_conf="",
                 allow_log=(), ports=1, mpm_conf=None, daemon=None):
        self.t = test
        self.daemon = daemon or MPMD
        self.dir = tempfile.mkdtemp(prefix="mpmd-%s-" % name)
        # Tests run as root and children drop to User=nobody: they must read the site.
        os.chmod(self.dir, 0o755)
        self.docroot = os.path.join(self.dir, "htdocs")
        os.mkdir(self.docroot)
        os.chmod(self.docroot, 0o755)
        self.conf_path = os.path.join(self.dir, "mpmd.conf")
        self.pid_path = os.path.join(self.dir, "mpmd.pid")
        self.error_log = LogFile(os.path.join(self.dir, "error_log"))
        self.access_log = LogFile(os.path.join(self.dir, "access_log"))
        # Each port stays held until the daemon listens on it (see reserve_port).
        self.ports, self.port_holders = [], []
        for _ in range(ports):
            port, holder = reserve_port()
            self.ports.append(port)
            self.port_holders.append(holder)
        self.port = self.ports[0]
        self.allow_log = [re.compile(p) for p in allow_log]
        self.extra_conf = extra_conf
        self.proc = None
        self.master = None
        self.seen_pids = set()
        self.log_checked = False
        self.stdout_path = os.path.join(self.dir, "stdout")
        self.stderr_path = os.path.join(self.dir, "stderr")
        self.conf = {
            "server": {
                "Listen": "127.0.0.1:@PORT@",
                "ServerRoot": "@DIR@",
                "DocumentRoot": "@DIR@/htdocs",
                "User": "nobody",
                "Group": "nogroup",
                "PidFile": "@DIR@/mpmd.pid",
                "ServerName": "localhost",
                "TypesConfig": self._types_config(),
                "Timeout": "3",
                "KeepAliveTimeout": "2",
            },
            "log": {
                "ErrorLog": "@DIR@/error_log",
                "LogLevel": "info",
                "CustomLog": "@DIR@/access_log \"%h %l %u %t \\\"%r\\\" %>s %b %P\"",
            },
            "mpm_prefork": {
                "StartServers": "2",
                "MinSpareServers": "1",
                "MaxSpareServers": "4",
                "MaxRequestWorkers": "10",
                "ServerLimit": "10",
            },
            # Two children as under prefork, with a few threads each; idle threads (8)
            # stay between the spare bounds, so the child count holds still.
            "mpm_worker": dict(THREADED_DEFAULTS),
            "mpm_event": dict(THREADED_DEFAULTS),
        }
        for section, values in (conf or {}).items():
            self.set(section, values)
        for section, values in (mpm_conf.get(test.mpm(), {}) if mpm_conf else {}).items():
            self.set(section, values)
        self.write_site(DEFAULT_SITE if site is None else site)
        self.write_config()
        test.servers.append(self)

    def _types_config(self):
        shipped = os.path.join(SRCDIR, "etc", "mime.types")
        if os.path.exists(shipped):
            return shipped
        path = os.path.join(self.dir, "mime.types")
        with open(path, "w") as f:
            f.write("text/html html htm\ntext/css css\ntext/plain txt\n")
        self.t.diag("%s is missing; using a minimal mime.types" % shipped)
        return path

    # -- files
    def path(self, rel):
        return os.path.join(self.dir, rel)

    def write_file(self, path, content, mode=0o644):
        """Write a file (path relative to the server directory unless absolute); parents
        are created 0755."""
        full = path if os.path.isabs(path) else os.path.join(self.dir, path)
        d = os.path.dirname(full)
        os.makedirs(d, exist_ok=True)
        p = d
        while p.startswith(self.dir) and p != self.dir:
            os.chmod(p, 0o755)
            p = os.path.dirname(p)
        with open(full, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        os.chmod(full, mode)
        return full

    def write_site(self, files, root=None):
        for rel, content in files.items():
            self.write_file(os.path.join(root or self.docroot, rel), content)

    # -- config
    def set(self, section, values):
        sec = self.conf.setdefault(section, {})
        for key, value in values.items():
            for k in list(sec):
                if k.lower() == key.lower():
                    del sec[k]
            if value is not None:
                sec[key] = value

    def config_text(self):
        out = ["; written by t/lib/mpmdtest.py"]
        for section, values in self.conf.items():
            out.append("[%s]" % section)
            for key, value in values.items():
                for v in (value if isinstance(value, list) else [value]):
                    out.append("%s = %s" % (key, v))
        text = "\n".join(out) + "\n" + self.extra_conf
        text = text.replace("@DIR@", self.dir)
        for i, p in enumerate(self.ports):
            text = text.replace("@PORT%s@" % ("" if i == 0 else i + 1), str(p))
        return text

    def write_config(self, text=None):
        with open(self.conf_path, "w") as f:
            f.write(self.config_text() if text is None else text)

    def reconfigure(self, conf):
        """Change the config file (for HUP/USR1 tests); the running daemon is not told."""
        for section, values in conf.items():
            self.set(section, values)
        self.write_config()

    def expect_config_error(self, line, pattern, section="server"):
        """Writes this server's config with `line` added at the top of [section] and checks
        that `mpmd -t` refuses it, naming FILE:LINE: [section] Key: and matching `pattern`
        (the fix it suggests). The config is left changed; write_config() restores it."""
        text = self.config_text().replace("[%s]\n" % section, "[%s]\n%s\n" % (section, line), 1)
        self.write_config(text)
        rc, out, err = run(self.command("-t"))
        loc = "%s:%d: [%s] %s:" % (self.conf_path, line_of(text, line), section, line.split(" ")[0])
        self.t.ok(rc == 1 and loc in out + err and re.search(pattern, out + err) is not None,
                  "%s: -t names %s and the fix (%s)" % (line, loc, (out + err).strip().replace("\n", " | ")[:200]))

    # -- process
    def command(self, *args):
        return [self.daemon, "-f", self.conf_path] + list(args)

    def start(self, args=("-D", "FOREGROUND"), wait_children=True, timeout=10.0):
        """Start the master (foreground by default) and wait until it is ready: pid file
        written with its pid, every listener accepting. Raises Died if it is not."""
        if not self.daemon or not os.access(self.daemon, os.X_OK):
            raise Died("no daemon to test: %r is not an executable file" % self.daemon)
        self.proc = subprocess.Popen(self.command(*args), stdin=subprocess.DEVNULL,
                                     stdout=open(self.stdout_path, "ab"),
                                     stderr=open(self.stderr_path, "ab"),
                                     start_new_session=True)
        self.master = self.proc.pid
        self.seen_pids.add(self.master)
        ready = self.wait_ready(timeout)
        self.release_ports()
        if not ready:
            self.t.diag("mpmd did not become ready in %ss (exit status %s)"
                        % (timeout, self.proc.poll()))
            self.dump_output()
            self.kill_all()
            raise Died("mpmd did not start")
        if wait_children and "-X" not in args:
            want = int(self.conf.get("mpm_prefork", {}).get("StartServers", "1"))
            wait_for(lambda: len(self.children()) >= min(want, 1), 5)
        return self

    def start_daemon(self, timeout=10.0):
        """`mpmd -k start`: the command daemonizes and returns; the master is found through
        the pid file. Returns the command's (status, stdout, stderr)."""
        if not self.daemon or not os.access(self.daemon, os.X_OK):
            raise Died("no daemon to test: %r is not an executable file" % self.daemon)
        self.proc = None
        result = run(self.command("-k", "start"), timeout=timeout)
        ready = self.wait_ready(timeout)
        self.release_ports()
        if not ready:
            self.t.diag("mpmd -k start: status %r\n%s%s" % result)
            self.dump_output()
            self.kill_all()
            raise Died("mpmd -k start did not start a server")
        self.master = self.pid_from_file()
        self.seen_pids.add(self.master)
        return result

    def release_ports(self):
        """Close the sockets that held our ports until the daemon listened on them."""
        for holder in self.port_holders:
            holder.close()
        self.port_holders = []

    def pid_from_file(self):
        try:
            with open(self.pid_path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def listen_addresses(self):
        """(host, port) of every Listen line in the written config (a bare port is reached
        through 127.0.0.1)."""
        out = []
        try:
            with open(self.conf_path) as f:
                text = f.read()
        except OSError:
            return out
        for value in re.findall(r"(?im)^\s*listen\s*=\s*(\S+)", text):
            m = re.match(r"^\[([0-9a-fA-F:.]+)\]:(\d+)$|^([^:\s]+):(\d+)$|^(\d+)$", value)
            if not m:
                continue
            if m.group(1):
                out.append((m.group(1), int(m.group(2))))
            elif m.group(3):
                host = m.group(3)
                out.append(("127.0.0.1" if host in ("*", "0.0.0.0") else host,
                            int(m.group(4))))
            else:
                out.append(("127.0.0.1", int(m.group(5))))
        return out

    def listening(self):
        for host, port in self.listen_addresses():
            try:
                with socket.create_connection((host, port), timeout=1):
                    pass
            except OSError:
                return False
        return True

    def wait_ready(self, timeout=10.0):
        def ready():
            if self.proc is not None and self.proc.poll() is not None:
                return "exited"
            pid = self.pid_from_file()
            if pid is None or not alive(pid):
                return False
            return self.listening()
        r = wait_for(ready, timeout)
        return r is True

    def alive(self):
        if self.proc is not None and self.master == self.proc.pid:
            return self.proc.poll() is None
        return self.master is not None and alive(self.master)

    def children(self):
        """Live children of the master (prefork: one per process slot)."""
        if self.master is None:
            return []
        kids = children_of(self.master)
        self.seen_pids.update(kids)
        return kids

    def signal(self, sig):
        os.kill(self.master, sig)

    def wait_exit(self, timeout=10.0):
        """Wait for the master to exit; returns its exit status (None if still running or
        unknown because it is not our child)."""
        if self.proc is not None and self.master == self.proc.pid:
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
        wait_for(lambda: not alive(self.master), timeout)
        return None

    def our_pids(self):
        """Every live process of this instance: the config path is unique to the test and
        forked children share the master's command line; pids seen earlier count too while
        they still run the daemon's executable (in case a process retitles itself)."""
        me = self.conf_path.encode()
        exe = os.path.realpath(self.daemon) if self.daemon else None
        found = set()
        for pid in all_pids():
            if pid != os.getpid() and me in proc_cmdline(pid) and alive(pid):
                found.add(pid)
        for pid in self.seen_pids:
            try:
                if alive(pid) and os.readlink("/proc/%d/exe" % pid) == exe:
                    found.add(pid)
            except OSError:
                pass
        return sorted(found)

    def stop(self, timeout=10.0):
        """TERM the master and wait; True when it exited in time and left no process."""
        if self.master is None:
            return True
        self.children()
        clean = True
        if self.alive():
            block = self.error_log.mark()
            try:
                os.kill(self.master, signal.SIGTERM)
            except ProcessLookupError:
                pass
            # The master blocks its signals while it forks a child; under ThreadSanitizer the
            # runtime's own thread, which blocks nothing, can take a SIGTERM sent just then,
            # and the runtime never hands it on (a sanitizer artifact: the real master has a
            # single thread). So a SIGTERM the master has not logged after 3 s is sent again.
            heard = wait_for(lambda: not self.alive() or block.contains(r"caught SIGTERM"), 3)
            if not heard:
                self.t.diag("master %d has not logged SIGTERM after 3 s; sending it again" % self.master)
                try:
                    os.kill(self.master, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            if self.wait_exit(timeout) is None and self.alive():
                self.t.diag("master %d ignored SIGTERM for %ss" % (self.master, timeout))
                clean = False
        if wait_for(lambda: not [p for p in self.our_pids()], 3) is False:
            left = self.our_pids()
            if left:
                self.t.diag("processes left after stop: %s" % left)
                clean = False
        self.kill_all()
        return clean

    def kill_all(self):
        """SIGKILL every process of this instance, by PID, and reap the master."""
        for pid in self.our_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
        wait_for(lambda: not self.our_pids(), 3)

    # -- the scoreboard, read from shared memory by mpmctl (which adds no access of its own)
    def mpmctl_status(self):
        """The text of `mpmctl status` ("" when it fails)."""
        status, out, _ = run([os.path.join(BUILDDIR, "src", "mpmctl"), "status", "-f", self.conf_path],
                             env=dict(os.environ, MPMD=self.daemon))
        return out if status == 0 else ""

    def scoreboard_processes(self):
        """The process table of `mpmctl status`: {pid: {"generation", "stopping", "busy",
        "idle"}} (empty when it cannot be read)."""
        rows = {}
        for m in re.finditer(r"(?m)^\d+\s+(\d+)\s+(\d+)\s+(yes|no)\s+(\d+)\s+(\d+)\s",
                             self.mpmctl_status()):
            rows[int(m.group(1))] = {"generation": int(m.group(2)), "stopping": m.group(3) == "yes",
                                     "busy": int(m.group(4)), "idle": int(m.group(5))}
        return rows

    def ready_children(self, workers=1):
        """Live children, not stopping, with at least `workers` workers out of "S" in the
        scoreboard: a child reports a worker ready only after its start-up (descriptors of
        the master closed, privileges dropped), so these are safe to inspect from /proc.
        Under a slow build (a sanitizer) a forked child can be seen well before that."""
        live = set(self.children())
        return sorted(pid for pid, row in self.scoreboard_processes().items()
                      if pid in live and not row["stopping"] and row["busy"] + row["idle"] >= workers)

    def total_accesses(self):
        """Total Accesses as `mpmctl status` reads it, or None when it cannot."""
        m = re.search(r"(?m)^Total accesses: (\d+)", self.mpmctl_status())
        return int(m.group(1)) if m else None

    def wait_quiet(self, timeout=30.0):
        """Wait until no worker is busy with a request (after a load tool stopped, its last
        requests are still being answered and logged). True when quiet in time.
        "Requests currently being processed" leaves out the children of an old generation
        (as Apache's does), whose workers still finishing a request show G: none may be
        left either, or their requests would be logged and counted after the caller reads."""
        def quiet():
            text = self.mpmctl_status()
            m = re.search(r"(?m)^(\d+) requests currently being processed", text)
            board = re.search(r"(?m)^Scoreboard: (\S*)$", text)
            return m is not None and int(m.group(1)) == 0 and board is not None and "G" not in board.group(1)
        return wait_for(quiet, timeout)

    # -- logs and diagnostics
    def mark(self):
        return self.error_log.mark()

    def log_contains(self, pattern, since=None):
        return bool(self.error_log.grep(pattern, since.start if since else None))

    def output(self):
        text = ""
        for p in (self.stdout_path, self.stderr_path):
            try:
                with open(p, "rb") as f:
                    text += f.read().decode(errors="replace")
            except FileNotFoundError:
                pass
        return text

    def dump_output(self, max_lines=40):
        out = self.output().rstrip("\n")
        if out:
            self.t.diag("mpmd stdout/stderr (last %d lines):" % max_lines)
            for line in out.split("\n")[-max_lines:]:
                self.t.diag("  " + line)
        lines = self.error_log.lines()
        self.t.diag("%s (last %d of %d lines):" % (self.error_log.path, min(max_lines,
                                                   len(lines)), len(lines)))
        for line in lines[-max_lines:]:
            self.t.diag("  " + line)

    def bad_log_lines(self):
        bad = []
        for line in self.error_log.lines() + self.output().split("\n"):
            if BAD_LOG_LINE.search(line) and not any(a.search(line) for a in self.allow_log):
                bad.append(line)
        return bad

    def check_log(self):
        """The closing check of every file: no alert, crash or sanitizer line."""
        self.log_checked = True
        bad = self.bad_log_lines()
        self.t.ok(not bad, "no alert/crit/emerg, crash or sanitizer lines in %s"
                  % os.path.basename(self.dir))
        for line in bad[:20]:
            self.t.diag("  " + line)

    def cleanup(self):
        self.release_ports()
        self.kill_all()
        # A master killed outright cannot remove its named scoreboard (ScoreBoardFile auto:
        # "/mpmd" + the PidFile path with '/' as '-'); the next start would replace it,
        # but the test leaves nothing behind.
        segment = "/dev/shm/mpmd" + re.sub(r"[^A-Za-z0-9._-]", "-", self.pid_path)
        if os.path.exists(segment):
            try:
                os.unlink(segment)
            except OSError:
                pass
        if not os.environ.get("MPMD_TEST_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- TAP

class Test:
    """A tiny TAP producer for automake's tap-driver.sh, with the watchdog and cleanup.

    xfail=True is for t/99-harness-fails.t only: the file is listed in XFAIL_TESTS, so its
    verdict travels in the not-ok lines; it exits 0 (a non-zero exit would be an ERROR that
    XFAIL does not cover) and adds no automatic passing checks (they would be XPASS)."""

    def __init__(self, timeout=None, xfail=False):
        self.count = 0
        self.failed = 0
        self.servers = []
        self.xfail = xfail
        self.finished = False
        self._mpm = None
        self.timeout = int(timeout or os.environ.get("MPMD_TEST_TIMEOUT", DEFAULT_TIMEOUT))
        sys.stdout.reconfigure(line_buffering=True)
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        signal.alarm(self.timeout)
        atexit.register(self._atexit)

    def _on_alarm(self, signum, frame):
        if self.finished:
            self.diag("watchdog: cleanup took too long; giving up")
            os._exit(1)
        signal.alarm(15)   # cleanup gets 15 s more
        raise Watchdog("watchdog: the test file ran longer than %d s" % self.timeout)

    def _on_term(self, signum, frame):
        raise Watchdog("terminated by signal %d" % signum)

    def _atexit(self):
        for s in self.servers:
            s.cleanup()

    # -- output
    def diag(self, msg):
        for line in str(msg).split("\n"):
            print("# " + line)

    def ok(self, cond, desc=""):
        self.count += 1
        desc = desc.replace("#", "\\#")
        print("%s %d - %s" % ("ok" if cond else "not ok", self.count, desc))
        if not cond:
            self.failed += 1
            caller = inspect.stack()[1]
            for frame in inspect.stack()[1:]:
                if frame.filename != __file__:
                    caller = frame
                    break
            self.diag("  Failed test '%s' at %s line %d." % (desc, os.path.basename(
                caller.filename), caller.lineno))
            for s in self.servers:
                if s.master is not None:
                    lines = s.error_log.lines()[-12:]
                    if lines:
                        self.diag("  error log %s (last %d lines):" % (s.error_log.path,
                                                                        len(lines)))
                        for line in lines:
                            self.diag("    " + line)
        return bool(cond)

    def is_(self, got, expected, desc=""):
        r = self.ok(got == expected, desc)
        if not r:
            self.diag("         got: %r\n    expected: %r" % (got, expected))
        return r

    def like(self, got, pattern, desc="", flags=0):
        r = self.ok(got is not None and re.search(pattern, got, flags) is not None, desc)
        if not r:
            self.diag("    %r\n    doesn't match %r" % (got if got is None else got[:2000],
                                                       pattern))
        return r

    def unlike(self, got, pattern, desc="", flags=0):
        r = self.ok(got is not None and re.search(pattern, got, flags) is None, desc)
        if not r:
            self.diag("    %r\n    matches %r" % (got if got is None else got[:2000], pattern))
        return r

    def cmp_ok(self, got, op, expected, desc=""):
        ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
               "in": lambda a, b: a in b}
        try:
            cond = got is not None and ops[op](got, expected)
        except TypeError:
            cond = False
        r = self.ok(cond, desc)
        if not r:
            self.diag("    %r\n        %s\n    %r" % (got, op, expected))
        return r

    def skip(self, desc, reason):
        self.count += 1
        print("ok %d - %s # SKIP %s" % (self.count, desc, reason))

    def tool(self, command, package, desc=None):
        """The path of an outside tool the test needs (ab, wrk, slowhttptest, tmux...). When
        it is missing: the point `desc` is skipped (desc None: the whole file), unless
        MPMD_TEST_REQUIRE_TOOLS=1, when the point fails instead (desc None: the file dies
        with a failing point). Returns None when missing."""
        path = shutil.which(command)
        if path:
            return path
        reason = "%s is not installed (Debian package %s)" % (command, package)
        if REQUIRE_TOOLS:
            if desc is None:
                raise Died(reason + ", and MPMD_TEST_REQUIRE_TOOLS=1 forbids skipping")
            self.ok(False, "%s: %s (MPMD_TEST_REQUIRE_TOOLS=1)" % (desc, reason))
            return None
        if desc is None:
            self.skip_all(reason)
        self.skip(desc, reason)
        return None

    # -- the daemon under test
    def mpm(self):
        """The MPM of $MPMD: 'prefork', 'worker' or 'event' (see daemon_mpm)."""
        if self._mpm is None:
            self._mpm = daemon_mpm()
        return self._mpm

    def skip_all(self, reason):
        """Skip the whole file (TAP '1..0 # SKIP reason'), e.g. a prefork-only test under
        another MPM: `if t.mpm() != "prefork": t.skip_all("prefork only")`."""
        for s in self.servers:
            if s.master is not None:
                s.kill_all()
        print("1..0 # SKIP %s" % reason)
        self.finished = True
        signal.alarm(0)
        self._atexit()
        sys.stdout.flush()
        os._exit(0)

    # -- servers
    def server(self, **kw):
        return Server(self, **kw)

    # -- the end
    def done_testing(self):
        if self.finished:
            return
        self.finished = True
        for s in self.servers:
            if s.master is not None and s.alive():
                stopped = s.stop()
                if self.xfail:
                    self.diag("server in %s stopped cleanly: %s" % (s.dir, stopped))
                else:
                    self.ok(stopped, "mpmd in %s stops on SIGTERM and leaves no process"
                            % os.path.basename(s.dir))
            if s.master is not None and not s.log_checked and not self.xfail:
                s.check_log()
        if self.failed:
            for s in self.servers:
                if s.master is not None:
                    s.dump_output()
        print("1..%d" % self.count)
        signal.alarm(0)

    def exit_status(self):
        if self.xfail:
            return 0
        return 1 if self.failed or self.count == 0 else 0

    def main(self, fn):
        """Run fn(self); a Python error or a watchdog becomes a failing test point; servers
        are stopped, checked and removed; the process exits with the TAP verdict."""
        try:
            fn(self)
        except (Watchdog, Died, Exception) as e:
            self.ok(False, "test body died: %s: %s" % (type(e).__name__, e))
            self.diag(traceback.format_exc().rstrip())
        try:
            self.done_testing()
        except Exception as e:   # cleanup must not lose the plan
            print("not ok %d - cleanup died: %s" % (self.count + 1, e))
            self.count += 1
            self.failed += 1
            print("1..%d" % self.count)
        self._atexit()
        sys.stdout.flush()
        os._exit(self.exit_status())


def daemon_mpm(daemon=None):
    """The MPM a daemon runs: $MPMD_MPM for $MPMD (make check sets both, see t/local.am),
    else the 'Server MPM:' line of `daemon -V`; None when it cannot tell (no MPM linked in
    and no config that loads one)."""
    daemon = daemon or MPMD
    if daemon == MPMD and os.environ.get("MPMD_MPM"):
        return os.environ["MPMD_MPM"]
    rc, out, err = run([daemon, "-V"])
    m = re.search(r"(?m)^Server MPM:\s+(\w+)", out)
    return m.group(1) if m else None


def version():
    """The daemon's version string (from -v), e.g. '0.1.0', or None."""
    rc, out, err = run([MPMD, "-v"])
    m = re.search(r"mpmd/(\S+)", out + err)
    return m.group(1) if m else None
