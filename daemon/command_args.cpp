#include "daemon/command_args.hpp"

#include "provisioning/errors.hpp"
#include "provisioning/join.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon::args {
namespace {

using provisioning::Errc;

ControlReply invalid(std::string message) {
    return ControlReply::failure(ControlStatus::invalid, std::move(message));
}

template <class Names>
std::string joined(const Names& names) {
    auto out = provisioning::joined(names, ", ");
    return out.empty() ? "(none defined)" : out;
}

}  // namespace

tl::expected<std::string, ControlReply> peer_name(const nlohmann::json& args) {
    const auto it = args.find("name");
    if (it == args.end() || !it->is_string()) return tl::unexpected(invalid("no peer name given"));
    return it->get<std::string>();
}

tl::expected<std::optional<std::vector<std::string>>, ControlReply> name_list(
    const nlohmann::json& args, const char* key) {
    const auto it = args.find(key);
    if (it == args.end() || it->is_null()) return std::nullopt;
    const auto bad = tl::unexpected(invalid(std::string(key) + " must be a list of names"));
    if (!it->is_array()) return bad;
    std::vector<std::string> out;
    for (const auto& item : *it) {
        if (!item.is_string()) return bad;
        out.push_back(item.get<std::string>());
    }
    return out;
}

tl::expected<std::optional<std::string>, ControlReply> text(const nlohmann::json& args,
                                                            const char* key) {
    const auto it = args.find(key);
    if (it == args.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return tl::unexpected(invalid(std::string(key) + " must be a string"));
    return it->get<std::string>();
}

bool flag(const nlohmann::json& args, const char* key) {
    const auto it = args.find(key);
    return it != args.end() && it->is_boolean() && it->get<bool>();
}

Checked known_groups(const Config& config, const std::vector<std::string>& groups) {
    for (const auto& group : groups) {
        if (config.groups.contains(group)) continue;
        std::vector<std::string> names;
        for (const auto& [name, layers] : config.groups) names.push_back(name);
        return tl::unexpected(invalid("unknown group \"" + group + "\"; groups in " +
                                      config.file.string() + ": " + joined(names)));
    }
    return {};
}

Checked known_layers(const Config& config, const std::vector<std::string>& layers) {
    for (const auto& layer : layers) {
        bool found = false;
        for (const auto& configured : config.layers) found = found || configured.name == layer;
        if (found) continue;
        std::vector<std::string> names;
        for (const auto& configured : config.layers) names.push_back(configured.name);
        return tl::unexpected(invalid("unknown layer \"" + layer + "\"; layers in " +
                                      config.file.string() + ": " + joined(names)));
    }
    return {};
}

ControlReply failure(const std::error_code& ec, const std::string& context) {
    const std::string message = context.empty() ? ec.message() : context + ": " + ec.message();
    if (ec == Errc::name_taken || ec == Errc::public_key_taken || ec == Errc::address_taken ||
        ec == Errc::revoked || ec == Errc::prefix_full)
        return ControlReply::failure(ControlStatus::conflict, message);
    if (ec == Errc::not_found) return ControlReply::failure(ControlStatus::not_found, message);
    if (ec == Errc::invalid_name || ec == Errc::invalid_group_name ||
        ec == Errc::invalid_layer_name || ec == Errc::invalid_expiry || ec == Errc::expiry_in_past)
        return ControlReply::failure(ControlStatus::invalid, message);
    return ControlReply::failure(ControlStatus::failed, message);
}

}  // namespace wmsgate::daemon::args
