#!/usr/bin/env bash
# idle-memory.sh MPM: start mpmd and Debian's apache2 with the same MPM
# (prefork, worker or event) and the same sizes, one after the other; hold
# 2,000 idle keep-alive connections to each (one request each, then silence);
# sum the PSS of the master and all its descendants; check that a new request
# is still answered.  Never part of `make check`.  See bench/README.md.
#
# Each server gets a private temporary directory, a free port on 127.0.0.1,
# runs in the foreground in its own session as a child of this script, and is
# stopped by its pid (bench/lib.sh, shared with compare-mpm.sh).  The clients
# are bench/idle_clients.py.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_init idle-memory "$@"

CLIENTS="${CLIENTS:-2000}"          # idle connections
WINDOW="${WINDOW:-256}"             # at most this many opened but unanswered
OPEN_DEADLINE="${OPEN_DEADLINE:-150}"   # seconds to get them all answered
SETTLE="${SETTLE:-3}"               # seconds between the last answer and the count
PROBE_TIMEOUT="${PROBE_TIMEOUT:-10}"
KEEPALIVE_TIMEOUT="${KEEPALIVE_TIMEOUT:-300}"   # longer than the whole run
NOFILE="${NOFILE:-16384}"           # descriptor limit given to both servers

# Apache's defaults for each MPM, except MaxRequestWorkers and ServerLimit,
# raised so that each server can hold CLIENTS connections (see README.md).
if [ "$MPM" = prefork ]; then
    # One process per connection: 2,000 connections plus 100 spare.
    SERVERS="${SERVERS:-5}"
    MIN_SPARE="${MIN_SPARE:-5}"
    MAX_SPARE="${MAX_SPARE:-10}"
    MAX_WORKERS="${MAX_WORKERS:-2100}"
    SERVER_LIMIT="${SERVER_LIMIT:-$MAX_WORKERS}"
else
    SERVERS="${SERVERS:-3}"
    THREADS_PER_CHILD="${THREADS_PER_CHILD:-25}"
    THREAD_LIMIT="${THREAD_LIMIT:-64}"
    MIN_SPARE="${MIN_SPARE:-75}"
    MAX_SPARE="${MAX_SPARE:-250}"
    ASYNC_FACTOR="${ASYNC_FACTOR:-2}"
    if [ "$MPM" = worker ]; then
        # One thread per connection: 2,000 plus 100 spare = 84 x 25.
        MAX_WORKERS="${MAX_WORKERS:-2100}"
    else
        # Apache's event documentation: a child holds at most
        # ThreadsPerChild + AsyncRequestWorkerFactor x idle threads
        # connections, 25 + 2 x 25 = 75 when all are idle, so 2,000 need
        # 27 children; 32 x 25 = 800 (up to 2,400 connections).
        MAX_WORKERS="${MAX_WORKERS:-800}"
    fi
    SERVER_LIMIT="${SERVER_LIMIT:-$(( MAX_WORKERS / THREADS_PER_CHILD ))}"
fi

stop_seconds=20     # a prefork server with 2,000 children takes a while to stop

need_tools python3 curl timeout setsid

# Both servers inherit this limit (apache2ctl raises it similarly); the
# clients raise their own.
hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt "$NOFILE" ]; then NOFILE="$hard"; fi
ulimit -n "$NOFILE"

bench_setup

# get KEY FILE: the value of KEY=... in the helper's output, or "-".
get() { awk -F= -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$2"; }
# mib KIB: KIB in MiB with one decimal, or "-".
mib() {
    if [ "$1" = - ]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; fi
}

# measure_one NAME PORT COMMAND...: start the server, hold the idle
# connections with idle_clients.py, add its row to results, stop it.
measure_one() {
    local name="$1" port="$2"; shift 2
    local pid out="$work/$name.clients" probe
    if ! start_server "$name" "$port" "$@"; then
        results+=("$name FAILED - - - - - -")
        return 0
    fi
    pid=$server_pid
    sleep 2     # let StartServers children finish starting
    echo "== $name ($MPM) on port $port, pid $pid: $CLIENTS idle keep-alive connections" >&2
    if ! timeout $(( ${OPEN_DEADLINE%.*} + ${SETTLE%.*} + ${PROBE_TIMEOUT%.*} + 60 )) \
            python3 "$here/idle_clients.py" --port "$port" --pid "$pid" --count "$CLIENTS" \
            --window "$WINDOW" --deadline "$OPEN_DEADLINE" --settle "$SETTLE" \
            --probe-timeout "$PROBE_TIMEOUT" >"$out"; then
        echo "$me: idle_clients.py failed against $name" >&2
    fi
    sed 's/^/  /' "$out" >&2
    check_server "$name" "$pid"
    if [ "$(get probe_ms "$out")" != - ]; then
        probe="$(get probe_ms "$out")ms"
    elif [ "$(get probe "$out")" = none ]; then
        probe="none(${PROBE_TIMEOUT}s)"
    else
        probe=-
    fi
    results+=("$name $(mib "$(get pss_before_kib "$out")") $(mib "$(get pss_kib "$out")") \
$(get procs "$out")/$(get threads "$out") $(get answered "$out") $(get held_open "$out") \
$(get held_open_after_probe "$out") $probe")
    stop_server "$pid"
}

run_servers measure_one "$KEEPALIVE_TIMEOUT" "- - - - - -"

echo
echo "$CLIENTS idle keep-alive connections (one 1 KiB GET each), KeepAliveTimeout $KEEPALIVE_TIMEOUT," \
     "nofile $NOFILE; MPM $MPM with $(mpm_directives | paste -sd, - | sed 's/,/, /g')"
echo "PSS = sum of Pss over the master and all its descendants, in MiB; 'held' = answered"
echo "connections still open after ${SETTLE}s idle; 'probe' = one new request on a new connection"
printf '%-8s %10s %10s %12s %9s %6s %11s %14s\n' server "PSS idle" "PSS held" "procs/thr" answered held "held after" probe
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is eight words
    printf '%-8s %10s %10s %12s %9s %6s %11s %14s\n' $row
done
