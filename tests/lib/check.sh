# Assertions for the shell-driven tests. Source it; then
#   check "what is being asserted" COMMAND [ARGS...]
# runs the command and counts it as passed when it exits 0, and
#   check_summary
# prints "N passed, M failed" (the line CTest logs) and fails if any failed.

check_passed=0
check_failed=0

check() {
    local what=$1
    shift
    if "$@"; then
        check_passed=$((check_passed + 1))
        echo "ok: $what"
    else
        check_failed=$((check_failed + 1))
        echo "FAILED: $what"
    fi
}

check_summary() {
    echo "$check_passed passed, $check_failed failed"
    [[ $check_failed -eq 0 ]]
}
