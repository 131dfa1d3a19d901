# mpmdpriv: what another user can do to the server's processes, and what the kernel says two
# processes share (part of the harness in t/lib/, for t/47-isolation.t and t/48-planted-files.t).
# Runs in the test process (root) and in processes it forks that become the User account.
# Leans on: kcmp(2) KCMP_FILE, ptrace(2) PTRACE_ATTACH, setgroups(2)/setgid(2)/setuid(2),
# /proc/PID/fd and /proc/PID/fdinfo (proc(5)), /proc/net/tcp and tcp6 (socket inodes).

import ctypes
import grp
import os
import pickle
import platform
import pwd

# kcmp(2) has no glibc wrapper: its number per architecture (asm/unistd.h).
_KCMP = {"x86_64": 312, "aarch64": 272, "riscv64": 272, "i386": 349, "i686": 349,
         "armv7l": 378, "ppc64le": 354, "s390x": 343}
_KCMP_FILE = 0
_PTRACE_ATTACH = 16
_PTRACE_DETACH = 17
_WALL = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)


def kcmp_available():
    """True when kcmp(2) can be called here (known syscall number, kernel built with it)."""
    number = _KCMP.get(platform.machine())
    if number is None:
        return False
    r, w = os.pipe()
    try:
        me = os.getpid()
        return _libc.syscall(number, me, me, _KCMP_FILE, r, r) == 0
    finally:
        os.close(r)
        os.close(w)


def same_open_file(pid1, fd1, pid2, fd2):
    """True when fd1 of pid1 and fd2 of pid2 are one open file description (kcmp KCMP_FILE:
    one open(2) or socket(2) shared through fork or dup, not merely the same file)."""
    return _libc.syscall(_KCMP[platform.machine()], pid1, pid2, _KCMP_FILE, fd1, fd2) == 0


def fd_table(pid):
    """{fd: readlink of /proc/PID/fd/FD} for every descriptor of pid."""
    out = {}
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            out[int(name)] = os.readlink("/proc/%d/fd/%s" % (pid, name))
        except OSError:
            pass
    return out


def access_mode(pid, fd):
    """O_RDONLY (0), O_WRONLY (1) or O_RDWR (2) of a descriptor, from /proc/PID/fdinfo;
    None when it is gone (the master opens and closes descriptors while it forks)."""
    try:
        with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
            for line in f:
                if line.startswith("flags:"):
                    return int(line.split()[1], 8) & 3
    except FileNotFoundError:
        pass
    return None


def listening_inodes(ports):
    """Socket inodes of TCP sockets listening (state 0A) on any of `ports`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.readlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) in ports:
                found.add(fields[9])
    return found


def as_user(fn, user="nobody", group="nogroup"):
    """Runs fn() in a forked process that has become user:group with no supplementary group
    (as a child of mpmd is); returns ("ok", value) or ("error", "Type: message") for what fn
    returned or raised. The value must pickle."""
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            result = ("ok", fn())
        except BaseException as e:   # the parent reports it
            result = ("error", "%s: %s" % (type(e).__name__, e))
        try:
            os.write(w, pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return pickle.loads(data) if data else ("error", "the process as %s died" % user)


def ptrace_attach_errno(pid):
    """Tries PTRACE_ATTACH on pid: 0 when it worked (the process is then released at once),
    else the errno (EPERM for a process the caller may not trace)."""
    ctypes.set_errno(0)
    if _libc.ptrace(ctypes.c_long(_PTRACE_ATTACH), ctypes.c_long(pid), None, None) != 0:
        return ctypes.get_errno()
    os.waitpid(pid, _WALL)
    _libc.ptrace(ctypes.c_long(_PTRACE_DETACH), ctypes.c_long(pid), None, None)
    return 0
