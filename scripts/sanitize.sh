#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UBSan (g++, like the
# product) in a build folder of their own and runs them: every `unit` test,
# the fuzz corpus replays among them. A sanitizer report fails the test.
#
#   scripts/sanitize.sh [--build-dir DIR] [extra ctest arguments]
#
# Default DIR: build-sanitize/ beside build/. Run by the `sanitize` CTest
# label, so scripts/test.sh (and CI) runs it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/build-sanitize"
if [[ ${1:-} == --build-dir ]]; then
    build=$2
    shift 2
fi

# RelWithDebInfo: -O2 keeps the run short, -g names the line in a report.
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWMSGATE_SANITIZE=ON \
    >/dev/null
# Only what the unit tests need: the executables whose tests carry the
# `unit` label, and the two binaries the wmsgatectl_cli unit test runs
# (wmsgatectl, and wmsgated for its --help); no benchmarks or packages.
mapfile -t executables < <(ninja -C "$build" -t targets all |
    sed -n -E 's/^([a-z_]+_unit_tests|wms_server_tests|wms_isolation_tests|fuzz_replay_[a-z_]+|wmsgatectl|wmsgated): .*/\1/p' |
    grep -v '^cmake_' | sort -u)
cmake --build "$build" --target "${executables[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$repo/scripts/lsan.supp:print_suppressions=0
ctest --test-dir "$build" -L unit --output-on-failure --timeout 600 "$@"
