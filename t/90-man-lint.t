#!/usr/bin/env python3
# Man pages: the built man/mpmd.8 and man/mpmd.conf.5 (build tree) render with
# mandoc -Tlint -W warning (or groff -ww -z -man) without a word; mpmd.8 documents every option
# and signal; mpmd.conf.5 documents every directive mpmd -L lists.
import os
import re
import shutil

from mpmdtest import BUILDDIR, MPMD, Test, run

DIRECTIVES = ["Listen", "ServerRoot", "DocumentRoot", "User", "Group", "PidFile", "ServerName",
              "ServerTokens", "DirectoryIndex", "TypesConfig", "Timeout", "KeepAlive",
              "KeepAliveTimeout", "MaxKeepAliveRequests", "ListenBacklog",
              "GracefulShutdownTimeout", "ErrorLog", "LogLevel", "LogFormat", "CustomLog",
              "LoadModule", "StartServers", "MinSpareServers", "MaxSpareServers",
              "MaxRequestWorkers", "ServerLimit", "MaxConnectionsPerChild",
              "MaxConnectionsPerChildJitter", "RequestTimeout"]


def main(t):
    pages = [os.path.join(BUILDDIR, "man", "mpmd.8"), os.path.join(BUILDDIR, "man", "mpmd.conf.5")]
    if shutil.which("groff") and not shutil.which("mandoc"):
        lint = ["groff", "-ww", "-z", "-man", "-t"]
    else:
        mandoc = t.tool("mandoc", "mandoc", "the man pages lint cleanly")
        if not mandoc:
            return
        lint = [mandoc, "-Tlint", "-W", "warning"]
    texts = {}
    for p in pages:
        name = os.path.basename(p)
        if not t.ok(os.path.isfile(p), "%s exists (%s)" % (name, p)):
            continue
        rc, out, err = run(lint + [p])
        t.is_((out + err).strip(), "", "%s: %s prints nothing" % (name, " ".join(lint)))
        with open(p, errors="replace") as f:
            texts[name] = f.read()

    page = texts.get("mpmd.8", "")
    for opt in ("f", "d", "D", "k", "t", "v", "V", "l", "L", "X", "h"):
        t.like(page, r"(\\-|\\fB-|^\.[BI]+ +-)%s\b" % opt, "mpmd.8 documents -%s" % opt, re.M)
    for sig in ("TERM", "HUP", "USR1", "WINCH", "USR2"):
        t.like(page, r"\b(SIG)?%s\b" % sig, "mpmd.8 documents %s" % sig)
    for verb in ("start", "stop", "restart", "graceful", "upgrade"):
        t.like(page, r"\b%s\b" % verb, "mpmd.8 documents -k %s" % verb)
    t.like(page, r"\bgraceful(\\)?-stop\b", "mpmd.8 documents -k graceful-stop")

    conf = texts.get("mpmd.conf.5")
    if conf is not None:
        conf = re.sub(r"\\f[BIRP]", "", conf)   # font changes glue words to their names
    rc, listing, _ = run([MPMD, "-L"], timeout=10)
    listed = re.findall(r"^\[\w+\] (\w+) =", listing, re.M)
    t.ok(rc == 0 and set(DIRECTIVES) <= set(listed), "mpmd -L lists every directive of the contract")
    for name in sorted(set(DIRECTIVES) | set(listed)) if conf is not None else []:
        t.like(conf, r"\b%s\b" % name, "mpmd.conf.5 documents %s" % name)


Test().main(main)
