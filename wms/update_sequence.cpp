#include "wms/update_sequence.hpp"

#include <cstdint>
#include <cstdio>

#include "wms/area.hpp"

namespace wmsgate::wms {
namespace {

// FNV-1a, 64 bits: stable across runs and builds, unlike std::hash.
class Fingerprint {
  public:
    void add(std::string_view bytes) {
        for (const unsigned char c : bytes) hash_ = (hash_ ^ c) * 0x100000001b3ull;
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        hash_ = (hash_ ^ 0xffu) * 0x100000001b3ull;
    }
    void add(std::uint64_t value) {
        char text[17];
        std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
        add(std::string_view(text, 16));
    }
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
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(f.value()));
    return text;
}

}  // namespace wmsgate::wms
