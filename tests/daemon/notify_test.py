#!/usr/bin/python3
"""wmsgated speaks systemd's notify protocol truthfully: READY=1 only once
the tunnel is up and the WMS listens, WATCHDOG=1 at half of WATCHDOG_USEC
from its event loop, STOPPING=1 and exit 0 on SIGTERM. The test owns the
NOTIFY_SOCKET datagram socket and runs the daemon in its own namespace."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ["WMSGATE_BIN"]
LEFTOVERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "leftovers.sh")
TAG = f"n{os.getpid() % 100000}"
NS = f"wmsgate-{TAG}"
IFNAME = f"wg{TAG}"
WATCHDOG_USEC = 1_000_000

failures = []
passes = 0


def check(what, ok, detail=""):
    global passes
    if ok:
        passes += 1
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAILED: {what} {detail}")


def in_ns(*cmd, **kw):
    return subprocess.run(["ip", "netns", "exec", NS, *cmd], capture_output=True, text=True, **kw)


def receive(sock, deadline):
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return sock.recv(4096).decode()
    except socket.timeout:
        return None


def leftovers(*args):
    subprocess.run(["bash", LEFTOVERS, *args, str(os.getpid())] if args[0] != "sweep"
                   else ["bash", LEFTOVERS, *args], check=False)


def ctl(work, *args):
    return in_ns(f"{BIN}/wmsgatectl", "--socket", f"{work}/control.sock", *args)


def add_two_peers(config, work):
    """Starts wmsgated once, without systemd, to register two peers; stops
    it. Returns their public keys."""
    daemon = subprocess.Popen(["ip", "netns", "exec", NS, f"{BIN}/wmsgated", "--config", config],
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if ctl(work, "peer", "list").returncode == 0:
                break
            time.sleep(0.1)
        keys = []
        for name in ("alice", "bob"):
            ctl(work, "peer", "add", name)
            shown = ctl(work, "peer", "show", name, "--json").stdout
            keys.append(json.loads(shown)["public_key"])
        return keys
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)


def main():
    # ctest kills a test past its timeout with SIGKILL: no `finally` runs.
    # What an earlier run left so is removed first.
    leftovers("sweep", "notify_test.py")
    work = tempfile.mkdtemp(prefix="wmsgate-notify.")
    leftovers("register", "notify_test.py", TAG, work)
    config = os.path.join(work, "wmsgate.toml")
    with open(config, "w") as f:
        f.write(f"""[daemon]
state_dir = "{work}/state"
control_socket = "{work}/control.sock"
[interface]
name = "{IFNAME}"
address = ["10.79.0.1/24"]
endpoint = "192.0.2.1:51820"
[wms]
port = 8080
""")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(os.path.join(work, "notify.sock"))
    subprocess.run(["ip", "netns", "add", NS], check=True)
    daemon = None
    try:
        keys = add_two_peers(config, work)
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "notify.sock"),
                   WATCHDOG_USEC=str(WATCHDOG_USEC))
        daemon = subprocess.Popen(["ip", "netns", "exec", NS, f"{BIN}/wmsgated", "--config", config],
                                  env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        ready_message = None
        watchdog_before_ready = 0
        while time.monotonic() < deadline:
            message = receive(sock, deadline)
            if message is None:
                break
            if "READY=1" in message:
                ready_message = message
                break
            watchdog_before_ready += "WATCHDOG=1" in message
        check("READY=1 arrives", ready_message is not None)
        if ready_message is None:
            return
        listening = in_ns("ss", "-Hltn", "sport = :8080").stdout
        check("READY=1 only after the WMS listens on the tunnel",
              f"10.79.0.1%{IFNAME}:8080" in listening, listening)
        link = in_ns("ip", "-o", "link", "show", IFNAME).stdout
        check("READY=1 only after the tunnel is up", ",UP" in link, link)
        on_device = in_ns("wg", "show", IFNAME, "peers").stdout.split()
        check("READY=1 only after the registry's peers are on the device",
              sorted(on_device) == sorted(keys), f"{on_device} vs {keys}")
        check("READY=1 carries a STATUS line with peers, layers and requests",
              "STATUS=serving 2 peers, 0 layers; 0 requests answered" in ready_message,
              ready_message)

        window = 3.0
        pings = 0
        end = time.monotonic() + window
        while time.monotonic() < end:
            message = receive(sock, end)
            if message and "WATCHDOG=1" in message:
                pings += 1
        expected = window / (WATCHDOG_USEC / 1e6 / 2)
        # Half the interval means about `expected` pings; the bounds only
        # catch a missing or wildly wrong rate, not scheduling jitter.
        check(f"WATCHDOG=1 about every {WATCHDOG_USEC / 2e6:.1f} s ({pings} in {window:.0f} s)",
              expected - 2 <= pings <= expected + 2)

        # SIGHUP: RELOADING=1, then READY=1 once the new config is applied.
        daemon.send_signal(signal.SIGHUP)
        reloading = reloaded = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not reloaded:
            message = receive(sock, deadline)
            if message is None:
                break
            reloading = reloading or "RELOADING=1" in message
            reloaded = reloading and "READY=1" in message
        check("SIGHUP: RELOADING=1, then READY=1", reloading and reloaded)

        daemon.send_signal(signal.SIGTERM)
        stopping = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not stopping:
            message = receive(sock, deadline)
            if message is None:
                break
            stopping = "STOPPING=1" in message
        check("STOPPING=1 on SIGTERM", stopping)
        try:
            code = daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        check("exit code 0 after SIGTERM", code == 0, f"(got {code})")
        gone = in_ns("ip", "link", "show", IFNAME).returncode != 0
        check("the interface it created is removed", gone)
    finally:
        if daemon and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        pids = subprocess.run(["ip", "netns", "pids", NS], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        subprocess.run(["ip", "netns", "del", NS])
        subprocess.run(["rm", "-rf", work])
        subprocess.run(["rm", "-f", f"/var/run/wireguard/{IFNAME}.sock"])
        leftovers("drop", "notify_test.py")
    print(f"{passes} passed, {len(failures)} failed")


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("notify_test: skipped: needs root for network namespaces", file=sys.stderr)
        sys.exit(77)
    main()
    sys.exit(1 if failures else 0)
