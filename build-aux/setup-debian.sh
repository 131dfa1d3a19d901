#!/bin/sh
# setup-debian.sh: make a Debian 12 machine ready to build mpmd, then build it.
# Used by both commands of README.md and, through them, by .ci/run: this is
# the one place that lists the packages mpmd needs.  Run it as root from the
# top of the source tree; it installs only what is missing (apt-get), then
# runs autoreconf, configure and make.  Arguments are passed to ./configure.
set -eu

# Build: compiler, Autotools (libtool builds the MPM modules), libraries (libssl-dev: TLS).
# Tests: python3 (integration harness), mandoc (man page lint),
# prometheus-apache-exporter (t/71 reads the status page with it),
# slowhttptest (t/84 and bench/slowloris.sh attack the server with it),
# apache2-utils and wrk (ab and wrk load the server in the fault suite, t/42-t/44),
# tmux (t/73 drives mpmctl top in a terminal), haproxy (t/54 runs a fleet behind it),
# openssl (t/55 makes its certificates), libsystemd-dev (sd_notify, socket activation) and
# systemd (t/57 checks the units with systemd-analyze), logrotate (t/58 runs the file the
# build writes), debhelper and lintian (make deb-check builds the Debian package and checks
# it).
# Fuzzing (make fuzz): clang, libclang-rt-14-dev (libFuzzer and the sanitizer runtimes,
# which clang only recommends) and llvm (llvm-symbolizer, for readable crash reports).
packages="build-essential autoconf automake libtool pkg-config libevent-dev
libboost-dev libinih-dev libcppunit-dev libssl-dev libsystemd-dev systemd logrotate openssl python3 mandoc prometheus-apache-exporter
slowhttptest apache2-utils wrk tmux haproxy clang libclang-rt-14-dev llvm debhelper lintian"

cd "$(dirname "$0")/.."

missing=
for p in $packages; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup-debian: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # shellcheck disable=SC2086 # one word per package
    apt-get install -y --no-install-recommends $missing
fi

autoreconf -fi
./configure "$@"
make -j"$(nproc)"

# The development config (etc/mpmd-dev.conf) serves etc/site as www-data
# when started as root: say so now if that account cannot read it.
if [ "$(id -u)" = 0 ] && id www-data >/dev/null 2>&1 &&
   command -v runuser >/dev/null 2>&1 &&
   ! runuser -u www-data -- test -r "$PWD/etc/site/index.html"; then
    echo "setup-debian: warning: www-data cannot read $PWD/etc/site;" \
         "the development server would answer 403/404." \
         "Use a checkout outside /root (e.g. under /usr/local/src or /srv)." >&2
fi
