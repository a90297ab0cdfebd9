#!/bin/sh
# Runs the kernel-backend tests inside Debian's own kernel under qemu: this
# host's kernel may have no WireGuard and may not load modules, but Debian's
# kernel image ships wireguard.ko.
#
#   run_kernel_vm.sh CACHE_DIR TEST_BINARY [ARGS...]
#
# CACHE_DIR keeps the unpacked kernel and busybox between runs (the build
# tree). The kernel image and busybox-static are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`, never installed:
# installing the kernel would run initramfs hooks, and installing
# busybox-static would remove Debian's busybox.
#
# Exit status: 0 only when the VM printed the success marker, which /init
# prints only after the test binary exited 0 (a kernel panic makes qemu exit 0
# without a word, so qemu's own status proves nothing); 77 (skip) only when
# qemu or the kernel image cannot be had; 1 otherwise.
set -eu

SKIP=77
MARKER='WMSGATE-KERNEL-VM: PASS'

[ $# -ge 2 ] || { echo "usage: $0 CACHE_DIR TEST_BINARY [ARGS...]" >&2; exit 2; }
cache=$1
binary=$2
shift 2

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
    echo "SKIP: qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
    exit $SKIP
fi
PATH=$PATH:/usr/sbin:/sbin
for tool in apt-get apt-cache dpkg-deb cpio gzip xz ldd depmod; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool not found (install it)"; exit 1; }
done
[ -x "$binary" ] || { echo "FAIL: no test binary $binary"; exit 1; }
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# apt-get download needs package lists; fetch them once if the first try fails.
download() {
    (cd "$cache" && apt-get download "$1" >/dev/null 2>&1) && return 0
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$cache" && apt-get download "$1" >/dev/null)
}

# Unpacks package $1 into $cache/$1 unless a previous run already did.
unpack() {
    [ -f "$cache/$1/.unpacked" ] && return 0
    rm -f "$cache/$1"_*.deb
    download "$1" || return 1
    rm -rf "$cache/$1"
    dpkg-deb -x "$cache/$1"_*.deb "$cache/$1"
    rm -f "$cache/$1"_*.deb
    touch "$cache/$1/.unpacked"
}

# linux-image-amd64 is a metapackage; the image is the versioned package it
# depends on. Remembered, so reruns need no package lists.
if [ ! -s "$cache/kernel-package" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
    if [ -z "$pkg" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
    fi
    [ -n "$pkg" ] || { echo "SKIP: cannot resolve linux-image-amd64 (no package lists?)"; exit $SKIP; }
    echo "$pkg" > "$cache/kernel-package"
fi
kpkg=$(cat "$cache/kernel-package")
unpack "$kpkg" || { echo "SKIP: cannot download $kpkg"; exit $SKIP; }
unpack busybox-static || { echo "FAIL: cannot download busybox-static"; exit 1; }

kdir=$cache/$kpkg
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || { echo "SKIP: no vmlinuz in $kpkg"; exit $SKIP; }
kver=${vmlinuz##*/vmlinuz-}
moddir=$kdir/lib/modules/$kver
# The package ships no modules.dep (installing it would run depmod): make it
# in the unpacked tree, once.
if [ ! -f "$moddir/modules.dep" ]; then
    depmod -b "$kdir" "$kver" || { echo "FAIL: depmod on the unpacked $kpkg"; exit 1; }
fi

# The modules wireguard needs, dependencies first, as modprobe would order
# them: a depth-first walk of modules.dep (lines "mod: dep dep ...").
ordered=""
add_module() {
    case " $ordered " in *" $1 "*) return 0 ;; esac
    line=$(grep -m 1 "^$1:" "$moddir/modules.dep") || { echo "FAIL: $1 not in modules.dep" >&2; exit 1; }
    for dep in ${line#*:}; do add_module "$dep"; done
    ordered="$ordered $1"
}
wg=$(grep -o -m 1 '^[^:]*/wireguard\.ko[^:]*' "$moddir/modules.dep") ||
    { echo "FAIL: $kpkg has no wireguard module"; exit 1; }
add_module "$wg"

work=$(mktemp -d "$cache/vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/modules" "$root/proc" "$root/sys" "$root/dev" "$root/run" \
    "$root/tmp" "$root/var"
ln -s ../run "$root/var/run"
cp "$cache/busybox-static/bin/busybox" "$root/bin/busybox"

: > "$root/modules/order"
for m in $ordered; do
    name=$(basename "$m")
    case "$name" in
        *.xz) xz -dc "$moddir/$m" > "$root/modules/${name%.xz}"; name=${name%.xz} ;;
        *.zst) zstd -qdc "$moddir/$m" > "$root/modules/${name%.zst}"; name=${name%.zst} ;;
        *) cp "$moddir/$m" "$root/modules/$name" ;;
    esac
    echo "$name" >> "$root/modules/order"
done

# The test binary, its shared libraries and the dynamic loader, at the paths
# ldd reports.
cp "$binary" "$root/wmsgate-tests"
for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done

# $* holds no quotes we would need to keep: gtest flags.
cat > "$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
for m in \$(cat /modules/order); do insmod /modules/\$m || echo "insmod \$m failed"; done
ip link set lo up
GTEST_COLOR=no WMSGATE_REQUIRE_KERNEL_WIREGUARD=1 /wmsgate-tests $*
rc=\$?
if [ \$rc -eq 0 ]; then echo "WMSGATE-KERNEL-VM: PASS"; else echo "WMSGATE-KERNEL-VM: FAIL (exit \$rc)"; fi
sync
poweroff -f
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

log=$work/console.log
status=0
timeout 600 qemu-system-x86_64 -accel tcg -m 256 -smp 1 -cpu qemu64,+rdrand -nodefaults \
    -display none -serial stdio -no-reboot \
    -kernel "$vmlinuz" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 panic=-1 oops=panic cryptomgr.notests quiet" </dev/null | tee "$log" ||
    status=$?
if grep -q "^$MARKER" "$log"; then
    exit 0
fi
echo "FAIL: no success marker from the VM (qemu/timeout status $status)"
exit 1
