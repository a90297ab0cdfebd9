#pragma once

// wmsgatectl's one way to reach the daemon, and the argument copying its
// subcommands share.

#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>

#include "daemon/ctl_commands.hpp"

namespace wmsgate::daemon::ctl {

// One call; on failure the message is on stderr and the exit code returned.
tl::expected<nlohmann::json, int> call(const Invocation& inv, const std::string& command,
                                       nlohmann::json args = nlohmann::json::object());

// "--groups a,b" -> args["groups"] = ["a", "b"], when the option was given.
void copy_list(const Invocation& inv, const char* option, nlohmann::json& args, const char* key);
// "--expires 2h" -> args["expires"] = "2h", when the option was given.
void copy_text(const Invocation& inv, const char* option, nlohmann::json& args, const char* key);

}  // namespace wmsgate::daemon::ctl
