#!/bin/sh
# deb-check.sh: the Debian package, built and tried as an administrator would (issue 12).
# From this tree's release tarball (make dist-gzip) it builds the .deb in _build_deb with
# dpkg-buildpackage, runs lintian (errors fail; warnings are listed), installs the package
# on this machine, checks what the install did (the mpmd account, the enabled service, the
# config, the default page) and that the installed server answers on port 80 and logs the
# request, then purges the package and checks that nothing of it is left but the account
# (Debian policy leaves system accounts in place). This machine runs no systemd, so the
# same package is then tried where systemd runs: deb-systemd-check.sh boots one in a
# container (enabled and started by the postinst, answers, reloads, stops, purges).
# Run as root from the top of a configured tree (make deb-check); .ci/run counts it as
# one check. Port 80 must be free. Leaves the machine without the package.
set -eu

fail() { echo "deb-check: FAILED: $*" >&2; exit 1; }
say() { echo "deb-check: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs and purges the package)"
for tool in dpkg-buildpackage dh lintian; do
    command -v "$tool" >/dev/null || fail "$tool is missing: build-aux/setup-debian.sh installs it"
done
if dpkg-query -W -f='${db:Status-Status}' mpmd 2>/dev/null | grep -q installed; then
    fail "a package mpmd is installed already; purge it first (dpkg --purge mpmd)"
fi

version=$(sed -n 's/^PACKAGE_VERSION = //p' Makefile)
tarname=$(sed -n 's/^PACKAGE_TARNAME = //p' Makefile)
work=_build_deb
rm -rf "$work" && mkdir "$work"
# The package's build installs with DESTDIR (make install DESTDIR=debian/mpmd) into the
# Debian layout: nothing may land outside DESTDIR, in the places the package will use.
outside_before=$(ls -ld --time-style=full-iso /etc/mpmd /usr/sbin/mpmd /usr/libexec/mpmd /var/log/mpmd \
    /var/www/html /var/www/html/index.html /etc/logrotate.d/mpmd /lib/systemd/system/mpmd.service 2>&1 || true)
make dist-gzip >/dev/null
tar -C "$work" -xzf "$tarname-$version.tar.gz"
[ -d "$work/$tarname-$version/debian" ] || fail "the tarball has no debian/ directory"

say "building the package (dpkg-buildpackage -us -uc -b)"
( cd "$work/$tarname-$version" && dpkg-buildpackage -us -uc -b -j"$(nproc)" ) > "$work/build.log" 2>&1 ||
    { tail -n 60 "$work/build.log"; fail "dpkg-buildpackage failed (log: $work/build.log)"; }
deb=$(ls "$work"/mpmd_"$version"_*.deb)
say "built $(basename "$deb")"
outside_after=$(ls -ld --time-style=full-iso /etc/mpmd /usr/sbin/mpmd /usr/libexec/mpmd /var/log/mpmd \
    /var/www/html /var/www/html/index.html /etc/logrotate.d/mpmd /lib/systemd/system/mpmd.service 2>&1 || true)
[ "$outside_before" = "$outside_after" ] ||
    fail "the build's make install DESTDIR=... changed files outside DESTDIR:
$outside_before
---
$outside_after"
say "make install DESTDIR=debian/mpmd wrote nothing outside DESTDIR"

say "lintian"
lintian --fail-on error --tag-display-limit 0 "$deb" > "$work/lintian.log" 2>&1 || {
    cat "$work/lintian.log"; fail "lintian reports errors"; }
warnings=$(grep -c '^W: ' "$work/lintian.log" || true)
say "lintian: no errors, $warnings warning(s)"
sed 's/^/deb-check:   /' "$work/lintian.log"

say "under systemd (build-aux/deb-systemd-check.sh)"
sh "$(dirname "$0")/deb-systemd-check.sh" "$deb" || fail "the package does not work under systemd (see above)"

cleanup() {
    if [ -s /run/mpmd.pid ]; then /usr/sbin/mpmd -k stop >/dev/null 2>&1 || true; fi
    dpkg --purge mpmd >/dev/null 2>&1 || true
}
trap cleanup EXIT

page_was_there=no
[ -e /var/www/html/index.html ] && page_was_there=yes
say "installing"
dpkg -i "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i failed"; }

