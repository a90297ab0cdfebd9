#!/usr/bin/env bash
# The system test's checks, run inside the Debian 12 guest by
# wmsgate-system-test.service (see make_image.sh) from the payload disk,
# with their output on the serial console, which the host judges.
#
# The guest boots twice on the same disk (run_system_vm.sh):
#   boot 1: install the .deb with apt-get, write the config from the shipped
#           example, `systemctl enable --now`, READY after the tunnel, admins
#           without access to the config, a client namespace with kernel
#           WireGuard from the issued config, peer set and reload taking
#           effect, the journal's access lines, the watchdog;
#   boot 2: the enabled service came up by itself (boot-to-ready time), the
#           registry kept its peers, SIGKILL with a revoked, an expired and
#           an unknown peer on the link -> the restarted daemon converges it,
#           stop removes the link, purge leaves only what policy allows.
# Each check prints "ok: ..." or "FAILED: ..." (tests/lib/check.sh), a failed
# one with the service's journal. The last line of boot 1 is
#   WMSGATE-SYSTEM-VM[<backend>] boot 1 done: N passed, M failed
# and of boot 2 (or of any boot that aborts)
#   WMSGATE-SYSTEM-VM[<backend>]: PASS | FAIL (...)
# The payload holds: this script, check.sh, the .deb, backend (kernel or
# uapi) and maps/*.tif.
set -euo pipefail

