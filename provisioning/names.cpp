#include <string_view>

#include "provisioning/registry.hpp"

namespace wmsgate::provisioning {
namespace {

constexpr std::size_t max_name_length = 64;

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

// A leading '-' would read as an option on a command line; a leading '.'
// would make a hidden file or "." / "..".
bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > max_name_length) return false;
    if (name.front() == '-' || name.front() == '.') return false;
    for (const char c : name)
        if (!is_name_char(c)) return false;
    return true;
}

}  // namespace

bool is_valid_peer_name(std::string_view name) {
    return is_valid_name(name);
}
bool is_valid_group_name(std::string_view name) {
    return is_valid_name(name);
}

}  // namespace wmsgate::provisioning
