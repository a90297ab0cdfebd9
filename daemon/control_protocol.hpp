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
// A request line: names and a few options, sent by anyone who may connect
// (the server reads it before it knows the caller is an admin).
inline constexpr std::size_t max_control_line = std::size_t{64} * 1024;
// A reply line: the daemon's own answer to an admin, so generous. 64 MiB
// holds peer.list with well over 100,000 peers (about 400 bytes each); a
// reply that would be longer is replaced by an error saying how to narrow
// it (audit --since), and the client reads no more than this.
inline constexpr std::size_t max_control_reply = std::size_t{64} * 1024 * 1024;

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

// At most `limit` bytes (newline included): a longer success becomes a
// `failed` reply naming its size and the bound.
std::string encode_reply(const ControlReply& reply, std::size_t limit = max_control_reply);
tl::expected<ControlReply, std::string> decode_reply(std::string_view line);

}  // namespace wmsgate::daemon
