#!/usr/bin/env bash
# idle-memory.sh MPM: start mpmd and Debian's apache2 with the same MPM
# (prefork, worker or event) and the same sizes, one after the other; hold
# 2,000 idle keep-alive connections to each (one request each, then silence);
# sum the PSS of the master and all its descendants; check that a new request
# is still answered.  Never part of `make check`.  See bench/README.md.
#
# Each server gets a private temporary directory, a free port on 127.0.0.1,
# runs in the foreground in its own session as a child of this script, and is
# stopped by its pid.  The clients are bench/idle_clients.py.
set -euo pipefail

usage() { echo "usage: $0 prefork|worker|event" >&2; exit 2; }
[ $# -eq 1 ] || usage
MPM="$1"
case "$MPM" in prefork|worker|event) ;; *) usage ;; esac
me="idle-memory($MPM)"

here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/.." && pwd)"

MPMD="${MPMD:-$top/src/mpmd}"
APACHE2="${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}"
APACHE_MODULES="${APACHE_MODULES:-/usr/lib/apache2/modules}"
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

for tool in python3 curl timeout setsid; do
    command -v "$tool" >/dev/null || { echo "$me: $tool not found" >&2; exit 1; }
done

# Both servers inherit this limit (apache2ctl raises it similarly); the
# clients raise their own.
hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt "$NOFILE" ]; then NOFILE="$hard"; fi
ulimit -n "$NOFILE"

work="$(mktemp -d /tmp/mpmd-bench.XXXXXX)"
chmod 755 "$work"
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

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_ready() {
    local url="$1" pid="$2"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

# Stop one server by pid and wait for it, with KILL after 20 s (a prefork
# server with 2,000 children takes a while).
stop_server() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 200); do
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

mpm_directives() {
    if [ "$MPM" = prefork ]; then
        cat <<EOF
StartServers $SERVERS
MinSpareServers $MIN_SPARE
MaxSpareServers $MAX_SPARE
MaxRequestWorkers $MAX_WORKERS
ServerLimit $SERVER_LIMIT
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
KeepAliveTimeout = $KEEPALIVE_TIMEOUT

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
KeepAliveTimeout $KEEPALIVE_TIMEOUT
$(mpm_directives)
CONF
}

results=()

# get KEY FILE: the value of KEY=... in the helper's output, or "-".
get() { awk -F= -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$2"; }
mib() { [ "$1" = - ] && echo - || awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

measure_one() {
    local name="$1" port="$2"; shift 2
    local url="http://127.0.0.1:$port/1k.txt" pid out="$work/$name.clients" probe
    setsid "$@" >"$work/$name.out" 2>&1 </dev/null &
    pid=$!
    pids+=("$pid")
    if ! wait_ready "$url" "$pid"; then
        echo "$me: $name did not come up on port $port; its output:" >&2
        cat "$work/$name.out" "$work/${name}_error_log" 2>/dev/null >&2 || true
        stop_server "$pid"
        results+=("$name FAILED - - - - - -")
        return 0
    fi
    sleep 2     # let StartServers children finish starting
    echo "== $name ($MPM) on port $port, pid $pid: $CLIENTS idle keep-alive connections" >&2
    if ! timeout $(( ${OPEN_DEADLINE%.*} + ${SETTLE%.*} + ${PROBE_TIMEOUT%.*} + 60 )) \
            python3 "$here/idle_clients.py" --port "$port" --pid "$pid" --count "$CLIENTS" \
            --window "$WINDOW" --deadline "$OPEN_DEADLINE" --settle "$SETTLE" \
            --probe-timeout "$PROBE_TIMEOUT" >"$out"; then
        echo "$me: idle_clients.py failed against $name" >&2
    fi
    sed 's/^/  /' "$out" >&2
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$me: $name exited during the run; its output:" >&2
        cat "$work/$name.out" >&2 || true
    fi
    if grep -qv ':notice\]' "$work/${name}_error_log" 2>/dev/null; then
        echo "-- $name error log:" >&2
        grep -v ':notice\]' "$work/${name}_error_log" | tail -n 20 >&2
    fi
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

mpmd_mpm=""
[ -x "$MPMD" ] && mpmd_mpm="$("$MPMD" -V 2>/dev/null | awk '/^Server MPM:/ { print $3 }')"
if [ ! -x "$MPMD" ]; then
    echo "$me: $MPMD not built (run make, or set MPMD); skipping mpmd" >&2
    results+=("mpmd skipped - - - - - -")
elif [ "$mpmd_mpm" != "$MPM" ]; then
    echo "$me: $MPMD has MPM '${mpmd_mpm:-?}', not $MPM (build with --with-mpm=$MPM, or set MPMD); skipping mpmd" >&2
    results+=("mpmd skipped - - - - - -")
else
    port="$(free_port)"
    write_mpmd_conf "$port"
    measure_one mpmd "$port" "$MPMD" -d "$work" -f "$work/mpmd.conf" -D FOREGROUND
fi

if [ -x "$APACHE2" ] && [ -r "$APACHE_MODULES/mod_mpm_$MPM.so" ]; then
    port="$(free_port)"
    write_apache_conf "$port"
    measure_one apache2 "$port" "$APACHE2" -f "$work/apache2.conf" -D FOREGROUND
else
    echo "$me: apache2 or its $MPM module not found; skipping apache2" >&2
    results+=("apache2 skipped - - - - - -")
fi

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
