#include "wms/jpeg_encoder.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <memory>

// jpeglib.h needs FILE and size_t declared before it.
#include <cstdio>
// (a separate block, so that include sorting keeps the order)
#include <jpeglib.h>

#include "wms/errors.hpp"

#ifndef JCS_EXTENSIONS
#error "libjpeg-turbo's colour-space extensions (JCS_EXT_RGBX) are required"
#endif

namespace wmsgate::wms {
namespace {

// libjpeg reports a failure by calling error_exit, which must not return.
// cert-err52-cpp asks for an exception instead of longjmp, but an exception
// cannot unwind through libjpeg's C frames (built without unwind tables);
// longjmp is libjpeg's documented way out. compress() holds no object with
// a destructor between setjmp and any longjmp, so none is skipped.
struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
};

[[noreturn]] void on_error(j_common_ptr info) {
    std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);  // NOLINT(cert-err52-cpp)
}

void no_message(j_common_ptr) {}

// C style on purpose: longjmp must not cross C++ objects with destructors,
// so nothing here has one. On success *out is malloc'ed by libjpeg.
bool compress(const RgbaImage& image, int quality, unsigned char** out, unsigned long* size) {
    jpeg_compress_struct info;
    ErrorManager errors;
    info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = on_error;
    errors.base.output_message = no_message;
    if (setjmp(errors.jump)) {  // NOLINT(cert-err52-cpp): see ErrorManager
        jpeg_destroy_compress(&info);
        return false;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, out, size);
    info.image_width = image.width;
    info.image_height = image.height;
    // The fourth byte of each pixel (alpha) is skipped by libjpeg-turbo.
    info.input_components = 4;
    info.in_color_space = JCS_EXT_RGBX;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, std::clamp(quality, 1, 100), TRUE);
    // Huffman tables fitted to the image: about 12 % smaller maps for a
    // second pass over the coefficients (GDAL's driver and MapServer do the same).
    info.optimize_coding = TRUE;
    jpeg_start_compress(&info, TRUE);
    const std::size_t stride = std::size_t{image.width} * 4;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(image.pixels.data() + info.next_scanline * stride);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return true;
}

struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
};

}  // namespace

tl::expected<std::string, std::error_code> encode_jpeg(const RgbaImage& image, int quality) {
    const auto failed = tl::unexpected(make_error_code(Errc::encode_failed));
    if (image.width == 0 || image.height == 0 ||
        image.pixels.size() != std::size_t{image.width} * image.height * 4)
        return failed;
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    const bool ok = compress(image, quality, &buffer, &size);
    const std::unique_ptr<unsigned char, FreeDeleter> owned(buffer);
    if (!ok || buffer == nullptr || size == 0) return failed;
    return std::string(reinterpret_cast<const char*>(buffer), size);
}

}  // namespace wmsgate::wms
