#include "daemon/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace wmsgate::daemon {
namespace {

// JOURNAL_STREAM is "device:inode" of the journal stream systemd connected to
// stderr; it only counts if stderr is still that stream.
bool stderr_is_journal() {
    const char* value = std::getenv("JOURNAL_STREAM");
    if (!value) return false;
    unsigned long long device = 0, inode = 0;
    if (std::sscanf(value, "%llu:%llu", &device, &inode) != 2) return false;
    struct stat st {};
    return ::fstat(STDERR_FILENO, &st) == 0 && st.st_dev == device && st.st_ino == inode;
}

int priority(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return LOG_DEBUG;
        case LogLevel::info:
            return LOG_INFO;
        case LogLevel::warning:
            return LOG_WARNING;
        case LogLevel::error:
            return LOG_ERR;
    }
    return LOG_INFO;
}

const char* label(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
    }
    return "info";
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    if (text == "debug") return LogLevel::debug;
    if (text == "info") return LogLevel::info;
    if (text == "warning") return LogLevel::warning;
    if (text == "error") return LogLevel::error;
    return std::nullopt;
}

Log::Log(LogLevel min_level) : min_level_(min_level), to_journal_(stderr_is_journal()) {}

void Log::write(LogLevel level, std::string_view message,
                std::initializer_list<LogField> fields) const {
    if (level < min_level_) return;
    if (to_journal_) {
        std::vector<std::string> entries;
        entries.push_back("MESSAGE=" + std::string(message));
        entries.push_back("PRIORITY=" + std::to_string(priority(level)));
        entries.push_back("SYSLOG_IDENTIFIER=wmsgated");
        for (const auto& [key, value] : fields) entries.push_back(std::string(key) + "=" + value);
        std::vector<iovec> iov;
        for (auto& e : entries) iov.push_back({e.data(), e.size()});
        sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
        return;
    }
    std::string line = std::string("wmsgated: ") + label(level) + ": " + std::string(message);
    for (const auto& [key, value] : fields) line += " " + std::string(key) + "=" + value;
    line += "\n";
    std::fputs(line.c_str(), stderr);
}

}  // namespace wmsgate::daemon
