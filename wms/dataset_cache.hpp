#pragma once

// Datasets opened by the calling thread. Private to wms/.

#include <gdal_priv.h>

#include <string>

namespace wmsgate::wms {

// The calling thread's own handle on `source`, opened on first use and kept:
// opening a GeoTIFF per request would cost more than warping a tile from it,
// and GDAL 3.6 datasets must never be used by two threads at once. nullptr
// when it cannot be opened.
GDALDataset* thread_dataset(const std::string& source);

// Drops this thread's handle, so that the next use reopens the file (after
// a read failed, the file may have been replaced).
void forget_thread_dataset(const std::string& source);

}  // namespace wmsgate::wms
