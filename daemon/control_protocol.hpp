#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace wmsgate::daemon {

// The control socket speaks one JSON object per line each way:
//   request  {"version":1,"command":"peer.add","args":{...}}
//   reply    {"ok":true,"result":...} or {"ok":false,"status":"not_found","error":"..."}
inline constexpr int control_protocol_version = 1;
inline constexpr std::size_t max_control_line = 64 * 1024;

// Maps to wmsgatectl's exit codes: 0 ok, 1 usage/invalid/failed, 2 not found
// or conflict, 3 denied (as for a daemon that cannot be reached).
enum class ControlStatus { ok, invalid, not_found, conflict, failed, denied };

struct ControlRequest {
    std::string command;
    nlohmann::json args = nlohmann::json::object();
};

struct ControlReply {
    ControlStatus status = ControlStatus::ok;
    nlohmann::json result;  // when ok
    std::string error;      // when not ok: what went wrong and what to do

    static ControlReply success(nlohmann::json result) {
        return {ControlStatus::ok, std::move(result), {}};
    }
    static ControlReply failure(ControlStatus status, std::string error) {
        return {status, nullptr, std::move(error)};
    }
};

std::string encode_request(const ControlRequest& request);
tl::expected<ControlRequest, std::string> decode_request(std::string_view line);

std::string encode_reply(const ControlReply& reply);
tl::expected<ControlReply, std::string> decode_reply(std::string_view line);

}  // namespace wmsgate::daemon
