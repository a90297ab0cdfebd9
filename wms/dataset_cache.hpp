#pragma once

// Datasets opened by the calling thread. Private to wms/.

#include <gdal_priv.h>

#include <cstdint>
#include <string>

namespace wmsgate::wms {

// The calling thread's own handle on `source`, opened on first use and kept:
// opening a GeoTIFF per request would cost more than warping a tile from it,
// and GDAL 3.6 datasets must never be used by two threads at once. nullptr
// when it cannot be opened. The pointer is valid until this thread's next
// call here (which may drop handles after forget_all_thread_datasets()).
GDALDataset* thread_dataset(const std::string& source);

// Drops this thread's handle, so that the next use reopens the file (after
// a read failed, the file may have been replaced).
void forget_thread_dataset(const std::string& source);

// Makes every thread drop all its handles before its next use (after a
// reload: a file may have been replaced under the same path). Thread-safe.
void forget_all_thread_datasets();

// Counts forget_all_thread_datasets() calls: other per-thread caches of
// opened sources (vector layers) drop their handles when it changes.
std::uint64_t thread_datasets_generation();

}  // namespace wmsgate::wms
