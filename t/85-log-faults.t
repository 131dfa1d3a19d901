#!/usr/bin/env python3
# Logs that fail under the server: serving goes on, the error is reported once for the whole
# server, logging resumes when possible, and every request answered while nothing was lost
# has exactly one access-log line.
#  - a full disk (a small tmpfs holds the access log): every request answered, one report,
#    then space is freed: lines flow again and the error log says how many were lost;
#  - a log past RLIMIT_FSIZE: EFBIG like a full disk, and no child killed by SIGXFSZ;
#  - the access log and then the error log removed: one report each, the master opens new
#    files under the configured names, and a graceful restart of its own moves the children
#    to them (no process keeps writing to a deleted file).
import json
import os
import re
import resource
import signal
import subprocess

from mpmdtest import LogFile, Test, http_get, wait_for

FORMAT = '"%h %t \\"%r\\" %>s %b %P"'
REQUEST_LINE = re.compile(r'^127\.0\.0\.1 \[[^]]+\] "GET /hello\.txt\?(\S+) HTTP/1\.1" 200 13 \d+$')
PAGE = 4096


def tags(log):
    """The query tags of the well-formed request lines of a LogFile, in order."""
    return [m.group(1) for m in map(REQUEST_LINE.match, log.lines()) if m]


def get_all(t, port, prefix, n):
    """n requests tagged prefix-i; the number answered 200."""
    answered = 0
    for i in range(n):
        try:
            if http_get(port, "/hello.txt?%s-%d" % (prefix, i), timeout=5).status == 200:
                answered += 1
        except OSError as e:
            t.diag("request %s-%d: %r" % (prefix, i, e))
    return answered


def exactly(log, prefix, n, timeout=5):
    """Waits until log has n lines tagged prefix, then a moment for any extra; their count."""
    count = lambda: len([x for x in tags(log) if x.startswith(prefix + "-")])
    wait_for(lambda: count() >= n, timeout)
    wait_for(lambda: count() > n, 0.5)
    return count()


def deleted_log_fds(s):
    """(pid, target) of every descriptor of the server's processes open on a deleted log."""
    found = []
    for pid in s.our_pids():
        try:
            fds = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith(s.dir) and target.endswith(" (deleted)") and "_log" in target:
                found.append((pid, target))
    return found


def lost_shown(t, s, label, lost, failing):
    """The status page (?json, ?metrics, HTML) and mpmctl status show `lost` access-log lines
    lost since the start and `failing` log files failing now. While the disk is full each
    status request's own line is lost too, once its answer has gone: the next view, read
    when no worker is busy any more, counts it. Returns how many lines the views lost."""
    def quiet():
        t.ok(s.wait_quiet(10), "%s: no worker busy" % label)
    extra = 1 if failing else 0
    page = json.loads(http_get(s.port, "/server-status?json").body)["server"]
    t.is_((page["access_log_lines_lost"], page["error_log_lines_lost"], page["logs_failing"]),
          (lost, 0, failing), "%s: ?json shows %d access-log lines lost, %d file failing" % (label, lost, failing))
    quiet()
    metrics = http_get(s.port, "/server-status?metrics").body.decode()
    t.like(metrics, r'(?m)^mpmd_log_lines_lost_total\{log="access"\} %d$' % (lost + extra),
           "%s: ?metrics has mpmd_log_lines_lost_total" % label)
    t.like(metrics, r"(?m)^mpmd_logs_failing %d$" % failing, "%s: and mpmd_logs_failing" % label)
    quiet()
    now = "Log lines lost: 0 error log, %%d access logs%s" % (" - 1 log file failing now" if failing else "")
    html = http_get(s.port, "/server-status").body.decode("latin-1")
    t.ok(("<dt>" + now % (lost + 2 * extra) + "</dt>") in html, "%s: the HTML page says it" % label)
    quiet()
    t.like(s.mpmctl_status(), "(?m)^" + re.escape(now % (lost + 3 * extra)) + "$", "%s: mpmctl status says it" % label)
    return 3 * extra


