#include "provisioning/qr_code.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

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

// A symlink planted at the target, and a file someone else holds a link to,
// are replaced by a new file: neither is written through.
TEST(QrCode, PngReplacesAndNeverWritesThroughWhatIsThere) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("wmsgate-qr-replace-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directory(dir);
    const auto victim = dir / "victim";
    std::ofstream(victim) << "precious";
    const auto link = dir / "link.png";
    std::filesystem::create_symlink(victim, link);
    ASSERT_TRUE(write_qr_png(encode_qr("hello").value(), link));
    EXPECT_FALSE(std::filesystem::is_symlink(link));
    std::string kept;
    std::getline(std::ifstream(victim), kept);
    EXPECT_EQ(kept, "precious");

    const auto shared = dir / "shared.png";
    const auto other_name = dir / "other-name";
    std::ofstream(shared) << "theirs";
    std::filesystem::create_hard_link(shared, other_name);
    ASSERT_TRUE(write_qr_png(encode_qr("hello").value(), shared));
    std::getline(std::ifstream(other_name), kept);
    EXPECT_EQ(kept, "theirs");
    struct stat st {};
    ASSERT_EQ(::stat(shared.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_nlink, 1u);
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 4);
    EXPECT_FALSE(write_qr_png(encode_qr("hello").value(), dir / "missing" / "x.png"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wmsgate::provisioning
