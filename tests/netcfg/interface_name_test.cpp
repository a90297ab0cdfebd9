#include "netcfg/interface_name.hpp"

#include <gtest/gtest.h>

#include "netcfg/endpoint.hpp"
#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

TEST(InterfaceName, AcceptsLinuxNames) {
    for (const char* good : {"wg0", "wmsgate0", "a", "wg-test_1.x", "123456789012345"})
        EXPECT_TRUE(check_interface_name(good)) << good;
}

TEST(InterfaceName, RejectsWhatTheKernelOrAPathWouldNot) {
    using namespace std::string_literals;
    for (const std::string& bad : {""s, "1234567890123456"s, "."s, ".."s, "wg/0"s, "wg:0"s, "wg 0"s,
                                   "wg\t0"s, "wg\n0"s, "../x"s, "wg\0"s}) {
        auto ok = check_interface_name(bad);
        ASSERT_FALSE(ok) << bad;
        EXPECT_EQ(ok.error(), make_error_code(Errc::interface_name_invalid));
    }
}

TEST(Endpoint, ParsesLiteralsWithPorts) {
    auto v4 = Endpoint::parse("192.0.2.1:51820");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->port, 51820);
    EXPECT_EQ(v4->to_string(), "192.0.2.1:51820");
    auto v6 = Endpoint::parse("[2001:db8:0::0001]:1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->to_string(), "[2001:db8::1]:1");
}

TEST(Endpoint, RejectsNamesMissingPortsAndNewlines) {
    for (const char* bad :
         {"", "192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "2001:db8::1:51820",
          "[192.0.2.1]:1", "example.org:51820", "192.0.2.1:1\nremove=true", "[2001:db8::1:1"}) {
        auto e = Endpoint::parse(bad);
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error(), make_error_code(Errc::invalid_endpoint));
    }
}

}  // namespace
}  // namespace wmsgate::netcfg
