#!/usr/bin/env bash
# End to end, what each peer command does to the WireGuard device, checked
# with wg(8): disable, enable and rotate; IPv6 peers through the tunnel; a
# peer sending with another peer's tunnel address (WireGuard drops it);
# concurrent control commands; and no private or preshared key issued ever
# appearing in the daemon's log or the audit trail.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin peer_device_test d

ifname="wg${LAB_TAG}app"
log=$LAB_DIR/wmsgated.log
caps="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"

lab_make_layers "$layers"
lab_create_network
lab_write_config "$LAB_DIR/wmsgate.toml" "$layers"
sed -i "s|^address = \[\"$LAB_TUNNEL_ADDRESS/24\"\]|address = [\"$LAB_TUNNEL_ADDRESS/24\", \"fd77::1/64\"]|" \
    "$LAB_DIR/wmsgate.toml"
grep -q 'fd77::1/64' "$LAB_DIR/wmsgate.toml" || lab_die "the IPv6 prefix did not get into the config"
lab_start_appliance "$LAB_DIR/wmsgate.toml"
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups night >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"

# The peers on the device as wg(8) sees them: "KEY ALLOWED-IPS", sorted.
device_peers() { lab_in appliance wg show "$ifname" allowed-ips | sort; }
key_of() { lab_ctl peer show "$1" --json | sed -n -E 's/.*"public_key": "([^"]+)".*/\1/p'; }
on_device() { device_peers | grep -q "^$1"$'\t'; }
off_device() {
    local peers
    peers=$(device_peers) || return 1 # wg failing is no proof of absence
    ! grep -q "^$1"$'\t' <<<"$peers"
}
gets_caps() { lab_wms "$1" "$caps" 2>/dev/null | grep -q '<Name>'; }
no_caps() { ! lab_in "$1" curl -sS --max-time 3 -o /dev/null "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms?$caps"; }

# --- IPv6 peers ---------------------------------------------------------------
alice_key=$(key_of alice)
alice_v4=$(sed -n -E 's/^Address = ([0-9.]+)\/32.*/\1/p' "$LAB_DIR/alice.conf")
alice_v6=$(sed -n -E 's/^Address = .*, ([0-9a-f:]+)\/128.*/\1/p' "$LAB_DIR/alice.conf")
check "alice's config has an IPv4 and an IPv6 address ($alice_v4, $alice_v6)" \
    test -n "$alice_v4" -a -n "$alice_v6"
check "alice's config routes the appliance's IPv6 address into the tunnel" \
    grep -q -E '^AllowedIPs = .*fd77::1/128' "$LAB_DIR/alice.conf"
check "the device holds exactly alice's /32 and /128" \
    test "$(device_peers | grep "^$alice_key" | cut -f2 | tr ' ' '\n' | sort | tr '\n' ' ')" = \
    "$alice_v4/32 $alice_v6/128 "
check "alice gets maps (IPv4) alongside" gets_caps alice
# A listener on the appliance's IPv6 tunnel address; `host` connects to it
# from `source`. Prints the remote address the appliance saw, or "none".
v6_remote_seen() {
    local host=$1 source=$2 i
    lab_in appliance /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("fd77::1", 9907)); s.listen(1); s.settimeout(5)
try:
    print(s.accept()[1][0])
except socket.timeout:
    print("none")' >"$LAB_DIR/v6-remote" &
    local listener=$!
    for i in $(seq 50); do
        lab_in appliance ss -Hltn "sport = :9907" | grep -q . && break
        sleep 0.1
    done
    lab_in "$host" /usr/bin/python3 -c '
import socket, sys
socket.create_connection(("fd77::1", 9907), timeout=3, source_address=(sys.argv[1], 0)).close()' \
        "$source" 2>/dev/null || true
    wait "$listener" || true
    cat "$LAB_DIR/v6-remote"
}
check "over IPv6 through the tunnel the appliance sees alice's own address" \
    test "$(v6_remote_seen alice "$alice_v6")" = "$alice_v6"

