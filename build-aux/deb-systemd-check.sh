#!/bin/sh
# deb-systemd-check.sh DEB: the Debian package, installed where systemd runs the machine.
# The machine (and CI's) runs no systemd of its own, so this boots one: a minimal Debian
# root (debootstrap --variant=minbase, cached in $DEB_SYSTEMD_ROOT, default
# /var/tmp/mpmd-nspawn) under systemd-nspawn -b, with a private network (only lo, so its
# port 80 is not the host's) and a volatile overlay (the cached root is never written by
# the boot: every run starts from the same tree). In it: dpkg -i DEB, then the service must
# be enabled and active, answer http://127.0.0.1/ as mpmd, reload (systemctl reload and
# logrotate's postrotate: each makes a new generation, as the unit's STATUS= shows), stop,
# and purge. Then the container powers off. Each phase's time is printed.
# Needs root and network to a Debian mirror (taken from this machine's APT sources, or
# $DEB_SYSTEMD_MIRROR). Installs systemd-container and debootstrap when they are missing.
# Every wait polls with a deadline; the container is stopped on every way out.
set -eu

me=deb-systemd-check
say() { echo "$me: $*"; }
fail() {
    echo "$me: FAILED: $*" >&2
    diagnose >&2 || true
    exit 1
}

[ $# = 1 ] || { echo "usage: $0 PATH/TO/mpmd_VERSION_ARCH.deb" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "run as root (it boots a container)"
[ -f "$1" ] || fail "no such file: $1"
deb_in=$1

root=${DEB_SYSTEMD_ROOT:-/var/tmp/mpmd-nspawn}
boot_timeout=${DEB_SYSTEMD_BOOT_TIMEOUT:-120}
case "$root" in /?*) ;; *) fail "DEB_SYSTEMD_ROOT must be an absolute path other than /: $root" ;; esac
# shellcheck source=/dev/null
suite=${DEB_SYSTEMD_SUITE:-$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null)}
suite=${suite:-bookworm}
include=systemd,systemd-sysv,dbus,curl,logrotate,adduser
stamp="$root/etc/mpmd-check-root"
stamp_text="suite=$suite variant=minbase include=$include"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { ms=$(($(now_ms) - $1)); echo "$((ms / 1000)).$((ms % 1000 / 100)) s"; }
t_all=$(now_ms)

