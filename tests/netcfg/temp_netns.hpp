#pragma once

#include <string>

#include "netcfg/unique_fd.hpp"

namespace wmsgate::netcfg::testing {

// A named network namespace (/run/netns/NAME, so `ip netns exec NAME ...`
// works while it exists) that the calling thread enters on creation and
// leaves on destruction, which also removes the name. The namespace itself
// goes away once no process is left in it, so destroy whatever was started
// inside first. Needs root.
class TempNetns {
  public:
    // Empty error text on success; otherwise what failed.
    static std::string create_and_enter(const std::string& name, TempNetns& out);

    TempNetns() = default;
    TempNetns(TempNetns&&) = default;
    TempNetns& operator=(TempNetns&& other) noexcept;
    ~TempNetns() { leave(); }

    // Returns to the original namespace and removes the name; idempotent.
    void leave();

    const std::string& name() const { return name_; }

  private:
    std::string name_;
    UniqueFd origin_;
};

}  // namespace wmsgate::netcfg::testing
