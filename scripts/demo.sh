#!/usr/bin/env bash
# The wmsgate demo: an appliance and two clients in network namespaces, real
# NASA imagery fetched through WireGuard. Sets up everything it needs first.
# Usage: sudo scripts/demo.sh        (results in demo-out/)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $EUID -eq 0 ]] || { echo "demo.sh: run as root: sudo $0" >&2; exit 1; }

"$repo/scripts/setup.sh"

# The demo's names are fixed; refuse to trample on namespaces of the same name.
for ns in appliance alice bob lan; do
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
        echo "demo.sh: network namespace '$ns' already exists; remove it (ip netns del $ns) and retry" >&2
        exit 1
    fi
done

out=$repo/demo-out
rm -rf "$out"
mkdir -p "$out"
LAB_PREFIX=""
LAB_TAG=demo
LAB_DIR=$(mktemp -d /tmp/wmsgate-demo.XXXXXX)
source "$repo/scripts/lib/lab.sh"
trap 'lab_cleanup; rm -rf "$LAB_DIR"' EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

say "Preparing layers from Debian's xplanet-images (NASA Blue Marble)"
lab_make_layers "$repo/build/demo-layers"

say "Creating namespaces appliance, alice, bob and lan on one LAN (192.168.77.0/24)"
lab_create_network

say "Starting wmsgated in 'appliance'"
lab_write_config "$out/wmsgate.toml" "$repo/build/demo-layers"
lab_start_appliance "$out/wmsgate.toml"

say "Issuing peers: alice (group daylight), bob (group night)"
lab_ctl peer add alice --groups daylight >"$out/alice.conf"
lab_ctl peer add bob --groups night >"$out/bob.conf"
lab_ctl peer list

say "Bringing up the clients' tunnels from their issued configs"
lab_connect_client alice "$out/alice.conf"
lab_connect_client bob "$out/bob.conf"

# The named layers in a capabilities document (not service or style names).
layers_of() {
    /usr/bin/python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
ns = "{http://www.opengis.net/wms}"
names = [n.text for n in ET.parse(sys.argv[1]).iter(ns + "Layer") for n in n.findall(ns + "Name")]
print(",".join(names))
PY
}

for who in alice bob; do
    say "$who: GetCapabilities and a map through the tunnel"
    lab_wms "$who" "SERVICE=WMS&REQUEST=GetCapabilities" >"$out/$who-capabilities.xml"
    layer=$(layers_of "$out/$who-capabilities.xml")
    echo "$who sees: $layer"
    lab_wms "$who" "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=$layer&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=1024&HEIGHT=512&FORMAT=image/png" \
        >"$out/$who-$layer.png"
    file "$out/$who-$layer.png" 2>/dev/null || ls -l "$out/$who-$layer.png"
done

say "alice asks for bob's layer: the answer is that of a layer that does not exist"
lab_wms alice "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=night-lights&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png" \
    >"$out/alice-forbidden.xml"
sed -e 's/^/    /' "$out/alice-forbidden.xml"

say "The 'lan' host routes the tunnel prefix via the appliance's LAN address"
lab_in lan ip route add 10.77.0.0/24 via "$LAB_LAN_PREFIX.1"
if lab_in lan curl -sS --max-time 3 -o /dev/null "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms" 2>"$out/lan.err"; then
    lan_result="REACHED THE WMS (this is a bug)"
else
    lan_result="cannot connect ($(head -1 "$out/lan.err"))"
fi

say "Summary"
cat <<SUMMARY | tee "$out/summary.txt"
alice (group daylight) saw: $(layers_of "$out/alice-capabilities.xml")   map: demo-out/alice-blue-marble.png
bob   (group night)    saw: $(layers_of "$out/bob-capabilities.xml")   map: demo-out/bob-night-lights.png
alice asking for night-lights got: $(grep -o 'code="[^"]*"' "$out/alice-forbidden.xml")
lan (no tunnel) to the WMS: $lan_result
SUMMARY
