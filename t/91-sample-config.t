#!/usr/bin/env python3
# The shipped configs stay in step with the directive table (pgbouncer's optscan habit):
# etc/mpmd.conf shows every directive `mpmd -L` knows, and with every line uncommented
# (placeholders pointing at a scratch tree) it passes `mpmd -t`; the README's
# etc/mpmd-dev.conf passes `mpmd -t` as the README runs it.
import os
import pwd
import re
import shutil
import tempfile

from mpmdtest import MPMD, SRCDIR, Test, run


def main(t):
    rc, listing, _ = run([MPMD, "-L"], timeout=10)
    names = re.findall(r"^\[[\w:]+\] (\w+) =", listing, re.M)
    t.ok(rc == 0 and len(names) > 30, "mpmd -L lists the directives (%d)" % len(names))
    with open(os.path.join(SRCDIR, "etc", "mpmd.conf")) as f:
        sample = f.read()
    missing = [n for n in names if not re.search(r"(?mi)^#?%s = " % n, sample)]
    t.is_(missing, [], "etc/mpmd.conf shows every directive")

    scratch = tempfile.mkdtemp(prefix="mpmd-sample-")
    try:
        os.makedirs(os.path.join(scratch, "mpmd", "htdocs"))
        # CoreDumpDirectory must be a directory User (nobody) can reach and write.
        os.chmod(scratch, 0o755)
        cores = os.path.join(scratch, "lib", "mpmd", "cores")
        os.makedirs(cores)
        os.makedirs(os.path.join(scratch, "lib", "cgi-bin"))   # the sample ScriptAlias
        os.makedirs(os.path.join(scratch, "www", "example"))   # the sample vhost's DocumentRoot
        if os.geteuid() == 0:
            os.chown(cores, pwd.getpwnam("nobody").pw_uid, -1)
        shutil.copy(os.path.join(SRCDIR, "etc", "mime.types"), os.path.join(scratch, "mpmd"))
        lines = []
        for line in sample.splitlines():
            line = line.replace("<user>", "nobody").replace("<group>", "nogroup")
            line = re.sub(r"<[a-z]+>", scratch, line)
            line = re.sub(r"^#([A-Za-z]\w* = |\[vhost:)", r"\1", line)
            if line.lower().startswith("loadmodule"):
                continue   # the MPM under test is linked in; t/60-loadmodule.t covers loading
            lines.append(line)
        conf = os.path.join(scratch, "all.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        rc, out, err = run([MPMD, "-t", "-f", conf], timeout=10)
        t.is_((rc, out.strip()), (0, "Syntax OK"), "every setting of etc/mpmd.conf uncommented passes -t (%s)"
              % err.strip().replace("\n", " | "))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rc, out, err = run([MPMD, "-t", "-d", SRCDIR, "-f", os.path.join(SRCDIR, "etc", "mpmd-dev.conf")], timeout=10)
    t.is_((rc, out.strip()), (0, "Syntax OK"), "etc/mpmd-dev.conf passes -t as the README runs it (%s)" % err.strip())
    t.done_testing()


Test().main(main)
