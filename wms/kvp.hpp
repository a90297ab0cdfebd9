#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::wms {

// Limits on a query string; a WMS request needs a dozen short parameters, so
// anything far beyond that is refused before it costs memory.
struct KvpLimits {
    std::size_t max_parameters = 64;
    std::size_t max_value_length = 8192;
};

// Decoded key-value pairs of an OGC KVP query string. Names are matched
// case-insensitively (OGC 06-042 6.8.1); values keep their case.
class Kvp {
  public:
    // Parses "A=b&c=d%20e". Decodes %xx and '+'; the first occurrence of a
    // repeated name wins; a piece without '=' gets an empty value.
    static tl::expected<Kvp, std::error_code> parse(std::string_view query,
                                                    const KvpLimits& limits = {});

    // nullopt when the parameter is absent.
    std::optional<std::string_view> get(std::string_view name) const;
    bool contains(std::string_view name) const { return get(name).has_value(); }
    std::size_t size() const { return values_.size(); }

  private:
    std::map<std::string, std::string, std::less<>> values_;  // key: upper-cased name
};

// Percent-decodes one query component ('+' means space).
tl::expected<std::string, std::error_code> percent_decode(std::string_view text);

// ASCII upper-casing; WMS names and keywords are ASCII.
std::string to_upper_ascii(std::string_view text);
bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace wmsgate::wms
