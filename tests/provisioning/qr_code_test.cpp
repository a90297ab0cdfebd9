#include "provisioning/qr_code.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace wmsgate::provisioning {
namespace {

TEST(QrCode, EncodesAConfigSizedText) {
    const auto code = encode_qr(std::string(400, 'x'));
    ASSERT_TRUE(code);
    EXPECT_GT(code->size, 21);
    EXPECT_EQ(code->dark.size(), static_cast<std::size_t>(code->size * code->size));
    // Finder pattern: the top-left corner module is dark.
    EXPECT_TRUE(code->at(0, 0));
}

TEST(QrCode, TerminalTextHasOneLinePerTwoRows) {
    const auto code = encode_qr("hello").value();
    const auto text = qr_terminal_text(code);
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    EXPECT_EQ(lines, (code.size + 4 + 1) / 2);
}

TEST(QrCode, PngIsWrittenPrivate) {
    const auto file = std::filesystem::temp_directory_path() / "wmsgate-qr-test.png";
    std::filesystem::remove(file);
    ASSERT_TRUE(write_qr_png(encode_qr("hello").value(), file));
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::ifstream in(file, std::ios::binary);
    char magic[8] = {};
    in.read(magic, 8);
    EXPECT_EQ(std::string(magic + 1, 3), "PNG");
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace wmsgate::provisioning
