#include "temp_netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace wmsgate::netcfg::testing {
namespace {

constexpr const char* netns_dir = "/run/netns";

std::string path_of(const std::string& name) {
    return std::string(netns_dir) + "/" + name;
}

std::string failed(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::string TempNetns::create_and_enter(const std::string& name, TempNetns& out) {
    // Network namespaces belong to threads; this one's is the one to return to.
    UniqueFd origin(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!origin) return failed("open /proc/thread-self/ns/net");
    if (::mkdir(netns_dir, 0755) != 0 && errno != EEXIST) return failed("mkdir /run/netns");
    // As `ip netns add` does: /run/netns becomes a shared mount of its own
    // before any namespace is bound under it. Left to a script's `ip netns
    // add` running alongside, that self-bind would come after ours and hide
    // it, and leave() could then neither unmount nor remove the name.
    if (::mount("", netns_dir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
        if (errno != EINVAL) return failed("make /run/netns shared");
        if (::mount(netns_dir, netns_dir, "none", MS_BIND | MS_REC, nullptr) != 0)
            return failed("bind /run/netns onto itself");
        if (::mount("", netns_dir, "none", MS_SHARED | MS_REC, nullptr) != 0)
            return failed("make /run/netns shared");
    }
    const auto path = path_of(name);
    UniqueFd anchor(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!anchor) return failed("create the namespace's name");
    anchor.reset();

    if (::unshare(CLONE_NEWNET) != 0) {
        const auto error = failed("unshare(CLONE_NEWNET)");
        ::unlink(path.c_str());
        return error;
    }
    // The bind mount is what keeps the namespace alive by name, as `ip netns add` does.
    if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
        const auto error = failed("bind-mount the namespace");
        ::setns(origin.get(), CLONE_NEWNET);
        ::unlink(path.c_str());
        return error;
    }
    out.name_ = name;
    out.origin_ = std::move(origin);
    return {};
}

TempNetns& TempNetns::operator=(TempNetns&& other) noexcept {
    if (this != &other) {
        leave();
        name_ = std::move(other.name_);
        origin_ = std::move(other.origin_);
    }
    return *this;
}

void TempNetns::leave() {
    if (!origin_) return;
    ::setns(origin_.get(), CLONE_NEWNET);
    const auto path = path_of(name_);
    ::umount2(path.c_str(), MNT_DETACH);
    ::unlink(path.c_str());
    origin_.reset();
}

}  // namespace wmsgate::netcfg::testing
