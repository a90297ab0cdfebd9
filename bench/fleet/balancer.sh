#!/usr/bin/env bash
# Maps per second through the fleet's nftables balancer, with both clients'
# flows on one appliance and then one flow on each of two, with the CPU
# time each namespace used (appliances: wmsgated + wireguard-go; clients:
# their wireguard-go and load generator). On two cores the ratio says
# little: everything shares the same two. Root; the lab of
# tests/lib/fleet_lab.sh with a temporary PostgreSQL 15. Prints figures.
# Usage: bench/fleet/balancer.sh [SECONDS] [THREADS_PER_CLIENT]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/lib/e2e.sh"
source "$repo/tests/support/pg_cluster.sh"
source "$repo/tests/lib/fleet_lab.sh"
e2e_begin fleet_balancer_bench g
seconds=${1:-20}
threads=${2:-2}
E2E_ON_EXIT='pg_cluster_destroy; rm -f /var/run/wireguard/wg${LAB_TAG}car.sock /var/run/wireguard/wg${LAB_TAG}A.sock /var/run/wireguard/wg${LAB_TAG}B.sock'
fleet_lab_database
lab_make_layers "$layers"
fleet_lab_network
# Flows in turn: alice's to A, bob's to B (as in the fleet test).
balance 'numgen inc mod 2 map { 0 : 192.168.78.11, 1 : 192.168.78.12 }'
write_config A
write_config B
start_appliance A
install -m 0600 "$LAB_DIR/stateA/server.key" "$LAB_DIR/stateB/server.key"
start_appliance B
answers() { lab_wms "$1" "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities" -o /dev/null --max-time 1 2>/dev/null; }
connect() {
    ctl A peer add "$1" --groups daylight >"$LAB_DIR/$1.conf"
    lab_connect_client "$1" "$LAB_DIR/$1.conf"
    e2e_eventually 5 answers "$1" || lab_die "$1 gets no answer"
}

cpu_ticks() {  # namespace: utime + stime of its processes, in clock ticks
    local pid total=0
    for pid in $(ip netns pids "$(lab_ns "$1")"); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

load() {  # client: maps answered in $seconds by $threads keep-alive connections
    lab_in "$1" /usr/bin/python3 - "$seconds" "$threads" <<'PY'
import http.client, sys, threading, time
seconds, threads = float(sys.argv[1]), int(sys.argv[2])
path = ("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES="
        "&CRS=CRS:84&BBOX=-20,30,20,60&WIDTH=256&HEIGHT=256&FORMAT=image/png")
count = [0] * threads
def run(i):
    conn = http.client.HTTPConnection("10.77.0.1", 8080, timeout=10)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        if r.status == 200:
            count[i] += 1
ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(count))
PY
}

measure() {  # label, two clients
    local ns before=() after=() i=0
    local spaces=(appa appb "$2" "$3")
    for ns in "${spaces[@]}"; do before+=("$(cpu_ticks "$ns")"); done
    load "$2" >"$LAB_DIR/$2.count" &
    local a=$!
    load "$3" >"$LAB_DIR/$3.count" &
    wait "$a" $!
    for ns in "${spaces[@]}"; do after+=("$(cpu_ticks "$ns")"); done
    local maps=$(($(cat "$LAB_DIR/$2.count") + $(cat "$LAB_DIR/$3.count")))
    local hz split=""
    hz=$(getconf CLK_TCK)
    for ns in "${spaces[@]}"; do
        split+=$(awk -v t=$((after[i] - before[i])) -v hz="$hz" -v s="$seconds" -v n="$ns" \
            'BEGIN { printf " %s %.0f%%", n, 100 * t / hz / s }')
        i=$((i + 1))
    done
    awk -v m="$maps" -v s="$seconds" -v l="$1" -v c="$split" \
        'BEGIN { printf "%-36s %6.1f maps/s   CPU (of one core):%s\n", l, m / s, c }'
}

connect alice
connect bob
handshook_on A alice && handshook_on B bob || lab_die "the flows did not land on A and B"
measure "two appliances (alice on A, bob on B)" alice bob

# One appliance: new flows only to A; carol's new flow lands there beside alice's.
balance '192.168.78.11'
connect carol
handshook_on A carol || lab_die "carol's flow did not land on A"
measure "one appliance (alice and carol on A)" alice carol
