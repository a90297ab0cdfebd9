#include <cmath>
#include <limits>

#include "daemon/config_tables.hpp"

namespace wmsgate::daemon::config_tables {
namespace {

tl::expected<void, ConfigError> read_contact(Section& s, wms::ContactInfo& out) {
    const std::pair<const char*, std::string*> fields[] = {
        {"person", &out.person},
        {"organization", &out.organization},
        {"position", &out.position},
        {"address_type", &out.address_type},
        {"address", &out.address},
        {"city", &out.city},
        {"state_or_province", &out.state_or_province},
        {"post_code", &out.post_code},
        {"country", &out.country},
        {"voice_telephone", &out.voice_telephone},
        {"email", &out.email},
    };
    for (const auto& [key, field] : fields) TRY_ASSIGN(*field, s.string(key, ""));
    return s.reject_unknown_keys();
}

// The keys that keep one peer from hurting another: connection caps,
// render fairness, deadlines, the per-request pixel budget.
tl::expected<void, ConfigError> read_isolation(Section& s, WmsSection& out) {
    std::int64_t value = 0;
    TRY_ASSIGN(value, s.integer("max_connections", static_cast<std::int64_t>(out.max_connections),
                                1, 65536));
    out.max_connections = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("max_connections_per_peer",
                                static_cast<std::int64_t>(out.max_connections_per_peer), 1, 65536));
    out.max_connections_per_peer = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("max_renders_per_peer", out.max_renders_per_peer, 0, 64));
    out.max_renders_per_peer = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("max_queued_requests",
                                static_cast<std::int64_t>(out.max_queued_requests), 1, 65536));
    out.max_queued_requests = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("request_timeout", out.request_timeout.count(), 1, 600));
    out.request_timeout = std::chrono::seconds(value);
    TRY_ASSIGN(value, s.integer("write_timeout", out.write_timeout.count(), 1, 3600));
    out.write_timeout = std::chrono::seconds(value);
    auto& service = out.service;
    TRY_ASSIGN(value, s.integer("max_request_pixels",
                                static_cast<std::int64_t>(service.max_request_pixels), 0,
                                std::int64_t{1} << 40));
    service.max_request_pixels = static_cast<std::uint64_t>(value);
    return {};
}

}  // namespace

tl::expected<void, ConfigError> read_wms(const std::filesystem::path& file, Section s,
                                         WmsSection& out) {
    auto& service = out.service;
    std::int64_t value = 0;
    TRY_ASSIGN(value, s.integer("port", out.port, 1, 65535));
    out.port = static_cast<std::uint16_t>(value);
    TRY_ASSIGN(value, s.integer("render_threads", out.render_threads, 1, 64));
    out.render_threads = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("drain_timeout", out.drain_timeout.count(), 0, 600));
    out.drain_timeout = std::chrono::seconds(value);
    if (auto ok = read_isolation(s, out); !ok) return ok;
    TRY_ASSIGN(service.title, s.string("title", service.title));
    TRY_ASSIGN(service.abstract, s.string("abstract", ""));
    TRY_ASSIGN(value, s.integer("max_width", service.max_width, 1, 16384));
    service.max_width = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("max_height", service.max_height, 1, 16384));
    service.max_height = static_cast<unsigned>(value);
    TRY_ASSIGN(service.keywords, s.strings("keywords"));
    TRY_ASSIGN(service.fees, s.string("fees", ""));
    TRY_ASSIGN(service.access_constraints, s.string("access_constraints", ""));
    if (s.find("crs")) TRY_ASSIGN(service.crs, s.strings("crs"));
    TRY_ASSIGN(value, s.integer("layer_limit", service.layer_limit, 0, 1000));
    service.layer_limit = static_cast<unsigned>(value);
    TRY_ASSIGN(service.update_sequence, s.string("update_sequence", ""));
    TRY_ASSIGN(value, s.integer("gdal_block_cache_mb", service.gdal_block_cache_mb, 0, 65536));
    service.gdal_block_cache_mb = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("png_compression", service.png_compression, 1, 9));
    service.png_compression = static_cast<int>(value);
    TRY_ASSIGN(value, s.integer("jpeg_quality", service.jpeg_quality, 1, 100));
    service.jpeg_quality = static_cast<int>(value);
    if (const auto* contact = s.find("contact")) {
        if (!contact->is_table()) {
            return Error(s.error(*contact, "contact", "expected a [wms.contact] table"));
        }
        Section contact_section(file, *contact->as_table(), "wms.contact.");
        if (auto ok = read_contact(contact_section, service.contact); !ok) return ok;
    }
    return s.reject_unknown_keys();
}

}  // namespace wmsgate::daemon::config_tables
