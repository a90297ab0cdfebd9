#pragma once

#include <string>
#include <string_view>

namespace wmsgate::wms {

// Escapes text for XML content and attribute values. Bytes that cannot appear
// in an XML 1.0 document (control characters, malformed UTF-8) become '?', so
// a hostile query string can never make our documents ill-formed.
std::string xml_escape(std::string_view text);

// Shortest round-trip decimal form of a number, independent of the locale.
std::string format_number(double value);

}  // namespace wmsgate::wms
