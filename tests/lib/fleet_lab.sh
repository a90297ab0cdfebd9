# The fleet lab shared by the fleet e2e test and bench/fleet/balancer.sh:
#
#   alice, bob, carol --LAN 192.168.77.0/24-- lb (.10, DNAT udp/51820)
#                                             |  192.168.78.0/24
#                                    appa (.11)     appb (.12)
#
# Source it after tests/lib/e2e.sh (the lab's namespaces, LAB_DIR) and
# tests/support/pg_cluster.sh; set `layers` first, and `dsn` (the registry),
# e.g. with fleet_lab_database.
# Appliances are named by a letter (A, B): namespace app<a>, config
# $LAB_DIR/<A>.toml, state $LAB_DIR/state<A>, $LAB_DIR/control<A>.sock.

# A PostgreSQL cluster of the lab's own, with an empty database `wmsgate`;
# sets `dsn`. Exits 77 (skip) where no cluster can be made. The cluster runs
# as `nobody`, which must reach it through LAB_DIR.
fleet_lab_database() {
    chmod 0711 "$LAB_DIR"
    pg_cluster_init "$LAB_DIR/pg" || exit 77
    pg_cluster_start
    pg_cluster_psql -c "CREATE DATABASE wmsgate" >/dev/null
    dsn=$(pg_cluster_dsn wmsgate)
}

veth() {  # veth from namespace $1 (as eth$3, address $4) into $2's bridge $5
    local name="lab${LAB_TAG}$6"
    ip link add "${name}h" type veth peer name "${name}p"
    ip link set "${name}h" netns "$(lab_ns "$1")" name "eth$3"
    ip link set "${name}p" netns "$(lab_ns "$2")"
    ip -n "$(lab_ns "$2")" link set "${name}p" master "$5" up
    ip -n "$(lab_ns "$1")" addr add "$4" dev "eth$3"
    ip -n "$(lab_ns "$1")" link set "eth$3" up
}
fleet_lab_network() {
    for ns in lan lb appa appb alice bob carol; do lab_add_namespace "$ns"; done
    ip -n "$(lab_ns lan)" link add br0 type bridge
    ip -n "$(lab_ns lan)" link set br0 up
    ip -n "$(lab_ns lb)" link add br1 type bridge
    ip -n "$(lab_ns lb)" link set br1 up
    ip -n "$(lab_ns lb)" addr add 192.168.78.254/24 dev br1
    veth alice lan 0 192.168.77.1/24 br0 c1
    veth bob lan 0 192.168.77.2/24 br0 c2
    veth carol lan 0 192.168.77.3/24 br0 c3
    veth lb lan 0 192.168.77.10/24 br0 l0
    veth appa lb 0 192.168.78.11/24 br1 a0
    veth appb lb 0 192.168.78.12/24 br1 b0
    for app in appa appb; do ip -n "$(lab_ns $app)" route add default via 192.168.78.254; done
    lab_in lb sysctl -qw net.ipv4.ip_forward=1
}

# The balancer: each new UDP flow to 192.168.77.10:51820 goes to the next
# appliance in turn, and conntrack keeps the flow there; replies are
# translated back by conntrack. (jhash ip saddr . udp sport instead of
# numgen spreads by hash; numgen makes the placement known.)
balance() {  # where to: an address, or a map expression over the appliances
    lab_in lb nft -f - <<NFT
flush ruleset
table ip fleet {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        ip daddr 192.168.77.10 udp dport 51820 dnat to $1
    }
}
NFT
}

write_config() {  # appliance letter
    mkdir -p "$LAB_DIR/state$1"
    cat >"$LAB_DIR/$1.toml" <<TOML
[daemon]
state_dir = "$LAB_DIR/state$1"
control_socket = "$LAB_DIR/control$1.sock"

[interface]
name = "wg${LAB_TAG}$1"
listen_port = 51820
address = ["10.77.0.1/24"]
endpoint = "192.168.77.10:51820"
backend = "uapi"

[registry]
backend = "postgresql"
dsn = "$dsn"

[wms]
port = 8080

[[layer]]
name = "blue-marble"
source = "$layers/blue-marble.tif"

[[layer]]
name = "night-lights"
source = "$layers/night-lights.tif"

[[group]]
name = "daylight"
layers = ["blue-marble"]

[[group]]
name = "night"
layers = ["night-lights"]

[metrics]
group = "daylight"
TOML
}
ctl() { local a=$1; shift; lab_in "app${a,,}" "$LAB_BIN/wmsgatectl" --socket "$LAB_DIR/control$a.sock" "$@"; }
start_appliance() {  # letter
    lab_in "app${1,,}" "$LAB_BIN/wmsgated" --config "$LAB_DIR/$1.toml" 2>"$LAB_DIR/wmsgated$1.log" &
    LAB_PIDS+=($!)
    eval "pid_$1=$!"
    e2e_eventually 10 ctl "$1" peer list >/dev/null 2>&1 || lab_die "appliance $1 did not come up"
}
handshook_on() {  # appliance letter, client: the client's key has a handshake there
    local key
    key=$(ctl "$1" peer show "$2" --json | sed -n -E 's/.*"public_key": "([^"]+)".*/\1/p')
    lab_in "app${1,,}" wg show "wg${LAB_TAG}$1" latest-handshakes | awk -v k="$key" '$1 == k && $2 > 0' | grep -q .
}
