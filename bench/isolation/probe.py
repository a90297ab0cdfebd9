#!/usr/bin/python3
"""alice's view: one 256x256 PNG every 100 ms on a fresh connection, as a
tile client would; prints "p50 p95 p99 max failures count" in milliseconds."""
import http.client
import sys
import time

host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
path = ("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES="
        "&CRS=CRS:84&BBOX=-20,30,20,70&WIDTH=256&HEIGHT=256&FORMAT=image/png")
samples, failures = [], 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    began = time.monotonic()
    try:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status != 200 or not body.startswith(b"\x89PNG"):
            failures += 1
        else:
            samples.append((time.monotonic() - began) * 1000)
    except OSError:
        failures += 1
    time.sleep(max(0.0, 0.1 - (time.monotonic() - began)))

samples.sort()
def pct(p):
    return samples[min(len(samples) - 1, int(round(p / 100 * (len(samples) - 1))))] if samples else float("nan")
print(f"{pct(50):.1f} {pct(95):.1f} {pct(99):.1f} {max(samples) if samples else float('nan'):.1f} {failures} {len(samples)}")
