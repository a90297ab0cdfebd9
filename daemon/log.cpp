#include "daemon/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wmsgate::daemon {
namespace {

// One unsigned decimal number, all of `text`.
std::optional<unsigned long long> whole_number(std::string_view text) {
    unsigned long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// JOURNAL_STREAM is "device:inode" of the journal stream systemd connected to
// stderr; it only counts if stderr is still that stream.
bool stderr_is_journal() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in wmsgate calls setenv or putenv.
    const char* value = std::getenv("JOURNAL_STREAM");
    if (!value) return false;
    const std::string_view text(value);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    const auto device = whole_number(text.substr(0, colon));
    const auto inode = whole_number(text.substr(colon + 1));
    if (!device || !inode) return false;
    struct stat st {};
    return ::fstat(STDERR_FILENO, &st) == 0 && st.st_dev == *device && st.st_ino == *inode;
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

// "x PEER=root" would read as a second field: such a value is quoted. Plain
// spaces stay as they are ("ERROR=disk full"); the key that follows a space
// always comes from our code.
bool needs_quotes(std::string_view value) {
    return value.find_first_of("\"=") != std::string_view::npos;
}

}  // namespace

std::string escape_control(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields) {
    std::string line = std::string("wmsgated: ") + label(level) + ": " + escape_control(message);
    for (const auto& [key, value] : fields) {
        std::string text = escape_control(value);
        if (needs_quotes(text)) {
            std::string quoted = "\"";
            for (const char c : text) {
                if (c == '"') quoted += '\\';
                quoted += c;
            }
            text = quoted + "\"";
        }
        line += " " + std::string(key) + "=" + text;
    }
    return line + "\n";
}

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
        // The journal keeps binary values, but journalctl prints MESSAGE and
        // -o cat lines as they are: a line break from a client would forge one.
        entries.push_back("MESSAGE=" + escape_control(message));
        entries.push_back("PRIORITY=" + std::to_string(priority(level)));
        entries.push_back("SYSLOG_IDENTIFIER=wmsgated");
        for (const auto& [key, value] : fields)
            entries.push_back(std::string(key) + "=" + escape_control(value));
        std::vector<iovec> iov;
        iov.reserve(entries.size());
        for (auto& e : entries) iov.push_back({e.data(), e.size()});
        sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
        return;
    }
    const std::string line = format_log_line(level, message, fields);
    // One fwrite: lines from several threads do not interleave, and a NUL in
    // a value cannot cut the line short as fputs would. A line stderr refuses
    // has nowhere else to go, and the daemon keeps serving.
    static_cast<void>(std::fwrite(line.data(), 1, line.size(), stderr));
}

}  // namespace wmsgate::daemon
