#pragma once

// GDAL plumbing shared by the catalog and the renderer. Private to wms/.

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <string>
#include <string_view>

namespace wmsgate::wms {

// Registers GDAL's drivers (and sizes its file pool, below) once per
// process; safe to call from any thread.
void ensure_gdal_registered();

// GDAL keeps at most GDAL_MAX_DATASET_POOL_SIZE (default 100) of a VRT's
// source files open per process; a mosaic of more files then closes and
// reopens them on every map (a third of a mosaic map's time, measured in
// bench/wms). Unless the environment sets it, this raises the pool to a
// quarter of the process's open-file limit (at most 1000, at least 100),
// leaving the rest to connections. Must run before the first raster opens.
void size_gdal_file_pool();

// Library code never logs: while this scope lives, GDAL messages on this
// thread are dropped instead of going to GDAL's default stderr handler.
// (GDAL's handler stack is per thread, so this is safe on the render pool.)
// GDAL still records the last one per thread: last_error() hands it to the
// caller, who puts it into the error a person reads.
class QuietGdalErrors {
  public:
    QuietGdalErrors() : pusher_(CPLQuietErrorHandler) { CPLErrorReset(); }

    // GDAL's message for the last failure on this thread since the scope
    // began, with control characters replaced; empty when GDAL said nothing.
    static std::string last_error();

  private:
    CPLErrorHandlerPusher pusher_;
};

// The CRS as WKT, a key for caches of transformations; empty if GDAL
// cannot write it.
std::string wkt_of(const OGRSpatialReference& srs);

// Opens a raster read-only; null when GDAL cannot open it as a raster.
GDALDatasetUniquePtr open_raster(const std::string& path);

// A /vsimem/ file name that no other thread or call uses, unlinked (with
// any side-car file GDAL may have written) when this object dies.
class VsiMemFile {
  public:
    explicit VsiMemFile(std::string_view extension);
    ~VsiMemFile();
    VsiMemFile(const VsiMemFile&) = delete;
    VsiMemFile& operator=(const VsiMemFile&) = delete;

    const std::string& path() const { return path_; }
    // The file's bytes; empty if it does not exist.
    std::string contents() const;

  private:
    std::string path_;
};

}  // namespace wmsgate::wms
