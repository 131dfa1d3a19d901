#!/usr/bin/env bash
# compare-mpm.sh MPM: serve one 1 KiB file from mpmd and from Debian's apache2,
# both with the same MPM (prefork, worker or event) and the same sizes, load
# each with wrk in turn, and print requests/s and latency side by side.
# Never part of `make check`.  See bench/README.md.
#
# Each server gets a private temporary directory (config, document root, pid
# file, logs), a free port on 127.0.0.1, runs in the foreground in its own
# session as a child of this script, and is stopped by its pid.  A server whose
# binary (or apache2 MPM module) is missing is reported as skipped.
set -euo pipefail

usage() { echo "usage: $0 prefork|worker|event" >&2; exit 2; }
[ $# -eq 1 ] || usage
MPM="$1"
case "$MPM" in prefork|worker|event) ;; *) usage ;; esac
me="compare-mpm($MPM)"

here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/.." && pwd)"

MPMD="${MPMD:-$top/src/mpmd}"
APACHE2="${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}"
APACHE_MODULES="${APACHE_MODULES:-/usr/lib/apache2/modules}"
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

for tool in "$WRK" python3 curl timeout setsid; do
    command -v "$tool" >/dev/null || { echo "$me: $tool not found" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mpmd-bench.XXXXXX)"
chmod 755 "$work"     # the children may run as nobody and must read htdocs
mkdir "$work/htdocs"
head -c 1024 /dev/zero | tr '\0' 'x' >"$work/htdocs/1k.txt"
chmod -R a+rX "$work/htdocs"

pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port the kernel reports free on 127.0.0.1 (bound to port 0, then released).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Wait up to 10 s for the file to be served with status 200.
wait_ready() {
    local url="$1" pid="$2"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

# Stop one server by pid and wait for it, with KILL after 10 s.
stop_server() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

if [ "$(id -u)" = 0 ]; then
    run_user=nobody run_group=nogroup
else
    run_user="$(id -un)" run_group="$(id -gn)"
fi
types="$top/etc/mime.types"
[ -r "$types" ] || types=/etc/mime.types

# The MPM directives, as "Name value" lines, shared by both configs.
mpm_directives() {
    if [ "$MPM" = prefork ]; then
        cat <<EOF
StartServers $SERVERS
MinSpareServers $MIN_SPARE
MaxSpareServers $MAX_SPARE
MaxRequestWorkers $MAX_WORKERS
ServerLimit $SERVER_LIMIT
MaxConnectionsPerChild 0
EOF
    else
        cat <<EOF
StartServers $SERVERS
ServerLimit $SERVER_LIMIT
ThreadLimit $THREAD_LIMIT
ThreadsPerChild $THREADS_PER_CHILD
MinSpareThreads $MIN_SPARE
MaxSpareThreads $MAX_SPARE
MaxRequestWorkers $MAX_WORKERS
MaxConnectionsPerChild 0
EOF
        [ "$MPM" = event ] && echo "AsyncRequestWorkerFactor $ASYNC_FACTOR"
    fi
    return 0
}

write_mpmd_conf() {
    cat >"$work/mpmd.conf" <<CONF
[server]
Listen = 127.0.0.1:$1
ServerRoot = $work
DocumentRoot = htdocs
TypesConfig = $types
PidFile = mpmd.pid
User = $run_user
Group = $run_group
KeepAlive = On
MaxKeepAliveRequests = 0
KeepAliveTimeout = 5

[log]
ErrorLog = mpmd_error_log
LogLevel = warn

[mpm_$MPM]
$(mpm_directives | sed 's/ / = /')
CONF
}

write_apache_conf() {
    cat >"$work/apache2.conf" <<CONF
ServerRoot "$work"
ServerName localhost
DefaultRuntimeDir "$work"
PidFile "$work/apache2.pid"
ErrorLog "$work/apache2_error_log"
LogLevel warn
Listen 127.0.0.1:$1
LoadModule mpm_${MPM}_module $APACHE_MODULES/mod_mpm_$MPM.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule mime_module $APACHE_MODULES/mod_mime.so
LoadModule dir_module $APACHE_MODULES/mod_dir.so
User $run_user
Group $run_group
TypesConfig "$types"
DocumentRoot "$work/htdocs"
<Directory "$work/htdocs">
    Require all granted
</Directory>
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 5
$(mpm_directives)
CONF
}

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

results=()

# bench_one NAME PORT COMMAND...: start the server, wait, measure, stop it.
bench_one() {
    local name="$1" port="$2"; shift 2
    local url="http://127.0.0.1:$port/1k.txt" pid row
    # Own session: apache2 signals its whole process group when it stops in
    # the foreground, which would otherwise include this script.
    # (setsid(1) execs in place here, so $! is the server's pid.)
    setsid "$@" >"$work/$name.out" 2>&1 </dev/null &
    pid=$!
    pids+=("$pid")
    if ! wait_ready "$url" "$pid"; then
        echo "$me: $name did not come up on port $port; its output:" >&2
        cat "$work/$name.out" "$work/${name}_error_log" 2>/dev/null >&2 || true
        stop_server "$pid"
        results+=("$name FAILED - - - -")
        return 0
    fi
    echo "== $name ($MPM) on port $port ($CONNECTIONS connections, $DURATION)" >&2
    if row="$(run_wrk "$url")"; then
        results+=("$name $row")
    else
        results+=("$name FAILED - - - -")
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$me: $name exited during the run; its output:" >&2
        cat "$work/$name.out" >&2 || true
    fi
    # Anything the server logged above notice during the run.
    if grep -qv ':notice\]' "$work/${name}_error_log" 2>/dev/null; then
        echo "-- $name error log:" >&2
        grep -v ':notice\]' "$work/${name}_error_log" | tail -n 20 >&2
    fi
    stop_server "$pid"
}

mpmd_mpm=""
[ -x "$MPMD" ] && mpmd_mpm="$("$MPMD" -V 2>/dev/null | awk '/^Server MPM:/ { print $3 }')"
if [ ! -x "$MPMD" ]; then
    echo "$me: $MPMD not built (run make, or set MPMD); skipping mpmd" >&2
    results+=("mpmd skipped - - - -")
elif [ "$mpmd_mpm" != "$MPM" ]; then
    echo "$me: $MPMD has MPM '${mpmd_mpm:-?}', not $MPM (build with --with-mpm=$MPM, or set MPMD); skipping mpmd" >&2
    results+=("mpmd skipped - - - -")
else
    port="$(free_port)"
    write_mpmd_conf "$port"
    bench_one mpmd "$port" "$MPMD" -d "$work" -f "$work/mpmd.conf" -D FOREGROUND
fi

if [ -x "$APACHE2" ] && [ -r "$APACHE_MODULES/mod_mpm_$MPM.so" ]; then
    port="$(free_port)"
    write_apache_conf "$port"
    bench_one apache2 "$port" "$APACHE2" -f "$work/apache2.conf" -D FOREGROUND
else
    echo "$me: apache2 or its $MPM module not found; skipping apache2" >&2
    results+=("apache2 skipped - - - -")
fi

echo
echo "1 KiB static file, keep-alive, wrk -t$THREADS -c$CONNECTIONS -d$DURATION; MPM $MPM with" \
     "$(mpm_directives | grep -v '^MaxConnectionsPerChild' | paste -sd, - | sed 's/,/, /g')"
printf '%-8s %12s %10s %10s %10s %8s\n' server "requests/s" "lat avg" "lat p50" "lat p99" errors
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is five words
    printf '%-8s %12s %10s %10s %10s %8s\n' $row
done
