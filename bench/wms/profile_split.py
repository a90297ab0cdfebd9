#!/usr/bin/python3
"""Where a map's CPU time goes, from a `perf record` of wms_render_profile:
self time per symbol, put in five bins by library and name, printed as
percentages on one line.
  read/decode  GDAL, libtiff, curl, JPEG/DEFLATE/LZW decoding
  resample     wmsgate's sampling and styling, PROJ's transformations
  encode       PNG and JPEG output (libpng, zlib/libdeflate compression,
               libjpeg's forward DCT and Huffman coding)
  kernel       system calls, page faults
  other        the rest (allocation, memcpy, request parsing)
Usage: profile_split.py PERF_DATA [LABEL]"""
import re
import subprocess
import sys

# libjpeg-turbo and libdeflate both read and write: the name says which.
JPEG_ENCODE = re.compile(r"fdct|quantize|encode|rgb_ycc|compress|htest|gen_optimal|emit_|"
                         r"write|finish_pass|start_pass_huff|jpeg_start|pre_process|downsample")
DEFLATE_ENCODE = re.compile(r"(?<!de)compress|deflate(?!_?decompress)|longest_match|fill_window|"
                            r"compress_block|send_bits|build_tree|pqdownheap|gen_bitlen")
WMSGATE_ENCODE = re.compile(r"encode|png|jpeg|crc32|adler", re.I)
WMSGATE_RESAMPLE = re.compile(r"resampl|sampl|interpolat|pixel_map|mapping|draw|paint|ramp|style|"
                              r"blend|compose|transform|bilinear|nearest|cubic|kernel|warp", re.I)


def bin_of(dso, sym):
    if dso.startswith("[kernel") or dso == "[unknown]" and sym.startswith("0xffff"):
        return "kernel"
    if "libjpeg" in dso:
        return "encode" if JPEG_ENCODE.search(sym) else "read/decode"
    if "libdeflate" in dso or dso.startswith("libz."):
        if "decompress" in sym or "inflate" in sym:
            return "read/decode"
        return "encode"
    if "libpng" in dso:
        return "encode"
    if "libproj" in dso:
        return "resample"
    if any(lib in dso for lib in ("libgdal", "libtiff", "libcurl", "liblzma", "libzstd", "libLerc",
                                  "libwebp", "libnghttp", "libssl", "libcrypto")):
        return "read/decode"
    if "wms_render_profile" in dso or "wms_bench_server" in dso:
        if WMSGATE_ENCODE.search(sym):
            return "encode"
        if WMSGATE_RESAMPLE.search(sym):
            return "resample"
    return "other"


def main():
    data = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else data
    report = subprocess.run(
        ["perf", "report", "-i", data, "--no-children", "--sort", "dso,sym", "--stdio", "-g", "none",
         "--percent-limit", "0"],
        capture_output=True, text=True, check=True).stdout
    bins = {name: 0.0 for name in ("read/decode", "resample", "encode", "kernel", "other")}
    top = {name: [] for name in bins}
    line_re = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*)$")
    for line in report.splitlines():
        match = line_re.match(line)
        if not match:
            continue
        share, dso, sym = float(match.group(1)), match.group(2), match.group(3).strip()
        name = bin_of(dso, sym)
        bins[name] += share
        top[name].append((share, sym))
    print(f"{label}: " + ", ".join(f"{name} {share:.0f} %" for name, share in bins.items()))
    for name, items in top.items():
        items.sort(reverse=True)
        print(f"    {name:12s}" + "; ".join(f"{sym[:48]} {share:.1f}" for share, sym in items[:4]))


main()