# wait_until SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; returns 1
# once SECONDS have passed without success.
wait_until() {
    deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# --- state for cleanup --------------------------------------------------------------
tmp=
host_policy=
root_policy=
nspawn_pid=
leader=
cg_paths=
powered_off=no

# in_ct COMMAND...: runs COMMAND inside the booted container (all its namespaces), with a
# clean environment; no call may take more than 2 minutes.
in_ct() {
    timeout 120 nsenter -t "$leader" -a \
        /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}

diagnose() {
    if [ -n "$leader" ] && kill -0 "$leader" 2>/dev/null; then
        echo "$me: --- systemctl status mpmd (in the container)"
        in_ct systemctl status --no-pager -n 0 mpmd 2>&1 | sed "s/^/$me:   /" || true
        echo "$me: --- journalctl -u mpmd (in the container)"
        in_ct journalctl --no-pager -n 30 -u mpmd 2>&1 | sed "s/^/$me:   /" || true
        echo "$me: --- failed units (in the container)"
        in_ct systemctl --no-pager --failed 2>&1 | sed "s/^/$me:   /" || true
    fi
    if [ -n "$tmp" ] && [ -s "$tmp/nspawn.log" ]; then
        echo "$me: --- last lines of the container's console ($tmp/nspawn.log is removed on exit)"
        tail -n 30 "$tmp/nspawn.log" | sed "s/^/$me:   /"
    fi
}

# gone: no process, or an exited one (a zombie until this shell waits for it)
nspawn_gone() {
    [ ! -e "/proc/$nspawn_pid" ] ||
        [ "$(sed 's/.*) //' "/proc/$nspawn_pid/stat" 2>/dev/null | cut -c 1)" = Z ]
}
rm_cgroups() {
    for d in $cg_paths; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    for d in $cg_paths; do [ ! -d "$d" ] || return 1; done
}

cleanup() {
    rc=$?
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "$nspawn_pid" ] && ! nspawn_gone; then
        say "stopping the container (pid $nspawn_pid)"
        if [ -n "$leader" ] && [ "$powered_off" = no ]; then
            in_ct systemctl --no-block poweroff >/dev/null 2>&1
            wait_until 30 nspawn_gone
        fi
        # SIGTERM: systemd-nspawn asks the container's init to halt.
        nspawn_gone || { kill -TERM "$nspawn_pid" 2>/dev/null; wait_until 20 nspawn_gone; }
        if ! nspawn_gone; then
            say "the container does not stop: killing its init (pid $leader) and systemd-nspawn"
            [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
            kill -KILL "$nspawn_pid" 2>/dev/null
            wait_until 10 nspawn_gone || say "WARNING: systemd-nspawn (pid $nspawn_pid) is still there"
        fi
    fi
    [ -n "$cg_paths" ] && { wait_until 10 rm_cgroups || say "WARNING: could not remove $cg_paths"; }
    [ -n "$root_policy" ] && rm -f "$root_policy"
    [ -n "$host_policy" ] && rm -f "$host_policy"
    [ -n "$tmp" ] && rm -rf "$tmp"
    [ "$rc" = 0 ] || say "exit $rc after $(secs "$t_all")"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d /tmp/mpmd-systemd-check.XXXXXX)
cp "$deb_in" "$tmp/mpmd.deb"
deps=$(dpkg-deb -f "$tmp/mpmd.deb" Depends) || fail "$deb_in is not a Debian package"
pkg=$(dpkg-deb -f "$tmp/mpmd.deb" Package)
[ "$pkg" = mpmd ] || fail "$deb_in is package '$pkg', not mpmd"

# --- 1. the tools --------------------------------------------------------------------
t=$(now_ms)
if command -v systemd-nspawn >/dev/null && command -v debootstrap >/dev/null &&
    command -v nsenter >/dev/null && command -v ps >/dev/null; then
    say "tools: systemd-nspawn and debootstrap are there"
else
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # no service of what is installed here starts on this machine
        host_policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' > "$host_policy" && chmod 755 "$host_policy"
    fi
    say "installing systemd-container and debootstrap"
    apt-get update -q > "$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get update failed"; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        systemd-container debootstrap util-linux procps >> "$tmp/apt.log" 2>&1 ||
        { tail -n 30 "$tmp/apt.log"; fail "apt-get install systemd-container debootstrap failed"; }
    if [ -n "$host_policy" ]; then rm -f "$host_policy"; host_policy=; fi
    say "tools: installed in $(secs "$t")"
fi

# --- 2. the root (cached) --------------------------------------------------------------
# the host's Debian mirror (and security archive) from its APT sources
host_uris() {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]*\).*/\2/p'
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
}
mirror=${DEB_SYSTEMD_MIRROR:-$(host_uris | grep -E '/debian/?$' | head -n 1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
security=$(host_uris | grep -E '/debian-security/?$' | head -n 1 || true)

t=$(now_ms)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
    say "root: cached in $root"
else
    if [ -e "$root" ]; then
        [ "$(stat -c %d:%i "$root")" != "$(stat -c %d:%i /)" ] || fail "DEB_SYSTEMD_ROOT is this machine's root"
        # only a tree this script made (or an interrupted debootstrap) is removed
        if [ -z "$(ls -A "$root")" ] || [ -d "$root/debootstrap" ] || [ -f "$stamp" ]; then
            rm -rf "$root"
        else
            fail "$root exists and is not a root made by this script: remove it or set DEB_SYSTEMD_ROOT"
        fi
    fi
    say "root: debootstrap $suite into $root from $mirror"
    mkdir -p "$(dirname "$root")"
    debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" > "$tmp/debootstrap.log" 2>&1 ||
        { tail -n 30 "$tmp/debootstrap.log"; fail "debootstrap failed (the partial root is removed next run)"; }
    echo mpmd-check > "$root/etc/hostname"
    echo "$stamp_text" > "$stamp"
    say "root: debootstrap took $(secs "$t")"
fi

# The package's dependencies go into the root beforehand (the container has no network):
# apt-get satisfy in a chroot, with policy-rc.d so that nothing starts there.
t=$(now_ms)
{
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    [ -z "$security" ] || echo "deb $security $suite-security main"
} > "$root/etc/apt/sources.list"
[ ! -e "$root/usr/sbin/policy-rc.d" ] || fail "$root/usr/sbin/policy-rc.d exists: the root would start no service"
root_policy="$root/usr/sbin/policy-rc.d"
printf '#!/bin/sh\nexit 101\n' > "$root_policy" && chmod 755 "$root_policy"
{ chroot "$root" apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get satisfy -y -q --no-install-recommends "$deps"
} > "$tmp/deps.log" 2>&1 || { tail -n 30 "$tmp/deps.log"; fail "the package's Depends ($deps) could not be installed in the root"; }
rm -f "$root_policy" && root_policy=
say "root: Depends ready ($deps) in $(secs "$t")"

# --- 3. boot ---------------------------------------------------------------------------
# systemd-nspawn runs in a cgroup of its own (under this shell's, on every hierarchy that
# systemd uses here), where it makes its payload/ and supervisor/ groups: all are removed
# after it, so nothing of it is left in the machine's cgroups.
self_v1=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)
self_v2=$(sed -n 's/^0:://p' /proc/self/cgroup)
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    cg_paths="/sys/fs/cgroup${self_v2%/}/$me-$$"
else
    if [ -n "$self_v1" ] && [ -d /sys/fs/cgroup/systemd ]; then
        cg_paths="/sys/fs/cgroup/systemd${self_v1%/}/$me-$$"
    fi
    if [ -n "$self_v2" ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        cg_paths="$cg_paths /sys/fs/cgroup/unified${self_v2%/}/$me-$$"
    fi
fi
for d in $cg_paths; do mkdir "$d" || { say "WARNING: cannot make cgroup $d"; cg_paths=; break; }; done

t=$(now_ms)
t_boot=$t
machine=$me-$$
say "boot: systemd-nspawn -b (machine $machine, private network, volatile overlay)"
# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
sh -c 'for d in $1; do echo $$ > "$d/cgroup.procs" || exit 97; done; shift; exec "$@"' sh "$cg_paths" \
    systemd-nspawn -q -D "$root" -b -M "$machine" --hostname=mpmd-check --register=no --keep-unit \
    --private-network --volatile=overlay --console=read-only --bind-ro="$tmp:/run/mpmd-check" \
    > "$tmp/nspawn.log" 2>&1 < /dev/null &
nspawn_pid=$!

# the container's init: the child of systemd-nspawn in another pid namespace that runs
# systemd (while it starts, nspawn's child is first a helper of its own, which then exits)
find_leader() {
    nspawn_gone && return 0
    for p in $(ps -o pid= --ppid "$nspawn_pid" 2>/dev/null); do
        if [ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" != "$(readlink /proc/self/ns/pid)" ] &&
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ]; then
            leader=$p
            return 0
        fi
    done
    return 1
}
wait_until 30 find_leader || fail "systemd-nspawn started no container in 30 s"
nspawn_gone && fail "systemd-nspawn exited while starting the container"

state=
system_up() {
    nspawn_gone && return 0
    kill -0 "$leader" 2>/dev/null || find_leader || return 1
    state=$(in_ct systemctl is-system-running 2>/dev/null) || true
    case "$state" in running | degraded | maintenance | stopping) return 0 ;; esac
    return 1
}
wait_until "$boot_timeout" system_up ||
    fail "systemd in the container is not up after ${boot_timeout} s (is-system-running: ${state:-no answer})"
nspawn_gone && fail "the container stopped while booting"
case "$state" in
running) say "boot: systemd is running (pid $leader) after $(secs "$t")" ;;
degraded)
    say "boot: systemd is degraded after $(secs "$t"); failed units:"
    in_ct systemctl --no-pager --no-legend --failed | sed "s/^/$me:   /"
    ;;
