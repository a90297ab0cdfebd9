#include "provisioning/qr_code.hpp"

#include <fcntl.h>
#include <png.h>
#include <qrencode.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace {

struct QrFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
struct FileClose {
    // Only for paths that give the file up: the one that keeps it checks
    // fclose itself.
    void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

constexpr int terminal_quiet_zone = 2;  // enough for phone cameras on a screen
constexpr int png_quiet_zone = 4;       // what ISO/IEC 18004 asks for

}  // namespace

tl::expected<QrCode, std::error_code> encode_qr(std::string_view text) {
    const std::string copy(text);  // libqrencode wants a NUL-terminated string
    std::unique_ptr<QRcode, QrFree> raw(QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M));
    if (!raw) return tl::unexpected(make_error_code(Errc::qr_failed));
    QrCode code;
    code.size = raw->width;
    const auto count = static_cast<std::size_t>(raw->width) * static_cast<std::size_t>(raw->width);
    code.dark.resize(count);
    // Bit 0 of each byte is the module's colour; the other bits say what the
    // module is for.
    for (std::size_t i = 0; i < count; ++i) code.dark[i] = (raw->data[i] & 1) != 0;
    return code;
}

std::string qr_terminal_text(const QrCode& code) {
    const int from = -terminal_quiet_zone;
    const int to = code.size + terminal_quiet_zone;
    auto light = [&](int x, int y) {
        return x < 0 || y < 0 || x >= code.size || y >= code.size || !code.at(x, y);
    };
    std::string out;
    for (int y = from; y < to; y += 2) {
        for (int x = from; x < to; ++x) {
            const bool top = light(x, y);
            const bool bottom = y + 1 < to && light(x, y + 1);
            if (top && bottom) {
                out += "\u2588";
            } else if (top) {
                out += "\u2580";
            } else if (bottom) {
                out += "\u2584";
            } else {
                out += ' ';
            }
        }
        out += '\n';
    }
    return out;
}

tl::expected<void, std::error_code> write_qr_png(const QrCode& code,
                                                 const std::filesystem::path& file, int scale) {
    const auto failed = tl::unexpected(make_error_code(Errc::qr_failed));
    if (scale < 1 || code.size < 1) return failed;
    const int side = (code.size + 2 * png_quiet_zone) * scale;
    const auto unit = static_cast<std::size_t>(scale);
    std::vector<png_byte> pixels(static_cast<std::size_t>(side) * static_cast<std::size_t>(side),
                                 255);
    for (int y = 0; y < code.size; ++y)
        for (int x = 0; x < code.size; ++x) {
            if (!code.at(x, y)) continue;
            for (int dy = 0; dy < scale; ++dy) {
                const std::size_t row = static_cast<std::size_t>(y + png_quiet_zone) * unit +
                                        static_cast<std::size_t>(dy);
                const std::size_t col = static_cast<std::size_t>(x + png_quiet_zone) * unit;
                std::fill_n(pixels.begin() + static_cast<std::ptrdiff_t>(row * side + col), scale,
                            png_byte{0});
            }
        }

    // A new file beside the target, made by us alone (mkstemp: O_CREAT |
    // O_EXCL, mode 0600) and then renamed over it: a symlink planted at the
    // target is replaced, not followed, and a file someone else made there
    // (and may still hold open) is never written into. In a sticky directory
    // such as /tmp the kernel refuses to rename over another user's file.
    if (!file.has_filename())
        return tl::unexpected(std::make_error_code(std::errc::is_a_directory));
    std::string temporary =
        (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) return tl::unexpected(std::error_code(errno, std::system_category()));
    std::unique_ptr<std::FILE, FileClose> out(::fdopen(fd, "wb"));
    if (!out) {
        ::close(fd);
        ::unlink(temporary.c_str());
        return failed;
    }
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(side);
    image.height = static_cast<png_uint_32>(side);
    image.format = PNG_FORMAT_GRAY;
    const bool written =
        png_image_write_to_stdio(&image, out.get(), 0, pixels.data(), side, nullptr) != 0;
    png_image_free(&image);
    const bool flushed = written && std::fflush(out.get()) == 0 && ::fsync(fd) == 0;
    const bool closed = std::fclose(out.release()) == 0;
    if (!flushed || !closed) {
        ::unlink(temporary.c_str());
        return failed;
    }
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(temporary.c_str());
        return tl::unexpected(std::error_code(err, std::system_category()));
    }
    return {};
}

}  // namespace wmsgate::provisioning
