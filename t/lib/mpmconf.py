"""Per-MPM settings for tests that count children.

A test that wants "N children, idle ones kept between MIN and MAX" writes the same
numbers into all three [mpm_*] sections; the threaded MPMs get ThreadsPerChild = 1, so
one child is one worker and the counts mean the same under prefork, worker and event.
Only the section of the MPM under test is used by the daemon.
"""


def same_children(start=None, min_spare=None, max_spare=None, max_workers=None, server_limit=None,
                  max_connections=None):
    prefork, threaded = {}, {}
    if start is not None:
        prefork["StartServers"] = threaded["StartServers"] = str(start)
    if min_spare is not None:
        prefork["MinSpareServers"] = threaded["MinSpareThreads"] = str(min_spare)
    if max_spare is not None:
        prefork["MaxSpareServers"] = str(max_spare)
        # MaxSpareThreads must be at least MinSpareThreads + ThreadsPerChild (Apache).
        threaded["MaxSpareThreads"] = str(max(max_spare, (min_spare or 0) + 1))
    if max_workers is not None:
        prefork["MaxRequestWorkers"] = str(max_workers)
    if server_limit is not None:
        prefork["ServerLimit"] = str(server_limit)
    # With one thread a child, thread counts are child counts.
    threaded["MaxRequestWorkers"] = str(max_workers or 10)
    threaded["ServerLimit"] = str(server_limit or max_workers or 10)
    if max_connections is not None:
        prefork["MaxConnectionsPerChild"] = threaded["MaxConnectionsPerChild"] = str(max_connections)
    if threaded:
        threaded["ThreadsPerChild"] = "1"
        threaded["ThreadLimit"] = "1"
    return {"mpm_prefork": prefork, "mpm_worker": dict(threaded), "mpm_event": dict(threaded)}


def mpm_under_test():
    """The MPM of the daemon under test: $MPMD_MPM, else what `mpmd -V` names."""
    import os
    import re
    import subprocess
    name = os.environ.get("MPMD_MPM")
    if name:
        return name
    try:
        out = subprocess.run([os.environ.get("MPMD", "mpmd"), "-V"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"(?m)^\s*Server MPM:\s+(\w+)", out)
    return m.group(1) if m else None
