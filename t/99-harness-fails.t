#!/usr/bin/env python3
# Deliberately failing (listed in XFAIL_TESTS): proves the harness and the TAP driver notice
# failures. Every assertion here is false against a working daemon (and against a broken
# one); if any passed, automake would report XPASS and fail the suite.
from mpmdtest import Test, http_get, wait_for


def main(t):
    s = t.server(name="xfail")
    s.start()
    r = http_get(s.port, "/no-such-file-here")
    t.is_(r.status, 200, "a missing file answers 200 (false: it is 404)")
    t.ok(s.log_contains(r"this text is never logged by mpmd"), "a line that was never logged")
    t.ok(wait_for(lambda: False, 0.2), "wait_for of a predicate that never holds")


Test(xfail=True).main(main)
