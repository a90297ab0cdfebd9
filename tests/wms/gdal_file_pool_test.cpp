// GDAL's pool of open VRT source files is sized from the open-file limit.
#include <cpl_conv.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <optional>
#include <string>

#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

constexpr const char* option = "GDAL_MAX_DATASET_POOL_SIZE";

// Restores the option and the soft limit a test changed.
class FilePool : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* before = CPLGetConfigOption(option, nullptr);
        if (before != nullptr) before_ = before;
        ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit_), 0);
        CPLSetConfigOption(option, nullptr);
    }
    void TearDown() override {
        CPLSetConfigOption(option, before_ ? before_->c_str() : nullptr);
        setrlimit(RLIMIT_NOFILE, &limit_);
    }
    static std::string pool() {
        const char* value = CPLGetConfigOption(option, nullptr);
        return value == nullptr ? "(unset)" : value;
    }
    void soft_limit(rlim_t files) {
        rlimit lower = limit_;
        lower.rlim_cur = std::min(files, limit_.rlim_max);
        ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lower), 0);
    }
    rlimit limit_{};
    std::optional<std::string> before_;
};

TEST_F(FilePool, AQuarterOfTheOpenFileLimit) {
    if (limit_.rlim_max < 2048) GTEST_SKIP() << "hard open-file limit below 2048";
    soft_limit(2048);
    size_gdal_file_pool();
    EXPECT_EQ(pool(), "512");
}

TEST_F(FilePool, NeverBelowGdalsDefaultNorAboveAThousand) {
    soft_limit(64);
    size_gdal_file_pool();
    EXPECT_EQ(pool(), "100");
    CPLSetConfigOption(option, nullptr);
    if (limit_.rlim_max < 8192) GTEST_SKIP() << "hard open-file limit below 8192";
    soft_limit(8192);
    size_gdal_file_pool();
    EXPECT_EQ(pool(), "1000");
}

TEST_F(FilePool, TheAdminsSettingWins) {
    CPLSetConfigOption(option, "37");
    size_gdal_file_pool();
    EXPECT_EQ(pool(), "37");
}

}  // namespace
}  // namespace wmsgate::wms
