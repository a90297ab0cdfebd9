#pragma once

#include <string>

namespace wmsgate::wms::test {

struct XmllintResult {
    int status = -1;
    std::string output;
};

// Validates `xml` offline against a schema given by its canonical URL (e.g.
// "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd"), which the
// shared OASIS catalog maps onto the local copies.
XmllintResult xmllint_validate(const std::string& xml, const std::string& schema_url);

}  // namespace wmsgate::wms::test
