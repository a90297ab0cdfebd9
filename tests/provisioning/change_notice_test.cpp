#include "provisioning/change_notice.hpp"

#include <gtest/gtest.h>

#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {

TEST(ChangeNotice, RoundTripsWithAndWithoutTheOldKey) {
    const ChangeNotice plain{"0123abcd", "alice", std::nullopt};
    EXPECT_EQ(change_payload(plain), "0123abcd alice");
    auto parsed = parse_change_payload(change_payload(plain));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->origin, "0123abcd");
    EXPECT_EQ(parsed->peer, "alice");
    EXPECT_FALSE(parsed->old_key);

    const ChangeNotice rotated{"ff", "bob", test::public_key(test::client_public_b64)};
    parsed = parse_change_payload(change_payload(rotated));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->old_key, rotated.old_key);
}

// Anyone with access to the database may NOTIFY the channel: what is not
// of our form is ignored rather than followed.
TEST(ChangeNotice, PayloadsNotOfOurFormAreIgnored) {
    for (const char* payload : {"", "alice", " alice", "o Bad_Name", "o alice not-a-key",
                                "o alice 46vxOipAF3+0R+4L5DvydprP8riuMDj24oPueHNrRBw= extra"}) {
        EXPECT_FALSE(parse_change_payload(payload)) << payload;
    }
}

}  // namespace
}  // namespace wmsgate::provisioning
