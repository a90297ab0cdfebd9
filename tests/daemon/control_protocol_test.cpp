#include "daemon/control_protocol.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace wmsgate::daemon
