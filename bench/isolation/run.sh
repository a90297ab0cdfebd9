#!/usr/bin/env bash
# Isolation benchmark: the real wmsgated in a namespace behind wireguard-go,
# alice fetching a 256x256 PNG every 100 ms while mallory (the lab's bob,
# granted one layer) attacks. Prints alice's latency alone and under each
# attack, the daemon's CPU and memory. Needs root; not run in CI.
#   bench/isolation/run.sh [SECONDS_PER_PHASE]   (default 15)
# LAB_BIN (default build/bin) names the binaries to measure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
[[ $EUID -eq 0 ]] || { echo "run.sh: needs root for network namespaces" >&2; exit 1; }
seconds=${1:-15}

LAB_TAG=b$(($$ % 100000))
LAB_PREFIX="wmsgate-$LAB_TAG-"
LAB_DIR=$(mktemp -d /tmp/wmsgate-iso-bench.XXXXXX)
source "$repo/scripts/lib/lab.sh"
attack_pid=
cleanup() {
    [[ -n $attack_pid ]] && kill "$attack_pid" 2>/dev/null || true
    lab_cleanup
    rm -rf "$LAB_DIR"
}
trap cleanup EXIT

layers=${LAB_LAYERS:-$repo/build/demo-layers}
lab_make_layers "$layers"
lab_create_network
lab_write_config "$LAB_DIR/wmsgate.toml" "$layers"
# systemd's default soft limit on open files; the daemon must live with it.
ulimit -Sn 1024
lab_start_appliance "$LAB_DIR/wmsgate.toml"
# `ip netns exec` may stay as wmsgated's parent: measure the daemon itself.
daemon=$(lab_pids_named appliance wmsgated)
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups night >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"
lab_wms alice "SERVICE=WMS&REQUEST=GetCapabilities" >/dev/null
lab_wms bob "SERVICE=WMS&REQUEST=GetCapabilities" >/dev/null

ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$daemon/status"; }
hwm_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$daemon/status"; }
fds() { ls "/proc/$daemon/fd" | wc -l; }
hz=$(getconf CLK_TCK)

# One phase: start the attack (if any), let it settle, measure alice and the
# daemon for $seconds, stop the attack.
phase() {
    local name=$1
    shift
    if [[ $# -gt 0 ]]; then
        # `ip netns exec` execs python in place (lab_in, a shell function,
        # would leave a subshell as $!): the PID killed is the attacker's.
        ip netns exec "$(lab_ns bob)" /usr/bin/python3 "$here/attack.py" "$LAB_TUNNEL_ADDRESS" \
            "$LAB_WMS_PORT" "$@" >/dev/null 2>&1 &
        attack_pid=$!
        sleep 3
    fi
    local t0 c0 t1 c1 result
    t0=$(date +%s.%N)
    c0=$(ticks)
    result=$(lab_in alice /usr/bin/python3 "$here/probe.py" "$LAB_TUNNEL_ADDRESS" "$LAB_WMS_PORT" "$seconds")
    t1=$(date +%s.%N)
    c1=$(ticks)
    local open_fds rss
    open_fds=$(fds)
    rss=$(rss_mb)
    if [[ -n $attack_pid ]]; then
        kill "$attack_pid" 2>/dev/null || true
        wait "$attack_pid" 2>/dev/null || true
        attack_pid=
    fi
    local cpu
    cpu=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v hz="$hz" 'BEGIN {printf "%.1f", 100 * (b - a) / hz / (e - s)}')
    # shellcheck disable=SC2086
    set -- $result
    printf '%-34s %8s %8s %8s %8s %6s %6s %7s %6s %7s\n' "$name" "$1" "$2" "$3" "$4" "$6" "$5" "$cpu" "$open_fds" "$rss"
    echo "$name $3" >>"$LAB_DIR/p99"
    # Let held connections time out before the next phase.
    sleep 2
}

printf '%s\n' "alice: 256x256 PNG every 100 ms, fresh connection each; mallory: peer with one layer"
printf '%s\n' "daemon: render_threads=2, defaults otherwise; soft fd limit 1024; $seconds s per phase"
printf '%-34s %8s %8s %8s %8s %6s %6s %7s %6s %7s\n' phase p50_ms p95_ms p99_ms max_ms ok fail cpu_% fds rss_MB
phase "alone"
phase "(a) 8 x max-cost GetMap loops" maxcost 8
phase "(a) 64 x max-cost GetMap loops" maxcost 64
phase "(b) 5000 idle connections" idle 5000
phase "(c) 200 slow-header connections" slow 200
phase "(d) connect-and-reset flood" reset 4
phase "alone again"
alone=$(awk '$1 == "alone" {print $2}' "$LAB_DIR/p99")
awk -v alone="$alone" '{ name = $0; sub(/ [^ ]*$/, "", name); printf "%-34s p99 %.1fx alone\n", name, $NF / alone }' "$LAB_DIR/p99"
echo "peak RSS: $(hwm_mb) MB"
grep -c "connections refused" "$LAB_DIR/wmsgated.log" | sed 's/^/refusal summary lines logged: /'