def disk_full(t):
    s = t.server(name="diskfull", conf={"log": {"CustomLog": "@DIR@/full/access_log " + FORMAT}})
    mnt = s.path("full")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d,mode=0755" % (16 * PAGE), "tmpfs", mnt],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        t.skip("a full disk: serving goes on, one report, lines lost are counted",
               "cannot mount a tmpfs here: %s" % r.stdout.decode(errors="replace").strip())
        return
    try:
        full_disk_checks(t, s, mnt)
    finally:
        if s.alive():
            s.stop()
        subprocess.run(["umount", "-l", mnt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def full_disk_checks(t, s, mnt):
    s.start()
    port = s.port
    log = LogFile(os.path.join(mnt, "access_log"))
    t.is_(get_all(t, port, "before", 5), 5, "a healthy disk: 5 requests answered")
    t.is_(exactly(log, "before", 5), 5, "a healthy disk: exactly one line per request")

    # Pad the log to a page boundary (tmpfs hands out whole pages) and take every free page,
    # so the very next line fails as a whole, then fill the disk.
    size = os.path.getsize(log.path)
    if size % PAGE:
        with open(log.path, "ab") as f:
            f.write(b"#" * (PAGE - size % PAGE - 1) + b"\n")
    filler = os.path.join(mnt, "filler")
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * PAGE)
        except OSError:
            pass
    block = s.mark()
    n = 40
    counted = s.total_accesses()
    t.is_(get_all(t, port, "full", n), n, "a full disk: all %d requests answered" % n)
    # A request's line is written just after its last byte is sent, and the scoreboard counts
    # it after that: space may be freed only once every one of those writes was tried.
    t.ok(wait_for(lambda: (s.total_accesses() or 0) - counted >= n, 10),
         "a full disk: the server has tried to log all %d" % n)
    reports = lambda: block.grep(r"\[log_config:error\].*No space left on device: cannot write to access log "
                                 + re.escape(log.path))
    t.ok(wait_for(reports, 5), "a full disk: the error log reports it")
    t.is_(len(reports()), 1, "a full disk: reported once for the whole server, not per line or child")
    t.is_(len([x for x in tags(log) if x.startswith("full-")]), 0, "a full disk: no line of those requests")
    # The three status views lose their own lines as well (mpmctl reads shared memory).
    n += lost_shown(t, s, "a full disk", n, failing=1)

    os.unlink(filler)
    m = 10
    t.is_(get_all(t, port, "after", m), m, "space freed: %d requests answered" % m)
    recovered = block.wait_for(r"\[log_config:warn\] \[pid \d+\] writing to access log %s works again; (\d+) line\(s\) lost"
                               % re.escape(log.path), 5)
    t.ok(recovered, "space freed: the error log says writing works again")
    lost = int(re.search(r"works again; (\d+) line", recovered[0]).group(1)) if recovered else None
    t.is_(lost, n, "space freed: it counts the %d lines lost (the 40 requests' and the status views')" % n)
    t.is_(exactly(log, "after", m), m, "space freed: exactly one line per request again")
    t.is_(len(tags(log)) + (lost or 0), 5 + n + m, "lines in the log + lines lost = requests answered")
    lost_shown(t, s, "space freed", n, failing=0)
    t.ok(not block.grep(r"killed by signal|exited with status [1-9]"), "no child died")
    s.check_log()


def file_size_limit(t):
    limit = 1 << 20
    s = t.server(name="fsize", conf={"log": {"CustomLog": "@DIR@/access_log " + FORMAT}})
    # The log starts just below the limit: the second line crosses it.
    with open(s.access_log.path, "wb") as f:
        f.write(b"#" * (limit - 100) + b"\n")
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old[1]))
    try:
        s.start()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
    kids = s.children()
    block = s.mark()
    n = 10
    t.is_(get_all(t, s.port, "big", n), n, "over RLIMIT_FSIZE: all %d requests answered" % n)
    reports = lambda: block.grep(r"\[log_config:error\].*File too large: cannot write to access log")
    t.ok(wait_for(reports, 5), "over RLIMIT_FSIZE: the error log reports EFBIG")
    t.is_(len(reports()), 1, "over RLIMIT_FSIZE: reported once")
    t.ok(not block.grep(r"killed by signal"), "over RLIMIT_FSIZE: no child killed (SIGXFSZ ignored)")
    t.ok(kids and all(p in s.children() for p in kids), "over RLIMIT_FSIZE: the same children still serve")
    t.cmp_ok(os.path.getsize(s.access_log.path), "<=", limit, "the log did not grow past the limit")
    page = json.loads(http_get(s.port, "/server-status?json").body)["server"]
    t.cmp_ok(page["access_log_lines_lost"], ">=", n - 1,
             "over RLIMIT_FSIZE: ?json counts the lines lost (%d)" % page["access_log_lines_lost"])
    t.is_(page["logs_failing"], 1, "over RLIMIT_FSIZE: and the access log as failing")
    s.check_log()
    s.stop()


def removed(t):
    s = t.server(name="removed", conf={"log": {"CustomLog": "@DIR@/access_log " + FORMAT}})
    s.start()
    port = s.port
    log = s.access_log
    t.is_(get_all(t, port, "first", 5), 5, "5 requests answered")
    t.is_(exactly(log, "first", 5), 5, "exactly one line per request")

    block = s.mark()
    old_children = set(s.children())
    os.unlink(log.path)
    t.is_(get_all(t, port, "gone", 3), 3, "the access log removed: requests are answered")
    t.ok(wait_for(lambda: os.path.exists(log.path), 8), "a new access_log appears under the configured name")
    report = r"\[core:error\].*access log %s was removed while in use" % re.escape(log.path)
    t.ok(block.wait_for(report, 5), "the error log reports the removal")
    t.ok(block.wait_for(r"graceful restart: generation \d+ started, writing to the new log file", 5),
         "the master starts a graceful restart so children write to the new file")
    # The old generation finishes gracefully: until its children are gone, one of them may
    # still take a connection (each waiting thread may take the one that woke it with the
    # order to leave) and log it to the old file, as a graceful restart allows.
    t.ok(wait_for(lambda: not (set(s.children()) & old_children), 8), "the old generation's children are gone")
    t.is_(get_all(t, port, "new", 10), 10, "10 requests after the new file appeared are answered")
    t.is_(exactly(log, "new", 10), 10, "the new access_log has exactly their 10 lines")
    t.is_(len(log.lines()), 10, "and nothing else")
    t.ok(wait_for(lambda: not deleted_log_fds(s), 8),
         "no process keeps the deleted access log open (%s)" % deleted_log_fds(s))
    wait_for(lambda: len(block.grep(report)) > 1, 2.5)
    t.is_(len(block.grep(report)), 1, "reported once")

    # The error log: the master reports into the new file, and every child moves to it.
    errlog = s.error_log
    os.unlink(errlog.path)
    t.ok(wait_for(lambda: errlog.grep(r"error log %s was removed while in use" % re.escape(errlog.path)), 8),
         "the error log removed: a new one appears with the report in it")
    t.ok(wait_for(lambda: not deleted_log_fds(s), 8),
         "no process keeps the deleted error log open (%s)" % deleted_log_fds(s))
    t.is_(get_all(t, port, "last", 5), 5, "requests are answered")
    t.is_(exactly(log, "last", 5), 5, "one access-log line each")
    s.check_log()


def main(t):
    disk_full(t)
    file_size_limit(t)
    removed(t)


Test().main(main)
