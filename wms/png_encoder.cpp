#include "wms/png_encoder.hpp"

#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

// Wraps the pixels in a MEM dataset: the PNG driver only writes by CreateCopy.
GDALDatasetUniquePtr to_mem_dataset(const RgbaImage& image, int bands) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (mem == nullptr) return nullptr;
    GDALDatasetUniquePtr dataset(mem->Create("", static_cast<int>(image.width),
                                             static_cast<int>(image.height), bands, GDT_Byte,
                                             nullptr));
    if (!dataset) return nullptr;
    const int w = static_cast<int>(image.width);
    const int h = static_cast<int>(image.height);
    // The buffer is pixel-interleaved RGBA: 4 bytes per pixel, 1 between bands.
    const CPLErr err =
        dataset->RasterIO(GF_Write, 0, 0, w, h, const_cast<std::uint8_t*>(image.pixels.data()), w,
                          h, GDT_Byte, bands, nullptr, 4, GSpacing{4} * w, 1, nullptr);
    if (err != CE_None) return nullptr;
    if (bands == 4) dataset->GetRasterBand(4)->SetColorInterpretation(GCI_AlphaBand);
    return dataset;
}

}  // namespace

tl::expected<std::string, std::error_code> encode_png(const RgbaImage& image, PngAlpha alpha) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    const auto failed = tl::unexpected(make_error_code(Errc::encode_failed));

    auto source = to_mem_dataset(image, alpha == PngAlpha::keep ? 4 : 3);
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    if (!source || png == nullptr) return failed;

    VsiMemFile file("png");
    GDALDatasetUniquePtr written(
        png->CreateCopy(file.path().c_str(), source.get(), FALSE, nullptr, nullptr, nullptr));
    if (!written) return failed;
    written.reset();  // closing flushes the file
    std::string bytes = file.contents();
    if (bytes.empty()) return failed;
    return bytes;
}

}  // namespace wmsgate::wms
