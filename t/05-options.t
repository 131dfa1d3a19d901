#!/usr/bin/env python3
# The command line's informational options: -v, -V, -l, -L, -h, and an unknown option.
# Each runs the real binary and asserts its exit status and what it prints.
import os

from mpmconf import mpm_under_test
from mpmdtest import MPMD, Test, run


def main(t):
    rc, out, err = run([MPMD, "-v"])
    t.is_(rc, 0, "-v exits 0")
    t.like(out, r"mpmd/\d+\.\d+", "-v prints mpmd/VERSION")
    version = out

    rc, out, err = run([MPMD, "-V"])
    t.is_(rc, 0, "-V exits 0")
    t.like(out, r"mpmd/\d+\.\d+", "-V prints the version")
    mpm = mpm_under_test()
    t.ok(mpm in ("prefork", "worker", "event"), "the MPM under test is known (%s)" % mpm)
    t.like(out, r"(?m)^\s*Server MPM:\s+%s\s*$" % mpm, "-V prints 'Server MPM: %s'" % mpm)
    t.like(out, r"(?m)^\s*threaded:\s+%s" % ("no" if mpm == "prefork" else "yes"),
           "-V says whether the MPM is threaded")
    t.ok(len(out.strip().split("\n")) > len(version.strip().split("\n")),
         "-V prints more than -v (build settings)")

    rc, out, err = run([MPMD, "-l"])
    t.is_(rc, 0, "-l exits 0")
    if os.environ.get("MPMD_MPM_SHARED"):
        t.unlike(out, r"\b(prefork|worker|event)\.c\b", "-l lists no MPM when none is linked in")
    else:
        t.like(out, r"(?m)^\s*%s\.c\s*$" % mpm, "-l lists the %s MPM" % mpm)

    rc, out, err = run([MPMD, "-L"])
    t.is_(rc, 0, "-L exits 0")
    for name in ("Listen", "DocumentRoot", "ServerTokens", "KeepAliveTimeout",
                 "MaxKeepAliveRequests", "ErrorLog", "LogFormat", "CustomLog", "StartServers",
                 "MinSpareServers", "MaxSpareServers", "MaxRequestWorkers", "ServerLimit",
                 "MaxConnectionsPerChild", "GracefulShutdownTimeout"):
        t.like(out, r"\b%s\b" % name, "-L lists %s" % name)

    rc, out, err = run([MPMD, "-h"])
    t.is_(rc, 0, "-h exits 0")
    for opt in ("-f", "-d", "-D", "-k", "-t", "-v", "-V", "-l", "-L", "-X", "-h"):
        t.like(out + err, r"(?<![\w-])%s\b" % opt, "-h mentions %s" % opt)

    rc, out, err = run([MPMD, "--no-such-option"])
    t.ok(rc not in (0, None), "an unknown option exits non-zero (got %r)" % rc)
    t.ok((out + err).strip() != "", "an unknown option prints a message")

    rc, out, err = run([MPMD, "-k", "bogus-verb", "-f", "/nonexistent/mpmd.conf"])
    t.ok(rc not in (0, None), "-k with an unknown verb exits non-zero (got %r)" % rc)


Test().main(main)
