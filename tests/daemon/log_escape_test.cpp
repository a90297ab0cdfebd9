// A client chooses some logged values (a WMS REQUEST, a layer name): none
// may start a line of its own or pose as another field.
#include <gtest/gtest.h>

#include <string>

#include "daemon/log.hpp"

namespace wmsgate::daemon {
namespace {

TEST(LogEscape, ControlCharactersAreWrittenOut) {
    EXPECT_EQ(escape_control("GetMap\nwmsgated: error: forged"),
              "GetMap\\nwmsgated: error: forged");
    EXPECT_EQ(escape_control(std::string("a\0b\r\t\x1b\x7f", 7)), "a\\x00b\\r\\t\\x1b\\x7f");
    EXPECT_EQ(escape_control("C:\\maps"), "C:\\\\maps");
    EXPECT_EQ(escape_control("ünïcode stays"), "ünïcode stays");
}

TEST(LogEscape, AForgedLineStaysInsideItsField) {
    // What %0A in REQUEST decodes to.
    const std::string request = "GetMap\nwmsgated: info: peer added PEER=mallory";
    const auto line =
        format_log_line(LogLevel::info, "request", {{"PEER", "alice"}, {"REQUEST", request}});
    EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
    EXPECT_EQ(line,
              "wmsgated: info: request PEER=alice "
              "REQUEST=\"GetMap\\nwmsgated: info: peer added PEER=mallory\"\n");
}

TEST(LogEscape, ValuesWithQuotesOrEqualsAreQuoted) {
    EXPECT_EQ(format_log_line(LogLevel::warning, "m", {{"A", "x\"y"}, {"B", "disk full"}}),
              "wmsgated: warning: m A=\"x\\\"y\" B=disk full\n");
    EXPECT_EQ(format_log_line(LogLevel::error, "line\nbreak", {}),
              "wmsgated: error: line\\nbreak\n");
}

}  // namespace
}  // namespace wmsgate::daemon
