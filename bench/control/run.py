#!/usr/bin/python3
"""Control replies with many peers (issue 12). Prints figures; not a test.

  sudo bench/control/run.py [--peers 10000] [--repeat 5] [--bin build/bin]

Seeds --peers peers (bench/provisioning's seeder: one audit line each, so the
audit trail is as long), starts wmsgated with backend "uapi" in a namespace
of its own (bench/provisioning/run.py's harness), then times each of
`wmsgatectl peer list`, `peer list --json`, `status`, `status --json` and
`audit` as a whole process with stdout to /dev/null, --repeat times, and
checks that every peer is in each answer. Target: each ≤ 1 s.

Replies are bounded at 64 MiB (daemon/control_protocol.hpp); the figures
print each reply's size so the headroom shows. Needs root, ip(8), wg(8),
wireguard-go.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "provisioning_bench", os.path.join(REPO, "bench", "provisioning", "run.py"))
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

COMMANDS = [
    ("peer list", ["peer", "list"]),
    ("peer list --json", ["peer", "list", "--json"]),
    ("status", ["status"]),
    ("status --json", ["status", "--json"]),
    ("audit", ["audit"]),
    ("audit --json", ["audit", "--json"]),
]


def run(bench, args):
    harness.log(f"seeding {args.peers} peers")
    subprocess.run([os.path.join(args.bin, "provisioning_bench_seed"), bench.state,
                    str(args.peers)], check=True, stdout=sys.stderr)
    took = bench.start_daemon()
    harness.log(f"wmsgated ready in {took:.1f} s")
    ctl = [os.path.join(args.bin, "wmsgatectl"), "--socket", bench.control]
    print(f"wmsgatectl with {args.peers} peers (uapi backend), {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"  command: {' '.join(ctl)} ...")
    missed = []
    for label, argv in COMMANDS:
        times, size = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run(ctl + argv, capture_output=True)
            times.append((time.perf_counter() - start) * 1000)
            if done.returncode != 0:
                raise RuntimeError(f"{label}: exit {done.returncode}: "
                                   f"{done.stderr.decode(errors='replace').strip()}")
            size = len(done.stdout)
        # Every peer is in the answer (audit: one "add" line each at least).
        text = done.stdout.decode()
        if "--json" in argv:
            value = json.loads(text)
            rows = value["peers"] if isinstance(value, dict) else value
            count = len(rows)
        else:
            count = len(text.splitlines()) - (3 if label == "status" else 1)
        if count < args.peers:
            raise RuntimeError(f"{label}: {count} rows, expected at least {args.peers}")
        median = statistics.median(times)
        if median > 1000:
            missed.append(label)
        print(f"  {label:18s} median {median:7.1f} ms  max {max(times):7.1f} ms  "
              f"({count} rows, {size / 1e6:.1f} MB on stdout, n={args.repeat})")
    print("target ≤ 1 s each: " + ("met" if not missed else "MISSED for " + ", ".join(missed)))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peers", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bin"))
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py needs root (network namespace, WireGuard device)")
    args.template = None
    bench = harness.Bench(args)
    try:
        bench.setup()
        run(bench, args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        harness.log(f"error: {error}")
        return 1
    finally:
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
