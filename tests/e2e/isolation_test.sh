#!/usr/bin/env bash
# End to end: one peer cannot hurt another. wmsgated in a namespace with a
# single render thread and small limits; alice and bob are real WireGuard
# peers. Checks each isolation mechanism once: a connection over the peer's
# cap is refused, an abandoned request is not rendered, a request of a peer
# revoked while it waits is not rendered, a slow request head is closed at
# its deadline. Deadlines here are generous; speed is the bench's business
# (bench/isolation).
set -euo pipefail

E2E_ON_EXIT='tail -5 "$LAB_DIR/wmsgated.log" 2>/dev/null'
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin isolation_test i

lab_make_layers "$layers"
lab_create_network
lab_write_config "$LAB_DIR/wmsgate.toml" "$layers"
# One render thread, so that one long render makes every other request wait;
# a budget large enough for a render of several seconds to block it.
sed -i '/^\[wms\]/a render_threads = 1\nmax_connections_per_peer = 4\nrequest_timeout = 2\nmax_request_pixels = 268435456' \
    "$LAB_DIR/wmsgate.toml"
lab_start_appliance "$LAB_DIR/wmsgate.toml"
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups night >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"

log=$LAB_DIR/wmsgated.log
url="http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms"
getmap="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&FORMAT=image/png"
# 16 layers at 4096x4096: seconds of rendering on the single render thread.
heavy() { printf '%s&LAYERS=%s&WIDTH=4096&HEIGHT=4096' "$getmap" "$(printf "$1,%.0s" {1..15})$1"; }

# Access lines of `peer` whose fields match the extended regex.
access_lines() { grep -E " PEER=$1 " "$log" | grep -E "$2"; }

lab_wms alice "SERVICE=WMS&REQUEST=GetCapabilities" >/dev/null
lab_wms bob "SERVICE=WMS&REQUEST=GetCapabilities" >/dev/null

# 1. Connection cap: bob holds 4 idle connections; his 5th is reset before
# any answer, and alice is still served.
lab_in bob /usr/bin/python3 - "$LAB_TUNNEL_ADDRESS" "$LAB_WMS_PORT" >"$LAB_DIR/cap.out" <<'PY' &
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
held = [socket.create_connection((host, port), timeout=10) for _ in range(4)]
time.sleep(0.5)
extra = socket.create_connection((host, port), timeout=10)
try:
    extra.sendall(b"GET /wms?SERVICE=WMS&REQUEST=GetCapabilities HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = extra.recv(100)
except OSError:
    answer = b""
print("refused" if answer == b"" else "answered")
sys.stdout.flush()
time.sleep(1.5)
PY
cap_pid=$!
sleep 1
check "alice is served while bob holds his connection cap" \
    eval 'lab_wms alice "SERVICE=WMS&REQUEST=GetCapabilities" | grep -q blue-marble'
wait "$cap_pid" || true
check "bob's connection over his cap gets no answer" grep -qx refused "$LAB_DIR/cap.out"
summary_names_bob() { grep -E "connections refused" "$log" | grep -E "PEER_LIMIT=[1-9]" | grep -q "PEER=bob"; }
check "refusals are logged as a summary naming bob" e2e_eventually 20 summary_names_bob

# 2. Abandoned request: while bob's heavy map holds the render thread,
# alice's request gives up after 0.5 s; it is dropped, never rendered.
lab_in bob curl -sS -o /dev/null --max-time 60 "$url?$(heavy night-lights)" 2>/dev/null &
heavy_pid=$!
sleep 0.3
lab_in alice curl -sS -o /dev/null --max-time 0.5 "$url?$getmap&LAYERS=blue-marble&WIDTH=256&HEIGHT=128" 2>/dev/null || true
alice_dropped() { access_lines alice "DELIVERY=\"?client left" | grep -q "left before the render started"; }
check "alice's abandoned request is dropped before it renders" e2e_eventually 60 alice_dropped

# 3. Revoked mid-queue: alice's heavy map holds the render thread, bob's
# request waits behind it, bob is revoked: his request is never rendered.
wait "$heavy_pid" || true
lab_in alice curl -sS -o /dev/null --max-time 60 "$url?$(heavy blue-marble)" 2>/dev/null &
heavy_pid=$!
sleep 0.5
set +e
lab_in bob curl -sS -o "$LAB_DIR/bob.png" --max-time 60 "$url?$getmap&LAYERS=night-lights&WIDTH=256&HEIGHT=128" 2>/dev/null &
bob_pid=$!
sleep 0.5
lab_ctl peer revoke bob >/dev/null
wait "$bob_pid"
bob_status=$?
set -e
check "bob's queued request fails once he is revoked" test "$bob_status" -ne 0
bob_not_rendered() { access_lines bob "DELIVERY=\"?revoked" | grep -q "REQUEST=GetMap"; }
check "bob's queued request is logged as revoked, not rendered" e2e_eventually 60 bob_not_rendered
never_200() { ! access_lines bob "REQUEST=GetMap LAYER=night-lights STATUS=200"; }
check "no GetMap of bob's was answered" never_200
wait "$heavy_pid" || true

# 4. Slow header: one byte every 0.3 s; the 2 s deadline for the whole head
# closes the connection all the same (generously: within 10 s).
lab_in alice /usr/bin/python3 - "$LAB_TUNNEL_ADDRESS" "$LAB_WMS_PORT" >"$LAB_DIR/slow.out" <<'PY'
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, port), timeout=10)
began = time.monotonic()
s.sendall(b"GET /wms HTTP/1.1\r\nHost: x\r\n")
s.settimeout(0.3)
closed = None
while time.monotonic() - began < 30:
    try:
        s.sendall(b"X")
        if s.recv(1) == b"":
            closed = time.monotonic() - began
            break
    except socket.timeout:
        continue
    except OSError:
        closed = time.monotonic() - began
        break
print("never" if closed is None else f"{closed:.1f}")
PY
closed_in_time() { [[ $(cat "$LAB_DIR/slow.out") != never ]] && awk '{exit !($1 < 10)}' "$LAB_DIR/slow.out"; }
check "a slow request head is closed at its deadline ($(cat "$LAB_DIR/slow.out") s)" closed_in_time

check "wmsgated is still running" kill -0 "${LAB_PIDS[0]}"
check_summary
