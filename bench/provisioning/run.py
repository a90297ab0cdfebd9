#!/usr/bin/python3
"""Provisioning speed benchmark for issue 4 ("Speed"). Prints figures; not a test.

  sudo bench/provisioning/run.py [--peers 10000] [--starts 5] [--adds 50]

1. provisioning_bench_seed writes --peers active peers (10.80.x.y, group "g")
   into a fresh state_dir through the Registry API.
2. Start-up: wmsgated (backend "uapi", so it runs wireguard-go) starts --starts
   times in a network namespace of its own; each run is timed from just
   before exec to the READY=1 it sends to a NOTIFY_SOCKET this script owns,
   and the device is checked to hold every peer. Target: < 3 s.
3. peer add: with the daemon up, `wmsgatectl peer add bench-<i> --groups g`
   runs --adds times, each timed as a whole process (what an admin waits
   for). `wmsgatectl --help` is timed as well: the process start-up part.
   Target: median < 20 ms.

Needs root, ip(8), wg(8) and wireguard-go. Removes its namespace, processes
and work folder on exit, also on failure (--keep keeps the work folder).
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values_ms):
    return (f"median {statistics.median(values_ms):7.1f} ms"
            f"  p90 {percentile(values_ms, 0.9):7.1f} ms"
            f"  min {min(values_ms):7.1f} ms  max {max(values_ms):7.1f} ms  (n={len(values_ms)})")


class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = args.bin
        tag = os.getpid() % 1000
        self.netns = f"wmsgatebench{os.getpid()}"
        self.ifname = f"wgbench{tag}"
        self.work = tempfile.mkdtemp(prefix="wmsgate-provbench-")
        self.state = os.path.join(self.work, "state")
        self.control = os.path.join(self.work, "control.sock")
        self.config = os.path.join(self.work, "wmsgate.toml")
        self.notify_path = os.path.join(self.work, "notify.sock")
        self.daemon = None
        self.daemon_log = None
        self.netns_made = False
        self.notify = None

    # --- set-up and clean-up -------------------------------------------------

    def setup(self):
        subprocess.run(["ip", "netns", "add", self.netns], check=True)
        self.netns_made = True
        subprocess.run(["ip", "-n", self.netns, "link", "set", "lo", "up"], check=True)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        with open(self.config, "w") as out:
            out.write(f"""[daemon]
state_dir = "{self.state}"
control_socket = "{self.control}"
log_level = "warning"

[interface]
name = "{self.ifname}"
listen_port = 51820
address = ["10.80.0.1/16"]
endpoint = "192.0.2.1:51820"
backend = "uapi"

[wms]
port = 8080

