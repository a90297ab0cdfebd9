#include "wms/gdal_support.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace wmsgate::wms {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] {
        size_gdal_file_pool();
        GDALAllRegister();
    });
}

void size_gdal_file_pool() {
    constexpr rlim_t least = 100, most = 1000;
    if (CPLGetConfigOption("GDAL_MAX_DATASET_POOL_SIZE", nullptr) != nullptr) return;
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0) return;
    const rlim_t pool = std::clamp<rlim_t>(files.rlim_cur / 4, least, most);
    CPLSetConfigOption("GDAL_MAX_DATASET_POOL_SIZE", std::to_string(pool).c_str());
}

std::string QuietGdalErrors::last_error() {
    if (CPLGetLastErrorType() < CE_Failure) return {};
    std::string message = CPLGetLastErrorMsg();
    // It may quote a file's contents, and it goes into one log line.
    for (char& c : message)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return message;
}

std::string wkt_of(const OGRSpatialReference& srs) {
    char* text = nullptr;
    srs.exportToWkt(&text);
    std::string wkt = text != nullptr ? text : "";
    CPLFree(text);
    return wkt;
}

GDALDatasetUniquePtr open_raster(const std::string& path) {
    ensure_gdal_registered();
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

VsiMemFile::VsiMemFile(std::string_view extension) {
    static std::atomic<unsigned long long> counter{0};
    path_ =
        "/vsimem/wmsgate/" + std::to_string(counter.fetch_add(1)) + "." + std::string(extension);
}

VsiMemFile::~VsiMemFile() {
    VSIUnlink(path_.c_str());
    VSIUnlink((path_ + ".aux.xml").c_str());
}

std::string VsiMemFile::contents() const {
    vsi_l_offset length = 0;
    // bUnlinkAndSeize=FALSE: the buffer stays owned by /vsimem/; we copy it
    // and the destructor unlinks the file.
    const GByte* data = VSIGetMemFileBuffer(path_.c_str(), &length, FALSE);
    if (data == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
}

}  // namespace wmsgate::wms
