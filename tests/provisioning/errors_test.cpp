#include "provisioning/errors.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace wmsgate::provisioning {
namespace {

TEST(ProvisioningErrors, EveryCodeHasItsOwnMessage) {
    std::set<std::string> messages;
    for (int value = static_cast<int>(Errc::invalid_name);
         value <= static_cast<int>(Errc::database_unreachable); ++value) {
        const std::error_code ec = static_cast<Errc>(value);
        EXPECT_STREQ(ec.category().name(), "provisioning");
        EXPECT_NE(ec.message(), "unknown provisioning error") << value;
        messages.insert(ec.message());
    }
    EXPECT_EQ(messages.size(), static_cast<std::size_t>(Errc::database_unreachable));
}

TEST(ProvisioningErrors, ComparesWithTheEnum) {
    const std::error_code ec = make_error_code(Errc::name_taken);
    EXPECT_EQ(ec, Errc::name_taken);
    EXPECT_NE(ec, Errc::not_found);
}

}  // namespace
}  // namespace wmsgate::provisioning
