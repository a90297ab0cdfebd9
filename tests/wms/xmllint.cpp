#include "tests/wms/xmllint.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace wmsgate::wms::test {

namespace {

// `mode`: the xmllint options saying what to validate against.
XmllintResult run_xmllint(const std::string& xml, const std::string& mode) {
    const std::filesystem::path schemas = WMSGATE_OGC_SCHEMAS;
    const std::filesystem::path catalog = schemas / "catalog.xml";
    if (!std::filesystem::exists(catalog)) return {-1, "missing " + catalog.string()};

    std::string file_template =
        (std::filesystem::temp_directory_path() / "wmsgate-xmllint-XXXXXX").string();
    const int fd = ::mkstemp(file_template.data());
    if (fd < 0) return {-1, "mkstemp failed"};
    ::close(fd);
    std::ofstream(file_template) << xml;

    const std::string command =
        "XML_CATALOG_FILES='" + catalog.string() + "' SGML_CATALOG_FILES='" + catalog.string() +
        "' xmllint --noout --nonet --catalogs " + mode + " '" + file_template + "' 2>&1";
    XmllintResult result;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        std::array<char, 512> buffer{};
        while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
            result.output += buffer.data();
        const int status = ::pclose(pipe);
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::filesystem::remove(file_template);
    return result;
}

}  // namespace

XmllintResult xmllint_validate(const std::string& xml, const std::string& schema_url) {
    return run_xmllint(xml, "--schema '" + schema_url + "'");
}

XmllintResult xmllint_validate_dtd(const std::string& xml) {
    return run_xmllint(xml, "--valid");
}

XmllintResult xmllint_validate_wms(const std::string& xml) {
    if (xml.find("<!DOCTYPE") != std::string::npos) return xmllint_validate_dtd(xml);
    const bool exception = xml.find("<ServiceExceptionReport") != std::string::npos;
    return xmllint_validate(
        xml, exception ? "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd"
                       : "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd");
}

}  // namespace wmsgate::wms::test
