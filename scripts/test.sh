#!/usr/bin/env bash
# Sets up (packages + build) and runs the whole test suite through ctest:
# unit, integration (namespaces, wireguard-go) and e2e tests.
# Usage: sudo scripts/test.sh [extra ctest arguments, e.g. -L unit]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $EUID -eq 0 ]] || { echo "test.sh: run as root (tests use namespaces): sudo $0" >&2; exit 1; }

"$repo/scripts/setup.sh"
ctest --test-dir "$repo/build" --output-on-failure --timeout 600 "$@"
