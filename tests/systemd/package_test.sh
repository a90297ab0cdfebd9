#!/usr/bin/env bash
# Builds the Debian package with cpack, installs it with `dpkg --root` into
# an empty tree and checks what an admin gets: the files, the users, working
# binaries, the right Depends/Recommends, and a unit that systemd-analyze
# verifies clean with an exposure of at most 2.0.
set -euo pipefail

build=${WMSGATE_BUILD:?set WMSGATE_BUILD to the build folder}
[[ $EUID -eq 0 ]] || { echo "package_test: needs root for dpkg --root" >&2; exit 1; }

work=$(mktemp -d /tmp/wmsgate-package.XXXXXX)
trap 'rm -rf "$work"' EXIT

source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >/dev/null)
deb=$(ls "$work"/out/wmsgate_*_amd64.deb)
check "cpack builds wmsgate_<version>_amd64.deb" test -s "$deb"

root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
touch "$root/var/lib/dpkg/status"
# The tree has no libraries and no shell: dependencies are checked below
# against the control file, and the postinst runs outside it with DPKG_ROOT.
dpkg --root="$root" --force-depends --force-script-chrootless --log=/dev/null -i "$deb" \
    >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; exit 1; }

for file in usr/sbin/wmsgated usr/sbin/wmsgatectl usr/lib/systemd/system/wmsgate.service \
    usr/lib/systemd/system/wmsgate-control.socket \
    usr/lib/sysusers.d/wmsgate.conf usr/lib/tmpfiles.d/wmsgate.conf \
    usr/share/doc/wmsgate/wmsgate.toml.example usr/share/man/man8/wmsgated.8.gz \
    usr/share/man/man8/wmsgatectl.8.gz; do
    check "installs /$file" test -s "$root/$file"
done
check "the postinst created the wmsgate user" grep -q '^wmsgate:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$root/etc/passwd"
check "the postinst created the admin group" grep -q '^wmsgate-admin:' "$root/etc/group"

depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
# has TEXT WORD...: every word occurs in the text.
has() {
    local text=$1 word
    shift
    for word in "$@"; do [[ $text == *"$word"* ]] || return 1; done
}
check "Depends found by dpkg-shlibdeps" has "$depends" libgdal libsodium libmnl libsqlite3 libsystemd
check "Recommends wireguard-tools and wireguard-go" has "$recommends" wireguard-tools wireguard-go

check "the installed wmsgatectl --help runs" bash -c "'$root/usr/sbin/wmsgatectl' --help >/dev/null"
# The example names /srv/maps/ortho.tif, which this machine lacks.
sed "s#/srv/maps/ortho.tif#$work/ortho.tif#" "$root/usr/share/doc/wmsgate/wmsgate.toml.example" \
    >"$work/example.toml"
touch "$work/ortho.tif"
check "the installed wmsgated accepts the shipped example config" \
    "$root/usr/sbin/wmsgated" --check-config "$work/example.toml"
check "the installed man pages render" bash -c "man -l '$root/usr/share/man/man8/wmsgated.8.gz' >/dev/null"

# verify insists that ExecStart exists: point it at the installed binary.
# The socket unit lies beside it, where verify looks for units named.
sed "s#/usr/sbin/wmsgated#$root/usr/sbin/wmsgated#" "$root/usr/lib/systemd/system/wmsgate.service" \
    >"$work/wmsgate.service"
cp "$root/usr/lib/systemd/system/wmsgate-control.socket" "$work/"
verify_is_clean() {
    local out
    out=$(cd "$work" && MANPATH="$root/usr/share/man" SYSTEMD_UNIT_PATH="$work:" \
        systemd-analyze verify "$work/wmsgate.service" "$work/wmsgate-control.socket" 2>&1) || true
    [[ -z $out ]] || { echo "$out" >&2; return 1; }
}
socket_unit=$root/usr/lib/systemd/system/wmsgate-control.socket
check "the control socket is systemd's, for group wmsgate-admin, mode 0660" \
    grep -qzE 'ListenStream=/run/wmsgate/control.sock.*SocketGroup=wmsgate-admin.*SocketMode=0660' \
    "$socket_unit"
check "the service takes the control socket from wmsgate-control.socket" \
    grep -qx 'Sockets=wmsgate-control.socket' "$work/wmsgate.service"
check "the service's processes are not admins (no SupplementaryGroups)" \
    bash -c "! grep -q '^SupplementaryGroups=' '$work/wmsgate.service'"
check "systemd-analyze verify is clean" verify_is_clean
exposure=$(systemd-analyze security --offline=yes "$work/wmsgate.service" 2>/dev/null |
    sed -n -E 's/.*Overall exposure level for .*: ([0-9.]+).*/\1/p')
echo "exposure: $exposure"
check "systemd-analyze security exposure <= 2.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'

mkdir -p "$root/var/lib/wmsgate" "$root/etc/wmsgate"
echo state >"$root/var/lib/wmsgate/registry.sqlite3"
echo config >"$root/etc/wmsgate/wmsgate.toml"
dpkg --root="$root" --force-script-chrootless --log=/dev/null --purge wmsgate >/dev/null
check "purge removes the binaries" test ! -e "$root/usr/sbin/wmsgated"
check "purge removes the registry and keys" test ! -e "$root/var/lib/wmsgate"
check "purge removes the config folder" test ! -e "$root/etc/wmsgate"
check "purge keeps the system user (Debian keeps system accounts)" grep -q '^wmsgate:' "$root/etc/passwd"

check_summary
