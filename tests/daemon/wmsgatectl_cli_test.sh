#!/usr/bin/env bash
# wmsgatectl's own half, no daemon needed: usage errors worded and exiting 1,
# --help, where the socket comes from (--socket, --config, the standard
# path), a config error with its file and line, and an unreachable daemon
# exiting 3 with the path it tried. stdout stays empty on every error.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/lib/check.sh"
ctl=${WMSGATE_BIN:?}/wmsgatectl
work=$(mktemp -d /tmp/wmsgatectl-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Runs wmsgatectl; expects exit code $1, stderr containing $2, empty stdout.
fails_with() {
    local code=$1 message=$2 status
    shift 2
    set +e
    "$ctl" "$@" >"$work/out" 2>"$work/err"
    status=$?
    set -e
    if [[ $status -ne $code ]]; then
        echo "  exit $status, expected $code; stderr: $(head -3 "$work/err")"
        return 1
    fi
    if ! grep -qF -- "$message" "$work/err"; then
        echo "  stderr lacks \"$message\": $(head -3 "$work/err")"
        return 1
    fi
    [[ ! -s $work/out ]] || { echo "  stdout not empty: $(head -3 "$work/out")"; return 1; }
}

check "no command: exit 1 and the usage" fails_with 1 "wmsgatectl: no command given"
check "... the usage lists the exit codes" grep -q "3 daemon unreachable" "$work/err"
check "an unknown command names it" fails_with 1 'unknown command "frobnicate now"' frobnicate now
check "peer show without a name" fails_with 1 "expected one peer NAME" peer show
check "peer list with an operand" fails_with 1 "unexpected operand" peer list alice
check "an option the command does not take" fails_with 1 "option --qr does not apply here" \
    peer list --qr
check "an option without its value" fails_with 1 "--groups needs a value" peer add alice --groups
help_on_stdout() {
    local out
    out=$("$ctl" --help) && grep -q '^exit codes: 0 ok' <<<"$out"
}
check "--help prints the usage on stdout and exits 0" help_on_stdout

cat >"$work/good.toml" <<TOML
[daemon]
control_socket = "$work/from-config.sock"
[interface]
address = ["10.77.0.1/24"]
endpoint = "192.0.2.1:51820"
TOML
check "--config: the socket named in the config is the one tried (exit 3)" \
    fails_with 3 "$work/from-config.sock" --config "$work/good.toml" peer list
printf '[daemon]\ncontrol_socket = "relative.sock"\n' >"$work/bad.toml"
check "--config with an error: file, line and key, exit 1" \
    fails_with 1 "$work/bad.toml:2: daemon.control_socket: expected an absolute path" \
    --config "$work/bad.toml" peer list
check "--config that does not exist" fails_with 1 "$work/none.toml" --config "$work/none.toml" status
check "--socket wins over --config" fails_with 3 "$work/given.sock" \
    --socket "$work/given.sock" --config "$work/good.toml" status
# A file that is no socket: the daemon is unreachable, not a crash.
touch "$work/plain"
check "a path that is no socket: exit 3 naming it" fails_with 3 "$work/plain" --socket "$work/plain" \
    group list
if [[ ! -e /run/wmsgate/control.sock && ! -r /etc/wmsgate/wmsgate.toml ]]; then
    check "neither --socket nor --config: the standard socket is tried" \
        fails_with 3 /run/wmsgate/control.sock layer list
fi

# A result that did not reach stdout must not pass for success (a full disk
# under `peer add alice > alice.conf`): /dev/full refuses every write.
onto_full_disk() {
    local program=$1 status=0
    "$WMSGATE_BIN/$program" --help >/dev/full 2>"$work/err" || status=$?
    [[ $status -eq 1 ]] &&
        grep -qF "$program: the result could not be written to stdout: No space left on device" \
            "$work/err"
}
check "wmsgatectl --help onto a full disk: exit 1, the cause on stderr" onto_full_disk wmsgatectl
check "wmsgated --help onto a full disk: exit 1, the cause on stderr" onto_full_disk wmsgated

check_summary
