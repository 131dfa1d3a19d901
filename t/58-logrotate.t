#!/usr/bin/env python3
# The logrotate file the build writes (etc/mpmd.logrotate, installed as
# /etc/logrotate.d/mpmd by a package), run by the real logrotate(8) against a running
# server whose logs stand where the file expects them: the logs move to NAME.1, the
# postrotate's graceful restart (mpmd -k graceful) makes the master open new ones, and no
# request is lost: those before are in access_log.1, those after in the new access_log.
import os
import re
import time

from mpmdtest import BUILDDIR, MPMD, Test, http_get, run, wait_for


def main(t):
    logrotate = t.tool("logrotate", "logrotate")
    s = t.server(name="logrotate")
    s.start()
    port = s.port
    before = [http_get(port, "/?before-%d" % i).status for i in range(5)]
    t.is_(before, [200] * 5, "five requests before the rotation")
    t.ok(wait_for(lambda: len(s.access_log.lines()) >= 5, 5), "... logged")

    # The build's file with the paths of this test's server in place of the installed ones.
    text = open(os.path.join(BUILDDIR, "etc", "mpmd.logrotate")).read()
    globs = re.search(r"(?m)^(\S+)/\*_log (\S+)/\*\.log \{$", text)
    command = re.search(r"(?m)^\s+if \[ -s (\S+) \]; then\n\s+(\S+) -k graceful -f (\S+) ", text)
    t.ok(globs and command, "the logrotate file names the log directory, the pid file, mpmd and its config")
    if not (globs and command):
        return
    conf = (text.replace(globs.group(1) + "/", s.dir + "/")
                .replace(command.group(1), s.path("mpmd.pid"))
                .replace(command.group(2) + " ", MPMD + " ")
                .replace(command.group(3), s.conf_path))
    path = s.path("logrotate.conf")
    s.write_file(path, conf)
    status, out, err = run([logrotate, "-f", "-s", s.path("logrotate.state"), path], timeout=30)
    t.is_((status, err.strip()), (0, ""), "logrotate -f runs the file without a complaint")
    t.ok(os.path.exists(s.path("access_log.1")) and os.path.exists(s.path("error_log.1")),
         "access_log and error_log moved to NAME.1")
    t.ok(wait_for(lambda: os.path.exists(s.path("error_log")) and
                  "graceful restart" in open(s.path("error_log")).read(), 10),
         "the postrotate's graceful restart made the master open a new error_log")
    # Requests after it go to the new access_log (a child of the old generation that logs
    # a last line writes it to the old file, which is still open: nothing is lost).
    after = [http_get(port, "/?after-%d" % i).status for i in range(5)]
    t.is_(after, [200] * 5, "five requests after the rotation")

    def lines(name):
        p = s.path(name)
        return open(p).read().splitlines() if os.path.exists(p) else []
    wait_for(lambda: len([l for l in lines("access_log") if "after-" in l]) >= 5, 5)
    old, new = lines("access_log.1"), lines("access_log")
    t.is_((len([l for l in old if "before-" in l]), len([l for l in old if "after-" in l])), (5, 0),
          "access_log.1 holds the five requests from before, none from after")
    t.is_((len([l for l in new if "after-" in l]), len([l for l in new if "before-" in l])), (5, 0),
          "the new access_log holds the five from after, none from before")
    s.stop()


Test().main(main)
