#!/usr/bin/env bash
# Builds tests/fuzz/'s libFuzzer targets with clang (ASan + UBSan) in a build
# folder of their own, replays each seed corpus, then fuzzes each target for a
# bounded time. The product itself stays g++-built in build/.
#
#   scripts/fuzz.sh [--ci] [--seconds N] [--build-dir DIR] [TARGET...]
#
# TARGET: parsers uapi netlink config control wms_request (default: all).
# --seconds: fuzzing time per target (default 20; --ci: 25, which with the
# build keeps the `fuzz` CTest label under ~8 minutes on 2 cores).
# New inputs go to DIR/corpus-NAME, not into the repository; a crash leaves
# DIR/artifacts/NAME/crash-* and fails the run. To keep a crash as a
# regression: copy it to tests/fuzz/corpus/NAME/ (fuzz_replay_NAME, a unit
# test, then replays it with every build) and fix the code.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/build-fuzz"
seconds=20
targets=()
while (($#)); do
    case $1 in
        --ci) seconds=25 ;;
        --seconds) seconds=$2; shift ;;
        --build-dir) build=$2; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) targets+=("$1") ;;
    esac
    shift
done
((${#targets[@]})) || targets=(parsers uapi netlink config control wms_request)

for tool in clang-14 clang++-14; do
    command -v "$tool" >/dev/null || {
        echo "fuzz.sh: $tool is missing: sudo scripts/setup.sh installs it" >&2
        exit 1
    }
done

cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DWMSGATE_FUZZ=ON >/dev/null
build_start=$SECONDS
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
echo "fuzz.sh: built in $((SECONDS - build_start)) s"

# UBSan reports end the process too, so libFuzzer keeps the input.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
failed=()
for name in "${targets[@]}"; do
    seeds="$repo/tests/fuzz/corpus/$name"
    work="$build/corpus-$name"
    artifacts="$build/artifacts/$name/"
    mkdir -p "$work" "$artifacts"
    log="$build/fuzz-$name.log"
    # New inputs land in $work; the seeds are read, never written.
    if "$build/bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "$seeds" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "fuzz.sh: $name: ${execs:-?} execs in ${seconds} s, $cov, no crash"
    else
        echo "fuzz.sh: $name: FAILED; the input is in $artifacts; log $log:" >&2
        grep -A30 -m1 -E 'ERROR: |runtime error|deadly signal' "$log" >&2 || tail -40 "$log" >&2
        failed+=("$name")
    fi
done
if ((${#failed[@]})); then
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    exit 1
fi
