# mpmdproc: processes, ports and waiting for the t/*.t integration tests (part of the harness
# in t/lib/, re-exported by mpmdtest). Runs in the test process.
# Leans on: /proc/PID/{status,cmdline,fd} and /proc/net/tcp (proc(5)), kill(2) by PID only,
# bind(2) on port 0 for free ports.

import os
import signal
import socket
import subprocess
import time

POLL_STEP = 0.05               # seconds between polls


def wait_for(predicate, timeout=5.0, step=POLL_STEP):
    """Poll predicate until it returns something truthy or timeout seconds pass.
    Returns the last value (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def free_port(host="127.0.0.1"):
    """A port nobody listens on now: bind port 0 and give it back."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def reserve_port(host="127.0.0.1"):
    """(port, holder): a free port and a socket that keeps it. The holder is bound with
    SO_REUSEADDR and never listens, so mpmd (whose listeners set SO_REUSEADDR) can still
    bind and listen on the port, while the kernel gives it to no other bind(2) of port 0 or
    connect(2) meanwhile: under `make -j check` another test cannot take it between our
    choice and the daemon's start. Close the holder once the daemon listens."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    holder = socket.socket(family, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind((host, 0))
    return holder.getsockname()[1], holder


def port_is_free(port, host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def proc_status(pid):
    """/proc/PID/status as a dict, or None when the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError):
        return None


def alive(pid):
    """True if pid exists and is not a zombie."""
    st = proc_status(pid)
    return st is not None and not st.get("State", "").startswith("Z")


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def all_pids():
    return [int(n) for n in os.listdir("/proc") if n.isdigit()]


def children_of(ppid):
    """Live (non-zombie) processes whose parent is ppid, sorted."""
    out = []
    for pid in all_pids():
        st = proc_status(pid)
        if st and st.get("PPid") == str(ppid) and not st.get("State", "").startswith("Z"):
            out.append(pid)
    return sorted(out)


def connection_holder(pids, client_sock):
    """Which of pids holds the server end of client_sock (a TCP connection to 127.0.0.1),
    found through /proc/net/tcp and /proc/PID/fd; None while nobody has accepted it."""
    client_port = client_sock.getsockname()[1]
    server_port = client_sock.getpeername()[1]
    inode = None
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                local, remote = fields[1], fields[2]
                if int(local.split(":")[1], 16) == server_port and \
                        int(remote.split(":")[1], 16) == client_port and fields[9] != "0":
                    inode = fields[9]
    except OSError:
        return None
    if inode is None:
        return None
    target = "socket:[%s]" % inode
    for pid in pids:
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == target:
                    return pid
        except OSError:
            continue
    return None


def descendants(pid):
    """pid's children, grandchildren, ... (from /proc PPid links)."""
    out, todo = [], [pid]
    while todo:
        kids = children_of(todo.pop())
        out += kids
        todo += kids
    return out


def run(args, timeout=15, env=None):
    """Run a command to completion; returns (exit status, stdout text, stderr text). On a
    timeout the command and every process it forked are killed by pid; status is None."""
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        status = p.returncode
    except subprocess.TimeoutExpired:
        for pid in descendants(p.pid) + [p.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        out, err = p.communicate()
        err += b"\n[timed out after %ds]" % timeout
        status = None
    return status, out.decode(errors="replace"), err.decode(errors="replace")


def line_of(text, needle):
    """1-based number of the first line of text containing needle."""
    for n, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return n
    raise ValueError("%r not in text" % needle)


def thread_count(pid):
    """Threads of a process (0 once it is gone)."""
    try:
        return len(os.listdir("/proc/%d/task" % pid))
    except OSError:
        return 0


def terminate(proc, grace=10):
    """TERM a subprocess.Popen we started, KILL it after `grace` seconds; reaps it."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
