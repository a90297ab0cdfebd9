#pragma once

#include <atomic>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wmsgate::daemon {

enum class LogLevel { debug, info, warning, error };

std::optional<LogLevel> parse_log_level(std::string_view text);

// A structured field such as {"PEER", "alice"}. Never pass a key.
using LogField = std::pair<std::string_view, std::string>;

// `text` with every control character (and DEL) written as \n, \t, \r or
// \xNN and a backslash doubled, so that a value taken from a client (a
// decoded %0A in a WMS REQUEST) can never start a line of its own.
std::string escape_control(std::string_view text);

// The stderr form of one entry, newline-terminated: "wmsgated: LEVEL: message
// key=value ...". Values holding '"' or '=' are double-quoted (with '"'
// escaped), so none can pose as another field.
std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields);

// Writes to the journal when stderr is connected to it (systemd sets
// JOURNAL_STREAM), as plain "message key=value" lines on stderr otherwise.
class Log {
  public:
    explicit Log(LogLevel min_level);
    void set_level(LogLevel level) { min_level_ = level; }

    void write(LogLevel level, std::string_view message,
               std::initializer_list<LogField> fields = {}) const;
    void info(std::string_view message, std::initializer_list<LogField> fields = {}) const {
        write(LogLevel::info, message, fields);
    }
    void warning(std::string_view message, std::initializer_list<LogField> fields = {}) const {
        write(LogLevel::warning, message, fields);
    }
    void error(std::string_view message, std::initializer_list<LogField> fields = {}) const {
        write(LogLevel::error, message, fields);
    }

  private:
    std::atomic<LogLevel> min_level_;  // set by a reload, read by every thread
    bool to_journal_;
};

}  // namespace wmsgate::daemon
