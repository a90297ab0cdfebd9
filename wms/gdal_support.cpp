#include "wms/gdal_support.hpp"

#include <cpl_vsi.h>

#include <atomic>
#include <mutex>

namespace wmsgate::wms {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
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
