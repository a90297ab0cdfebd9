# What a test run leaves behind when it is killed: ctest ends a test that
# runs past its timeout with SIGKILL, so its EXIT trap (or `finally`) never
# runs, and its namespaces, daemons, wireguard-go control sockets and work
# folder stay. Each run records its tag here; the next run of the same test
# sweeps the records of runs that are gone. Runs still alive (the same test
# run by someone else at the same time) are left alone.
#
# From bash: source it, then `leftovers_sweep NAME` and
# `leftovers_register NAME TAG WORK_DIR` at the start, `leftovers_drop NAME`
# at the end. From anything else: `bash leftovers.sh sweep|register|drop ...`
# with the test's PID as an extra last argument of register and drop.
#
# A TAG names everything the run made: namespaces "wmsgate-TAG" and
# "wmsgate-TAG-*", links "labTAG*" left in the root namespace, interfaces
# (hence sockets) "wgTAG" followed by a letter or nothing. Tags are a letter
# and digits, so one tag never matches another's names.

LEFTOVERS_DIR=${LEFTOVERS_DIR:-/run/wmsgate-tests}

# Removes everything of run TAG with work folder WORK.
leftovers_remove() {
    local tag=$1 work=$2 ns pid link sock
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
        [[ $ns == "wmsgate-$tag" || $ns == "wmsgate-$tag-"* ]] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
        [[ $link =~ ^lab${tag}[a-z][0-9]*$ ]] && ip link del "$link" 2>/dev/null || true
    done
    for sock in /var/run/wireguard/wg"$tag".sock /var/run/wireguard/wg"$tag"[a-z]*.sock; do
        [[ -S $sock ]] && rm -f "$sock"
    done
    [[ -n $work && $work == /tmp/wmsgate-* ]] && rm -rf "$work"
    return 0
}

# Sweeps the records of NAME's runs whose process is gone.
leftovers_sweep() {
    local name=$1 record pid tag work
    for record in "$LEFTOVERS_DIR/$name".*; do
        [[ -f $record ]] || continue
        pid=${record##*.}
        # Alive and still the same test (not a recycled PID): leave it.
        if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"; then
            continue
        fi
        tag=$(sed -n 's/^tag=//p' "$record")
        work=$(sed -n 's/^work=//p' "$record")
        echo "leftovers: removing what run $pid of $name (tag $tag) left behind" >&2
        [[ -n $tag ]] && leftovers_remove "$tag" "$work"
        rm -f "$record"
    done
    return 0
}

leftovers_register() {
    local name=$1 tag=$2 work=$3 pid=${4:-$$}
    mkdir -p "$LEFTOVERS_DIR"
    printf 'tag=%s\nwork=%s\n' "$tag" "$work" >"$LEFTOVERS_DIR/$name.$pid"
}

leftovers_drop() {
    local name=$1 pid=${2:-$$}
    rm -f "$LEFTOVERS_DIR/$name.$pid"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    command=$1
    shift
    case $command in
        sweep | register | drop) "leftovers_$command" "$@" ;;
        *) echo "usage: $0 sweep|register|drop ARGS" >&2; exit 2 ;;
    esac
fi
