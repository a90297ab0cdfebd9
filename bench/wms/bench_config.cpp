#include "bench/wms/bench_config.hpp"

#include <sys/mman.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace wmsgate::bench {
namespace {

using Error = tl::unexpected<daemon::ConfigError>;

// Appended, not prepended, so that the file's own lines keep their numbers.
constexpr std::string_view placeholder_interface =
    "\n[interface]  # added by the bench: not used, required by the daemon's loader\n"
    "address = [\"10.255.255.1/24\"]\n"
    "endpoint = \"bench.invalid:51820\"\n";

bool has_interface(const std::filesystem::path& file) {
    try {
        return toml::parse_file(file.string()).contains("interface");
    } catch (const toml::parse_error&) {
        return true;  // let the daemon's loader report the syntax error
    }
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace

tl::expected<daemon::Config, daemon::ConfigError> load_bench_config(
    const std::filesystem::path& file) {
    if (has_interface(file)) return daemon::load_config(file);

    std::ifstream in(file);
    if (!in) return Error(daemon::ConfigError{file.string() + ": cannot read the config file"});
    std::ostringstream text;
    text << in.rdbuf() << placeholder_interface;
    const std::string content = text.str();

    // An anonymous file the loader can open by path; closed on every return.
    const int fd = ::memfd_create("wms-bench-config", MFD_CLOEXEC);
    if (fd < 0) return Error(daemon::ConfigError{"memfd_create failed"});
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        return Error(daemon::ConfigError{"writing the in-memory config failed"});

    const std::string alias = "/proc/self/fd/" + std::to_string(fd);
    auto config = daemon::load_config(alias);
    if (!config) {
        auto error = config.error();
        replace_all(error.message, alias, file.string());
        return Error(error);
    }
    config->file = file;
    return config;
}

}  // namespace wmsgate::bench
