# The preamble every end-to-end test shares. A test starts with
#   set -euo pipefail
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
#   e2e_begin first_map_test e     # its name, a letter for its tag
# and gets: $repo, the lab of scripts/lib/lab.sh with a tag (LAB_TAG) of
# its own, LAB_DIR, $layers (the demo layers), check.sh's assertions, an EXIT
# trap that removes everything the lab made, and a clean slate: whatever an
# earlier run of the same test left when ctest killed it is removed first.
# Without root the test is skipped (exit 77: ctest's SKIP_RETURN_CODE).
# Set E2E_ON_EXIT to a command to run first on exit (say, a log's tail).

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/lib/check.sh"
source "$repo/tests/lib/leftovers.sh"

E2E_ON_EXIT=${E2E_ON_EXIT:-}

e2e_begin() {
    E2E_NAME=$1
    if [[ $EUID -ne 0 ]]; then
        echo "$E2E_NAME: skipped: needs root for network namespaces" >&2
        exit 77
    fi
    leftovers_sweep "$E2E_NAME"
    LAB_TAG=$2$(($$ % 100000))
    LAB_PREFIX="wmsgate-$LAB_TAG-"
    LAB_DIR=$(mktemp -d "/tmp/wmsgate-$E2E_NAME.XXXXXX")
    leftovers_register "$E2E_NAME" "$LAB_TAG" "$LAB_DIR"
    source "$repo/scripts/lib/lab.sh"
    trap e2e_end EXIT
    layers=${LAB_LAYERS:-$repo/build/demo-layers}
}

e2e_end() {
    local status=$?
    if [[ -n $E2E_ON_EXIT ]]; then eval "$E2E_ON_EXIT" || true; fi
    lab_cleanup
    # Clients beyond lab_cleanup's three, and the work folder.
    leftovers_remove "$LAB_TAG" "$LAB_DIR"
    leftovers_drop "$E2E_NAME"
    exit "$status"
}

# Waits up to $1 seconds for the command that follows to succeed.
e2e_eventually() {
    local seconds=$1 i
    shift
    for i in $(seq $((seconds * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}
