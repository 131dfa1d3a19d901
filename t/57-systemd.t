#!/usr/bin/env python3
# mpmd under systemd, without systemd running: the test plays systemd's part.
#   - sd_notify (NOTIFY_SOCKET, a datagram socket of the test's, senders known by their
#     credentials): READY=1 from the master once it serves; a graceful restart (what
#     `systemctl reload` sends) is RELOADING=1 then READY=1, also when the new config is
#     refused; a binary upgrade (USR2) names the new master (MAINPID=) from the old one,
#     which says nothing more, and the new one says READY=1; a stop is STOPPING=1;
#   - socket activation (LISTEN_FDS, LISTEN_PID): the sockets passed serve the Listen of
#     their address, mpmd binds none of its own there, and a socket no Listen wants is
#     named in the error log;
#   - etc/mpmd.service and etc/mpmd.socket pass `systemd-analyze verify`.
import array
import os
import re
import signal
import socket
import subprocess

from mpmdtest import BUILDDIR, MPMD, SRCDIR, Test, http_get, run, wait_for


def built_with_systemd(daemon):
    status, out, err = run([daemon, "-V"])
    return status == 0 and "\n systemd: yes" in out


class NotifySocket:
    """The socket sd_notify(3) writes to: each message with the pid that sent it."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.settimeout(0.2)
        self.messages = []   # (pid, {key: value})
        self.cursor = 0      # wait() looks at the messages from here on

    def take(self):
        """Reads what has arrived; returns the messages so far."""
        while True:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
            except (socket.timeout, BlockingIOError):
                return self.messages
            pid = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = array.array("i", payload[:12])[0]
            fields = dict(line.split("=", 1) for line in data.decode().split("\n") if "=" in line)
            self.messages.append((pid, fields))

    def wait(self, predicate, timeout=10):
        """The first message (pid, fields) past the last one wait() returned for which
        predicate holds (None after `timeout`)."""
        def found():
            messages = self.take()
            for i in range(self.cursor, len(messages)):
                if predicate(*messages[i]):
                    self.cursor = i + 1
                    return messages[i]
            return None
        return wait_for(found, timeout)


def notifications(t):
    s = t.server(name="notify")
    path = os.path.join(s.dir, "notify.sock")
    notify = NotifySocket(path)
    os.environ["NOTIFY_SOCKET"] = path
    try:
        s.start()
    finally:
        del os.environ["NOTIFY_SOCKET"]
    master = s.master
    ready = notify.wait(lambda pid, f: f.get("READY") == "1")
    t.ok(ready and ready[0] == master and re.match(r"serving: generation \d+, MPM ", ready[1].get("STATUS", "")),
         "READY=1 from the master once it serves, with a STATUS line (%s)" % (ready,))

    s.signal(signal.SIGUSR1)
    reloading = notify.wait(lambda pid, f: f.get("RELOADING") == "1")
    again = notify.wait(lambda pid, f: f.get("READY") == "1")
    t.ok(reloading and "MONOTONIC_USEC" in reloading[1] and again and again[1].get("STATUS") != ready[1].get("STATUS"),
         "graceful restart: RELOADING=1, then READY=1 for the new generation (%s, %s)" % (reloading, again))

    good = s.config_text()
    s.write_config(good + "\n[server]\nNoSuchDirective = 1\n")
    s.signal(signal.SIGUSR1)
    notify.wait(lambda pid, f: f.get("RELOADING") == "1")
    refused = notify.wait(lambda pid, f: f.get("READY") == "1")
    t.ok(refused and "refused" in refused[1].get("STATUS", ""),
         "a refused reload: READY=1 again, its STATUS saying so (%s)" % (refused,))
    s.write_config(good)

    before_upgrade = notify.cursor
    s.signal(signal.SIGUSR2)
    handed = notify.wait(lambda pid, f: "MAINPID" in f, 15)
    handed_at = notify.cursor
    notify.cursor = before_upgrade   # the new master may say READY=1 before the old one hands over
    new = int(handed[1]["MAINPID"]) if handed else None
    t.ok(handed and handed[0] == master and new and new != master,
         "binary upgrade: the old master names the new one as MAINPID (%s)" % (handed,))
    new_ready = notify.wait(lambda pid, f: pid == new and f.get("READY") == "1", 15)
    t.ok(new_ready, "... and the new master says READY=1")
    if new:
        s.master = new
        s.proc = None
        s.seen_pids.add(new)
    wait_for(lambda: not os.path.exists("/proc/%d" % master), 15)
    s.stop()
    stopping = notify.wait(lambda pid, f: f.get("STOPPING") == "1", 5)
    t.ok(stopping and stopping[0] == new, "a stop: STOPPING=1 from the master in charge (%s)" % (stopping,))
    after = [m for m in notify.take()[handed_at:] if m[0] == master] if handed else ["?"]
    t.is_(after, [], "the old master said nothing after handing over")


def activation(t):
    s = t.server(name="activated", ports=2)
    port, unused_port = s.port, s.ports[1]
    s.set("server", {"Listen": ["127.0.0.1:%d" % port]})
    s.release_ports()
    passed = []
    for p in (port, unused_port):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", p))   # no SO_REUSEADDR: a bind of mpmd's own would fail
        sock.listen(16)
        passed.append(sock)
    a, b = 60, 61   # out of the way of 3 and 4, where the shell puts them
    os.dup2(passed[0].fileno(), a)
    os.dup2(passed[1].fileno(), b)
    # bash (dash takes one-digit descriptors only) names its own pid, which exec keeps, as
    # LISTEN_PID.
    script = ('exec 3<&%d 4<&%d %d<&- %d<&-; LISTEN_PID=$$ LISTEN_FDS=2 exec "$0" "$@"' % (a, b, a, b))
    block = s.error_log.mark()
    s.proc = subprocess.Popen(["bash", "-c", script] + s.command("-D", "FOREGROUND"), pass_fds=(a, b),
                              stdin=subprocess.DEVNULL, stdout=open(s.stdout_path, "ab"),
                              stderr=open(s.stderr_path, "ab"), start_new_session=True)
    s.master = s.proc.pid
    s.seen_pids.add(s.master)
    ready = s.wait_ready(10)
    for sock in passed:
        sock.close()   # the server holds its copies
    os.close(a)
    os.close(b)
    t.ok(ready, "mpmd starts on the sockets systemd passed (it could not bind the port itself)")
    r = http_get(port, "/")
    t.is_(r.status if r else None, 200, "... and serves on the one its Listen names")
    t.ok(block.wait_for(r"socket activation: 2 socket\(s\) from systemd", 5), "... the error log says so")
    t.ok(block.wait_for(r"socket activation: the socket systemd passed for 127\.0\.0\.1:%d matches no "
                              r"Listen" % unused_port, 5), "... and names the socket no Listen wants")
    s.stop()


def units(t):
    analyze = t.tool("systemd-analyze", "systemd", "the units pass systemd-analyze verify")
    if not analyze:
        return
    unit = os.path.join(BUILDDIR, "etc", "mpmd.service")
    text = open(unit).read()
    for word in re.findall(r"(?m)^Exec\w+=(\S+)", text):
        t.ok(word.startswith("/"), "%s runs %s by its absolute path" % (os.path.basename(unit), word))
    # Checked with this build's daemon in place of the installed one (verify wants it to exist).
    work = t.server(name="units").dir
    sbindir = re.search(r"(?m)^ExecStart=(\S+)/mpmd ", text).group(1)
    with open(os.path.join(work, "mpmd.service"), "w") as f:
        f.write(text.replace(sbindir + "/mpmd", MPMD))
    with open(os.path.join(SRCDIR, "etc", "mpmd.socket")) as src, open(os.path.join(work, "mpmd.socket"), "w") as f:
        f.write(src.read())
    status, out, err = run([analyze, "verify", "--man=no", os.path.join(work, "mpmd.service"),
                            os.path.join(work, "mpmd.socket")])
    t.is_((status, err.strip()), (0, ""), "systemd-analyze verify finds nothing to say of mpmd.service and mpmd.socket")


def main(t):
    if not built_with_systemd(MPMD):
        t.skip_all("this mpmd was built without libsystemd (./configure --without-systemd)")
    notifications(t)
    activation(t)
    units(t)


Test().main(main)
