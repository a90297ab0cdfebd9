#pragma once

#include <string>
#include <string_view>

namespace wmsgate::provisioning {

// "a,b,c": names as audit lines, log fields and messages list them. Empty
// for no names; the caller says what that means ("-", "never", ...).
template <class Names>
std::string joined(const Names& names, std::string_view separator = ",") {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += separator;
        out += name;
    }
    return out;
}

}  // namespace wmsgate::provisioning
