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

// Validates a WMS 1.1.1 document against the DTD its DOCTYPE names,
// resolved offline through the same catalog.
XmllintResult xmllint_validate_dtd(const std::string& xml);

// Either of the above, chosen by the document: a DOCTYPE means 1.1.1.
XmllintResult xmllint_validate_wms(const std::string& xml);

}  // namespace wmsgate::wms::test
