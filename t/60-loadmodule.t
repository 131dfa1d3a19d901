#!/usr/bin/env python3
# LoadModule picks the MPM: a daemon with no MPM linked in (t/mpmd-modular) serves with each
# of the MPM modules (mod_mpm_NAME.so, built for make check in src/mpm/.libs, copied under
# ServerRoot/libexec/mpmd) and names it in -V; two MPMs, none, a missing file, a file that
# is no MPM module and a module that is no MPM are refused at start and by -t, with
# file:line and exit status 1.
import os
import shutil

from mpmdtest import BUILDDIR, Test, http_get, run

MODULES = os.environ.get("MPMD_MODULES", os.path.join(BUILDDIR, "src", "mpm", ".libs"))
MODULAR = os.path.join(BUILDDIR, "t", "mpmd-modular")
LINKED_PREFORK = os.path.join(BUILDDIR, "t", "mpmd-prefork")
MORE_THAN_ONE = "Configuration error: More than one MPM loaded."


def module_file(mpm):
    return os.path.join(MODULES, "mod_mpm_%s.so" % mpm)


def modular_server(t, name, load):
    """A server for t/mpmd-modular whose [modules] has `load` (LoadModule values), with the
    built modules copied to ServerRoot/libexec/mpmd."""
    s = t.server(name=name, daemon=MODULAR, conf={"modules": {"LoadModule": load}})
    os.makedirs(s.path("libexec/mpmd"))
    for f in os.listdir(MODULES):
        if f.startswith("mod_mpm_") and f.endswith(".so"):
            shutil.copy(os.path.join(MODULES, f), s.path("libexec/mpmd"))
    return s


def line_of(s, text):
    """The line number of the first config line containing text."""
    for n, line in enumerate(open(s.conf_path), 1):
        if text in line:
            return n
    return 0


def refused(t, s, what, patterns):
    """Both `mpmd -t` and a start fail with status 1 and print every pattern."""
    for args, how in ((["-t"], "-t"), (["-D", "FOREGROUND"], "start")):
        rc, out, err = run(s.command(*args), timeout=15)
        t.is_(rc, 1, "%s: %s exits 1" % (what, how))
        for p in patterns:
            t.like(out + err, p, "%s: %s says %s" % (what, how, p))


def main(t):
    mpms = [m for m in ("prefork", "worker", "event") if os.path.exists(module_file(m))]
    if not os.access(MODULAR, os.X_OK) or not mpms:
        t.skip_all("no t/mpmd-modular or no module in %s (run through make check)" % MODULES)

    # Each module serves, named by -V -f.
    for mpm in mpms:
        s = modular_server(t, mpm, "mpm_%s_module libexec/mpmd/mod_mpm_%s.so" % (mpm, mpm))
        rc, out, err = run(s.command("-V"))
        t.is_(rc, 0, "%s: -V -f exits 0" % mpm)
        t.like(out, r"(?m)^Server MPM:\s+%s$" % mpm, "%s: -V names the loaded MPM" % mpm)
        t.like(out, r"(?m)^\s+threaded:\s+%s" % ("no" if mpm == "prefork" else "yes"),
               "%s: -V says whether it is threaded" % mpm)
        t.like(out, r"MPMD_MPM=\"%s\" \(LoadModule %s at %s:\d+\)" % (mpm, s.path("libexec/mpmd/mod_mpm_%s.so" % mpm), s.conf_path),
               "%s: -V names the LoadModule line" % mpm)
        rc, out, err = run(s.command("-t"))
        t.is_((rc, out.strip()), (0, "Syntax OK"), "%s: -t accepts one MPM module" % mpm)
        s.start()
        r = http_get(s.port, "/hello.txt")
        t.is_((r.status, r.body), (200, b"hello, world\n"), "%s: loaded by LoadModule, it serves" % mpm)
        t.ok(s.stop(), "%s: the server stops" % mpm)
        s.check_log()

    # An absolute path works too.
    s = modular_server(t, "absolute", "mpm_%s_module %s" % (mpms[0], module_file(mpms[0])))
    rc, out, err = run(s.command("-V"))
    t.like(out, r"(?m)^Server MPM:\s+%s$" % mpms[0], "an absolute LoadModule path loads")

    # Two MPMs.
    if len(mpms) >= 2:
        s = modular_server(t, "two", ["mpm_%s_module libexec/mpmd/mod_mpm_%s.so" % (m, m) for m in mpms[:2]])
        n = line_of(s, "mod_mpm_%s.so" % mpms[1])
        refused(t, s, "two MPM modules", [r"(?m)^%s:%d: .*%s" % (s.conf_path, n, MORE_THAN_ONE)])
        rc, out, err = run(s.command("-V"))
        t.is_(rc, 1, "two MPM modules: -V -f exits 1")
    if os.access(LINKED_PREFORK, os.X_OK):
        other = [m for m in mpms if m != "prefork"] or mpms
        s = modular_server(t, "linked", "mpm_%s_module libexec/mpmd/mod_mpm_%s.so" % (other[0], other[0]))
        s.daemon = LINKED_PREFORK
        refused(t, s, "a module beside a linked MPM",
                [r"%s:%d: .*%s \(prefork is linked into mpmd\)" % (s.conf_path, line_of(s, "LoadModule"), MORE_THAN_ONE)])

    # None: the message gives the lines to add, for the modules found under ServerRoot.
    s = modular_server(t, "none", None)
    refused(t, s, "no MPM", [r"%s: Configuration error: No MPM loaded\. Add one of these lines to \[modules\]"
                             % s.conf_path] +
            [r"(?m)^\s+LoadModule = mpm_%s_module libexec/mpmd/mod_mpm_%s\.so$" % (m, m) for m in mpms])

    # A missing file, a file that is no module, a module under the wrong name.
    s = modular_server(t, "missing", "mpm_%s_module libexec/mpmd/mod_mpm_nonesuch.so" % mpms[0])
    s.write_file("libexec/mpmd/not-elf.so", "this is not an ELF object\n")
    refused(t, s, "a missing module file",
            [r"%s:%d: \[modules\] LoadModule: cannot load mpm_%s_module: .*mod_mpm_nonesuch\.so.*No such file"
             % (s.conf_path, line_of(s, "LoadModule"), mpms[0])])
    s.set("modules", {"LoadModule": "mpm_%s_module libexec/mpmd/not-elf.so" % mpms[0]})
    s.write_config()
    refused(t, s, "a file that is no shared object",
            [r"%s:%d: \[modules\] LoadModule: cannot load .*not-elf\.so" % (s.conf_path, line_of(s, "LoadModule"))])
    if len(mpms) >= 2:
        s.set("modules", {"LoadModule": "mpm_%s_module libexec/mpmd/mod_mpm_%s.so" % (mpms[1], mpms[0])})
        s.write_config()
        refused(t, s, "a module loaded under another MPM's name",
                [r"%s:%d: .*mod_mpm_%s\.so holds mpm_%s_module, not mpm_%s_module"
                 % (s.conf_path, line_of(s, "LoadModule"), mpms[0], mpms[0], mpms[1])])

    # A handler module built into mpmd cannot be loaded again (t/61-modules.t loads others).
    s.set("modules", {"LoadModule": ["mpm_%s_module libexec/mpmd/mod_mpm_%s.so" % (mpms[0], mpms[0]),
                                     "status_module libexec/mpmd/mod_status.so"]})
    s.write_config()
    refused(t, s, "a built-in module loaded again",
            [r"%s:%d: \[modules\] LoadModule: status_module is loaded already" % (s.conf_path, line_of(s, "status_module"))])


Test().main(main)
