#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

#include "netcfg/unique_fd.hpp"

namespace wmsgate::netcfg {

// Byte moving for the UAPI protocol, shared by UapiDevice and WireguardGo.

// The socket wireguard-go listens on for interface `ifname`.
std::filesystem::path uapi_socket_path(const std::filesystem::path& socket_dir,
                                       std::string_view ifname);

// Connects a stream socket whose every send and receive gives up after
// `timeout`. Errc::uapi_unreachable when nobody accepts on `path`.
tl::expected<UniqueFd, std::error_code> connect_uapi(const std::filesystem::path& path,
                                                     std::chrono::milliseconds timeout);

tl::expected<void, std::error_code> send_all(int fd, std::string_view data);

// Reads one reply: everything up to and including the first blank line.
// Errc::uapi_timeout when the peer stalls, Errc::uapi_protocol when it hangs up
// early or the reply grows beyond any sane size.
tl::expected<std::string, std::error_code> receive_reply(int fd);

}  // namespace wmsgate::netcfg
