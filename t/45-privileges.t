#!/usr/bin/env python3
# Privileges: started as root, the master stays root (it binds, reaps, reopens logs) and the
# children run as User/Group (nobody/nogroup) with no supplementary root group, so a file only
# root can read is refused.
import grp
import os
import pwd

from mpmdtest import Test, http_get, proc_status, wait_for


def ids(status, field):
    return [int(x) for x in status.get(field, "").split()]


def main(t):
    if os.geteuid() != 0:
        t.skip("children drop privileges", "not running as root")
        return
    uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    s = t.server(name="priv", site={"index.html": "<p>hi</p>\n", "open.txt": "open\n",
                                    "secret.txt": "root only\n"})
    os.chmod(os.path.join(s.docroot, "secret.txt"), 0o600)
    s.start()
    # Children that reported a worker ready in the scoreboard: past their start-up.
    kids = wait_for(lambda: len(s.ready_children()) == 2 and s.ready_children(), 10) or []
    t.is_(len(kids), 2, "children running and ready")
    for pid in kids:
        st = proc_status(pid) or {}
        t.is_(ids(st, "Uid"), [uid] * 4, "child %d: real, effective, saved, fs uid = nobody" % pid)
        t.is_(ids(st, "Gid"), [gid] * 4, "child %d: all gids = nogroup" % pid)
        t.ok(0 not in ids(st, "Groups"), "child %d: no supplementary group 0 (%s)"
             % (pid, st.get("Groups")))
    mst = proc_status(s.master) or {}
    t.is_(ids(mst, "Uid")[:2], [0, 0], "the master stays root")
    t.is_(http_get(s.port, "/open.txt").status, 200, "a world-readable file is served")
    r = http_get(s.port, "/secret.txt")
    t.is_(r.status, 403, "a file only root can read: 403")
    t.ok(b"root only" not in r.body, "its content is not sent")


Test().main(main)
