# A small WireGuard lab in network namespaces, shared by the demo and the
# end-to-end test: an appliance running wmsgated, WireGuard clients set up
# from the configs it issues, and a plain LAN host, all on one LAN segment.
#
# Source it, set LAB_PREFIX (namespace name prefix, "" for the demo),
# LAB_TAG (short unique tag for interface names, which share
# /var/run/wireguard across namespaces) and LAB_DIR (work folder), then call
# lab_* functions. lab_cleanup removes everything the lab made; install it as
# an EXIT trap.

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_BIN=${LAB_BIN:-$LAB_REPO/build/bin}
LAB_LAN_PREFIX=192.168.77
LAB_TUNNEL_ADDRESS=10.77.0.1
LAB_WMS_PORT=8080
LAB_WG_PORT=51820
LAB_PIDS=()
LAB_NAMESPACES=()

lab_log() { printf '[lab] %s\n' "$*" >&2; }
lab_die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

lab_ns() { printf '%s%s' "$LAB_PREFIX" "$1"; }
lab_in() { local ns; ns=$(lab_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# Georeferences the Blue Marble images of Debian's xplanet-images as
# EPSG:4326 GeoTIFFs with overviews: blue-marble.tif and night-lights.tif.
lab_make_layers() {
    local out=$1 images=/usr/share/xplanet/images
    mkdir -p "$out"
    local src name
    for pair in "earth.jpg:blue-marble" "night.jpg:night-lights"; do
        src=$images/${pair%%:*}
        name=${pair##*:}
        [[ -r $src ]] || lab_die "$src is missing: install xplanet-images (scripts/setup.sh does)"
        [[ -s $out/$name.tif ]] && continue
        gdal_translate -q -of GTiff -a_srs EPSG:4326 -a_ullr -180 90 180 -90 \
            -co TILED=YES -co COMPRESS=DEFLATE "$src" "$out/$name.tmp.tif"
        gdaladdo -q -r average "$out/$name.tmp.tif" 2 4 8
        mv "$out/$name.tmp.tif" "$out/$name.tif"
    done
}

lab_add_namespace() {
    local ns; ns=$(lab_ns "$1")
    ip netns add "$ns"
    LAB_NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
}

# One LAN segment: a bridge inside the "lan" namespace, a veth from every
# other host into it. Host number N gets 192.168.77.N.
lab_create_network() {
    lab_add_namespace lan
    ip -n "$(lab_ns lan)" link add br0 type bridge
    ip -n "$(lab_ns lan)" link set br0 up
    ip -n "$(lab_ns lan)" addr add "$LAB_LAN_PREFIX.254/24" dev br0
    local n=1 host
    for host in appliance alice bob; do
        lab_add_namespace "$host"
        ip link add "lab${LAB_TAG}h$n" type veth peer name "lab${LAB_TAG}p$n"
        ip link set "lab${LAB_TAG}h$n" netns "$(lab_ns "$host")" name eth0
        ip link set "lab${LAB_TAG}p$n" netns "$(lab_ns lan)"
        ip -n "$(lab_ns lan)" link set "lab${LAB_TAG}p$n" master br0 up
        ip -n "$(lab_ns "$host")" addr add "$LAB_LAN_PREFIX.$n/24" dev eth0
        ip -n "$(lab_ns "$host")" link set eth0 up
        n=$((n + 1))
    done
}

lab_write_config() {
    local file=$1 layers=$2
    cat >"$file" <<TOML
[daemon]
state_dir = "$LAB_DIR/state"
control_socket = "$LAB_DIR/control.sock"

[interface]
name = "wg${LAB_TAG}app"
listen_port = $LAB_WG_PORT
address = ["$LAB_TUNNEL_ADDRESS/24"]
endpoint = "$LAB_LAN_PREFIX.1:$LAB_WG_PORT"
backend = "uapi"

[wms]
port = $LAB_WMS_PORT
title = "wmsgate demo: NASA Blue Marble"

[[layer]]
name = "blue-marble"
title = "Blue Marble (NASA)"
source = "$layers/blue-marble.tif"

[[layer]]
name = "night-lights"
title = "Earth at night (NASA)"
source = "$layers/night-lights.tif"

[[group]]
name = "daylight"
layers = ["blue-marble"]

[[group]]
name = "night"
layers = ["night-lights"]
TOML
}

# PIDs of the processes called NAME inside host's namespace. (pgrep alone
# sees every namespace's processes: the namespaces share one PID space.)
lab_pids_named() {
    local pid
    for pid in $(ip netns pids "$(lab_ns "$1")"); do
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] && echo "$pid"
    done
    return 0
}

lab_ctl() { lab_in appliance "$LAB_BIN/wmsgatectl" --socket "$LAB_DIR/control.sock" "$@"; }

lab_start_appliance() {
    local config=$1
    lab_in appliance "$LAB_BIN/wmsgated" --config "$config" 2>"$LAB_DIR/wmsgated.log" &
    LAB_PIDS+=($!)
    local pid=$! i
    for i in $(seq 100); do
        lab_ctl peer list >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$LAB_DIR/wmsgated.log" >&2
    lab_die "wmsgated did not come up"
}

# Brings up host's tunnel from the wg-quick config wmsgatectl issued: the
# wg(8)-level part goes through `wg setconf`; Address and AllowedIPs become
# an address and routes, as wg-quick would do.
lab_connect_client() {
    local host=$1 conf=$2
    local ifname="wg${LAB_TAG}${host:0:3}"
    lab_in "$host" wireguard-go -f "$ifname" >/dev/null 2>&1 &
    LAB_PIDS+=($!)
    local i
    for i in $(seq 50); do
        [[ -S /var/run/wireguard/$ifname.sock ]] && break
        sleep 0.1
    done
    grep -v -E '^[[:space:]]*(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig)[[:space:]]*=' \
        "$conf" >"$conf.wg"
    lab_in "$host" wg setconf "$ifname" "$conf.wg"
    local address
    for address in $(sed -n -E 's/^[[:space:]]*Address[[:space:]]*=[[:space:]]*//p' "$conf" | tr ',' ' '); do
        # nodad: the address is usable at once, not after duplicate detection.
        if [[ $address == *:* ]]; then
            lab_in "$host" ip addr add "$address" dev "$ifname" nodad
        else
            lab_in "$host" ip addr add "$address" dev "$ifname"
        fi
    done
    lab_in "$host" ip link set "$ifname" up
    local route
    for route in $(sed -n -E 's/^[[:space:]]*AllowedIPs[[:space:]]*=[[:space:]]*//p' "$conf" | tr ',' ' '); do
        lab_in "$host" ip route add "$route" dev "$ifname"
    done
}

# A WMS request from a host through the tunnel; the body goes to stdout.
lab_wms() {
    local host=$1 query=$2
    shift 2
    lab_in "$host" curl -sS --fail --max-time 20 "$@" \
        "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms?$query"
}

lab_cleanup() {
    local pid ns
    for pid in "${LAB_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${LAB_PIDS[@]}"; do
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    for ns in "${LAB_NAMESPACES[@]}"; do
        # Children of ours that outlived their parent (wireguard-go after a
        # crashed wmsgated) still live in the namespace.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    # wireguard-go leaves its control socket behind when it dies by a signal;
    # the names are this lab's own (unique per tag).
    local host
    for host in app ali bob; do rm -f "/var/run/wireguard/wg${LAB_TAG}${host}.sock"; done
    LAB_PIDS=()
    LAB_NAMESPACES=()
}