*) fail "systemd in the container is '$state'" ;;
esac

# --- 4. the package under systemd ------------------------------------------------------
t=$(now_ms)
in_ct dpkg -i /run/mpmd-check/mpmd.deb > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed in the container"; }
say "install: dpkg -i $(basename "$deb_in") in the container"
[ "$(in_ct systemctl is-enabled mpmd 2>&1)" = enabled ] || fail "mpmd.service is not enabled after the install"

active=
is_active() {
    active=$(in_ct systemctl is-active mpmd 2>&1) || true
    case "$active" in active | failed | inactive) return 0 ;; esac
    return 1
}
wait_until 30 is_active || fail "mpmd.service is still '$active' 30 s after the install"
[ "$active" = active ] || fail "systemd did not start mpmd.service: it is '$active'"
say "install: mpmd.service is enabled and active (the postinst started it)"

http_ok() {
    head=$(in_ct curl -sS -m 5 -o /dev/null -D - 'http://127.0.0.1/?deb-systemd-check' 2>&1) || return 1
    echo "$head" | head -n 1 | grep -q '^HTTP/1\.[01] 200' && echo "$head" | grep -qi '^Server: mpmd'
}
wait_until 20 http_ok || fail "http://127.0.0.1/ in the container does not answer 200 with Server: mpmd: $(echo "${head:-}" | head -n 3)"
say "http: GET http://127.0.0.1/ -> $(echo "$head" | head -n 1 | tr -d '\r'), $(echo "$head" | grep -i '^Server:' | tr -d '\r')"
logged() { in_ct grep -q 'GET /?deb-systemd-check' /var/log/mpmd/access_log; }
wait_until 10 logged || fail "the request is not in /var/log/mpmd/access_log"
# shellcheck disable=SC2016 # expanded in the container
in_ct sh -c 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = mpmd ] && stat -c %U $p; done' \
    > "$tmp/users" 2>/dev/null || true
