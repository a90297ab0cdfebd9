#!/usr/bin/python3
"""Where a map's CPU time goes, from `perf record --call-graph dwarf` of
wms_render_profile: the share of samples under (inclusive time of) the
functions of each phase, and the self time per library.
  read/decode  read_window (GDAL's RasterIO: block cache, tile decoding,
               overviews, /vsicurl/), opening datasets, source_georef
  resample     resample (sampling, styling) and PixelMapping (PROJ)
  encode       encode_image (PNG or JPEG)
  other        the rest of a map: request parsing, the blank map
Libraries are stripped, so the phases come from wmsgate's own frames above
them, not from the libraries' symbols.
Usage: profile_split.py PERF_DATA [LABEL]"""
import re
import subprocess
import sys

# Shares are of the samples under profile(): the maps, not start-up.
MAPS = r"^\(anonymous namespace\)::profile$"
PHASES = {
    "read/decode": [r"^wmsgate::wms::read_window\b", r"^wmsgate::wms::thread_dataset\b",
                    r"^wmsgate::wms::source_georef\b"],
    # resample() tail-calls the nearest and cubic kernels: their frames
    # stand beside it, not under it.
    "resample": [r"^wmsgate::wms::resample\b", r"^wmsgate::wms::resample_nearest\b",
                 r"^wmsgate::wms::resample_cubic\b", r"^wmsgate::wms::PixelMapping::PixelMapping\b"],
    "encode": [r"^wmsgate::wms::encode_image\b"],
}


def report(data, *args):
    return subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0",
                           *args], capture_output=True, text=True, check=True).stdout


def main():
    data = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else data
    # Lines: "  Children  Self  Command  [.] symbol" with --sort sym.
    # perf lists one function several times (one line per mapping of it);
    # the lines count disjoint samples, so they add up.
    children = {}
    for line in report(data, "--children", "--sort", "sym").splitlines():
        match = re.match(r"^\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*)$", line)
        if match:
            sym = match.group(3).strip()
            children[sym] = children.get(sym, 0.0) + float(match.group(1))
    def under(pattern):
        return max((share for sym, share in children.items() if re.search(pattern, sym)), default=0.0)

    maps = under(MAPS) or 100.0
    shares = {phase: 100.0 * sum(under(p) for p in patterns) / maps for phase, patterns in PHASES.items()}
    shares["other"] = max(0.0, 100.0 - sum(shares.values()))
    # Self time over the whole run, start-up included.
    dsos = []
    for line in report(data, "--no-children", "--sort", "dso").splitlines():
        match = re.match(r"^\s*([\d.]+)%\s+(\S+)\s*$", line)
        if match and float(match.group(1)) >= 2.0:
            dsos.append(f"{match.group(2).split('.so')[0]} {float(match.group(1)):.0f}")
    print(f"{label}: " + ", ".join(f"{phase} {share:.0f} %" for phase, share in shares.items()))
    print("    self time by library, whole run (%): " + ", ".join(dsos))


main()
