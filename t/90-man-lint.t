#!/usr/bin/env python3
# Man pages: the built man/mpmd.8 and man/mpmd.conf.5 (build tree, man/local.am) and
# man/mpmctl.8 (source tree) render with mandoc -Tlint -W warning (or groff -ww -z -man)
# without a word, and the pages agree with the binary, which is the source of truth, with no
# list kept here:
#   - mpmd.8's SIGNALS section holds the table `mpmd --roff-signals` prints, so each signal
#     of the master's table with its -k verb; SYNOPSIS names every -k verb;
#   - mpmd.8's OPTIONS section has an entry for every option `mpmd -h` lists, and every -k
#     verb -h lists is start or a verb of the SIGNALS table;
#   - mpmd.conf.5 holds the reference `mpmd --roff-directives` prints, with an entry for
#     every directive `mpmd -L` lists.
import os
import re
import shutil

from mpmdtest import BUILDDIR, MPMD, SRCDIR, Test, run


def section(page, name):
    """The lines of page between `.SH name` and the next .SH, "" when it has none."""
    m = re.search(r"^\.SH \"?%s\"?\n(.*?)(?=^\.SH |\Z)" % re.escape(name), page, re.M | re.S)
    return m.group(1) if m else ""


def roff_dash(word):
    return word.replace("-", "\\-")


def check_signals(t, page):
    rc, table, err = run([MPMD, "--roff-signals"], timeout=10)
    rows = re.findall(r"^(\w+)\t(\S+)\tT\{$", table, re.M)
    t.ok(rc == 0 and rows, "mpmd --roff-signals prints the signal table (%s)" % err.strip())
    signals = section(page, "SIGNALS")
    t.ok(table and table in signals, "mpmd.8: SIGNALS holds the table of mpmd --roff-signals "
         "(rebuild with make if it is stale)")
    synopsis = section(page, "SYNOPSIS")
    for name, verb in rows:
        t.like(signals, r"(?m)^%s\t%s\tT\{$" % (re.escape(name), re.escape(verb)),
               "mpmd.8: SIGNALS documents %s (-k %s)" % (name, verb.replace("\\", "")))
        t.like(synopsis, r"(^|\s|\|)%s(\s|\||\]|$)" % re.escape(verb),
               "mpmd.8: SYNOPSIS names -k %s" % verb.replace("\\", ""))
    return {verb.replace("\\", "") for _, verb in rows}


def check_options(t, page, verbs):
    rc, usage, _ = run([MPMD, "-h"], timeout=10)
    options = set(re.findall(r"(?<![\w-])-(\w)\b", usage))
    t.ok(rc == 0 and options, "mpmd -h lists options (%s)" % " ".join(sorted(options)))
    documented = section(page, "OPTIONS")
    for opt in sorted(options):
        t.like(documented, r"(?m)^\.TP\n\.BI? \\-%s\b" % opt, "mpmd.8: OPTIONS documents -%s" % opt)
    listed = set(re.findall(r"^\s+-k ([\w-]+)", usage, re.M))
    t.ok(listed, "mpmd -h lists -k actions (%s)" % " ".join(sorted(listed)))
    for verb in sorted(listed - {"start"}):
        t.ok(verb in verbs, "-k %s of mpmd -h is a verb of the SIGNALS table" % verb)
    t.like(documented, r"(?m)^\.B start\n", "mpmd.8: OPTIONS documents -k start")


def check_directives(t, page):
    rc, reference, err = run([MPMD, "--roff-directives"], timeout=10)
    t.ok(rc == 0 and reference.strip(), "mpmd --roff-directives prints the reference (%s)" % err.strip())
    t.ok(reference and reference in section(page, "DIRECTIVES"),
         "mpmd.conf.5: DIRECTIVES holds the reference of mpmd --roff-directives "
         "(rebuild with make if it is stale)")
    rc, listing, _ = run([MPMD, "-L"], timeout=10)
    listed = re.findall(r"^\[\w+\] (\w+) =", listing, re.M)
    t.ok(rc == 0 and listed, "mpmd -L lists directives (%d)" % len(listed))
    for name in sorted(set(listed)):
        t.like(page, r"(?m)^\.TP\n\\fB%s\\fR = " % name, "mpmd.conf.5 documents %s" % name)


def main(t):
    pages = [os.path.join(BUILDDIR, "man", "mpmd.8"), os.path.join(BUILDDIR, "man", "mpmd.conf.5"),
             os.path.join(SRCDIR, "man", "mpmctl.8")]
    if shutil.which("groff") and not shutil.which("mandoc"):
        lint = ["groff", "-ww", "-z", "-man", "-t"]
    else:
        mandoc = t.tool("mandoc", "mandoc", "the man pages lint cleanly")
        lint = [mandoc, "-Tlint", "-W", "warning"] if mandoc else None
    texts = {}
    for p in pages:
        name = os.path.basename(p)
        if not t.ok(os.path.isfile(p), "%s exists (%s)" % (name, p)):
            continue
        if lint:
            rc, out, err = run(lint + [p])
            t.is_((out + err).strip(), "", "%s: %s prints nothing" % (name, " ".join(lint)))
        with open(p, errors="replace") as f:
            texts[name] = f.read()

    page = texts.get("mpmd.8", "")
    verbs = check_signals(t, page)
    check_options(t, page, verbs)
    check_directives(t, texts.get("mpmd.conf.5", ""))


Test().main(main)
