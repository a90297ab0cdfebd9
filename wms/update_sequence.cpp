#include "wms/update_sequence.hpp"

#include <cstdint>
#include <string>

#include "wms/area.hpp"

namespace wmsgate::wms {
namespace {

// Sixteen lower-case hex digits, zero-padded.
std::string hex16(std::uint64_t value) {
    std::string text(16, '0');
    for (std::size_t i = 16; i-- > 0; value >>= 4) text[i] = "0123456789abcdef"[value & 0xfu];
    return text;
}

// FNV-1a, 64 bits: stable across runs and builds, unlike std::hash.
class Fingerprint {
  public:
    void add(std::string_view bytes) {
        for (const unsigned char c : bytes) hash_ = (hash_ ^ c) * 0x100000001b3ull;
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        hash_ = (hash_ ^ 0xffu) * 0x100000001b3ull;
    }
    void add(std::uint64_t value) { add(hex16(value)); }
    std::uint64_t value() const { return hash_; }

  private:
    std::uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace

std::string view_sequence(std::string_view document, const ClientView& view,
                          std::string_view configured) {
    Fingerprint f;
    f.add(document);
    f.add(configured);
    for (const auto& [layer, area] : view.areas) {
        if (!view.layers.contains(layer) || !area) continue;
        f.add(layer);
        f.add(area->fingerprint());
    }
    return hex16(f.value());
}

}  // namespace wmsgate::wms
