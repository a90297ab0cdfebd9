#include "netcfg/wireguard_go.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

#include "netcfg/errors.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/uapi_socket.hpp"

extern char** environ;

namespace wmsgate::netcfg {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto poll_interval = std::chrono::milliseconds(10);
constexpr auto stop_grace = std::chrono::seconds(2);

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

// As execvp would search, but before forking, so a missing binary is an error
// the caller can report rather than a child that dies.
tl::expected<std::string, std::error_code> find_executable(const std::string& name) {
    const auto missing = tl::unexpected(make_error_code(Errc::wireguard_go_missing));
    if (name.empty()) return missing;
    if (name.find('/') != std::string::npos) {
        if (is_executable_file(name)) return name;
        return missing;
    }
    // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in wmsgate calls setenv or putenv.
    const char* env = std::getenv("PATH");
    std::string_view path = env ? env : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const auto colon = path.find(':');
        std::string candidate(path.substr(0, colon));
        if (candidate.empty()) candidate = ".";
        candidate.append("/").append(name);
        if (is_executable_file(candidate)) return candidate;
        if (colon == std::string_view::npos) return missing;
        path.remove_prefix(colon + 1);
    }
}

// The parent's environment without anything that changes how wireguard-go
// runs: WG_PROCESS_FOREGROUND=0 would make it fork itself forever, and the
// *_FD variables would make it adopt descriptors it does not have.
std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        if (entry.starts_with("LOG_LEVEL=") || entry.starts_with("WG_PROCESS_FOREGROUND=") ||
            entry.starts_with("WG_TUN_FD=") || entry.starts_with("WG_UAPI_FD=")) {
            continue;
        }
        env.emplace_back(entry);
    }
    env.emplace_back("LOG_LEVEL=error");
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Runs in the forked child, so only async-signal-safe calls: everything it
// needs was built before fork().
[[noreturn]] void exec_child(const char* binary, char* const argv[], char* const envp[],
                             pid_t parent) {
    // Ends the child with the thread that started it, unless that already happened.
    if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent) ::_exit(127);
    // The daemon may block or ignore signals (for a signalfd); the child must
    // still die from our SIGTERM.
    sigset_t none;
    ::sigemptyset(&none);
    // NOLINTNEXTLINE(concurrency-mt-unsafe): the forked child has one thread.
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // SIGKILL, SIGSTOP and the realtime signals glibc keeps refuse; that is fine.
    for (int sig = 1; sig < NSIG; ++sig) static_cast<void>(::signal(sig, SIG_DFL));

    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0) ::_exit(127);
    // Its banner and errors go to our stderr (the journal), never our stdout.
    if (::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) ::_exit(127);
    // Descriptors should all be O_CLOEXEC already; this catches any that are not.
    ::close_range(3, ~0U, 0);
    ::execve(binary, argv, envp);
    ::_exit(127);
}

bool accepts_connections(const std::filesystem::path& socket) {
    return connect_uapi(socket, std::chrono::milliseconds(200)).has_value();
}

// Waits for `pid` to exit, up to `deadline`; true when it was reaped.
bool reap_until(pid_t pid, Clock::time_point deadline) {
    while (true) {
        const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
        // ECHILD: someone else reaped it, which is just as final.
        if (r == pid || (r < 0 && errno == ECHILD)) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll_interval);
    }
}

void reap_blocking(pid_t pid) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

tl::expected<std::unique_ptr<WireguardGo>, std::error_code> WireguardGo::start(Options options) {
    if (auto ok = check_interface_name(options.ifname); !ok) return tl::unexpected(ok.error());
    auto binary = find_executable(options.binary);
    if (!binary) return tl::unexpected(binary.error());
    std::unique_ptr<WireguardGo> process(new WireguardGo(std::move(options), std::move(*binary)));
    if (auto ok = process->launch(); !ok) return tl::unexpected(ok.error());
    return process;
}

tl::expected<void, std::error_code> WireguardGo::launch() {
    const auto socket = uapi_socket_path(options_.socket_dir, options_.ifname);
    auto rtnl = Rtnetlink::open();
    if (!rtnl) return tl::unexpected(rtnl.error());
    if (auto index = rtnl->link_index(options_.ifname); index) {
        return tl::unexpected(make_error_code(Errc::interface_taken));
    } else if (index.error() != make_error_code(Errc::link_not_found)) {
        return tl::unexpected(index.error());
    }
    // Another wireguard-go for this name in another network namespace shares
    // the socket directory; a stale socket file refuses and is fine.
    if (accepts_connections(socket)) return tl::unexpected(make_error_code(Errc::interface_taken));

    std::vector<std::string> args{binary_path_, "-f", options_.ifname};
    auto argv = pointers(args);
    auto env = child_environment();
    auto envp = pointers(env);
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) return tl::unexpected(std::error_code(errno, std::system_category()));
    if (child == 0) exec_child(binary_path_.c_str(), argv.data(), envp.data(), parent);
    pid_ = child;

    const auto deadline = Clock::now() + options_.start_timeout;
    while (true) {
        if (!running()) return tl::unexpected(make_error_code(Errc::wireguard_go_failed));
        if (accepts_connections(socket)) return {};
        if (Clock::now() >= deadline) break;
        std::this_thread::sleep_for(poll_interval);
    }
    ::kill(pid_, SIGKILL);
    reap_blocking(pid_);
    pid_ = -1;
    return tl::unexpected(make_error_code(Errc::wireguard_go_failed));
}

bool WireguardGo::running() {
    if (pid_ <= 0) return false;
    const pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
    if (r == 0) return true;
    if (r < 0 && errno != ECHILD) return true;  // cannot tell; it was alive last time
    pid_ = -1;
    return false;
}

tl::expected<void, std::error_code> WireguardGo::restart() {
    if (running()) return {};
    // A killed wireguard-go's tun link goes away with its last descriptor,
    // which the kernel may finish a moment after the process is reaped.
    const auto deadline = Clock::now() + options_.start_timeout;
    auto rtnl = Rtnetlink::open();
    if (!rtnl) return tl::unexpected(rtnl.error());
    while (rtnl->link_index(options_.ifname) && Clock::now() < deadline)
        std::this_thread::sleep_for(poll_interval);
    return launch();
}

void WireguardGo::stop() {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    if (!reap_until(pid_, Clock::now() + stop_grace)) {
        ::kill(pid_, SIGKILL);
        reap_blocking(pid_);
    }
    pid_ = -1;
    // wireguard-go removes its socket on SIGTERM, but it listens before it
    // installs its handler, so an early SIGTERM (or the SIGKILL) leaves the
    // file behind. Remove it unless someone answers on it.
    const auto socket = uapi_socket_path(options_.socket_dir, options_.ifname);
    if (!accepts_connections(socket)) ::unlink(socket.c_str());
}

WireguardGo::~WireguardGo() {
    stop();
}

}  // namespace wmsgate::netcfg