payload=/mnt/payload
backend=$(cat "$payload/backend")
marker="WMSGATE-SYSTEM-VM[$backend]"
state=/var/lib/wmsgate-system-test
work=/root/wmsgate-test
mkdir -p "$state" "$work"
chmod 0700 "$work"
boot=$(($(cat "$state/boot" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$state/boot"

# shellcheck source=../../lib/check.sh
source "$payload/check.sh"
if [[ -f $state/counts ]]; then read -r check_passed check_failed <"$state/counts"; fi
finished=no
on_exit() {
    local rc=$?
    echo "$check_passed $check_failed" >"$state/counts"
    if [[ $finished != yes ]]; then
        echo "$check_passed passed, $check_failed failed"
        echo "$marker: FAIL (boot $boot aborted at line ${BASH_LINENO[0]}, status $rc)"
    fi
    # The guest powers off right after this script: let the serial line
    # drain first, or the last lines are lost.
    sleep 2
}
trap on_exit EXIT

t0=$SECONDS
say() { printf '\n== [boot %s, +%ss] %s\n' "$boot" "$((SECONDS - t0))" "$*"; }
# Shows a command's output indented, for the reader of the console log.
show() { "$@" 2>&1 | sed 's/^/    | /' || true; }
# The service's journal lines not shown before (at most the last N).
journal() {
    journalctl -u wmsgate -u wmsgate-control.socket --no-pager -o short-monotonic \
        --cursor-file="$work/journal.cursor" 2>&1 | grep -v '^-- No entries --$' | tail -n "${1:-25}" |
        sed 's/^/    | /' || true
}

# vcheck WHAT COMMAND...: check, and on failure the service's journal.
vcheck() {
    local before=$check_failed
    check "$@"
    if ((check_failed > before)); then journal 20; fi
}

# ctl USER ARGS...: wmsgatectl as USER, no --socket, no --config; stdout to
# $work/out, stderr to $work/err; its status in $ctl_rc.
ctl_rc=0
ctl() {
    local user=$1
    shift
    ctl_rc=0
    runuser -u "$user" -- wmsgatectl "$@" >"$work/out" 2>"$work/err" || ctl_rc=$?
    if grep -q 'terminate called\|core dumped\|Aborted' "$work/err"; then
        echo "    wmsgatectl $* aborted:"
        show cat "$work/err"
        ctl_rc=134
    fi
    return 0
}
# ctl_ok USER ARGS...: for check: wmsgatectl exits 0 (its stderr shown if not).
ctl_ok() {
    ctl "$@"
    if ((ctl_rc != 0)); then
        echo "    wmsgatectl ${*:2} as $1: exit $ctl_rc"
        show cat "$work/err"
        return 1
    fi
}

unit_prop() { systemctl show -p "$1" --value wmsgate; }
active() { [[ $(systemctl is-active wmsgate) == active ]]; }
link_exists() { ip link show wmsgate0 >/dev/null 2>&1; }

# The service's processes: PIDs in its control group.
service_pids() {
    local cg
    cg=$(unit_prop ControlGroup)
    [[ -n $cg ]] && cat "/sys/fs/cgroup$cg/cgroup.procs" 2>/dev/null || true
}

# Until TIMEOUT seconds pass or COMMAND succeeds (polled every 0.1 s);
# only the last try speaks.
wait_for() {
    local timeout=$1 deadline
    shift
    deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            "$@"
            return
        fi
        sleep 0.1
    done
}

# ---- the client: a network namespace on a veth pair, kernel WireGuard ----
# Guest side 10.99.0.1 (the endpoint in client configs), client 10.99.0.2.
endpoint_ip=10.99.0.1
wms_ip=10.77.0.1
client_lan() {
    ip netns del client 2>/dev/null || true
    ip link del vh 2>/dev/null || true
    ip netns add client
    ip link add vh type veth peer name vc netns client
    ip addr add "$endpoint_ip/24" dev vh
    ip link set vh up
    ip -n client addr add 10.99.0.2/24 dev vc
    ip -n client link set vc up
    ip -n client link set lo up
}

# client_tunnel CONF: brings up wgc in the client namespace from a wg-quick
# config: wg-quick strip for wg setconf, Address and AllowedIPs with ip.
client_tunnel() {
    local conf=$1 addr allowed
    ip -n client link del wgc 2>/dev/null || true
    ip -n client link add wgc type wireguard
    wg-quick strip "$conf" >"$work/wgc.setconf"
    ip netns exec client wg setconf wgc "$work/wgc.setconf"
    addr=$(sed -n 's/^Address *= *//p' "$conf" | tr ',' ' ')
    allowed=$(sed -n 's/^AllowedIPs *= *//p' "$conf" | tr ',' ' ')
    [[ -n $addr && -n $allowed ]] || { echo "    no Address or AllowedIPs in $conf"; return 1; }
    for a in $addr; do ip -n client addr add "$a" dev wgc; done
    ip -n client link set wgc up
    for a in $allowed; do ip -n client route replace "$a" dev wgc; done
}

wms_url="http://$wms_ip:8080/wms"
# fetch FILE QUERY: a GET through the client's tunnel.
fetch() {
    ip netns exec client curl -sS --connect-timeout 5 --max-time 30 -o "$1" -w '%{http_code}' "$wms_url?$2" >"$work/http_code"
    [[ $(cat "$work/http_code") == 200 ]] || { echo "    HTTP $(cat "$work/http_code") for $2"; return 1; }
}
caps() { fetch "$work/caps.xml" 'SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0'; }
caps_has() { caps && grep -q "<Name>$1</Name>" "$work/caps.xml"; }
caps_lacks() { caps && ! grep -q "<Name>$1</Name>" "$work/caps.xml"; }
# get_map LAYER: a 256x128 PNG of LAYER that GDAL decodes at that size.
get_map() {
    rm -f "$work/map.png"
    fetch "$work/map.png" "SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=$1&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=256&HEIGHT=128&FORMAT=image/png" &&
        gdalinfo "$work/map.png" >"$work/map.info" 2>&1 &&
        grep -q '^Driver: PNG' "$work/map.info" && grep -q '^Size is 256, 128' "$work/map.info" ||
        { show head -c 400 "$work/map.png"; echo; return 1; }
}
map_refused() {
    fetch "$work/refused.xml" "SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=$1&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=256&HEIGHT=128&FORMAT=image/png" &&
        grep -q 'LayerNotDefined' "$work/refused.xml"
}

pubkey_of_conf() { sed -n 's/^PrivateKey *= *//p' "$1" | wg pubkey 2>/dev/null || echo "(no key in $1)"; }
# signal_main SIGNAL: to the service's main process, if there is one.
signal_main() {
    local pid
    pid=$(unit_prop MainPID)
    if [[ -z $pid || $pid == 0 ]]; then
        echo "    no main process to send SIG$1"
        return 1
    fi
    kill -"$1" "$pid"
}
device_peers() { wg show wmsgate0 peers | sort; }
registry_live_peers() {
    ctl admin1 peer list --json
    ((ctl_rc == 0)) || return 1
    jq -r '(if type == "array" then . else .peers end) | .[] | select(.state == "active") | .public_key' \
        "$work/out" | sort
}

# Paths under these roots, for "purge leaves no more than policy allows".
tree_listing() {
    find /etc /usr /var/lib /var/cache/wmsgate /var/log/wmsgate /opt /srv /run/wmsgate /run/wireguard \
        \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/systemd/timers \
        -o -path /var/lib/systemd/random-seed -o -path /var/lib/systemd/catalog -o -path "$state" \
        -o -path /srv/maps -o -path /etc/ld.so.cache \) -prune -o -print 2>/dev/null | sort || true
}

boot_1() {
    say "install the package: apt-get install ./wmsgate_*.deb (no network: its dependencies are in the image)"
    # The admins' accounts exist before the package does.
    useradd -M -s /bin/bash admin1
    useradd -M -s /bin/bash outsider
    tree_listing >"$state/tree-before"
    cp "$payload"/wmsgate_*.deb "$work/"
    local deb
    deb=$(ls "$work"/wmsgate_*.deb)
    check "apt-get install ./$(basename "$deb")" \
        bash -c "cd '$work' && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./$(basename "$deb") >'$work/apt.log' 2>&1 || { tail -n 20 '$work/apt.log'; exit 1; }"
    dpkg -L wmsgate >"$state/package-files" 2>/dev/null || true
    check "the package installed wmsgated and wmsgatectl" test -x /usr/sbin/wmsgated -a -x /usr/sbin/wmsgatectl
    check "the user wmsgate and the group wmsgate-admin exist" bash -c 'getent passwd wmsgate && getent group wmsgate-admin' >/dev/null

    say "the config, from the shipped example"
    mkdir -p /srv/maps
    cp "$payload"/maps/*.tif /srv/maps/
    install -m 0640 -o root -g wmsgate /usr/share/doc/wmsgate/wmsgate.toml.example /etc/wmsgate/wmsgate.toml
    # The example's ortho layer is /srv/maps/ortho.tif; the endpoint is the
    # guest side of the client's veth; a second layer and group for the
    # reload check.
    sed -i -e "s|^endpoint = .*|endpoint = \"$endpoint_ip:51820\"|" \
        -e "s|^backend = .*|backend = \"$backend\"|" /etc/wmsgate/wmsgate.toml
    cat >>/etc/wmsgate/wmsgate.toml <<'TOML'

[[layer]]
name = "night"
title = "City lights"
source = "/srv/maps/night.tif"

[[group]]
name = "night-shift"
layers = ["night"]
TOML
    check "the config is 0640 root:wmsgate" test "$(stat -c '%a %U:%G' /etc/wmsgate/wmsgate.toml)" = "640 root:wmsgate"
    check "wmsgated --check-config accepts it" wmsgated --check-config /etc/wmsgate/wmsgate.toml
    # The package's files as shipped (dpkg -V: no checksum differs), and no
    # drop-in or override: systemctl cat names only files of the package.
    units_unchanged() {
        local changed
        changed=$(dpkg -V wmsgate 2>&1)
        [[ -z $changed ]] || { echo "    dpkg -V wmsgate: $changed"; return 1; }
        ! systemctl cat wmsgate.service wmsgate-control.socket 2>/dev/null | grep '^# /' |
            grep -v '^# \(/usr\)\?/lib/systemd/system/wmsgate\(-control\.socket\|\.service\)$'
    }
    check "the units are the package's, unchanged" units_unchanged

    say "systemctl enable --now wmsgate"
    local rc=0
    systemctl enable --now wmsgate >"$work/enable.log" 2>&1 || rc=$?
    show cat "$work/enable.log"
    # Type=notify: enable --now returns once READY=1 came; the tunnel must
    # be up by then, not a moment later.
    vcheck "systemctl enable --now wmsgate succeeds" test "$rc" = 0
    local link_at_ready port_at_ready
    link_at_ready=$(ip -d -o link show wmsgate0 2>/dev/null || true)
    port_at_ready=$(wg show wmsgate0 listen-port 2>/dev/null || true)
    vcheck "wmsgate is active" active
    check "at READY=1 the link wmsgate0 is up" bash -c "[[ '$link_at_ready' == *'<'*UP* ]]"
    check "at READY=1 the link has 10.77.0.1/24" bash -c "ip -o addr show wmsgate0 | grep -q 'inet 10.77.0.1/24'"
    check "at READY=1 WireGuard listens on 51820" test "$port_at_ready" = 51820
    if [[ $backend == kernel ]]; then
        check "kernel backend: wmsgate0 is a kernel WireGuard link" bash -c "[[ '$link_at_ready' == *' wireguard '* ]]"
    else
        check "uapi backend: wmsgate0 is wireguard-go's tun device" bash -c "[[ '$link_at_ready' == *' tun '* ]]"
    fi
    show ip -d link show wmsgate0
    # What systemd says while setting up the process, before exec, is logged
    # as "(wmsgated)": a complaint about the unit.
    check "systemd set the service up without a complaint" \
        bash -c "! journalctl -u wmsgate -o json --no-pager | jq -r 'select(.SYSLOG_IDENTIFIER == \"(wmsgated)\") | \"    \" + .MESSAGE' | grep ."
    check "the control socket is /run/wmsgate/control.sock, 0660, group wmsgate-admin" \
        test "$(stat -c '%F %a %G' /run/wmsgate/control.sock 2>&1)" = "socket 660 wmsgate-admin"
    local ready_us start_us
    ready_us=$(unit_prop ActiveEnterTimestampMonotonic)
    start_us=$(unit_prop ExecMainStartTimestampMonotonic)
    echo "    wmsgated: $(((${ready_us:-0} - ${start_us:-0}) / 1000)) ms from exec to READY=1"

    say "the service's processes: hardening"
    local admin_gid wg_uid pids
    admin_gid=$(getent group wmsgate-admin | cut -d: -f3)
    wg_uid=$(id -u wmsgate)
    pids=$(service_pids)
    check "the service has processes" test -n "$pids"
    show ps -o pid,ppid,user,group,supgrp,comm -p "$(echo $pids | tr ' ' ,)"
    local main_pid
    main_pid=$(unit_prop MainPID)
    for pid in $pids; do
        local comm
        comm=$(cat "/proc/$pid/comm")
        check "$comm ($pid) runs as user wmsgate" bash -c "[[ \"\$(sed -n 's/^Uid:[[:space:]]*//p' /proc/$pid/status | tr -s '\t ' ' ')\" == '$wg_uid $wg_uid $wg_uid $wg_uid' ]]"
        check "$comm ($pid) is not in group wmsgate-admin" bash -c "! sed -n 's/^Groups://p' /proc/$pid/status | grep -qw '$admin_gid'"
        check "$comm ($pid) has no capability but CAP_NET_ADMIN" bash -c "(( (0x\$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$pid/status) & ~0x1000) == 0 ))"
        check "$comm ($pid) has no_new_privs and a seccomp filter" bash -c "grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status && grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status"
    done
    if [[ $backend == uapi ]]; then
        local wgo
        wgo=$(for pid in $pids; do [[ $(cat "/proc/$pid/comm") == wireguard-go ]] && echo "$pid"; done | head -n 1)
        check "uapi: wireguard-go runs in the service, a child of wmsgated" \
            bash -c "[[ -n '$wgo' ]] && [[ \$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$wgo/status) == '$main_pid' ]]"
    else
        check "kernel: no wireguard-go anywhere" bash -c '! pgrep -x wireguard-go >/dev/null'
    fi

    say "admins: a user in wmsgate-admin, no --socket, no access to the config"
    usermod -aG wmsgate-admin admin1
    check "admin1 cannot read the config" bash -c '! runuser -u admin1 -- cat /etc/wmsgate/wmsgate.toml >/dev/null 2>&1'
    umask 077
    vcheck "admin1: wmsgatectl peer add alice --groups survey" ctl_ok admin1 peer add alice --groups survey
    cp "$work/out" "$work/alice.conf"
    check "the issued config is a wg-quick config with a key and the endpoint" \
        bash -c "grep -q '^\[Interface\]' '$work/alice.conf' && grep -q '^PrivateKey *= *[A-Za-z0-9+/]\{43\}=' '$work/alice.conf' && grep -q '^Endpoint *= *$endpoint_ip:51820' '$work/alice.conf'"
    show grep -v '^PrivateKey\|^PresharedKey' "$work/alice.conf"
    vcheck "admin1: wmsgatectl peer add bob --groups survey" ctl_ok admin1 peer add bob --groups survey
    cp "$work/out" "$work/bob.conf"
    vcheck "admin1: wmsgatectl peer list" ctl_ok admin1 peer list
    show cat "$work/out"
    check "the list has alice and bob" bash -c "grep -qw alice '$work/out' && grep -qw bob '$work/out'"

    say "the client: its own namespace, kernel WireGuard from the issued config"
    client_lan
    check "the client's tunnel comes up from alice.conf" client_tunnel "$work/alice.conf"
    vcheck "alice: GetCapabilities through the tunnel lists ortho" wait_for 20 caps_has ortho
    check "alice: GetCapabilities does not list night (not her group)" caps_lacks night
    vcheck "alice: GetMap of ortho is a 256x128 PNG" get_map ortho
    check "alice: GetMap of night is LayerNotDefined" map_refused night
    local alice_key
    alice_key=$(pubkey_of_conf "$work/alice.conf")
    check "wg show: alice has a handshake" bash -c "wg show wmsgate0 latest-handshakes | grep -q '^$alice_key[[:space:]]*[1-9]'"
    vcheck "admin1: wmsgatectl status" ctl_ok admin1 status
    show cat "$work/out"
    check "status names alice" grep -q alice "$work/out"

    say "peer set and reload"
    vcheck "admin1: wmsgatectl peer set alice --groups survey,night-shift" ctl_ok admin1 peer set alice --groups survey,night-shift
    vcheck "alice sees night at once after peer set" caps_has night
    vcheck "admin1: wmsgatectl peer set alice --groups survey" ctl_ok admin1 peer set alice --groups survey
    check "alice no longer sees night" caps_lacks night
    local pid_before reload_at
    pid_before=$(unit_prop MainPID)
    sed -i 's|^layers = \["ortho"\]|layers = ["ortho", "night"]|' /etc/wmsgate/wmsgate.toml
    show grep -A2 '^\[\[group\]\]' /etc/wmsgate/wmsgate.toml
    reload_at=$(date +%s)
    vcheck "systemctl reload wmsgate (group survey now also grants night)" systemctl reload wmsgate
    vcheck "the reload kept the process" test "$(unit_prop MainPID)" = "$pid_before"
    check "the journal has no refused reload" bash -c "! journalctl -u wmsgate --since @$reload_at --no-pager | grep -q 'reload refused'"
    vcheck "alice sees night after the reload" wait_for 5 caps_has night
    vcheck "alice: GetMap of night is a 256x128 PNG" get_map night
    show bash -c "journalctl -u wmsgate PEER=alice --no-pager -n 3"
    check "journalctl -u wmsgate PEER=alice shows her access lines with LAYER=ortho" \
        bash -c "journalctl -u wmsgate PEER=alice -o export --no-pager | grep -qa '^LAYER=ortho$'"
    check "and with LAYER=night" bash -c "journalctl -u wmsgate PEER=alice -o export --no-pager | grep -qa '^LAYER=night$'"

    say "a user outside wmsgate-admin is refused"
    local since outsider_uid
    since=$(date +%s)
    outsider_uid=$(id -u outsider)
    ctl outsider peer list
    show cat "$work/err"
    check "outsider: wmsgatectl peer list exits 3" test "$ctl_rc" = 3
    check "outsider: one line on stderr, nothing on stdout" \
        bash -c "[[ \$(wc -l <'$work/err') == 1 && ! -s '$work/out' ]]"
    ctl outsider peer add mallory
    check "outsider: wmsgatectl peer add mallory exits 3" test "$ctl_rc" = 3
    sleep 1
    ctl admin1 audit
    cp "$work/out" "$work/audit.txt"
    vcheck "admin1: wmsgatectl audit" test "$ctl_rc" = 0
    show tail -n 8 "$work/audit.txt"
    check "audit lists peer add alice" grep -q 'alice' "$work/audit.txt"
    # The refusal is recorded: in the audit trail (UID and "denied") or, where
    # the socket's permissions refuse the caller before the daemon sees it,
    # in the journal with the caller's uid.
    refusal_audited() {
        awk -v uid="$outsider_uid" '$0 ~ /denied|refused/ && index(" " $0 " ", " " uid " ")' "$work/audit.txt" | grep -q . && return 0
        journalctl --since "@$since" --no-pager -o json |
            jq -e --arg uid "$outsider_uid" -s 'any(.[]; (.CALLER_UID == $uid or ._UID == $uid)
                and ((.MESSAGE // "") | tostring | test("denied|refused"; "i")))' >/dev/null
    }
    check "the refusal left an audit line naming the outsider's uid ($outsider_uid)" refusal_audited
    ctl admin1 peer list
    check "peer mallory was not added" bash -c "(( $ctl_rc == 0 )) && grep -qw alice '$work/out' && ! grep -qw mallory '$work/out'"

    say "the watchdog: kill -STOP the daemon"
    check "no restart so far (the daemon pings the watchdog)" test "$(unit_prop NRestarts)" = 0
    local stopped_pid restarts stop_at
    stopped_pid=$(unit_prop MainPID)
    restarts=$(unit_prop NRestarts)
    stop_at=$SECONDS
    signal_main STOP || true
    restarted() { [[ $(unit_prop NRestarts) -gt $restarts && $(unit_prop MainPID) != "$stopped_pid" ]] && active; }
    vcheck "WatchdogSec=30s restarts the stopped daemon within 75 s" wait_for 75 restarted
    echo "    restarted after $((SECONDS - stop_at)) s"
    check "the journal says: Watchdog timeout" bash -c "journalctl -u wmsgate --no-pager | grep -q 'Watchdog timeout'"
    vcheck "alice: GetCapabilities works again after the watchdog restart" wait_for 30 caps_has ortho

    say "boot 1 done; the guest powers off and boots again"
    echo "$alice_key" >"$state/alice-key"
    cp "$work/alice.conf" "$work/bob.conf" "$state/"
    echo "$check_passed passed, $check_failed failed"
    finished=yes
    echo "$marker boot 1 done: $check_passed passed, $check_failed failed"
}

boot_2() {
    local alice_key
    alice_key=$(cat "$state/alice-key")
    say "after a reboot: the enabled service came up by itself"
    vcheck "wmsgate is active after boot" active
    local ready_us start_us
    ready_us=$(unit_prop ActiveEnterTimestampMonotonic)
    start_us=$(unit_prop ExecMainStartTimestampMonotonic)
    echo "    systemd (PID 1) started at $(($(systemctl show -p UserspaceTimestampMonotonic --value) / 1000)) ms; wmsgated:"
    show journalctl -b -u wmsgate -o short-monotonic --no-pager -n 12
    echo "BOOT-TO-READY[$backend]: $((${ready_us:-0} / 1000)) ms from the kernel's start to READY=1 (wmsgated: $(((${ready_us:-0} - ${start_us:-0}) / 1000)) ms from exec)"
    check "the link is up after boot" bash -c "ip -o link show wmsgate0 | grep -q '<[^>]*UP'"
    vcheck "the registry kept alice and bob" bash -c "runuser -u admin1 -- wmsgatectl peer list | grep -q alice && runuser -u admin1 -- wmsgatectl peer list | grep -q bob"
    check "wg show lists alice after boot" bash -c "wg show wmsgate0 peers | grep -qx '$alice_key'"
    client_lan
    check "the client's tunnel comes up again" client_tunnel "$state/alice.conf"
    vcheck "alice: GetCapabilities after the reboot" wait_for 20 caps_has ortho

    say "SIGKILL with a revoked, an expiring and an unknown peer on the link"
    local bob_key carol_key dave_key
    bob_key=$(pubkey_of_conf "$state/bob.conf")
    vcheck "admin1: wmsgatectl peer revoke bob" ctl_ok admin1 peer revoke bob
    check "revoke took bob off the link" bash -c "! wg show wmsgate0 peers | grep -qx '$bob_key'"
    # As a crash between the registry and the device would leave him; and a
    # peer nobody issued.
    dave_key=$(wg genkey | wg pubkey)
    check "wg set puts bob back on the link by hand" wg set wmsgate0 peer "$bob_key" allowed-ips 10.77.0.250/32
    check "wg set adds dave, whom nobody issued" wg set wmsgate0 peer "$dave_key" allowed-ips 10.77.0.251/32
    # Stopped right after carol is issued, the daemon cannot take her off
    # when she expires 6 s later: she is still on the link when it is killed,
    # some 8 s later (the watchdog, 30 s with pings every 15 s, is not due).
    local restarts stop_at
    restarts=$(unit_prop NRestarts)
    vcheck "admin1: wmsgatectl peer add carol --expires 6s" ctl_ok admin1 peer add carol --groups survey --expires 6s
    signal_main STOP || true
    stop_at=$SECONDS
    carol_key=$(pubkey_of_conf "$work/out")
    check "carol is on the link" bash -c "wg show wmsgate0 peers | grep -qx '$carol_key'"
    sleep 8
    show wg show wmsgate0 peers
    check "before the kill the link has alice, bob (revoked), carol (expired) and dave (unknown)" \
        bash -c "[[ \$(wg show wmsgate0 peers | sort | tr '\n' ' ') == \"\$(printf '%s\n' '$alice_key' '$bob_key' '$carol_key' '$dave_key' | sort | tr '\n' ' ')\" ]]"
    systemctl kill -s KILL wmsgate || true
    echo "    killed after $((SECONDS - stop_at)) s stopped"
    restarted() { [[ $(unit_prop NRestarts) -gt $restarts ]] && active; }
    vcheck "Restart=on-failure brings it back" wait_for 60 restarted
    # Taken the moment it is active again, that is right after READY=1.
    device_peers >"$work/device-after-kill" 2>&1 || true
    registry_live_peers >"$work/registry-live" || true
    echo "    the link at READY=1:"
    show cat "$work/device-after-kill"
    echo "    the registry's live peers:"
    show cat "$work/registry-live"
    check "the registry's live peers are exactly alice" bash -c "[[ \$(cat '$work/registry-live') == '$alice_key' ]]"
    vcheck "after the restart wg show lists exactly the registry's live peers" \
        bash -c "[[ -s '$work/registry-live' ]] && diff '$work/registry-live' '$work/device-after-kill'"
    check "bob (revoked) is off the link" bash -c "! grep -qx '$bob_key' '$work/device-after-kill'"
    check "carol (expired while the daemon was down) is off the link" bash -c "! grep -qx '$carol_key' '$work/device-after-kill'"
    check "dave (unknown) is off the link" bash -c "! grep -qx '$dave_key' '$work/device-after-kill'"
    vcheck "alice: GetCapabilities after the restart" wait_for 30 caps_has ortho

    say "systemctl stop removes the link"
    vcheck "systemctl stop wmsgate" systemctl stop wmsgate
    check "wmsgate is inactive, not failed" test "$(systemctl is-active wmsgate || true)" = inactive
    vcheck "the link wmsgate0 is gone (adopted by the restart after SIGKILL)" bash -c '! ip -d link show wmsgate0 2>/dev/null'
    check "no wireguard-go is left" bash -c '! pgrep -x wireguard-go >/dev/null'
    check "no wmsgated is left" bash -c '! pgrep -x wmsgated >/dev/null'

    say "apt-get purge wmsgate"
    ip netns del client 2>/dev/null || true
    ip link del vh 2>/dev/null || true
    check "apt-get purge -y wmsgate" bash -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q wmsgate >'$work/purge.log' 2>&1 || { tail -n 20 '$work/purge.log'; exit 1; }"
    show grep -i 'warning\|not empty\|error' "$work/purge.log"
    check "dpkg no longer knows wmsgate" bash -c '! dpkg-query -W -f="\${Status}" wmsgate 2>/dev/null | grep -q "installed\|config-files"'
    check "none of the package's files is left" \
        bash -c "while read -r f; do [[ -e \$f && ! -d \$f ]] && { echo \"    left: \$f\"; exit 1; }; done <'$state/package-files'; true"
    systemctl daemon-reload
    check "no wmsgate unit is loaded or active" bash -c '[[ -z $(systemctl list-units --all --plain --no-legend "wmsgate*" | grep -v wmsgate-system-test) ]]'
    check "no symlink to a wmsgate unit is left in /etc/systemd" \
        bash -c '! find /etc/systemd -name "wmsgate*" ! -name "wmsgate-system-test*" | grep .'
    check "the state (registry, server key) is gone: /var/lib/wmsgate" test ! -e /var/lib/wmsgate
    check "the config folder is gone: /etc/wmsgate" test ! -e /etc/wmsgate
    check "the runtime folders are gone: /run/wmsgate, /run/wireguard/wmsgate0.sock" \
        bash -c '! test -e /run/wmsgate && ! test -e /run/wireguard/wmsgate0.sock'
    tree_listing >"$work/tree-after"
    comm -13 "$state/tree-before" "$work/tree-after" >"$work/tree-new"
    show cat "$work/tree-new"
    check "purge leaves nothing new under /etc /usr /var/lib /opt /run (the users stay, as Debian does)" \
        test ! -s "$work/tree-new"
    echo "    what stays: $(getent passwd wmsgate | cut -d: -f1) (user), $(getent group wmsgate-admin | cut -d: -f1) (group)"
}

case $boot in
    1) boot_1 ;;
    2)
        boot_2
        check_summary || true
        finished=yes
        if ((check_failed == 0 && check_passed > 0)); then
            echo "$marker: PASS"
        else
            echo "$marker: FAIL ($check_failed of $((check_passed + check_failed)) checks failed)"
        fi
        ;;
    *)
        finished=yes
        echo "$marker: FAIL (boot $boot: the guest booted more often than the test boots it)"
        ;;
esac
