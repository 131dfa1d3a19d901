#!/usr/bin/env bash
# slowloris.sh MPM: attack mpmd, then Debian's apache2 (same MPM, same sizes,
# same Timeout and RequestReadTimeout), then nginx if installed, with
# slowhttptest -H (slowloris: request heads sent a few bytes at a time) from
# $CONNECTIONS connections for a bounded $LENGTH seconds, one server at a
# time, and print per server whether the service stayed available, second by
# second (slowhttptest's own probe, -g CSV), the first second it was not, and
# the first second the server closed slow connections.
# Never part of `make check` (t/84-slowloris.t is the bounded check).  See
# bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_init slowloris "$@"

SLOWHTTPTEST="${SLOWHTTPTEST:-slowhttptest}"
NGINX="${NGINX:-/usr/sbin/nginx}"        # NGINX=none leaves nginx out
CONNECTIONS="${CONNECTIONS:-1000}"
RATE="${RATE:-200}"                      # new connections per second
INTERVAL="${INTERVAL:-10}"               # seconds between a connection's header lines
LENGTH="${LENGTH:-60}"                   # seconds of attack (slowhttptest -l)
PROBE="${PROBE:-5}"                      # seconds a probe may wait (slowhttptest -p)
TIMEOUT="${TIMEOUT:-60}"
READ_TIMEOUT="${READ_TIMEOUT:-header=20-40,MinRate=500 body=20,MinRate=500}"
# nginx's nearest setting: the whole head within this many seconds.
NGINX_HEADER_TIMEOUT="${NGINX_HEADER_TIMEOUT:-20}"

# Apache's default sizes for the MPM (every server gets the same).
apache_default_sizes

need_tools "$SLOWHTTPTEST" python3 curl timeout setsid
bench_setup
ulimit -n 65536 2>/dev/null || true      # 1,000 sockets on each side

# attack NAME PORT: run slowhttptest against PORT (bounded by timeout) and
# print "available% first_unavailable first_closed most_connected timeline".
attack() {
    local name="$1" port="$2"
    timeout $(( LENGTH + 120 )) "$SLOWHTTPTEST" -H -c "$CONNECTIONS" -r "$RATE" -i "$INTERVAL" \
        -l "$LENGTH" -p "$PROBE" -g -o "$work/slow-$name" \
        -u "http://127.0.0.1:$port/1k.txt" >"$work/slow-$name.out" 2>&1 || true
    python3 - "$work/slow-$name.csv" <<'PY'
import csv, sys
rows = []
try:
    with open(sys.argv[1], newline="") as f:
        for r in csv.reader(f):
            if r and r[0].isdigit():
                rows.append([int(x) for x in r[:5]])
except OSError:
    pass
if not rows:
    print("- - - - no-csv")
    sys.exit(0)
# One row per second (slowhttptest may repeat a second): keep the last.
by_second = {}
for r in rows:
    by_second[r[0]] = r
seconds = [by_second[s] for s in sorted(by_second)]
up = [r[4] > 0 for r in seconds]
first_down = next((str(r[0]) for r in seconds if r[4] == 0), "never")
first_closed = next((str(r[0]) for r in seconds if r[1] > 0), "never")
timeline = "".join("Y" if u else "n" for u in up)
print("%d%% %s %s %d %s" % (100 * sum(up) // len(up), first_down, first_closed,
                            max(r[3] for r in seconds), timeline))
PY
}

# slow_one NAME PORT COMMAND...: add the slow-client settings to NAME's config,
# start the server, attack it, stop it.
slow_one() {
    local name="$1" port="$2"; shift 2
    local pid row
    case "$name" in
    mpmd)
        sed -i "/^\[server\]/a Timeout = $TIMEOUT\nRequestReadTimeout = $READ_TIMEOUT" "$work/mpmd.conf" ;;
    apache2)
        cat >>"$work/apache2.conf" <<CONF
LoadModule reqtimeout_module $APACHE_MODULES/mod_reqtimeout.so
Timeout $TIMEOUT
RequestReadTimeout $READ_TIMEOUT
CONF
        ;;
    esac
    if ! start_server "$name" "$port" "$@"; then
        results+=("$name FAILED - - - -")
        return 0
    fi
    pid=$server_pid
    echo "== $name ($MPM) on port $port: slowhttptest -H -c $CONNECTIONS -r $RATE -i $INTERVAL -l $LENGTH" >&2
    row="$(attack "$name" "$port")"
    results+=("$name $row")
    check_server "$name" "$pid"
    stop_server "$pid"
}

# nginx_one: the same attack on nginx (2 worker processes, client_header_timeout).
nginx_one() {
    local port
    port="$(free_port)"
    cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx_error_log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_header_timeout ${NGINX_HEADER_TIMEOUT}s;
    server {
        listen 127.0.0.1:$port;
        root $work/htdocs;
    }
}
CONF
    slow_one nginx "$port" "$NGINX" -p "$work" -c "$work/nginx.conf"
}

run_servers slow_one 5 "- - - -"
if [ "$NGINX" != none ] && [ -x "$NGINX" ]; then
    nginx_one
else
    echo "$me: nginx not found; skipping it" >&2
fi

echo
echo "slowhttptest -H -c $CONNECTIONS -r $RATE -i $INTERVAL -l $LENGTH -p $PROBE; Timeout $TIMEOUT," \
     "RequestReadTimeout $READ_TIMEOUT (nginx: client_header_timeout ${NGINX_HEADER_TIMEOUT}s);"
echo "MPM $MPM with $(mpm_directives | paste -sd, - | sed 's/,/, /g')"
printf '%-8s %10s %12s %12s %10s  %s\n' server available "first down" "first close" connected "service available, per second (Y/n)"
for row in "${results[@]}"; do
    # shellcheck disable=SC2086 # the row is six words
    printf '%-8s %10s %12s %12s %10s  %s\n' $row
done
