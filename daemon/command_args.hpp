#pragma once

// Reading and checking control request arguments, for the command files.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/control_protocol.hpp"

namespace wmsgate::daemon::args {

using Checked = tl::expected<void, ControlReply>;

// The "name" argument, which every peer command has.
tl::expected<std::string, ControlReply> peer_name(const nlohmann::json& args);
// A list of names, absent -> nullopt.
tl::expected<std::optional<std::vector<std::string>>, ControlReply> name_list(
    const nlohmann::json& args, const char* key);
// A string argument, absent -> nullopt.
tl::expected<std::optional<std::string>, ControlReply> text(const nlohmann::json& args,
                                                            const char* key);
bool flag(const nlohmann::json& args, const char* key);

// Every name must be a group (layer) the config defines.
Checked known_groups(const Config& config, const std::vector<std::string>& groups);
Checked known_layers(const Config& config, const std::vector<std::string>& layers);

// A provisioning or netcfg error as a reply with the right status.
ControlReply failure(const std::error_code& ec, const std::string& context = {});

}  // namespace wmsgate::daemon::args
