#pragma once

#include <string>
#include <tl/expected.hpp>

namespace wmsgate::daemon {

// A start-up failure, worded for the admin: the cause and the fix.
struct StartupError {
    std::string message;
};

inline tl::unexpected<StartupError> startup_failure(std::string message) {
    return tl::unexpected<StartupError>(StartupError{std::move(message)});
}

}  // namespace wmsgate::daemon
