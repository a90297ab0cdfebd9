#!/usr/bin/env bash
# wmsgated refuses bad start-up conditions with one clear line, a non-zero
# exit code and nothing left behind: missing or malformed config, a taken
# interface name, no wireguard-go.
set -euo pipefail

bin=${WMSGATE_BIN:?set WMSGATE_BIN to build/bin}
[[ $EUID -eq 0 ]] || { echo "bad_start_test: skipped: needs root for network namespaces" >&2; exit 77; }

source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/leftovers.sh"

leftovers_sweep bad_start_test
tag=b$(($$ % 100000))
ns=wmsgate-$tag
work=$(mktemp -d /tmp/wmsgate-bad.XXXXXX)
leftovers_register bad_start_test "$tag" "$work"
ip netns add "$ns"
cleanup() {
    leftovers_remove "$tag" "$work"
    leftovers_drop bad_start_test
}
trap cleanup EXIT

# Runs wmsgated in the namespace; sets $status and $message (its stderr).
start() {
    set +e
    message=$(ip netns exec "$ns" "$@" 2>&1 >/dev/null)
    status=$?
    set -e
    echo "  -> exit $status: $message"
}

write_config() {
    cat >"$work/wmsgate.toml" <<TOML
[daemon]
state_dir = "$work/state"
control_socket = "$work/control.sock"
[interface]
name = "$1"
address = ["10.78.0.1/24"]
endpoint = "192.0.2.1:51820"
[wms]
port = 8080
TOML
}

# True when the last line wmsgated wrote contains every argument.
message_has() {
    local last=${message##*$'\n'} part
    for part in "$@"; do [[ $last == *"$part"* ]] || return 1; done
}
one_line() { [[ $(printf '%s\n' "$message" | wc -l) -eq 1 ]]; }
no_leftovers() {
    [[ ! -e /var/run/wireguard/$1.sock && ! -e $work/control.sock ]] &&
        ! ip -n "$ns" link show "$1" >/dev/null 2>&1
}

start "$bin/wmsgated" --config "$work/missing.toml"
check "missing config: non-zero exit" test "$status" -ne 0
check "missing config: one line naming the file" message_has "missing.toml"

printf '[interface\nname = 1\n' >"$work/broken.toml"
start "$bin/wmsgated" --config "$work/broken.toml"
check "malformed config: non-zero exit" test "$status" -ne 0
check "malformed config: names file and line" message_has "broken.toml:1:"

ifname=wg${tag}x
write_config "$ifname"
ip -n "$ns" link add "$ifname" type bridge
start "$bin/wmsgated" --config "$work/wmsgate.toml"
check "taken interface name: non-zero exit" test "$status" -ne 0
check "taken interface name: says it is in use" message_has "already in use"
check "taken interface name: one line" one_line
check "taken interface name: the existing link is untouched" ip -n "$ns" link show "$ifname" type bridge
ip -n "$ns" link del "$ifname"

# backend = "uapi": with "auto" a host whose kernel has WireGuard would not
# need wireguard-go, and the daemon would start and run.
ifname=wg${tag}y
write_config "$ifname"
sed -i 's/^\[interface\]$/[interface]\nbackend = "uapi"/' "$work/wmsgate.toml"
start env PATH=/nonexistent "$bin/wmsgated" --config "$work/wmsgate.toml"
check "no wireguard-go: non-zero exit" test "$status" -ne 0
check "no wireguard-go: tells how to install it" message_has "apt-get install wireguard-go"
check "no wireguard-go: one line" one_line
check "no wireguard-go: nothing left behind" no_leftovers "$ifname"

ifname=wg${tag}v
write_config "$ifname"
printf '[[layer]]\nname = "ortho"\nsource = "%s/no-such.tif"\n' "$work" >>"$work/wmsgate.toml"
start "$bin/wmsgated" --config "$work/wmsgate.toml"
check "missing layer file: non-zero exit" test "$status" -ne 0
check "missing layer file: names the key and path" message_has "layer.source" "no-such.tif"
check "missing layer file: nothing set up" no_leftovers "$ifname"

# A file GDAL cannot open passes the config check and fails only after
# wireguard-go and the interface are up: all of that must go again.
ifname=wg${tag}w
write_config "$ifname"
echo "not a raster" >"$work/not-a-raster.tif"
printf '[[layer]]\nname = "ortho"\nsource = "%s/not-a-raster.tif"\n' "$work" >>"$work/wmsgate.toml"
start "$bin/wmsgated" --config "$work/wmsgate.toml"
check "unopenable layer: non-zero exit" test "$status" -ne 0
check "unopenable layer: names the layer and path" message_has "ortho" "not-a-raster.tif"
check "unopenable layer: interface and sockets removed" no_leftovers "$ifname"

ifname=wg${tag}z
write_config "$ifname"
sed -i 's/^port = 8080/port = 8080\ntitle = ""/' "$work/wmsgate.toml"
start "$bin/wmsgated" --config "$work/wmsgate.toml"
check "empty title: non-zero exit" test "$status" -ne 0
check "empty title: names the key" message_has "wms.title"

check_summary