grep -qx mpmd "$tmp/users" || fail "no mpmd process runs as user mpmd (owners: $(sort -u "$tmp/users" | tr '\n' ' '))"
say "http: the request is logged; the children run as mpmd"

# generation N from the unit's STATUS= ("serving: generation N, MPM ...")
generation() { in_ct systemctl show -p StatusText --value mpmd | sed -n 's/.*generation \([0-9]*\).*/\1/p'; }
gen=$(generation)
[ -n "$gen" ] || fail "mpmd.service reports no generation in its status ($(in_ct systemctl show -p StatusText --value mpmd))"
newer() { g=$(generation) && [ -n "$g" ] && [ "$g" -gt "$gen" ]; }

in_ct systemctl reload mpmd > "$tmp/reload.log" 2>&1 || { cat "$tmp/reload.log"; fail "systemctl reload mpmd failed"; }
wait_until 20 newer || fail "systemctl reload mpmd made no new generation (still ${g:-?})"
[ "$(in_ct systemctl is-active mpmd 2>&1)" = active ] || fail "mpmd.service is not active after the reload"
say "reload: systemctl reload mpmd: generation $gen -> $g"
gen=$g
in_ct logrotate -f /etc/logrotate.d/mpmd > "$tmp/logrotate.log" 2>&1 || { cat "$tmp/logrotate.log"; fail "logrotate -f /etc/logrotate.d/mpmd failed"; }
wait_until 20 newer || fail "logrotate's postrotate made no new generation (still ${g:-?})"
say "reload: logrotate -f /etc/logrotate.d/mpmd: generation $gen -> $g"
wait_until 20 http_ok || fail "http://127.0.0.1/ does not answer after the reloads"

in_ct systemctl stop mpmd || fail "systemctl stop mpmd failed"
[ "$(in_ct systemctl is-active mpmd 2>&1)" = inactive ] || fail "mpmd.service is not inactive after systemctl stop"
! in_ct curl -s -m 5 -o /dev/null http://127.0.0.1/ || fail "port 80 still answers after systemctl stop mpmd"
say "stop: systemctl stop mpmd: inactive, port 80 closed"

in_ct dpkg --purge mpmd > "$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "dpkg --purge mpmd failed"; }
left=
for f in /etc/mpmd /var/log/mpmd /var/lib/mpmd /usr/sbin/mpmd /lib/systemd/system/mpmd.service \
    /etc/systemd/system/multi-user.target.wants/mpmd.service; do
    if in_ct test -e "$f" -o -L "$f"; then left="$left $f"; fi
done
[ -z "$left" ] || fail "the purge left:$left"
if in_ct systemctl list-unit-files --no-legend mpmd.service 2>/dev/null | grep -q mpmd; then
    fail "systemd still knows mpmd.service after the purge"
fi
say "purge: dpkg --purge mpmd leaves nothing of it (checks took $(secs "$t"))"

# --- 5. power off ----------------------------------------------------------------------
t=$(now_ms)
in_ct systemctl --no-block poweroff || fail "systemctl poweroff failed in the container"
powered_off=yes
wait_until 60 nspawn_gone || fail "the container did not power off in 60 s"
wait "$nspawn_pid" && nspawn_rc=0 || nspawn_rc=$?
nspawn_pid=
[ "$nspawn_rc" = 0 ] || fail "systemd-nspawn exited $nspawn_rc after the poweroff"
say "poweroff: the container is down after $(secs "$t") (up $(secs "$t_boot") in all)"
say "passed in $(secs "$t_all")"
