#include "daemon/control_protocol.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace wmsgate::daemon {
namespace {

constexpr std::array<std::pair<ControlStatus, const char*>, 6> status_names{{
    {ControlStatus::ok, "ok"},
    {ControlStatus::invalid, "invalid"},
    {ControlStatus::not_found, "not_found"},
    {ControlStatus::conflict, "conflict"},
    {ControlStatus::failed, "failed"},
    {ControlStatus::denied, "denied"},
}};

const char* status_name(ControlStatus status) {
    for (const auto& [s, name] : status_names)
        if (s == status) return name;
    return "failed";
}

ControlStatus status_from_name(std::string_view name) {
    for (const auto& [s, n] : status_names)
        if (name == n) return s;
    return ControlStatus::failed;
}

std::string mib(std::size_t bytes) {
    return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

tl::expected<nlohmann::json, std::string> parse_object(std::string_view line, std::size_t limit) {
    if (line.size() > limit) {
        return tl::unexpected("message too long (" + std::to_string(line.size()) +
                              " bytes, at most " + std::to_string(limit) + ")");
    }
    auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        return tl::unexpected(std::string("not a JSON object"));
    }
    return json;
}

}  // namespace

std::string encode_request(const ControlRequest& request) {
    nlohmann::json json{{"version", control_protocol_version},
                        {"command", request.command},
                        {"args", request.args}};
    return json.dump() + "\n";
}

tl::expected<ControlRequest, std::string> decode_request(std::string_view line) {
    auto json = parse_object(line, max_control_line);
    if (!json) return tl::unexpected(json.error());
    const auto version = json->find("version");
    if (version == json->end() || !version->is_number_integer() ||
        version->get<int>() != control_protocol_version) {
        return tl::unexpected("unsupported protocol version (this daemon speaks version " +
                              std::to_string(control_protocol_version) +
                              "); use the wmsgatectl of the same release");
    }
    const auto command = json->find("command");
    if (command == json->end() || !command->is_string()) {
        return tl::unexpected(std::string("request has no \"command\" string"));
    }
    ControlRequest request{command->get<std::string>(), nlohmann::json::object()};
    if (const auto args = json->find("args"); args != json->end()) {
        if (!args->is_object()) return tl::unexpected(std::string("\"args\" must be an object"));
        request.args = *args;
    }
    return request;
}

std::string encode_reply(const ControlReply& reply, std::size_t limit) {
    // Invalid UTF-8 (a name from an old registry) is replaced, not thrown on.
    const auto dump = [](const nlohmann::json& json) {
        return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    std::string text;
    if (reply.status == ControlStatus::ok) {
        // Written around the result rather than copying it into an envelope:
        // peer.list of 10,000 peers is megabytes.
        text = "{\"ok\":true,\"result\":" + dump(reply.result) + "}\n";
    } else {
        text =
            dump({{"ok", false}, {"status", status_name(reply.status)}, {"error", reply.error}}) +
            "\n";
    }
    if (text.size() <= limit) return text;
    return encode_reply(ControlReply::failure(
                            ControlStatus::failed,
                            "the reply would be " + mib(text.size()) + ", over the " + mib(limit) +
                                " a control reply may hold; ask for less (for the audit "
                                "trail: wmsgatectl audit --since 30d)"),
                        std::max<std::size_t>(limit, 1024));
}

tl::expected<ControlReply, std::string> decode_reply(std::string_view line) {
    auto json = parse_object(line, max_control_reply);
    if (!json) return tl::unexpected(json.error());
    const auto ok = json->find("ok");
    if (ok == json->end() || !ok->is_boolean()) {
        return tl::unexpected(std::string("reply has no \"ok\" flag"));
    }
    if (ok->get<bool>()) return ControlReply::success(json->value("result", nlohmann::json()));
    return ControlReply::failure(status_from_name(json->value("status", "failed")),
                                 json->value("error", "unknown error"));
}

}  // namespace wmsgate::daemon
