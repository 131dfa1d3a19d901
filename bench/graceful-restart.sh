#!/usr/bin/env bash
# graceful-restart.sh MPM: how many requests a graceful restart every 0.5 s
# costs, for mpmd and Debian's apache2 with the same MPM, and nginx (whose
# reload is its graceful restart), each in turn on the same 1 KiB file:
#   ab -n 30000 -c 20        (a new connection per request)
#   ab -n 30000 -c 20 -k     (keep-alive)
#   wrk -t2 -c20 -d10s       (keep-alive)
# and prints the failed requests (ab: failed + non-2xx; wrk: socket errors +
# non-2xx) and the restarts made.  mpmd and apache2 get SIGUSR1, nginx SIGHUP.
# Never part of `make check` (t/43-graceful-under-load.t is the test).
# See bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_init graceful-restart "$@"

REQUESTS="${REQUESTS:-30000}"
CONCURRENCY="${CONCURRENCY:-20}"
DURATION="${DURATION:-10s}"
EVERY="${EVERY:-0.5}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

if [ "$MPM" = prefork ]; then
    SERVERS=10 MIN_SPARE=5 MAX_SPARE=40 MAX_WORKERS=64 SERVER_LIMIT=64
else
    SERVERS=2 THREADS_PER_CHILD=25 THREAD_LIMIT=64 MIN_SPARE=25 MAX_SPARE=100
    MAX_WORKERS=200 SERVER_LIMIT=16 ASYNC_FACTOR=2
fi

need_tools ab wrk python3 curl timeout setsid
bench_setup

# restarting PID SIGNAL: in the background, send SIGNAL to PID every $EVERY s
# until killed; the count goes to $work/restarts.
restarting() {
    local pid="$1" sig="$2" n=0
    while kill -0 "$pid" 2>/dev/null; do
        sleep "$EVERY"
        kill -"$sig" "$pid" 2>/dev/null || break
        n=$((n + 1))
        echo "$n" >"$work/restarts"
    done
}

# under_restarts PID SIGNAL COMMAND...: run COMMAND (bounded) while PID restarts;
# prints "failures restarts".
under_restarts() {
    local pid="$1" sig="$2" out looper failures; shift 2
    echo 0 >"$work/restarts"
    restarting "$pid" "$sig" &
    looper=$!
    out="$(timeout 120 "$@" 2>&1)" || true
    kill "$looper" 2>/dev/null || true
    wait "$looper" 2>/dev/null || true
    echo "$out" >&2
    failures="$(echo "$out" | awk '
        /^Failed requests:/              { f += $3 }
        /^Non-2xx responses:/            { f += $3 }
        /^Complete requests:/            { c = $3 }
        /apr_socket_recv|apr_pollset/    { aborted = 1 }
        /Socket errors:/                 { gsub(",", ""); f += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/      { f += $5 }
        END { if (aborted) printf "aborted(%d-done)", c; else printf "%d", f }')"
    echo "$failures $(cat "$work/restarts")"
}

# measure NAME PORT SIGNAL COMMAND...: the three loads against one server.
measure() {
    local name="$1" port="$2" sig="$3"; shift 3
    local url="http://127.0.0.1:$port/1k.txt" pid a b c
    if ! start_server "$name" "$port" "$@"; then
        results+=("$name FAILED - -")
        return 0
    fi
    pid=$server_pid
    echo "== $name ($MPM) on port $port" >&2
    a="$(under_restarts "$pid" "$sig" ab -q -r -n "$REQUESTS" -c "$CONCURRENCY" "$url")"
    b="$(under_restarts "$pid" "$sig" ab -q -r -k -n "$REQUESTS" -c "$CONCURRENCY" "$url")"
    c="$(under_restarts "$pid" "$sig" wrk -t2 -c"$CONCURRENCY" -d"$DURATION" "$url")"
    results+=("$name ${a// //} ${b// //} ${c// //}")
    check_server "$name" "$pid"
    stop_server "$pid"
}

mpmd_or_apache() {
    local name="$1" port="$2"; shift 2
    measure "$name" "$port" USR1 "$@"
}

run_servers mpmd_or_apache 5 "- - -"

if [ -x "$NGINX" ]; then
    port="$(free_port)"
    mkdir -p "$work/nginx"
    cat >"$work/nginx.conf" <<CONF
worker_processes 2;
user $run_user $run_group;
pid $work/nginx.pid;
error_log $work/nginx_error_log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_timeout 5;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx;
    proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx;
    scgi_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$port;
        root $work/htdocs;
    }
}
CONF
    measure nginx "$port" HUP "$NGINX" -c "$work/nginx.conf" -p "$work" -g 'daemon off;'
else
    results+=("nginx skipped - - -")
fi

echo
echo "Graceful restart every ${EVERY} s under load, MPM $MPM; failed requests/restarts made"
printf '%-8s %22s %22s %22s\n' server "ab -n$REQUESTS -c$CONCURRENCY" "ab -k -n$REQUESTS -c$CONCURRENCY" \
       "wrk -c$CONCURRENCY -d$DURATION"
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is four words
    printf '%-8s %22s %22s %22s\n' $row
done