[[group]]
name = "g"
layers = []
""")

    def cleanup(self):
        if self.daemon is not None:
            self.stop_daemon()
        if self.netns_made:
            # Whatever is left in our namespace (e.g. a wireguard-go whose
            # daemon died) is ours: end it by pid.
            pids = subprocess.run(["ip", "netns", "pids", self.netns], capture_output=True,
                                  text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", self.netns], check=False)
            self.netns_made = False
        leftover = f"/var/run/wireguard/{self.ifname}.sock"
        if os.path.exists(leftover):
            os.unlink(leftover)
        if self.notify is not None:
            self.notify.close()
        if self.args.keep:
            log(f"work folder kept: {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    # --- the daemon ----------------------------------------------------------

    def start_daemon(self):
        """Starts wmsgated; returns seconds from just before exec to READY=1."""
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
        self.daemon_log = open(os.path.join(self.work, "wmsgated.log"), "ab")
        self.notify.settimeout(0.2)
        while True:  # drop anything a previous run left unread
            try:
                self.notify.recv(4096)
            except (socket.timeout, BlockingIOError):
                break
        # `ip netns exec` enters the namespace and execs wmsgated in the same
        # process; its own cost is measured apart (netns_exec_overhead).
        start = time.perf_counter()
        self.daemon = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, os.path.join(self.bin, "wmsgated"),
             "--config", self.config],
            env=env, stdin=subprocess.DEVNULL, stdout=self.daemon_log, stderr=self.daemon_log)
        deadline = start + self.args.start_timeout
        while True:
            try:
                message = self.notify.recv(4096).decode(errors="replace")
            except socket.timeout:
                message = ""
            if "READY=1" in message.split("\n"):
                return time.perf_counter() - start
            if self.daemon.poll() is not None:
                raise RuntimeError(f"wmsgated exited with {self.daemon.returncode}; "
                                   f"see {self.daemon_log.name} (--keep keeps it)")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no READY=1 within {self.args.start_timeout} s")

    def stop_daemon(self):
        self.daemon.send_signal(signal.SIGTERM)
        try:
            self.daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()
        self.daemon = None
        self.daemon_log.close()
        # The uapi socket goes when wireguard-go does; wait so the next run
        # starts from no device.
        sock = f"/var/run/wireguard/{self.ifname}.sock"
        for _ in range(100):
            if not os.path.exists(sock):
                break
            time.sleep(0.05)

    def device_peer_count(self):
        out = subprocess.run(["ip", "netns", "exec", self.netns, "wg", "show", self.ifname,
                              "peers"], capture_output=True, text=True, check=True).stdout
        return len(out.split())

    # --- figures -------------------------------------------------------------

    def timed(self, argv, check=True):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = time.perf_counter() - start
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: exit {done.returncode}: "
                               f"{done.stderr.decode(errors='replace').strip()}")
        return took * 1000

    def run(self):
        a = self.args
        load_before = os.getloadavg()
        if a.template:
            log(f"copying pre-seeded state from {a.template}")
            shutil.copytree(a.template, self.state)
        else:
            log(f"seeding {a.peers} peers (Registry API, one transaction each)")
            subprocess.run([os.path.join(self.bin, "provisioning_bench_seed"), self.state,
                            str(a.peers)], check=True, stdout=sys.stderr)

        overhead = [self.timed(["ip", "netns", "exec", self.netns, "true"]) for _ in range(10)]

        starts = []
        for i in range(a.starts):
            took = self.start_daemon()
            peers = self.device_peer_count()
            if peers != a.peers:
                raise RuntimeError(f"device holds {peers} peers, expected {a.peers}")
            starts.append(took * 1000)
            log(f"start-up {i + 1}/{a.starts}: {took * 1000:.0f} ms to READY=1, "
                f"{peers} peers on {self.ifname}")
            if i + 1 < a.starts:
                self.stop_daemon()
        if self.daemon is None:
            self.start_daemon()

        ctl = os.path.join(self.bin, "wmsgatectl")
        helps = [self.timed([ctl, "--help"], check=False) for _ in range(a.adds)]
        adds = []
        for i in range(1, a.adds + 1):
            adds.append(self.timed([ctl, "--socket", self.control, "peer", "add", f"bench-{i}",
                                    "--groups", "g"]))
        peers = self.device_peer_count()
        if peers != a.peers + a.adds:
            raise RuntimeError(f"device holds {peers} peers, expected {a.peers + a.adds}")
        self.stop_daemon()

        load_after = os.getloadavg()
        print(f"wmsgate provisioning benchmark: {a.peers} peers present, backend uapi "
              f"(wireguard-go), {os.cpu_count()} CPUs")
        # Other work on the machine shows in every figure; say how much there was.
        print(f"load average (1/5/15 min): before {load_before[0]:.2f}/{load_before[1]:.2f}/"
              f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
              f"{load_after[2]:.2f}")
        print(f"start-up, exec to READY=1       {summary(starts)}  target < 3000 ms")
        print(f"  of which `ip netns exec` ~     {statistics.median(overhead):7.1f} ms (median, "
              f"measured with `true`)")
        print(f"peer add (wmsgatectl, whole)    {summary(adds)}  target median < 20 ms")
        print(f"wmsgatectl --help (process)     {summary(helps)}")
        difference = statistics.median(adds) - statistics.median(helps)
        print(f"peer add minus process start   ~{difference:7.1f} ms (median difference)")
        verdict_start = statistics.median(starts) < 3000
        verdict_add = statistics.median(adds) < 20
        print(f"targets: start-up {'met' if verdict_start else 'MISSED'}, "
              f"peer add {'met' if verdict_add else 'MISSED'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peers", type=int, default=10000, help="peers seeded (default 10000)")
    parser.add_argument("--starts", type=int, default=5, help="daemon start-ups timed")
    parser.add_argument("--adds", type=int, default=50, help="`peer add` calls timed")
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bin"),
                        help="folder with wmsgated, wmsgatectl, provisioning_bench_seed")
    parser.add_argument("--template", help="state_dir seeded before (its registry.sqlite3 is "
                        "copied instead of seeding again; --peers must match)")
    parser.add_argument("--start-timeout", type=float, default=120.0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py needs root (network namespace, WireGuard device)")

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    bench = Bench(args)
    try:
        bench.setup()
        bench.run()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        log(f"error: {error}")
        return 1
    finally:
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
