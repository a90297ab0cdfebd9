#include "daemon/control_protocol.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <thread>

#include "daemon/control_client.hpp"
#include "daemon/control_server.hpp"

namespace wmsgate::daemon {
namespace {

TEST(ControlProtocol, RequestRoundTrip) {
    ControlRequest request{"peer.add", {{"name", "alice"}, {"groups", {"survey"}}}};
    const auto line = encode_request(request);
    ASSERT_EQ(line.back(), '\n');
    auto decoded = decode_request(line);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(decoded->command, "peer.add");
    EXPECT_EQ(decoded->args, request.args);
}

TEST(ControlProtocol, RejectsOtherVersionsAndGarbage) {
    EXPECT_FALSE(decode_request(R"({"version":2,"command":"peer.list"})"));
    EXPECT_FALSE(decode_request(R"({"command":"peer.list"})"));
    EXPECT_FALSE(decode_request(R"({"version":1})"));
    EXPECT_FALSE(decode_request(R"({"version":1,"command":"x","args":[]})"));
    EXPECT_FALSE(decode_request("not json"));
    EXPECT_FALSE(decode_request("[1,2]"));
    EXPECT_FALSE(decode_request(std::string(max_control_line + 1, ' ')));
}

TEST(ControlProtocol, ReplyRoundTrip) {
    auto ok = decode_reply(encode_reply(ControlReply::success({{"config", "[Interface]\n"}})));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, ControlStatus::ok);
    EXPECT_EQ(ok->result.value("config", ""), "[Interface]\n");

    auto failed =
        decode_reply(encode_reply(ControlReply::failure(ControlStatus::conflict, "name taken")));
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, ControlStatus::conflict);
    EXPECT_EQ(failed->error, "name taken");
}

// About what peer.list answers for 10,000 peers: some 4 MB, far over the
// 64 KiB that used to bound every line.
nlohmann::json many_peers(int count) {
    nlohmann::json peers = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
        peers.push_back({{"name", "peer-" + std::to_string(i)},
                         {"state", "active"},
                         {"address", "10.77.0.1"},
                         {"groups", {"survey", "ops"}},
                         {"public_key", std::string(44, 'k')},
                         {"expires", "2027-01-01T00:00:00Z"},
                         {"created", "2026-01-01T00:00:00Z"},
                         {"details", std::string(200, 'd')}});
    }
    return peers;
}

TEST(ControlProtocol, LargeRepliesRoundTrip) {
    const auto line = encode_reply(ControlReply::success(many_peers(10000)));
    ASSERT_GT(line.size(), 4u << 20);
    auto reply = decode_reply(line);
    ASSERT_TRUE(reply) << reply.error();
    ASSERT_EQ(reply->status, ControlStatus::ok);
    EXPECT_EQ(reply->result.size(), 10000u);
}

TEST(ControlProtocol, AReplyOverTheBoundSaysHowToAskForLess) {
    const auto line = encode_reply(ControlReply::success(many_peers(100)), 4096);
    EXPECT_LE(line.size(), 4096u);
    auto reply = decode_reply(line);
    ASSERT_TRUE(reply) << reply.error();
    EXPECT_EQ(reply->status, ControlStatus::failed);
    EXPECT_NE(reply->error.find("audit --since"), std::string::npos) << reply->error;
    EXPECT_NE(reply->error.find("MiB"), std::string::npos) << reply->error;
}

TEST(ControlProtocol, InvalidUtf8InAReplyIsReplacedNotThrown) {
    const auto line = encode_reply(ControlReply::success({{"name", std::string("a\xff\xfe"
                                                                               "b")}}));
    auto reply = decode_reply(line);
    ASSERT_TRUE(reply) << reply.error();
    EXPECT_EQ(reply->result.value("name", ""),
              "a\xef\xbf\xbd\xef\xbf\xbd"
              "b");
}

// Through a real socket: the client reads a multi-megabyte reply whole.
TEST(ControlProtocol, TheClientReadsALargeReplyFromTheServer) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("wmsgate-ctl-large-" + std::to_string(::getpid()) + ".sock");
    boost::asio::io_context io;
    ControlServer server(io, path, ::getgid(),
                         [](const ControlRequest&, const Caller&, ControlReplyFn reply) {
                             reply(ControlReply::success(many_peers(10000)));
                         });
    ASSERT_TRUE(server.start());
    std::thread client_thread;
    tl::expected<ControlReply, std::string> reply = tl::unexpected(std::string("not called"));
    client_thread = std::thread([&] {
        reply = call_daemon(path, {"peer.list", nlohmann::json::object()});
        io.stop();
    });
    io.run();
    client_thread.join();
    server.stop();
    ASSERT_TRUE(reply) << reply.error();
    ASSERT_EQ(reply->status, ControlStatus::ok) << reply->error;
    EXPECT_EQ(reply->result.size(), 10000u);
}

}  // namespace
}  // namespace wmsgate::daemon