# The WMS itself over IPv6: it listens on the tunnel's IPv6 address as on
# its IPv4 one, bound to the tunnel device (ss prints that as %DEVICE).
wms_on_v6() {
    local listening
    listening=$(lab_in appliance ss -Hltn "sport = :$LAB_WMS_PORT") || return 1
    grep -qF "[fd77::1]%$ifname:$LAB_WMS_PORT" <<<"$listening"
}
check "the WMS listens on [fd77::1]:$LAB_WMS_PORT bound to $ifname" wms_on_v6
wms_v6() { lab_in "$1" curl -sS --fail --max-time 20 -g "http://[fd77::1]:$LAB_WMS_PORT/wms?$2"; }
v6_caps_are_alices() {
    local body
    body=$(wms_v6 alice "$caps") || return 1
    grep -qF '<Name>blue-marble</Name>' <<<"$body" && ! grep -qF 'night-lights' <<<"$body"
}
check "alice fetches GetCapabilities over IPv6 through the tunnel: her layer, not bob's" \
    v6_caps_are_alices
v6_logged() { grep -q "GetCapabilities 200 REMOTE=$alice_v6 PEER=alice " "$log"; }
check "the access log names alice at her IPv6 address" v6_logged
v6_map() {
    wms_v6 alice "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png" \
        >"$LAB_DIR/v6.png" && [[ $(head -c 8 "$LAB_DIR/v6.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
}
check "and a GetMap over IPv6 is a PNG" v6_map

# --- a peer sending with another peer's source address --------------------------
# bob puts alice's tunnel address on his interface and sends from it. His
# packets reach the appliance (his WireGuard encrypts them to it), but the
# appliance's WireGuard drops every decrypted packet whose source is not in
# bob's allowed-ips: no connection, no answer, no request logged for alice.
bob_key=$(key_of bob)
lab_in bob ip addr add "$alice_v4/32" dev "wg${LAB_TAG}bob"
rx_of_bob() { lab_in appliance wg show "$ifname" transfer | awk -v k="$bob_key" '$1 == k {print $2}'; }
rx_before=$(rx_of_bob)
requests_before=$(grep -c "PEER=alice" "$log" || true)
spoofed() {
    ! lab_in bob curl -sS --max-time 3 --interface "$alice_v4" -o /dev/null \
        "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms?$caps" 2>/dev/null
}
check "bob sending as alice ($alice_v4) gets no connection" spoofed
rx_after=$(rx_of_bob)
check "... although his packets reached the appliance's WireGuard (rx $rx_before -> $rx_after)" \
    test "$rx_after" -gt "$rx_before"
check "... and no request was served as alice" test "$(grep -c "PEER=alice" "$log" || true)" = "$requests_before"
lab_in bob ip addr add "$alice_v6/128" dev "wg${LAB_TAG}bob" nodad
check "bob sending as alice over IPv6 ($alice_v6) reaches nothing on the appliance" \
    test "$(v6_remote_seen bob "$alice_v6")" = none
v6_spoofed() {
    ! lab_in bob curl -sS --max-time 3 --interface "$alice_v6" -g -o /dev/null \
        "http://[fd77::1]:$LAB_WMS_PORT/wms?$caps" 2>/dev/null
}
check "... nor the WMS on [fd77::1]" v6_spoofed
lab_in bob ip addr del "$alice_v4/32" dev "wg${LAB_TAG}bob"
lab_in bob ip addr del "$alice_v6/128" dev "wg${LAB_TAG}bob"
check "bob with his own address is served" gets_caps bob

# --- disable, enable, rotate at the device ------------------------------------
lab_ctl peer disable alice >/dev/null
check "disable: alice's key is off the device" off_device "$alice_key"
check "disable: alice gets no connection" no_caps alice
check "disable: bob is still on the device" on_device "$bob_key"
lab_ctl peer enable alice >/dev/null
check "enable: alice's key is back with her /32 and /128" \
    test "$(device_peers | grep "^$alice_key" | cut -f2 | tr ' ' '\n' | sort | tr '\n' ' ')" = \
    "$alice_v4/32 $alice_v6/128 "
check "enable: alice gets maps again" e2e_eventually 10 gets_caps alice

lab_ctl peer rotate alice >"$LAB_DIR/alice-rotated.conf"
new_key=$(key_of alice)
check "rotate: a new key in the registry" test -n "$new_key" -a "$new_key" != "$alice_key"
check "rotate: the old key is off the device" off_device "$alice_key"
check "rotate: the new key is on it with the same addresses" \
    test "$(device_peers | grep "^$new_key" | cut -f2 | tr ' ' '\n' | sort | tr '\n' ' ')" = \
    "$alice_v4/32 $alice_v6/128 "
check "rotate: the old config gets no connection" no_caps alice
lab_in alice ip link del "wg${LAB_TAG}ali"
lab_connect_client alice "$LAB_DIR/alice-rotated.conf"
check "rotate: the new config gets maps" e2e_eventually 10 gets_caps alice

# --- concurrent control commands ------------------------------------------------
# Twelve adds, a revoke of a peer with a download open, lists and shows,
# all at once on the one control socket.
big="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=night-lights&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=4096&HEIGHT=2048&FORMAT=image/png"
lab_in bob curl -sS --max-time 30 -o /dev/null "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms?$big" \
    2>/dev/null &
download=$!
sleep 0.3
pids=()
lab_ctl peer revoke bob >"$LAB_DIR/revoke.out" 2>&1 &
pids+=($!)
for i in $(seq 1 12); do
    lab_ctl peer add "many$i" --groups night >"$LAB_DIR/many$i.conf" 2>"$LAB_DIR/many$i.err" &
    pids+=($!)
    lab_ctl peer list --json >"$LAB_DIR/list$i.json" 2>&1 &
    pids+=($!)
done
lab_ctl peer show alice --json >"$LAB_DIR/show.json" 2>&1 &
pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
wait "$download" || true
check "all 26 concurrent control calls succeeded" test "$failed" = 0
distinct_addresses() {
    local n
    n=$(cat "$LAB_DIR"/many*.conf | sed -n -E 's/^Address = ([0-9.]+)\/32.*/\1/p' | sort -u | wc -l)
    [[ $n -eq 12 ]]
}
check "the twelve concurrent adds got twelve distinct addresses" distinct_addresses
check "bob, revoked amid them, is off the device" off_device "$bob_key"
registry_active() {
    lab_ctl peer list --json | /usr/bin/python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["state"] == "active":
        print(p["public_key"] + "\t" + " ".join(sorted([p["address"] + "/32", p["ipv6"] + "/128"])))' |
        sort
}
device_sorted() {
    lab_in appliance wg show "$ifname" allowed-ips | /usr/bin/python3 -c '
import sys
for line in sys.stdin:
    key, ips = line.rstrip("\n").split("\t")
    print(key + "\t" + " ".join(sorted(ips.split())))' | sort
}
agree() { diff <(registry_active) <(device_sorted) >&2; }
check "registry and device agree after the concurrent calls" agree
check "... 13 active peers on the device" test "$(device_sorted | wc -l)" = 13

# --- the read-only commands as an admin reads them ------------------------------
# status, group list, layer list, peer show and peer config print tables and
# text for people; each is checked against wg(8) or the config, not against
# the daemon's own JSON alone.
status_table=$(lab_ctl status)
server_public=$(lab_in appliance wg show "$ifname" public-key)
check "status: the header names the interface, port and the device's public key" \
    test "$(head -1 <<<"$status_table")" = \
    "interface $ifname, listening on port $LAB_WG_PORT, public key $server_public"
alice_endpoint=$(lab_in appliance wg show "$ifname" endpoints | awk -v k="$new_key" '$1 == k {print $2}')
alice_row() { awk '$1 == "alice"' <<<"$status_table"; }
status_alice() {
    local name state address endpoint handshake rx tx requests
    read -r name state address endpoint handshake rx tx requests <<<"$(alice_row)"
    [[ $state == active && $address == "$alice_v4" && $endpoint == "$alice_endpoint" &&
        $handshake == 20*Z && $rx -gt 0 && $tx -gt 0 && $requests -gt 0 ]] ||
        { echo "  alice's row: $(alice_row) (wg endpoint $alice_endpoint)"; return 1; }
}
check "status: alice's row has wg's endpoint for her ($alice_endpoint), a handshake, bytes, requests" \
    status_alice
status_bob() {
    local row
    row=$(awk '$1 == "bob"' <<<"$status_table")
    [[ $(awk '{print $2, $4, $5}' <<<"$row") == "revoked - -" ]] || { echo "  bob: $row"; return 1; }
}
check "status: bob is revoked, without endpoint or handshake" status_bob
status_rows() {
    local peers rows
    peers=$(lab_ctl peer list --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    rows=$(tail -n +4 <<<"$status_table" | grep -c .)
    [[ $rows -eq $peers ]] || { echo "  $rows rows, $peers peers"; return 1; }
}
check "status: one row per registered peer" status_rows
status_json_matches_wg() {
    lab_ctl status --json | /usr/bin/python3 -c '
import json, sys
status = json.load(sys.stdin)
on = sorted(p["name"] for p in status["peers"] if p["on_device"])
active = sorted(p["name"] for p in status["peers"] if p["state"] == "active")
sys.exit(0 if on == active and status["public_key"] == sys.argv[1] else 1)' "$server_public"
}
check "status --json: the peers on the device are exactly the active ones" status_json_matches_wg

groups_table() {
    [[ $(lab_ctl group list) == $'GROUP     LAYERS        AREAS\ndaylight  blue-marble   -\nnight     night-lights  -' ]]
}
check "group list: the config's groups with their layers" groups_table
layers_table() {
    local table
    table=$(lab_ctl layer list)
    grep -qE '^blue-marble +Blue Marble \(NASA\) +daylight$' <<<"$table" &&
        grep -qE '^night-lights +Earth at night \(NASA\) +night$' <<<"$table" &&
        [[ $(grep -c . <<<"$table") -eq 3 ]]
}
check "layer list: each layer's title and the groups that see it" layers_table
show_table() {
    local shown
    shown=$(lab_ctl peer show alice)
    # A key holds '+' and '/': compared as a string, not as a pattern.
    grep -qE '^name: +alice$' <<<"$shown" &&
        [[ $(awk '$1 == "public_key:" { print $2 }' <<<"$shown") == "$new_key" ]] &&
        grep -qE "^ipv6: +$alice_v6\$" <<<"$shown" && ! grep -q '^config' <<<"$shown"
}
check "peer show: one line per field, alice's new key and her IPv6 address" show_table

carol_key=$(wg genkey | wg pubkey)
lab_ctl peer add carol --public-key "$carol_key" --groups daylight >"$LAB_DIR/carol.conf"
carol_config_again() {
    lab_ctl peer config carol >"$LAB_DIR/carol-again.conf" &&
        cmp -s "$LAB_DIR/carol.conf" "$LAB_DIR/carol-again.conf" &&
        grep -q '^# PrivateKey = $' "$LAB_DIR/carol-again.conf"
}
check "peer config: a peer that made its own key gets the same config again, key left out" \
    carol_config_again
appliance_key_refused() {
    set +e
    lab_ctl peer config alice >"$LAB_DIR/alice-again.out" 2>/dev/null
    local s=$?
    set -e
    [[ $s -eq 2 && ! -s $LAB_DIR/alice-again.out ]]
}
check "peer config: refused (exit 2, nothing on stdout) for a key the appliance made" \
    appliance_key_refused
audit_table() {
    local table
    table=$(lab_ctl audit --since 1h)
    head -1 <<<"$table" | grep -qE '^TIME +UID +ACTION +PEER +DETAILS$' &&
        grep -qE '^20[^ ]+Z +0 +peer\.revoke +bob ' <<<"$table"
}
check "audit --since 1h: a table with bob's revocation by uid 0" audit_table
qr_png_unwritable() {
    set +e
    lab_ctl peer rotate carol --qr-png /nonexistent/dir/carol.png >/dev/null 2>"$LAB_DIR/qr.err"
    local s=$?
    set -e
    [[ $s -eq 1 ]] && grep -q '/nonexistent/dir/carol.png' "$LAB_DIR/qr.err"
}
check "--qr-png to a path that cannot be written: exit 1 naming it" qr_png_unwritable

# --- no key ever logged ---------------------------------------------------------
# Every private and preshared key the appliance issued, and its own
# private key: none may appear in the log or the audit trail.
lab_ctl audit --json >"$LAB_DIR/audit.json"
secrets() {
    sed -n -E 's/^(PrivateKey|PresharedKey) = (.+)$/\2/p' "$LAB_DIR"/*.conf | sort -u
    cat "$LAB_DIR/state/"*key* 2>/dev/null || true
}
secrets >"$LAB_DIR/secrets.txt"
enough_secrets() { [[ $(grep -c . "$LAB_DIR/secrets.txt") -ge 30 ]]; }
check "secrets collected from $(ls "$LAB_DIR"/*.conf | wc -l) configs and the state dir ($(grep -c . "$LAB_DIR/secrets.txt"))" \
    enough_secrets
no_secret_in() { ! grep -F -f "$LAB_DIR/secrets.txt" "$1"; }
check "no private or preshared key in the daemon's log" no_secret_in "$log"
check "no private or preshared key in the audit trail" no_secret_in "$LAB_DIR/audit.json"
public_logged() { grep -q "PUBLIC_KEY=" "$log"; }
check "(the grep can find keys: the log names the server's public key)" public_logged

check_summary
