#!/usr/bin/env bash
# compare-mpm.sh MPM: serve one 1 KiB file from mpmd and from Debian's apache2,
# both with the same MPM (prefork, worker or event) and the same sizes, load
# each with wrk in turn, and print requests/s and latency side by side.
# Never part of `make check`.  See bench/README.md.
#
# Each server gets a private temporary directory (config, document root, pid
# file, logs), a free port on 127.0.0.1, runs in the foreground in its own
# session as a child of this script, and is stopped by its pid (bench/lib.sh,
# shared with idle-memory.sh).  A server whose binary (or apache2 MPM module)
# is missing is reported as skipped.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_init compare-mpm "$@"

WRK="${WRK:-wrk}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-50}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"

# Sizes shared by both servers, chosen so that neither forks or stops a child
# while wrk holds its CONNECTIONS keep-alive connections.
if [ "$MPM" = prefork ]; then
    # One connection per process: SERVERS exceeds CONNECTIONS by MIN_SPARE.
    SERVERS="${SERVERS:-64}"
    MIN_SPARE="${MIN_SPARE:-8}"
    MAX_WORKERS="${MAX_WORKERS:-128}"
    MAX_SPARE="${MAX_SPARE:-$MAX_WORKERS}"
    SERVER_LIMIT="${SERVER_LIMIT:-$MAX_WORKERS}"
else
    # Apache's defaults for worker and event, except StartServers: 6 x 25
    # threads leave 100 idle with 50 connections busy (worker holds a thread
    # per kept-alive connection), above MinSpareThreads 75 and below
    # MaxSpareThreads 250.
    SERVERS="${SERVERS:-6}"
    THREADS_PER_CHILD="${THREADS_PER_CHILD:-25}"
    THREAD_LIMIT="${THREAD_LIMIT:-64}"
    MIN_SPARE="${MIN_SPARE:-75}"
    MAX_SPARE="${MAX_SPARE:-250}"
    MAX_WORKERS="${MAX_WORKERS:-400}"
    SERVER_LIMIT="${SERVER_LIMIT:-16}"
    ASYNC_FACTOR="${ASYNC_FACTOR:-2}"
fi

max_connections_per_child=0

need_tools "$WRK" python3 curl timeout setsid
bench_setup

# run_wrk URL: a warm-up and one measured wrk run, both bounded;
# prints "req/s avg p50 p99 errors".
run_wrk() {
    local url="$1" out
    local limit=$(( ${DURATION%s} + 30 ))
    timeout "$limit" "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null 2>&1 || true
    out="$(timeout "$limit" "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" 2>&1)" || {
        echo "wrk failed: $out" >&2
        return 1
    }
    echo "$out" >&2
    echo "$out" | awk '
        /Requests\/sec:/                 { rps = $2 }
        $1 == "Latency" && avg == ""     { avg = $2 }
        $1 == "50%"                      { p50 = $2 }
        $1 == "99%"                      { p99 = $2 }
        /Socket errors:/                 { gsub(",", ""); errs += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/      { errs += $5 }
        END { printf "%s %s %s %s %d\n", rps, avg, p50, p99, errs }'
}

# bench_one NAME PORT COMMAND...: start the server, wait, measure, stop it.
bench_one() {
    local name="$1" port="$2"; shift 2
    local url="http://127.0.0.1:$port/1k.txt" pid row
    if ! start_server "$name" "$port" "$@"; then
        results+=("$name FAILED - - - -")
        return 0
    fi
    pid=$server_pid
    echo "== $name ($MPM) on port $port ($CONNECTIONS connections, $DURATION)" >&2
    if row="$(run_wrk "$url")"; then
        results+=("$name $row")
    else
        results+=("$name FAILED - - - -")
    fi
    check_server "$name" "$pid"
    stop_server "$pid"
}

run_servers bench_one 5 "- - - -"

echo
echo "1 KiB static file, keep-alive, wrk -t$THREADS -c$CONNECTIONS -d$DURATION; MPM $MPM with" \
     "$(mpm_directives | grep -v '^MaxConnectionsPerChild' | paste -sd, - | sed 's/,/, /g')"
printf '%-8s %12s %10s %10s %10s %8s\n' server "requests/s" "lat avg" "lat p50" "lat p99" errors
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is five words
    printf '%-8s %12s %10s %10s %10s %8s\n' $row
done
