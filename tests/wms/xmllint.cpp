#include "tests/wms/xmllint.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace wmsgate::wms::test {

XmllintResult xmllint_validate(const std::string& xml, const std::string& schema_url) {
    const std::filesystem::path schemas = WMSGATE_OGC_SCHEMAS;
    const std::filesystem::path catalog = schemas / "catalog.xml";
    if (!std::filesystem::exists(catalog)) return {-1, "missing " + catalog.string()};

    std::string file_template =
        (std::filesystem::temp_directory_path() / "wmsgate-xmllint-XXXXXX").string();
    const int fd = ::mkstemp(file_template.data());
    if (fd < 0) return {-1, "mkstemp failed"};
    ::close(fd);
    std::ofstream(file_template) << xml;

    const std::string command = "XML_CATALOG_FILES='" + catalog.string() +
                                "' SGML_CATALOG_FILES='" + catalog.string() +
                                "' xmllint --noout --nonet --catalogs --schema '" + schema_url +
                                "' '" + file_template + "' 2>&1";
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

}  // namespace wmsgate::wms::test
