#!/usr/bin/env bash
# leftovers.sh: a test run killed with SIGKILL (as ctest does past a
# timeout) leaves a namespace with a process in it, a wireguard-go socket
# and a work folder; the next run's sweep removes exactly those, and leaves
# a live run's alone.
set -euo pipefail
[[ $EUID -eq 0 ]] || { echo "leftovers_test: skipped: needs root for namespaces" >&2; exit 77; }
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/check.sh"
source "$here/leftovers.sh"
export LEFTOVERS_DIR
LEFTOVERS_DIR=$(mktemp -d /tmp/wmsgate-leftovers-records.XXXXXX)
name=leftovers_probe_$$
mkdir -p /var/run/wireguard

# A "test run": registers, makes its things, then waits to be killed.
run() {
    local tag=$1
    bash -c '
        source "$1/leftovers.sh"
        work=$(mktemp -d /tmp/wmsgate-leftovers-run.XXXXXX)
        leftovers_register "$2" "$3" "$work"
        ip netns add "wmsgate-$3-lan"
        ip netns exec "wmsgate-$3-lan" sleep 600 &
        touch "/var/run/wireguard/wg$3app.sock"
        echo "$work" >"$4"
        wait' "$name" "$here" "$name" "$tag" "$LEFTOVERS_DIR/$tag.ready" >/dev/null 2>&1 &
    echo $!
}
ready() { local i; for i in $(seq 100); do [[ -s $LEFTOVERS_DIR/$1.ready ]] && ip netns pids "wmsgate-$1-lan" 2>/dev/null | grep -q . && return 0; sleep 0.1; done; return 1; }

dead_tag=k$(($$ % 100000))
live_tag=${dead_tag}0
dead=$(run "$dead_tag")
live=$(run "$live_tag")
ready "$dead_tag" && ready "$live_tag"
dead_work=$(cat "$LEFTOVERS_DIR/$dead_tag.ready")
live_work=$(cat "$LEFTOVERS_DIR/$live_tag.ready")
# A plain socket file stands in for wireguard-go's: only the name matters.
rm -f "/var/run/wireguard/wg${dead_tag}app.sock" "/var/run/wireguard/wg${live_tag}app.sock"
python3 -c "import socket,sys; [socket.socket(socket.AF_UNIX).bind(p) for p in sys.argv[1:]]" \
    "/var/run/wireguard/wg${dead_tag}app.sock" "/var/run/wireguard/wg${live_tag}app.sock"
# The runs are not our children (run() is called in $(...)): wait cannot
# reap them, so wait until the kill has landed (a zombie has no cmdline).
killed() {
    kill -9 "$1"
    local i
    for i in $(seq 100); do
        [[ -n $(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null) ]] || return 0
        sleep 0.1
    done
    return 1
}
killed "$dead"

leftovers_sweep "$name" 2>/dev/null
check "the killed run's namespace is gone" bash -c "! ip netns list | grep -q '^wmsgate-$dead_tag-lan'"
check "... its socket is gone" test ! -e "/var/run/wireguard/wg${dead_tag}app.sock"
check "... its work folder is gone" test ! -e "$dead_work"
check "... and its record" test ! -e "$LEFTOVERS_DIR/$name.$dead"
check "the live run's namespace stays (its tag extends the dead one's)" \
    bash -c "ip netns list | grep -q '^wmsgate-$live_tag-lan'"
check "... and its socket" test -S "/var/run/wireguard/wg${live_tag}app.sock"

killed "$live"
leftovers_sweep "$name" 2>/dev/null
check "once killed, the other run's things go too" \
    bash -c "! ip netns list | grep -q '^wmsgate-$live_tag-lan' && test ! -e '$live_work'"
rm -rf "$LEFTOVERS_DIR"
check_summary
