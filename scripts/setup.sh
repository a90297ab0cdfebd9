#!/usr/bin/env bash
# Installs every Debian package that building, the demo and the tests need,
# then configures and builds wmsgate into build/. Idempotent; Debian 12.
# Installing needs root; once every package is there, anyone who may write
# build/ can run it (scripts/test.sh -L unit does, without root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

build_packages=(
    build-essential cmake ninja-build pkg-config clang-format
    libgdal-dev libboost1.74-dev libmnl-dev libsodium-dev libsqlite3-dev
    libtomlplusplus-dev libsystemd-dev libexpected-dev libqrencode-dev
    libgtest-dev libgmock-dev nlohmann-json3-dev libdeflate-dev libpng-dev libjpeg-dev
    # AGG draws vector layers (wms/vector_draw.cpp).
    libagg-dev
    # The registry of a fleet of appliances on PostgreSQL ([registry]
    # backend = "postgresql"), through libpq.
    libpq-dev
    # scripts/fuzz.sh (libFuzzer and the sanitizer runtimes come with clang's
    # compiler-rt) and the clang-tidy check.
    clang-14 libclang-rt-14-dev clang-tidy-14
)
# Tools the demo and the tests drive for real: WireGuard in userspace,
# namespaces, GDAL's command-line clients, OWSLib, curl, xmllint, demo imagery.
runtime_packages=(
    wireguard-go wireguard-tools iproute2 procps psmisc
    gdal-bin python3 python3-gdal python3-owslib curl libxml2-utils zbar-tools
    xplanet-images
    # Vector layers from PostGIS, tested against a real server the test starts.
    postgresql-15-postgis-3
    # The PostgreSQL registry's tests and the fleet e2e start a temporary
    # PostgreSQL 15 cluster of their own (tests/support/pg_cluster.sh).
    postgresql-15 postgresql-client-15
    # The fleet e2e's balancer: nftables DNAT over two appliances, and
    # conntrack to forget a dead appliance's flows (what a health check does).
    nftables conntrack
    # Packaging and the unit file checks: cpack's dpkg-shlibdeps,
    # systemd-analyze, man.
    dpkg-dev systemd man-db
    # The kernel-vm test boots Debian's kernel under qemu (the image and
    # busybox-static are fetched by the test with apt-get download).
    qemu-system-x86 cpio kmod xz-utils
    # The system test (label system) boots a Debian 12 VM made with
    # debootstrap and turned into an ext4 image with mkfs.ext4 -d.
    debootstrap e2fsprogs
)

wanted=("${build_packages[@]}" "${runtime_packages[@]}")
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})) && [[ $EUID -ne 0 ]]; then
    echo "setup.sh: missing Debian packages: ${missing[*]}; install them as root: sudo $0" >&2
    exit 1
fi
if ((${#missing[@]})); then
    echo "setup.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    # --no-install-recommends: wireguard-tools would otherwise pull a kernel image.
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S "$here" -B "$here/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$here/build"
