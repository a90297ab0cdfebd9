#include "wms/image_encoder.hpp"

#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/jpeg_encoder.hpp"
#include "wms/png_encoder.hpp"

namespace wmsgate::wms {
namespace {

// Wraps the pixels in a MEM dataset: GDAL's WebP driver only writes by
// CreateCopy.
GDALDatasetUniquePtr to_mem_dataset(const RgbaImage& image, int bands) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (mem == nullptr) return nullptr;
    const int w = static_cast<int>(image.width);
    const int h = static_cast<int>(image.height);
    GDALDatasetUniquePtr dataset(mem->Create("", w, h, bands, GDT_Byte, nullptr));
    if (!dataset) return nullptr;
    // The buffer is pixel-interleaved RGBA: 4 bytes per pixel, 1 between bands.
    const CPLErr err =
        dataset->RasterIO(GF_Write, 0, 0, w, h, const_cast<std::uint8_t*>(image.pixels.data()), w,
                          h, GDT_Byte, bands, nullptr, 4, GSpacing{4} * w, 1, nullptr);
    if (err != CE_None) return nullptr;
    if (bands == 4) dataset->GetRasterBand(4)->SetColorInterpretation(GCI_AlphaBand);
    return dataset;
}

tl::expected<std::string, std::error_code> encode_with_gdal(const RgbaImage& image,
                                                            const char* driver_name, int bands,
                                                            int quality) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    const auto failed = tl::unexpected(make_error_code(Errc::encode_failed));
    auto source = to_mem_dataset(image, bands);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
    if (!source || driver == nullptr) return failed;

    const std::string quality_option = "QUALITY=" + std::to_string(quality);
    const char* options[] = {quality_option.c_str(), nullptr};
    VsiMemFile file(driver_name);
    GDALDatasetUniquePtr written(driver->CreateCopy(file.path().c_str(), source.get(), FALSE,
                                                    const_cast<char**>(options), nullptr, nullptr));
    if (!written) return failed;
    written.reset();  // closing flushes the file
    std::string bytes = file.contents();
    if (bytes.empty()) return failed;
    return bytes;
}

}  // namespace

bool supports_alpha(ImageFormat format) {
    return format != ImageFormat::jpeg;
}

std::string_view content_type(ImageFormat format) {
    switch (format) {
        case ImageFormat::png:
            return "image/png";
        case ImageFormat::png8:
            return "image/png; mode=8bit";
        case ImageFormat::jpeg:
            return "image/jpeg";
        case ImageFormat::webp:
            return "image/webp";
    }
    return "image/png";
}

tl::expected<std::string, std::error_code> encode_image(const RgbaImage& image, ImageFormat format,
                                                        bool transparent,
                                                        const EncodeSettings& settings) {
    const PngAlpha alpha = transparent ? PngAlpha::keep : PngAlpha::drop;
    switch (format) {
        case ImageFormat::png:
            return encode_png(image, {alpha, PngColours::truecolour, settings.png_level});
        case ImageFormat::png8:
            return encode_png(image, {alpha, PngColours::palette, settings.png_level});
        case ImageFormat::jpeg:
            return encode_jpeg(image, settings.jpeg_quality);
        case ImageFormat::webp:
            return encode_with_gdal(image, "WEBP", transparent ? 4 : 3, settings.jpeg_quality);
    }
    return tl::unexpected(make_error_code(Errc::encode_failed));
}

}  // namespace wmsgate::wms
