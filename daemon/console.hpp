#pragma once

// How the command-line programs (wmsgatectl, wmsgated's own messages before
// it logs, the benchmarks) write. stdout carries a command's result and
// stderr its messages (`wmsgatectl peer add alice > alice.conf`), and the
// two fail differently:
//  - a message that stderr refuses has nowhere else to go, so message()
//    drops the write's result, here and nowhere else;
//  - a result that was not wholly written (a full disk, a closed pipe) must
//    not end in success. A failed write leaves stdout's error flag set, so
//    one check before exit, stdout_complete(), covers every earlier write.

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace wmsgate::daemon::console {

// `text` and a newline on stderr, in one write so that lines from two
// threads do not interleave.
inline void message(std::string_view text) {
    std::string line(text);
    line += '\n';
    static_cast<void>(std::fwrite(line.data(), 1, line.size(), stderr));
}

namespace detail {
// The cause of the first failed write through print(), for the message;
// stdout's own error flag is what decides.
inline std::atomic<int> stdout_error{0};
}  // namespace detail

// `text` on stdout; whether it arrived is for stdout_complete() to say.
inline void print(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
        int none = 0;
        detail::stdout_error.compare_exchange_strong(none, errno);
    }
}

// Flushes stdout and says whether everything written to it arrived; if not,
// tells stderr, naming `program` and the cause where it is known.
[[nodiscard]] inline bool stdout_complete(std::string_view program) {
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int cause = flushed ? detail::stdout_error.load() : errno;
    if (flushed && std::ferror(stdout) == 0) return true;
    std::string text = std::string(program) + ": the result could not be written to stdout";
    if (cause != 0) text += ": " + std::generic_category().message(cause);
    message(text);
    return false;
}

}  // namespace wmsgate::daemon::console
