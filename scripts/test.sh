#!/usr/bin/env bash
# Sets up (packages + build) and runs the whole test suite through ctest:
# unit, integration (namespaces, wireguard-go) and e2e tests.
# Usage: sudo scripts/test.sh [extra ctest arguments, e.g. -L unit]
#        scripts/test.sh -L unit     (no root: the unit tests need none)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Without root the namespace tests would only skip, so a run of everything
# is refused rather than reported as passing; a label selection is the
# caller's choice. setup.sh then installs nothing (it names what is missing).
if [[ $EUID -ne 0 ]]; then
    selects_labels=0
    for arg in "$@"; do
        [[ $arg == -L* || $arg == --label-regex* ]] && selects_labels=1
    done
    if ((!selects_labels)); then
        echo "test.sh: without root only the unit tests can run: $0 -L unit" \
            "(everything: sudo $0)" >&2
        exit 1
    fi
fi

"$repo/scripts/setup.sh"
ctest --test-dir "$repo/build" --output-on-failure --timeout 600 "$@"
