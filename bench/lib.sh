# shellcheck shell=bash disable=SC2154 # here and the sizes come from the caller
# bench/lib.sh: what compare-mpm.sh and idle-memory.sh share.  Sourced, never
# run.  Never part of `make check`.  See bench/README.md.
#
# The caller sets here (this directory), calls bench_init, then sets the MPM
# sizes (SERVERS, MIN_SPARE, MAX_SPARE, MAX_WORKERS, SERVER_LIMIT; for worker
# and event also THREADS_PER_CHILD, THREAD_LIMIT, ASYNC_FACTOR) before using
# the other functions.  It may change the two settings below.

# MaxConnectionsPerChild for both servers; empty leaves the directive out.
max_connections_per_child=""
# How long stop_server waits for a server to exit before KILL.
stop_seconds=10

# bench_init NAME ARG...: check that the one argument is prefork, worker or
# event (usage message and exit 2 otherwise); set MPM, me ("NAME(MPM)"), top
# and the defaults of MPMD, APACHE2 and APACHE_MODULES.
bench_init() {
    local name="$1"; shift
    [ $# -eq 1 ] || bench_usage
    MPM="$1"
    case "$MPM" in prefork|worker|event) ;; *) bench_usage ;; esac
    me="$name($MPM)"
    top="$(cd "$here/.." && pwd)"

    MPMD="${MPMD:-$top/src/mpmd}"
    APACHE2="${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}"
    APACHE_MODULES="${APACHE_MODULES:-/usr/lib/apache2/modules}"
}

# bench_usage: the usage message, exit 2.
bench_usage() { echo "usage: $0 prefork|worker|event" >&2; exit 2; }

# need_tools TOOL...: exit 1 if any TOOL is not on PATH.
need_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$me: $tool not found" >&2; exit 1; }
    done
}

# bench_setup: create the private directory $work with htdocs/1k.txt, remove
# it and stop every server in $pids on exit, and set run_user, run_group
# and types for the configs.
bench_setup() {
    work="$(mktemp -d /tmp/mpmd-bench.XXXXXX)"
    chmod 755 "$work"     # the children may run as nobody and must read htdocs
    mkdir "$work/htdocs"
    head -c 1024 /dev/zero | tr '\0' 'x' >"$work/htdocs/1k.txt"
    chmod -R a+rX "$work/htdocs"

    pids=()
    results=()
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    if [ "$(id -u)" = 0 ]; then
        run_user=nobody run_group=nogroup
    else
        run_user="$(id -un)" run_group="$(id -gn)"
    fi
    types="$top/etc/mime.types"
    [ -r "$types" ] || types=/etc/mime.types
}

# cleanup: the EXIT trap; TERM every server started, wait for them, remove $work.
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

# A port the kernel reports free on 127.0.0.1 (bound to port 0, then released).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready URL PID: wait up to 10 s for URL to be served with status 200;
# fail at once if PID has exited.
wait_ready() {
    local url="$1" pid="$2"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
        sleep 0.1
    done
    return 1
}

# stop_server PID: stop one server by pid and wait for it, with KILL after
# $stop_seconds seconds.
stop_server() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 $(( stop_seconds * 10 ))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# apache_default_sizes: Apache's default sizes for $MPM, for each size
# variable the caller or the environment has not set.
apache_default_sizes() {
    if [ "$MPM" = prefork ]; then
        : "${SERVERS:=5}" "${MIN_SPARE:=5}" "${MAX_SPARE:=10}" "${MAX_WORKERS:=256}" \
          "${SERVER_LIMIT:=256}"
    else
        : "${SERVERS:=3}" "${THREADS_PER_CHILD:=25}" "${THREAD_LIMIT:=64}" "${MIN_SPARE:=75}" \
          "${MAX_SPARE:=250}" "${MAX_WORKERS:=400}" "${SERVER_LIMIT:=16}" "${ASYNC_FACTOR:=2}"
    fi
}

