// Log: the plain line on stderr, level filtering, and the choice of the
// journal only when stderr is the stream JOURNAL_STREAM names.

#include "daemon/log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wmsgate::daemon {
namespace {
namespace fs = std::filesystem;

// Points stderr at a file for the life of the object; `text()` reads it.
class CapturedStderr {
  public:
    CapturedStderr() {
        std::string pattern = (fs::temp_directory_path() / "wmsgate-log-XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        path_ = pattern;
        std::fflush(stderr);
        saved_ = ::dup(STDERR_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~CapturedStderr() {
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        fs::remove(path_);
    }
    std::string text() const {
        std::fflush(stderr);
        std::ifstream in(path_);
        std::stringstream out;
        out << in.rdbuf();
        return out.str();
    }
    // "device:inode" of the file, as systemd sets JOURNAL_STREAM.
    std::string stream_id() const {
        struct stat st {};
        ::fstat(STDERR_FILENO, &st);
        return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    }

  private:
    fs::path path_;
    int saved_ = -1;
};

class LogTest : public ::testing::Test {
  protected:
    void SetUp() override { ::unsetenv("JOURNAL_STREAM"); }
    void TearDown() override { ::unsetenv("JOURNAL_STREAM"); }
};

TEST_F(LogTest, ParsesEveryLevelAndNothingElse) {
    EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
    EXPECT_EQ(parse_log_level("info"), LogLevel::info);
    EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
    EXPECT_EQ(parse_log_level("error"), LogLevel::error);
    EXPECT_EQ(parse_log_level("Info"), std::nullopt);
    EXPECT_EQ(parse_log_level("warn"), std::nullopt);
    EXPECT_EQ(parse_log_level(""), std::nullopt);
}

TEST_F(LogTest, WritesOneLineWithLevelMessageAndFields) {
    CapturedStderr err;
    Log log(LogLevel::debug);
    log.info("peer added", {{"PEER", "alice"}, {"GROUPS", "survey"}});
    log.warning("slow");
    log.error("broken", {{"ERROR", "disk full"}});
    log.write(LogLevel::debug, "detail", {{"N", "1"}});
    EXPECT_EQ(err.text(),
              "wmsgated: info: peer added PEER=alice GROUPS=survey\n"
              "wmsgated: warning: slow\n"
              "wmsgated: error: broken ERROR=disk full\n"
              "wmsgated: debug: detail N=1\n");
}

TEST_F(LogTest, DropsWhatIsBelowTheLevelAndFollowsALevelChange) {
    CapturedStderr err;
    Log log(LogLevel::warning);
    log.info("hidden");
    log.write(LogLevel::debug, "hidden too");
    log.warning("shown");
    log.set_level(LogLevel::error);
    log.warning("hidden now");
    log.error("still shown");
    log.set_level(LogLevel::info);
    log.info("shown again");
    EXPECT_EQ(err.text(),
              "wmsgated: warning: shown\n"
              "wmsgated: error: still shown\n"
              "wmsgated: info: shown again\n");
}

TEST_F(LogTest, AJournalStreamThatIsNotStderrIsIgnored) {
    CapturedStderr err;
    ::setenv("JOURNAL_STREAM", "1:2", 1);
    Log log(LogLevel::info);
    log.info("to stderr");
    ::setenv("JOURNAL_STREAM", "garbage", 1);
    Log other(LogLevel::info);
    other.info("also to stderr");
    EXPECT_EQ(err.text(), "wmsgated: info: to stderr\nwmsgated: info: also to stderr\n");
}

TEST_F(LogTest, WhenStderrIsTheJournalStreamNothingGoesToStderr) {
    CapturedStderr err;
    ::setenv("JOURNAL_STREAM", err.stream_id().c_str(), 1);
    Log log(LogLevel::info);
    // To the journal (or nowhere, where no journald runs): never as a line.
    log.info("wmsgate log_test: to the journal", {{"PEER", "alice"}});
    log.write(LogLevel::debug, "below the level");
    log.warning("wmsgate log_test: a warning");
    log.error("wmsgate log_test: an error");
    EXPECT_EQ(err.text(), "");
}

}  // namespace
}  // namespace wmsgate::daemon
