#!/usr/bin/env bash
# Makes (once) the Debian 12 disk image the system test boots, and prints the
# folder that holds it: root.img (ext4, no partition table), vmlinuz and
# initrd.img (the image's own linux-image-amd64 and the initramfs Debian's
# initramfs-tools made for it while debootstrap installed the kernel).
#
#   make_image.sh CACHE_DIR MIRROR PACKAGE...
#
# The image is debootstrap's minbase plus systemd as PID 1, the kernel, the
# tools the checks drive (wg, ip, curl, gdalinfo, jq) and PACKAGE... (the
# runner passes the .deb's Depends, so the guest installs the .deb without a
# network). It is kept in CACHE_DIR/image-<key>, the key a hash of this
# script and the package list; a changed list makes a new image and removes
# the old one. Nothing in it is wmsgate's: the package is installed by the
# test, in the guest.
#
# The image boots into wmsgate-system-test.service, which mounts the second
# disk (/dev/vdb, the payload the runner makes for each run) and runs its
# guest_checks.sh with its output on the serial console; then the guest
# powers off (SuccessAction/FailureAction), whatever the checks found.
#
# Exit status: 0 with the folder on stdout; 77 when the mirror cannot be
# reached; 1 otherwise. Progress goes to stderr.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 CACHE_DIR MIRROR PACKAGE..." >&2; exit 2; }
cache=$1
mirror=$2
shift 2
PATH=$PATH:/usr/sbin:/sbin

# The checks in the guest drive these; initramfs-tools makes the initramfs
# when the kernel is installed; udev and kmod are needed for the boot itself
# (without udev, units wait 90 s for devices; without kmod, no modprobe).
base_packages=(
    systemd systemd-sysv dbus udev kmod linux-image-amd64 initramfs-tools zstd
    iproute2 wireguard-tools wireguard-go curl gdal-bin jq procps
)
mapfile -t packages < <(printf '%s\n' "${base_packages[@]}" "$@" | sort -u)

# Two levels, so that changing the few files below does not debootstrap
# again: the debootstrap tree (rootfs-<key of its command line>) and the
# image made from it (image-<key of this script and the tree>).
mirror_key=$(printf '%s\n' minbase bookworm "$mirror" "${packages[@]}" | sha256sum | cut -c1-16)
tree=$cache/rootfs-$mirror_key
key=$( (cat "${BASH_SOURCE[0]}"; echo "$mirror_key") | sha256sum | cut -c1-16)
dir=$cache/image-$key
if [[ -f $dir/ok ]]; then
    echo "$dir"
    exit 0
fi

for tool in debootstrap mkfs.ext4; do
    command -v "$tool" >/dev/null || { echo "make_image: $tool not found (scripts/setup.sh installs it)" >&2; exit 1; }
done
mkdir -p "$cache"
start=$SECONDS
if [[ ! -f $tree/.debootstrap-ok ]]; then
    if ! curl -sf -o /dev/null --max-time 30 "$mirror/dists/bookworm/Release"; then
        echo "make_image: the Debian mirror $mirror cannot be reached" >&2
        exit 77
    fi
    rm -rf "$cache"/rootfs-*
    echo "make_image: debootstrap bookworm (${#packages[@]} packages asked for) from $mirror ..." >&2
    include=$(
        IFS=,
        echo "${packages[*]}"
    )
    if ! debootstrap --variant=minbase --include="$include" bookworm "$tree" "$mirror" \
        >"$cache/debootstrap.log" 2>&1; then
        tail -n 30 "$cache/debootstrap.log" >&2
        [[ -f $tree/debootstrap/debootstrap.log ]] && tail -n 30 "$tree/debootstrap/debootstrap.log" >&2
        rm -rf "$tree"
        echo "make_image: debootstrap failed (full log: $cache/debootstrap.log)" >&2
        exit 1
    fi
    # The downloaded packages and the documentation are not needed in the guest.
    rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/usr/share/doc/* "$tree"/usr/share/man/* \
        "$tree"/usr/share/locale/*
    touch "$tree/.debootstrap-ok"
    echo "make_image: debootstrap took $((SECONDS - start)) s" >&2
fi
rm -rf "$cache"/image-*

vmlinuz=$(ls "$tree"/boot/vmlinuz-* | head -n 1)
kver=${vmlinuz##*/vmlinuz-}
[[ -s $tree/boot/initrd.img-$kver ]] || { echo "make_image: no initramfs for $kver in the tree" >&2; exit 1; }

# Only what a booted Debian needs besides the packages: the root file system
# in fstab, a host name, no getty on the console the checks write to, no
# apt timers taking the dpkg lock from the test.
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$tree/etc/fstab"
echo wmsgate-vm >"$tree/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 wmsgate-vm\n' >"$tree/etc/hosts"
for unit in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
    apt-daily.service apt-daily-upgrade.service e2scrub_all.timer fstrim.timer man-db.timer \
    systemd-timesyncd.service; do
    ln -sf /dev/null "$tree/etc/systemd/system/$unit"
done

cat >"$tree/etc/systemd/system/wmsgate-system-test.service" <<'UNIT'
[Unit]
Description=wmsgate system test: the checks from the payload disk
After=multi-user.target
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
Environment=SYSTEMD_PAGER=cat PAGER=cat SYSTEMD_COLORS=0 TERM=dumb LC_ALL=C.UTF-8
ExecStart=/bin/sh -c 'mkdir -p /mnt/payload && mount -o ro /dev/vdb /mnt/payload && exec /bin/bash /mnt/payload/guest_checks.sh'
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$tree/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/wmsgate-system-test.service \
    "$tree/etc/systemd/system/multi-user.target.wants/wmsgate-system-test.service"

mkdir -p "$tree/mnt/payload"

# Room for the package, the guest's logs and a second pass.
used_mb=$(du -sm "$tree" | cut -f1)
size_mb=$((used_mb + used_mb / 4 + 400))
mkdir -p "$dir"
truncate -s "${size_mb}M" "$dir/root.img"
mkfs.ext4 -q -F -L wmsgate-root -d "$tree" "$dir/root.img"
cp "$vmlinuz" "$dir/vmlinuz"
cp "$tree/boot/initrd.img-$kver" "$dir/initrd.img"
echo "$kver" >"$dir/kernel-version"
printf '%s\n' "${packages[@]}" >"$dir/packages"
touch "$dir/ok"
echo "make_image: image of ${size_mb} MB ready in $((SECONDS - start)) s" >&2
echo "$dir"
