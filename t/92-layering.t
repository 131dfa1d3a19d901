#!/usr/bin/env python3
# The libraries form a DAG (DESIGN.md, "Layout"): shared <- child <- mpm <- master, and
# mpmctl (src/ctl) on shared and mpm's configuration. Every #include "DIR/..." in src/ must
# point down that order, never up or sideways, and each directory's Makefile fragments list
# only that directory's sources in its own libraries, so a file cannot slip into a library
# of another layer. (The link enforces what it can: a unit test links only its library and
# those below; this check catches an include that no test happens to link.)
import os
import re
import shutil
import tempfile

from mpmdtest import SRCDIR, Test

# Each directory of src/ and the directories its files may include from.
MAY_INCLUDE = {
    "shared": {"shared"},
    "child": {"shared", "child"},
    "mpm": {"shared", "child", "mpm"},
    "master": {"shared", "child", "mpm", "master"},
    "ctl": {"shared", "mpm", "ctl"},
    # Handler modules (module_api.h) see only what the API gives them.
    "modules": {"shared", "modules"},
}
# The library each directory builds, as automake spells it, and the prefix of its sources.
LIBRARY_OF = {
    "shared": "src_shared_libshared_a_SOURCES",
    "child": "src_child_libchild_a_SOURCES",
    "mpm": "src_mpm_libmpm_a_SOURCES",
    "master": "src_master_libmaster_a_SOURCES",
    "ctl": "src_ctl_libctl_a_SOURCES",
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def wrong_includes(top=SRCDIR):
    """["src/child/x.h:9: includes mpm/... (child may include only child, shared)"]."""
    found = []
    src = os.path.join(top, "src")
    for directory, allowed in sorted(MAY_INCLUDE.items()):
        for root, _, files in os.walk(os.path.join(src, directory)):
            for name in sorted(files):
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    target = m.group(1)
                    if target in MAY_INCLUDE and target not in allowed:
                        line = text.count("\n", 0, m.start()) + 1
                        found.append("%s:%d: includes %s/... (%s may include only %s)" % (
                            os.path.relpath(path, top), line, target, directory,
                            ", ".join(sorted(allowed))))
    return found


def foreign_sources():
    """Sources a fragment adds to a library that are not the library's own directory's."""
    found = []
    fragments = []
    for root, _, files in os.walk(os.path.join(SRCDIR, "src")):
        fragments += [os.path.join(root, n) for n in files if n.endswith(".am")]
    for path in sorted(fragments):
        with open(path, encoding="utf-8") as f:
            text = f.read().replace("\\\n", " ")
        for m in re.finditer(r"^(\w+)\s*\+?=(.*)$", text, re.M):
            variable, files = m.group(1), m.group(2).split()
            for directory, library in LIBRARY_OF.items():
                if variable != library:
                    continue
                for name in files:
                    if not name.startswith("src/%s/" % directory):
                        found.append("%s: %s lists %s" % (os.path.relpath(path, SRCDIR), library, name))
            # And a fragment of src/X adds sources only to src/X's libraries.
            owner = os.path.relpath(os.path.dirname(path), os.path.join(SRCDIR, "src")).split(os.sep)[0]
            for directory, library in LIBRARY_OF.items():
                if variable == library and directory != owner:
                    found.append("%s: adds to %s, a library of src/%s" % (
                        os.path.relpath(path, SRCDIR), library, directory))
    return found


def main(t):
    t.ok(os.path.isdir(os.path.join(SRCDIR, "src", "child")), "the sources are at %s" % SRCDIR)
    wrong = wrong_includes()
    t.is_(wrong, [], "every #include points down the DAG shared <- child <- mpm <- master (and ctl)")
    foreign = foreign_sources()
    t.is_(foreign, [], "each directory's fragments list only its own sources, in its own libraries")
    # The check itself, on a scratch tree: an include that points up is found, at its line.
    scratch = tempfile.mkdtemp(prefix="mpmd-layering-")
    try:
        os.makedirs(os.path.join(scratch, "src", "child"))
        with open(os.path.join(scratch, "src", "child", "planted.h"), "w") as f:
            f.write('// planted\n#include "shared/config.h"\n#  include "mpm/mpm.h"\n')
        t.is_(wrong_includes(scratch), ["src/child/planted.h:3: includes mpm/... (child may include only child, shared)"],
              "a planted child -> mpm include is reported at file:line")
    finally:
        shutil.rmtree(scratch)


Test().main(main)