# mpm_directives: the MPM directives, as "Name value" lines, shared by both
# configs.
mpm_directives() {
    if [ "$MPM" = prefork ]; then
        cat <<EOF
StartServers $SERVERS
MinSpareServers $MIN_SPARE
MaxSpareServers $MAX_SPARE
MaxRequestWorkers $MAX_WORKERS
ServerLimit $SERVER_LIMIT
EOF
        [ -n "$max_connections_per_child" ] && echo "MaxConnectionsPerChild $max_connections_per_child"
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
        [ -n "$max_connections_per_child" ] && echo "MaxConnectionsPerChild $max_connections_per_child"
        [ "$MPM" = event ] && echo "AsyncRequestWorkerFactor $ASYNC_FACTOR"
    fi
    return 0
}

# write_mpmd_conf PORT KEEPALIVE_TIMEOUT: write $work/mpmd.conf.
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
KeepAliveTimeout = $2

[log]
ErrorLog = mpmd_error_log
LogLevel = warn

[mpm_$MPM]
$(mpm_directives | sed 's/ / = /')
CONF
}

# write_apache_conf PORT KEEPALIVE_TIMEOUT: write $work/apache2.conf, loading
# only the MPM, authz_core, mime and dir modules.
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
KeepAliveTimeout $2
$(mpm_directives)
CONF
}

# start_server NAME PORT COMMAND...: run COMMAND (a server in the foreground)
# in its own session as a child of this shell, output in $work/NAME.out, and
# wait until it serves 1k.txt on PORT; sets server_pid.  If it does not come
# up, print its output and error log, stop it and return 1.
start_server() {
    local name="$1" port="$2"; shift 2
    # Own session: apache2 signals its whole process group when it stops in
    # the foreground, which would otherwise include this script.
    # (setsid(1) execs in place here, so $! is the server's pid.)
    setsid "$@" >"$work/$name.out" 2>&1 </dev/null &
    server_pid=$!
    pids+=("$server_pid")
    if ! wait_ready "http://127.0.0.1:$port/1k.txt" "$server_pid"; then
        echo "$me: $name did not come up on port $port; its output:" >&2
        cat "$work/$name.out" "$work/${name}_error_log" >&2 2>/dev/null || true
        stop_server "$server_pid"
        return 1
    fi
}

# check_server NAME PID: after a run, report if the server exited during it
# (with its output), and print its error-log lines above notice.
check_server() {
    local name="$1" pid="$2"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$me: $name exited during the run; its output:" >&2
        cat "$work/$name.out" >&2 || true
    fi
    if grep -qv ':notice\]' "$work/${name}_error_log" 2>/dev/null; then
        echo "-- $name error log:" >&2
        grep -v ':notice\]' "$work/${name}_error_log" | tail -n 20 >&2
    fi
}

# run_servers MEASURE KEEPALIVE_TIMEOUT DASHES: for mpmd, then apache2, write
# its config on a free port and call MEASURE NAME PORT COMMAND...; a server
# whose binary (or apache2 MPM module) is missing, or an mpmd built with
# another MPM, gets the row "NAME skipped DASHES" in results instead.
run_servers() {
    local measure="$1" keepalive="$2" dashes="$3" mpmd_mpm="" port
    [ -x "$MPMD" ] && mpmd_mpm="$("$MPMD" -V 2>/dev/null | awk '/^Server MPM:/ { print $3 }')"
    if [ ! -x "$MPMD" ]; then
        echo "$me: $MPMD not built (run make, or set MPMD); skipping mpmd" >&2
        results+=("mpmd skipped $dashes")
    elif [ "$mpmd_mpm" != "$MPM" ]; then
        echo "$me: $MPMD has MPM '${mpmd_mpm:-?}', not $MPM (build with --with-mpm=$MPM, or set MPMD); skipping mpmd" >&2
        results+=("mpmd skipped $dashes")
    else
        port="$(free_port)"
        write_mpmd_conf "$port" "$keepalive"
        "$measure" mpmd "$port" "$MPMD" -d "$work" -f "$work/mpmd.conf" -D FOREGROUND
    fi

    if [ -x "$APACHE2" ] && [ -r "$APACHE_MODULES/mod_mpm_$MPM.so" ]; then
        port="$(free_port)"
        write_apache_conf "$port" "$keepalive"
        "$measure" apache2 "$port" "$APACHE2" -f "$work/apache2.conf" -D FOREGROUND
    else
        echo "$me: apache2 or its $MPM module not found; skipping apache2" >&2
        results+=("apache2 skipped $dashes")
    fi
}
