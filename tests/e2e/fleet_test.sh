#!/usr/bin/env bash
# End to end, a fleet: two appliances sharing one PostgreSQL 15 registry (a
# temporary cluster), behind an nftables DNAT balancer, with three clients.
#
#   alice, bob, carol --LAN 192.168.77.0/24-- lb (.10, DNAT udp/51820)
#                                             |  192.168.78.0/24
#                                    appa (.11)     appb (.12)
#
# Both appliances have the same server key and tunnel address; the
# balancer hands new flows out in turn (numgen), so alice and carol land on
# appa and bob on appb. Shown: a key that differs from the fleet's is
# refused naming both; a peer issued on A maps through B; `peer list` is the
# same on both; `peer set` on one applies on the other; revoke on B cuts A's
# download within 1 s; PostgreSQL stopped: maps still served, `peer add`
# refused clearly, status and /metrics say so; restarted: changes flow
# again; A killed: carol's traffic resumes through B after its next
# handshake (the time is printed).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
source "$repo/tests/support/pg_cluster.sh"
source "$repo/tests/lib/fleet_lab.sh"
e2e_begin fleet_test f
for tool in nft conntrack; do
    command -v $tool >/dev/null || { echo "fleet_test: needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done

E2E_ON_EXIT='fleet_on_exit'
fleet_on_exit() {
    if [[ $check_failed -ne 0 || ${fleet_done:-0} -ne 1 ]]; then
        for log in "$LAB_DIR"/*.log; do echo "--- $log"; tail -20 "$log"; done
    fi
    pg_cluster_destroy
    rm -f "/var/run/wireguard/wg${LAB_TAG}car.sock" "/var/run/wireguard/wg${LAB_TAG}A.sock" \
        "/var/run/wireguard/wg${LAB_TAG}B.sock"
}

fleet_lab_database

lab_make_layers "$layers"

# --- the network, the balancer, the appliances (tests/lib/fleet_lab.sh) -------
fleet_lab_network
balance 'numgen inc mod 2 map { 0 : 192.168.78.11, 1 : 192.168.78.12 }'
write_config A
write_config B
start_appliance A
# A fleet shares one server key: B gets A's (provisioned by the admin).
install -m 0600 "$LAB_DIR/stateA/server.key" "$LAB_DIR/stateB/server.key"

# An appliance with a key of its own is refused, and the refusal names both.
write_config C
set +e
lab_in appb "$LAB_BIN/wmsgated" --config "$LAB_DIR/C.toml" 2>"$LAB_DIR/refused.log"
refused_status=$?
set -e
fleet_key=$(lab_in appa wg show "wg${LAB_TAG}A" public-key)
own_key=$(wg pubkey <"$LAB_DIR/stateC/server.key")
names_both() { grep -qF "$own_key" "$LAB_DIR/refused.log" && grep -qF "$fleet_key" "$LAB_DIR/refused.log"; }
check "an appliance whose server key differs from the fleet's refuses to start" test "$refused_status" -ne 0
check "... naming both keys" names_both

start_appliance B

# --- peers issued on one, served by the other ---------------------------------
ctl B peer add alice --groups daylight >"$LAB_DIR/alice.conf"
ctl A peer add bob --groups daylight,night >"$LAB_DIR/bob.conf"
ctl B peer add carol --groups night >"$LAB_DIR/carol.conf"
capabilities="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
small_map="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=256&HEIGHT=128&FORMAT=image/png"
# In turn, so the balancer's placement is known: alice A, bob B, carol A.
is_png() { head -c 8 "$1" | grep -q PNG; }
for host in alice bob carol; do
    lab_connect_client "$host" "$LAB_DIR/$host.conf"
    e2e_eventually 10 lab_wms "$host" "$capabilities" -o /dev/null --max-time 2 ||
        lab_die "$host gets no answer"
done
check "alice's flow went to appliance A" handshook_on A alice
check "bob's flow went to appliance B" handshook_on B bob
lab_wms bob "$small_map" -o "$LAB_DIR/bob.png"
check "bob, issued on A, gets a map through B" is_png "$LAB_DIR/bob.png"
a_never_saw_bob() { ! handshook_on A bob; }
check "... and A never saw bob" a_never_saw_bob
lists_equal() { diff <(ctl A peer list --json) <(ctl B peer list --json) >/dev/null; }
check "peer list is identical on A and B" lists_equal

# --- a change on one applies on all ------------------------------------------
caps_layers() { lab_wms "$1" "$capabilities" | grep -o -E '<Name>(blue-marble|night-lights)</Name>' | sort | tr '\n' ' '; }
ctl A peer set carol --groups daylight >/dev/null
check "peer set on A: carol sees blue-marble at once" test "$(caps_layers carol)" = "<Name>blue-marble</Name> "
ctl A peer set bob --groups night >/dev/null
night_only() { test "$(caps_layers bob)" = "<Name>night-lights</Name> "; }
check "peer set on A applies on B within 1 s" e2e_eventually 1 night_only

# --- revoke on B cuts a download on A --------------------------------------------
getmap_path="/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=4096&HEIGHT=2048&FORMAT=image/png"
lab_in alice /usr/bin/python3 "$repo/tests/e2e/revocation_probe.py" 10.77.0.1 8080 \
    "$getmap_path" "/wms?$capabilities" \
    ip netns exec "$(lab_ns appb)" "$LAB_BIN/wmsgatectl" --socket "$LAB_DIR/controlB.sock" \
    peer revoke alice >"$LAB_DIR/probe.json"
cat "$LAB_DIR/probe.json"
probe() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$LAB_DIR/probe.json')); sys.exit(0 if ($1) else 1)"; }
check "revoke on B succeeded while alice downloaded from A" \
    probe 'd["revoke_status"] == 0 and d["download_bytes_before"] > 0'
check "A cut alice's download within 1 s of the revoke on B returning, and it never finished" \
    probe '(d["download_last_byte_after_return"] or 0) < 1.0 and not d["download_eof"]'
/usr/bin/python3 -c "import json; d=json.load(open('$LAB_DIR/probe.json')); print('fleet revocation: last byte on A %.3f s after revoke on B returned' % (d['download_last_byte_after_return'] or 0))"

# --- PostgreSQL stopped: fail static ----------------------------------------------
pg_cluster_stop
lab_wms bob "${small_map/blue-marble/night-lights}" -o "$LAB_DIR/static.png"
check "with PostgreSQL stopped bob still gets maps" is_png "$LAB_DIR/static.png"
set +e
ctl B peer add dave >/dev/null 2>"$LAB_DIR/refused-add.err"
add_status=$?
set -e
check "peer add is refused while PostgreSQL is away" test "$add_status" -ne 0
check "... saying why" grep -q "cannot be reached" "$LAB_DIR/refused-add.err"
unreachable() { ctl B status --json | grep -q '"state": "unreachable"'; }
check "status shows the registry unreachable" e2e_eventually 2 unreachable
# carol (group daylight, the metrics group) scrapes A.
metrics_unreachable() {
    lab_in carol curl -sS --max-time 3 "http://10.77.0.1:8080/metrics" |
        grep -qx 'wmsgate_registry_reachable 0'
}
check "/metrics shows wmsgate_registry_reachable 0" metrics_unreachable

# --- PostgreSQL back: changes flow again --------------------------------------------
pg_cluster_start
reachable() { ctl B status --json | grep -q '"state": "reachable"'; }
check "status shows the registry reachable again within 2 s" e2e_eventually 2 reachable
add_dave() { ctl B peer add dave >/dev/null; }
check "peer add works again" add_dave
ctl B peer set carol --groups night >/dev/null
carol_night() { test "$(caps_layers carol)" = "<Name>night-lights</Name> "; }
check "peer set on B applies on A again within 1 s" e2e_eventually 1 carol_night

# --- A dies: carol's traffic resumes through B --------------------------------------
for pid in $(ip netns pids "$(lab_ns appa)"); do kill -9 "$pid" 2>/dev/null || true; done
# What a health check does: new flows only to B, A's flows forgotten.
balance '192.168.78.12'
lab_in lb conntrack -D -p udp --orig-dst 192.168.77.10 >/dev/null 2>&1 || true
started=$(date +%s.%N)
resumed() { lab_wms carol "$capabilities" -o /dev/null --max-time 2 2>/dev/null; }
check "carol's requests are answered by B after her next handshake" e2e_eventually 40 resumed
ended=$(date +%s.%N)
awk -v s="$started" -v e="$ended" \
    'BEGIN { printf "fleet failover: carol answered through B %.1f s after A was killed\n", e - s }'
check "... and B now has carol's handshake" handshook_on B carol

fleet_done=1
check_summary
