#!/usr/bin/env bash
# The system test: wmsgate the way it ships. Builds the .deb with cpack,
# boots a Debian 12 VM under qemu (TCG; Debian's own kernel, so kernel
# WireGuard is real; systemd as PID 1) from a debootstrap image cached in
# CACHE_DIR (make_image.sh), installs the package there with apt-get and runs
# guest_checks.sh: once with backend = "kernel" and once with "uapi"
# (wireguard-go as the service's child), each in its own VM, the two side by
# side when the machine has two cores.
#
#   run_system_vm.sh CACHE_DIR BUILD_DIR [BACKEND...]     (default: kernel uapi)
#
# Each VM boots twice on its own copy of the image (the checks span a
# reboot: the enabled service must come up by itself). Judged by the markers
# the guest prints on its serial console, never by qemu's exit status.
#
# Exit status: 0 when every backend's VM printed PASS; 77 (skip) only when
# qemu or the Debian mirror cannot be had and CI is not set (in CI that is a
# failure: the test must really run there); 1 otherwise.
#
# Environment: WMSGATE_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# WMSGATE_SYSTEM_VM_SERIAL=1 to run the VMs one after the other.
set -euo pipefail

SKIP=77
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -ge 2 ]] || { echo "usage: $0 CACHE_DIR BUILD_DIR [BACKEND...]" >&2; exit 2; }
cache=$1
build=$2
shift 2
backends=("$@")
((${#backends[@]})) || backends=(kernel uapi)
mirror=${WMSGATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PATH=$PATH:/usr/sbin:/sbin
started=$SECONDS

skip() {
    if [[ ${CI:-} == true ]]; then
        echo "FAIL: $* (CI=true: the system test must run in CI)"
        exit 1
    fi
    echo "SKIP: $*"
    exit $SKIP
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not found (scripts/setup.sh installs qemu-system-x86)"
for tool in cpack dpkg-deb debootstrap mkfs.ext4 gdal_translate curl; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/setup.sh installs it)"; exit 1; }
done
[[ $EUID -eq 0 ]] || { echo "FAIL: needs root (debootstrap)"; exit 1; }
[[ -f $build/CPackConfig.cmake ]] || { echo "FAIL: no $build/CPackConfig.cmake (configure the build first)"; exit 1; }
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

work=$(mktemp -d "$cache/run.XXXXXX")
vm_pids=()
cleanup() {
    local pid
    for pid in "${vm_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${vm_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    # qemu itself, should a VM's runner have been killed before it.
    for f in "$work"/*.qemu.pid; do
        [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== the package: cpack -G DEB --config $build/CPackConfig.cmake"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
    { tail -n 30 "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$work"/out/wmsgate_*_amd64.deb)
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"

# The image holds the package's dependencies (first of each alternative), so
# the guest installs it without a network, as apt would resolve them.
depends=$(dpkg-deb -f "$deb" Depends)
mapfile -t dep_packages < <(tr ',' '\n' <<<"$depends" | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' \
    -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$')
echo "Depends: $depends"

echo "== the image (cached in $cache)"
status=0
image=$("$here/make_image.sh" "$cache" "$mirror" "${dep_packages[@]}") || status=$?
if ((status == SKIP)); then skip "the Debian mirror $mirror cannot be reached"; fi
((status == 0)) || { echo "FAIL: making the image"; exit 1; }
echo "image: $image ($(cat "$image/kernel-version"))"

# Two small GeoTIFFs from Debian's xplanet-images (NASA Blue Marble, not
# copyrighted), georeferenced to EPSG:4326: the layers the guest serves.
maps=$cache/maps
if [[ ! -s $maps/night.tif ]]; then
    mkdir -p "$maps"
    for pair in ortho:earth night:night; do
        src=/usr/share/xplanet/images/${pair#*:}.jpg
        [[ -s $src ]] || { echo "FAIL: $src missing (scripts/setup.sh installs xplanet-images)"; exit 1; }
        gdal_translate -q -of GTiff -outsize 512 256 -a_srs EPSG:4326 -a_ullr -180 90 180 -90 \
            "$src" "$maps/${pair%%:*}.tif"
    done
fi

# run_backend BACKEND: both boots of one VM; its console in $work/BACKEND.bootN.log.
run_backend() {
    local backend=$1 payload=$work/payload-$1 disk=$work/$1.img n marker
    marker="WMSGATE-SYSTEM-VM[$backend]"
    mkdir -p "$payload/maps"
    cp "$here/guest_checks.sh" "$here/../../lib/check.sh" "$deb" "$payload/"
    cp "$maps"/*.tif "$payload/maps/"
    echo "$backend" >"$payload/backend"
    truncate -s 64M "$work/$backend.payload.img"
    mkfs.ext4 -q -F -d "$payload" "$work/$backend.payload.img"
    cp --sparse=always "$image/root.img" "$disk"
    for n in 1 2; do
        local log=$work/$backend.boot$n.log boot_started=$SECONDS qemu_status=0
        echo "[$backend] boot $n"
        timeout 900 qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand -smp 1 -m 1536 \
            -nodefaults -no-user-config -display none -no-reboot -serial stdio \
            -pidfile "$work/$backend.qemu.pid" \
            -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
            -append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 panic=-1 systemd.show_status=error" \
            -drive "file=$disk,format=raw,if=virtio,cache=unsafe" \
            -drive "file=$work/$backend.payload.img,format=raw,if=virtio,readonly=on" \
            </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" | sed -u "s/^/[$backend] /" || qemu_status=$?
        echo "[$backend] boot $n took $((SECONDS - boot_started)) s (qemu/timeout status $qemu_status)"
        if ((n == 1)) && ! grep -qF "$marker boot 1 done" "$log"; then
            echo "[$backend] boot 1 did not finish: no second boot"
            return 1
        fi
    done
    grep -qxF "$marker: PASS" "$work/$backend.boot2.log"
}

declare -A result
if [[ ${WMSGATE_SYSTEM_VM_SERIAL:-} == 1 || $(nproc) -lt 2 ]]; then
    for backend in "${backends[@]}"; do
        if run_backend "$backend"; then result[$backend]=PASS; else result[$backend]=FAIL; fi
    done
else
    declare -A pid_of
    for backend in "${backends[@]}"; do
        run_backend "$backend" &
        pid_of[$backend]=$!
        vm_pids+=("$!")
    done
    for backend in "${backends[@]}"; do
        if wait "${pid_of[$backend]}"; then result[$backend]=PASS; else result[$backend]=FAIL; fi
    done
fi

# The consoles stay for a look after the run.
rm -rf "$cache/last-run"
mkdir -p "$cache/last-run"
cp "$work"/*.log "$cache/last-run/" 2>/dev/null || true

echo
echo "== system test summary ($((SECONDS - started)) s in all; consoles in $cache/last-run)"
failed=0
for backend in "${backends[@]}"; do
    logs=("$work/$backend".boot*.log)
    echo "$backend: ${result[$backend]}; $(grep -h '^BOOT-TO-READY' "${logs[@]}" 2>/dev/null || echo 'no boot-to-ready time')"
    grep -h '^FAILED: ' "${logs[@]}" 2>/dev/null | sed "s/^/  [$backend] /" || true
    [[ ${result[$backend]} == PASS ]] || failed=$((failed + 1))
done
echo "$((${#backends[@]} - failed)) passed, $failed failed"
((failed == 0))