getent passwd mpmd >/dev/null || fail "the install made no mpmd account"
[ "$(stat -c %U:%G:%a /var/log/mpmd)" = root:adm:750 ] || fail "/var/log/mpmd is not root:adm 0750"
[ -L /etc/systemd/system/multi-user.target.wants/mpmd.service ] || fail "mpmd.service is not enabled"
[ ! -e /etc/systemd/system/sockets.target.wants/mpmd.socket ] || fail "mpmd.socket was enabled"
[ -f /etc/logrotate.d/mpmd ] || fail "no /etc/logrotate.d/mpmd"
grep -q '^LoadModule = mpm_event_module' /etc/mpmd/mpmd.conf || fail "the config loads no MPM"
/usr/sbin/mpmd -t > "$work/t.log" 2>&1 || { cat "$work/t.log"; fail "mpmd -t refuses the installed config"; }
if [ "$page_was_there" = no ]; then
    grep -q 'mpmd: it works' /var/www/html/index.html || fail "no default page in /var/www/html"
fi
say "installed: account, logs, enabled service, logrotate, config that passes mpmd -t"

if [ -d /run/systemd/system ]; then
    # systemd runs this machine: the postinst has started the service.
    systemctl is-active --quiet mpmd || fail "systemd did not start mpmd.service"
else
    say "no systemd here: starting the installed server by hand, as its unit would"
    /usr/sbin/mpmd -k start || fail "the installed server does not start"
fi
python3 - <<'PY' || fail "the installed server does not answer on http://127.0.0.1/"
import time, urllib.request
deadline = time.monotonic() + 10
while True:
    try:
        with urllib.request.urlopen("http://127.0.0.1/?deb-check", timeout=5) as r:
            body = r.read()
            assert r.status == 200, r.status
            assert r.headers["Server"].startswith("mpmd"), r.headers["Server"]
            break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
PY
for _ in $(seq 50); do grep -q 'GET /?deb-check' /var/log/mpmd/access_log 2>/dev/null && break; sleep 0.1; done
grep -q 'GET /?deb-check' /var/log/mpmd/access_log || fail "the request is not in /var/log/mpmd/access_log"
ps -o user= -p "$(pgrep -P "$(cat /run/mpmd.pid)" | head -n 1)" | grep -qx mpmd ||
    fail "the children do not run as mpmd"
say "the installed server answers GET / with 200, logs it, and its children run as mpmd"

files=$(dpkg -L mpmd)
if [ -d /run/systemd/system ]; then systemctl stop mpmd; else /usr/sbin/mpmd -k stop; fi
for _ in $(seq 100); do [ -e /run/mpmd.pid ] || break; sleep 0.1; done
say "purging"
dpkg --purge mpmd > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge failed"; }
trap - EXIT
left=
for f in $files; do
    case "$f" in
    /.|/usr|/usr/*bin|/usr/lib|/usr/lib/*-linux-gnu|/usr/libexec|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man?|/etc|/lib|/lib/systemd|/lib/systemd/system|/etc/logrotate.d|/var|/var/www|/var/www/html)
        continue ;;   # directories the system (or other packages) own too
    esac
    [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
for f in /etc/mpmd /var/log/mpmd /var/lib/mpmd /run/mpmd.pid /etc/systemd/system/multi-user.target.wants/mpmd.service; do
    [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
if [ "$page_was_there" = no ] && [ -e /var/www/html/index.html ]; then left="$left /var/www/html/index.html"; fi
[ -z "$left" ] || fail "the purge left:$left"
say "purged: nothing of the package is left (the mpmd account stays, as policy advises)"
say "passed"
