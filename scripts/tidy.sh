#!/usr/bin/env bash
# Runs clang-tidy-14, with the checks of the repository's .clang-tidy, over
# every source file of wms/, netcfg/, provisioning/, daemon/ and bench/
# named in a build's compile_commands.json (tests/ is not checked). Any
# finding fails it; the findings go to stderr and DIR/tidy.log.
#
#   scripts/tidy.sh [--build-dir DIR] [FILE-REGEX]
#
# Default DIR: build/ (configured here if it has no compile_commands.json;
# nothing needs to be built). FILE-REGEX narrows the files, e.g. 'wms/'.
# Run by the `tidy` CTest label, so scripts/test.sh (and CI) runs it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/build"
if [[ ${1:-} == --build-dir ]]; then
    build=$2
    shift 2
fi
# A lookahead (Python regex, as run-clang-tidy reads it) picks the modules;
# FILE-REGEX then narrows within them.
files="^$repo/(?=(wms|netcfg|provisioning|daemon|bench)/).*${1:-}"

command -v run-clang-tidy-14 >/dev/null || {
    echo "tidy.sh: run-clang-tidy-14 is missing: sudo scripts/setup.sh installs clang-tidy-14" >&2
    exit 1
}
[[ -f $build/compile_commands.json ]] ||
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

log="$build/tidy.log"
start=$SECONDS
status=0
run-clang-tidy-14 -p "$build" -j "$(nproc)" -quiet "$files" >"$log" 2>&1 || status=$?
count=$(grep -c '^clang-tidy-14 ' "$log" || true)
# A finding is a warning (an error under WarningsAsErrors) at a file:line.
mapfile -t findings < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^/[^ ]+:[0-9]+:[0-9]+: (warning|error): ' | sort -u)
if ((${#findings[@]})) || ((status != 0)) || ((count == 0)); then
    printf '%s\n' "${findings[@]}" >&2
    echo "tidy.sh: ${#findings[@]} findings in $count files (run-clang-tidy exit $status," \
        "$((SECONDS - start)) s); the full output is in $log" >&2
    exit 1
fi
echo "tidy.sh: $count files clean in $((SECONDS - start)) s"
