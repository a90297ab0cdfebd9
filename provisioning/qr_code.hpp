#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

namespace wmsgate::provisioning {

// A QR code's modules, row by row; true is a dark module. No quiet zone.
struct QrCode {
    int size = 0;
    std::vector<bool> dark;  // size * size
    bool at(int x, int y) const {
        return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                    static_cast<std::size_t>(x)];
    }
};

// The text as one 8-bit-mode QR code, error correction level M (what the
// WireGuard apps scan well). Error qr_failed when the text does not fit.
tl::expected<QrCode, std::error_code> encode_qr(std::string_view text);

// The code drawn with UTF-8 half blocks, two module rows per line, with a
// quiet zone. Dark modules are blanks and light ones blocks, so the code
// reads right on the usual light-on-dark terminal.
std::string qr_terminal_text(const QrCode& code);

// Writes the code as an 8-bit greyscale PNG, `scale` pixels per module with a
// four-module quiet zone, mode 0600 (the code holds a private key). Safe
// replace: written to a new file of our own beside `file`, then renamed over
// it, so an existing file, or a symlink, at `file` is replaced and never
// written through. Errors: the system's (the directory is not writable, a
// sticky directory holds another user's file there), qr_failed when encoding
// fails.
tl::expected<void, std::error_code> write_qr_png(const QrCode& code,
                                                 const std::filesystem::path& file, int scale = 8);

}  // namespace wmsgate::provisioning
