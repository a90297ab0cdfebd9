#include "daemon/appliance.hpp"

#include <grp.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <set>

#include "daemon/own_address.hpp"
#include "daemon/reload_check.hpp"
#include "daemon/socket_activation.hpp"
#include "netcfg/interface_name.hpp"

namespace wmsgate::daemon {
namespace {

using Fail = tl::unexpected<StartupError>;

Fail fail(std::string message) {
    return Fail(StartupError{std::move(message)});
}

tl::expected<netcfg::SecretKey, StartupError> load_or_make_server_key(
    const std::filesystem::path& state_dir) {
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec)
        return fail("cannot create state directory " + state_dir.string() + ": " + ec.message());
    ::chmod(state_dir.c_str(), 0700);
    const auto file = state_dir / "server.key";
    if (std::filesystem::exists(file)) {
        auto key = netcfg::read_secret_key_file(file);
        if (!key) return fail("server key " + file.string() + ": " + key.error().message());
        return *key;
    }
    auto key = netcfg::SecretKey::generate_private();
    if (auto written = netcfg::write_secret_key_file(file, key); !written) {
        return fail("cannot write server key " + file.string() + ": " + written.error().message());
    }
    return key;
}

std::optional<gid_t> group_id(const std::string& name) {
    std::vector<char> buffer(16384);
    group gr{};
    group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &gr, buffer.data(), buffer.size(), &found) != 0 || !found) {
        return std::nullopt;
    }
    return found->gr_gid;
}

// What the map service gets of a config: its settings, the layers, and the
// URL clients reach it at (the tunnel address).
wms::ServiceConfig wms_service(const Config& config) {
    wms::ServiceConfig service = config.wms.service;
    service.online_resource = config.wms_url();
    service.layers = config.layers;
    return service;
}

// What to do about a control socket the daemon could not make.
std::string control_socket_hint(const std::error_code& error, const std::string& admin_group) {
    if (error == std::errc::address_in_use)
        return " (another wmsgated answers on it; stop that one first)";
    if (error == std::errc::operation_not_permitted || error == std::errc::permission_denied)
        return " (the daemon may not create it or give it to group " + admin_group +
               "; under systemd enable wmsgate-control.socket, by hand run as root)";
    return "";
}

}  // namespace

tl::expected<std::unique_ptr<Appliance>, StartupError> Appliance::bring_up(
    Config config, boost::asio::io_context& io, Log& log) {
    if (auto ok = netcfg::check_interface_name(config.interface.name); !ok) {
        return fail(config.file.string() + ": interface.name \"" + config.interface.name +
                    "\": " + ok.error().message());
    }
    auto key = load_or_make_server_key(config.daemon.state_dir);
    if (!key) return tl::unexpected(key.error());
    auto registry = provisioning::Registry::open(config.daemon.state_dir / "registry.sqlite3");
    if (!registry) {
        return fail("peer registry in " + config.daemon.state_dir.string() + ": " +
                    registry.error().message());
    }

    std::unique_ptr<Appliance> appliance(
        new Appliance(std::move(config), io, log, std::move(*registry), std::move(*key)));
    if (auto ok = appliance->start_device(); !ok) return tl::unexpected(ok.error());
    if (auto ok = appliance->configure_device(); !ok) return tl::unexpected(ok.error());
    if (auto ok = appliance->start_wms(); !ok) return tl::unexpected(ok.error());
    if (auto ok = appliance->start_control(); !ok) return tl::unexpected(ok.error());
    appliance->supervise();
    return appliance;
}

Appliance::Appliance(Config config, boost::asio::io_context& io, Log& log,
                     provisioning::Registry registry, netcfg::SecretKey server_key)
    : config_(std::move(config)),
      io_(io),
      log_(log),
      registry_(std::move(registry)),
      server_key_(std::move(server_key)),
      supervise_timer_(io) {}

Appliance::~Appliance() {
    shutdown();
}

void Appliance::shutdown() {
    supervise_timer_.cancel();
    if (expiry_) expiry_->stop();
    if (control_) control_->stop();
    if (wms_) wms_->stop();
}

tl::expected<void, StartupError> Appliance::start_device() {
    const auto& name = config_.interface.name;
    const auto choice = config_.interface.backend == Backend::kernel ? netcfg::BackendChoice::kernel
                        : config_.interface.backend == Backend::uapi
                            ? netcfg::BackendChoice::uapi
                            : netcfg::BackendChoice::automatic;
    auto opened = netcfg::open_wireguard_device(name, choice);
    if (!opened) return fail("interface " + name + ": " + opened.error().message());
    opened_ = std::move(*opened);
    peers_ = std::make_unique<provisioning::PeerService>(registry_, *opened_.device,
                                                         config_.interface.addresses);
    // A kernel link of our name is one a killed run of ours left behind
    // (start-up converges it to the registry): it goes when we stop, as one
    // we create does. An adopted wireguard-go belongs to whoever runs it.
    if (!opened_.created && opened_.backend_name == "kernel") {
        auto rtnl = netcfg::Rtnetlink::open();
        if (!rtnl) return fail("rtnetlink: " + rtnl.error().message());
        auto index = rtnl->link_index(name);
        if (!index) return fail("interface " + name + ": " + index.error().message());
        opened_.link_owner = std::make_unique<netcfg::LinkOwner>(std::move(*rtnl), *index);
    }
    log_.info("opened WireGuard device", {{"INTERFACE", name},
                                          {"BACKEND", opened_.backend_name},
                                          {"CREATED", opened_.created ? "yes" : "no"}});
    return {};
}

// Makes the link what the config and the registry say, whether it is new, was
// adopted from a run that was killed, or is wireguard-go's fresh device after
// a restart: the configured addresses and no others, up, our key and port, and
// exactly the peers in service. Revoked, disabled and expired peers (also
// those that expired while the daemon was down) and peers added by hand are
// removed before the WMS listens.
tl::expected<void, StartupError> Appliance::configure_device() {
    const auto& name = config_.interface.name;
    if (auto ok = converge_addresses(); !ok) return ok;

    auto peers = registry_.list();
    if (!peers) return fail("peer registry: " + peers.error().message());
    if (auto ok =
            check_no_peer_holds_own_address(config_.interface.addresses, *peers, config_.file);
        !ok) {
        return fail(ok.error());
    }
    auto converged =
        peers_->converge(server_key_, config_.interface.listen_port, provisioning::Clock::now());
    if (!converged) {
        const auto& error = converged.error();
        if (error.stage == provisioning::PeerError::Stage::registry)
            return fail("peer registry: " + error.code.message());
        return fail("interface " + name + ": configuring WireGuard: " + error.code.message());
    }
    // Expiries after this are the expiry timer's.
    reconciled_at_ = converged->at;
    publish_policy();
    log_.info("interface configured",
              {{"INTERFACE", name},
               {"PEERS", std::to_string(converged->peers_in_service)},
               {"PEERS_REMOVED", std::to_string(converged->changes.peers_removed)},
               {"PEERS_WRITTEN", std::to_string(converged->changes.peers_written)},
               {"PUBLIC_KEY", server_key_.public_key().base64()}});
    return {};
}

// An adopted link may carry addresses of an earlier config: the WMS would
// otherwise answer on a prefix no longer ours. Link-local IPv6 is the
// kernel's own and stays.
tl::expected<void, StartupError> Appliance::converge_addresses() {
    const auto& name = config_.interface.name;
    auto rtnl = netcfg::Rtnetlink::open();
    if (!rtnl) return fail("rtnetlink: " + rtnl.error().message());
    auto index = rtnl->link_index(name);
    if (!index) return fail("interface " + name + ": " + index.error().message());
    const auto& wanted = config_.interface.addresses;
    auto present = rtnl->addresses(*index);
    if (!present) return fail("interface " + name + ": " + present.error().message());
    for (const auto& prefix : *present) {
        const bool link_local = prefix.address.is_v6() && prefix.address.to_v6().is_link_local();
        if (link_local || std::find(wanted.begin(), wanted.end(), prefix) != wanted.end()) continue;
        if (auto ok = rtnl->remove_address(*index, prefix); !ok) {
            return fail("interface " + name + ": removing " + prefix.to_string() + ": " +
                        ok.error().message());
        }
    }
    for (const auto& prefix : wanted) {
        if (auto ok = rtnl->add_address(*index, prefix); !ok) {
            return fail("interface " + name + ": adding " + prefix.to_string() + ": " +
                        ok.error().message());
        }
    }
    if (auto ok = rtnl->set_link_up(*index); !ok) {
        return fail("interface " + name + ": setting it up: " + ok.error().message());
    }
    return {};
}

tl::expected<void, StartupError> Appliance::start_wms() {
    wms::ServerOptions options;
    options.bind_address = config_.tunnel_ipv4().address;
    options.port = config_.wms.port;
    options.bind_device = config_.interface.name;
    options.render_threads = config_.wms.render_threads;
    options.read_timeout = config_.wms.request_timeout;
    options.write_timeout = config_.wms.write_timeout;
    options.max_connections = config_.wms.max_connections;
    options.max_connections_per_client = config_.wms.max_connections_per_peer;
    options.max_renders_per_client = config_.wms.max_renders_per_peer;
    options.max_queued_requests = config_.wms.max_queued_requests;

    wms_ = std::make_unique<wms::Server>(io_, options, wms_service(config_), policy_,
                                         [this](const wms::AccessRecord& r) { log_access(r); });
    // One line per interval for a flood of refused connections, not one each.
    wms_->on_refusals([this](const wms::RefusalSummary& r) {
        log_.warning("connections refused", {{"INTERVAL_S", std::to_string(r.interval.count())},
                                             {"UNKNOWN_ADDRESS", std::to_string(r.unknown_client)},
                                             {"PEER_LIMIT", std::to_string(r.client_limit)},
                                             {"TOTAL_LIMIT", std::to_string(r.total_limit)},
                                             {"ACCEPT_FAILED", std::to_string(r.accept_failed)},
                                             {"PEER", r.top_client.empty() ? "-" : r.top_client}});
    });
    wms_->add_page("/metrics",
                   [this](const boost::asio::ip::address& client, wms::PageReply reply) {
                       // The registry and the device belong to the io_context's thread.
                       boost::asio::post(io_, [this, client, reply = std::move(reply)]() mutable {
                           serve_metrics(client, std::move(reply));
                       });
                   });
    if (auto ok = wms_->start(); !ok) {
        return fail("WMS on " + ok.error().subject + ": " + ok.error().code.message());
    }
    return {};
}

tl::expected<void, StartupError> Appliance::start_control() {
    PeerEffects effects;
    effects.update_policy = [this](const std::vector<provisioning::Peer>& changed) {
        policy_.update(changed, config_.groups, config_.group_areas);
    };
    effects.disconnect = [this](const std::vector<boost::asio::ip::address>& addresses,
                                std::function<void()> closed) {
        disconnect(addresses, std::move(closed));
    };
    effects.rearm_expiry = [this] {
        if (expiry_) expiry_->rearm();
    };
    effects.requests_served = [this](const std::string& peer) { return requests_.served(peer); };
    peer_commands_ = std::make_unique<PeerCommands>(config_, registry_, *opened_.device, *peers_,
                                                    server_key_.public_key(), std::move(effects));

    expiry_ = std::make_unique<ExpiryTimer>(
        io_,
        [this](provisioning::Seconds after) -> std::optional<provisioning::Seconds> {
            auto next = registry_.next_expiry(after);
            if (next) return *next;
            log_.error("cannot read the next expiry from the peer registry",
                       {{"ERROR", next.error().message()}});
            return std::nullopt;
        },
        [this](provisioning::Seconds after, provisioning::Seconds upto) {
            peer_commands_->expire(after, upto);
        });
    expiry_->start(reconciled_at_);

    const auto admin_gid = group_id(config_.daemon.admin_group);
    if (!admin_gid) {
        log_.warning("admin group does not exist; only root may use the control socket",
                     {{"GROUP", config_.daemon.admin_group}});
    }
    control_ = std::make_unique<ControlServer>(
        io_, config_.daemon.control_socket, admin_gid,
        [this](const ControlRequest& request, const Caller& caller, ControlReplyFn reply) {
            peer_commands_->handle(
                request, caller,
                [this, command = request.command, caller,
                 reply = std::move(reply)](ControlReply answer) {
                    log_.info("control " + command,
                              {{"COMMAND", command},
                               {"CALLER_UID", std::to_string(caller.uid)},
                               {"OK", answer.status == ControlStatus::ok ? "yes" : "no"}});
                    reply(std::move(answer));
                });
        },
        [this](const Caller& caller, const std::string& command) {
            audit_denied(caller, command);
        });
    return listen_for_control();
}

// Under systemd the socket comes from wmsgate-control.socket, which owns the
// file, its group and mode (the daemon's user may not chown to the admin
// group, nor create files in /run). Run by hand, the daemon makes it.
tl::expected<void, StartupError> Appliance::listen_for_control() {
    auto inherited = inherited_control_socket();
    if (!inherited) return fail("control socket: " + inherited.error());
    if (*inherited) {
        if (auto ok = control_->adopt(**inherited); !ok) {
            return fail("control socket passed by systemd: " + ok.error().message());
        }
        log_.info("control socket from systemd's socket activation");
        return {};
    }
    const auto& path = config_.daemon.control_socket;
    if (auto ok = control_->start(); !ok) {
        return fail("control socket " + path.string() + ": " + ok.error().message() +
                    control_socket_hint(ok.error(), config_.daemon.admin_group));
    }
    return {};
}

void Appliance::audit_denied(const Caller& caller, const std::string& command) {
    const provisioning::AuditEntry entry{
        std::chrono::time_point_cast<std::chrono::seconds>(provisioning::Clock::now()),
        static_cast<std::int64_t>(caller.uid), "denied", "",
        "command=" + (command.empty() ? std::string("-") : command) +
            " pid=" + std::to_string(caller.pid)};
    if (auto ok = registry_.audit(entry); !ok) {
        log_.error("cannot write the audit trail", {{"ERROR", ok.error().message()}});
    }
    log_.warning("control call refused: caller is not an admin",
                 {{"CALLER_UID", std::to_string(caller.uid)}, {"COMMAND", command}});
}

void Appliance::disconnect(const std::vector<boost::asio::ip::address>& addresses,
                           std::function<void()> closed) {
    if (!wms_ || addresses.empty()) {
        if (closed) boost::asio::post(io_, std::move(closed));
        return;
    }
    // `closed` runs once the last address's connections are closed.
    auto left = std::make_shared<std::size_t>(addresses.size());
    auto then = std::make_shared<std::function<void()>>(std::move(closed));
    for (const auto& address : addresses) {
        wms_->disconnect(address, [left, then] {
            if (--*left == 0 && *then) (*then)();
        });
    }
}

// Runs on the sessions' threads: Log, Metrics and RequestCounter are
// thread-safe.
void Appliance::log_access(const wms::AccessRecord& r) {
    metrics_.record(r);
    // Counted above; the journal gets the refusal summaries instead.
    if (r.delivery == wms::Delivery::refused) return;
    if (!r.client.empty() && r.status != 0) requests_.count(r.client);
    std::string layers;
    for (const auto& layer : r.layers) layers += (layers.empty() ? "" : ",") + layer;
    if (!r.failure.empty()) {
        // The client got a generic exception; the admin gets the cause.
        log_.error(r.request + " failed: " + r.failure,
                   {{"PEER", r.client.empty() ? "-" : r.client},
                    {"REQUEST", r.request},
                    {"LAYER", layers.empty() ? "-" : layers},
                    {"ERROR", r.failure}});
    }
    log_.info(r.request + " " + std::to_string(r.status),
              {{"REMOTE", r.remote},
               {"PEER", r.client.empty() ? "-" : r.client},
               {"REQUEST", r.request},
               {"LAYER", layers.empty() ? "-" : layers},
               {"STATUS", std::to_string(r.status)},
               {"BYTES", std::to_string(r.bytes)},
               {"DELIVERY", std::string(wms::delivery_name(r.delivery))},
               {"NOTE", r.note.empty() ? "-" : r.note},
               {"DURATION_MS", std::to_string(r.duration.count())}});
}

// /metrics for peers in the metrics group; anyone else is answered as for a
// path that does not exist, so the page's existence leaks nothing either.
void Appliance::serve_metrics(const boost::asio::ip::address& client, wms::PageReply reply) {
    const auto& group = config_.metrics.group;
    const auto access = policy_.view_for(client);
    if (group.empty() || !access) return reply(std::nullopt);
    auto peer = registry_.find(access->client);
    if (!peer || !*peer ||
        !std::binary_search((*peer)->groups.begin(), (*peer)->groups.end(), group))
        return reply(std::nullopt);

    PeerFigures figures;
    if (auto state = opened_.device->get()) {
        // WireGuard re-keys every 2 minutes while traffic flows; a handshake
        // older than 3 minutes means the peer is idle or gone.
        const auto recent = std::chrono::system_clock::now() - std::chrono::minutes(3);
        figures.total = state->peers.size();
        for (const auto& p : state->peers) figures.recent_handshake += p.last_handshake >= recent;
    } else {
        log_.warning("metrics: cannot read the WireGuard device",
                     {{"ERROR", state.error().message()}});
    }
    reply(wms::Page{metrics_content_type, metrics_.exposition(figures, access->layers)});
}

std::string Appliance::status_line() const {
    const auto peers = policy_.current()->peers_in_service(provisioning::Clock::now());
    return "serving " + std::to_string(peers) + " peers, " + std::to_string(config_.layers.size()) +
           " layers; " + std::to_string(metrics_.requests()) + " requests answered";
}

tl::expected<void, StartupError> Appliance::reload(Config next) {
    if (const auto keys = keys_needing_restart(config_, next); !keys.empty()) {
        std::string list;
        for (const auto& key : keys) list += (list.empty() ? "" : ", ") + key;
        return fail(next.file.string() + ": " + list +
                    " changed; that needs a restart (systemctl restart wmsgate)");
    }
    if (auto ok = wms_->reload(wms_service(next)); !ok) {
        return fail("layer " + ok.error().subject + ": " + ok.error().code.message());
    }
    // PeerCommands reads config_ by reference: groups, layers and the
    // endpoint of new client configs follow at once.
    config_ = std::move(next);
    log_.set_level(parse_log_level(config_.daemon.log_level).value_or(LogLevel::info));
    publish_policy();
    warn_about_dangling_grants();
    return {};
}

// Peers keep their groups and grants when the config drops a group or a
// layer; until the config names them again they grant nothing.
void Appliance::warn_about_dangling_grants() {
    auto peers = registry_.list();
    if (!peers) return;
    std::set<std::string> groups, layers;
    for (const auto& peer : *peers) {
        for (const auto& g : peer.groups)
            if (!config_.groups.contains(g)) groups.insert(g);
        for (const auto& l : peer.layers) {
            const bool known = std::any_of(config_.layers.begin(), config_.layers.end(),
                                           [&](const auto& layer) { return layer.name == l; });
            if (!known) layers.insert(l);
        }
    }
    auto joined = [](const std::set<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
        return out;
    };
    if (!groups.empty() || !layers.empty()) {
        log_.warning("peers name groups or layers the config no longer defines; they grant nothing",
                     {{"GROUPS", groups.empty() ? "-" : joined(groups)},
                      {"LAYERS", layers.empty() ? "-" : joined(layers)}});
    }
}

void Appliance::drain(std::function<void()> done) {
    supervise_timer_.cancel();
    if (control_) control_->stop();
    if (!wms_) {
        shutdown();
        boost::asio::post(io_, std::move(done));
        return;
    }
    wms_->drain(config_.wms.drain_timeout, [this, done = std::move(done)] {
        shutdown();
        done();
    });
}

void Appliance::publish_policy() {
    auto peers = registry_.list();
    if (!peers) {
        log_.error("cannot read the peer registry; keeping the previous policy",
                   {{"ERROR", peers.error().message()}});
        return;
    }
    policy_.replace_areas(std::make_shared<const AreaBook>(config_.areas));
    policy_.replace(std::make_shared<const provisioning::PolicySnapshot>(*peers, config_.groups,
                                                                         config_.group_areas));
}

// A wireguard-go we started is a child we depend on: if it dies, start it
// again and re-apply the whole configuration. The kernel backend and an
// adopted wireguard-go need no watching.
void Appliance::supervise() {
    supervise_timer_.expires_after(std::chrono::seconds(1));
    supervise_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        if (opened_.wireguard_go && !opened_.wireguard_go->running()) {
            log_.warning("wireguard-go exited; restarting it",
                         {{"INTERFACE", config_.interface.name}});
            if (auto restarted = opened_.wireguard_go->restart(); !restarted) {
                log_.error("cannot restart wireguard-go", {{"ERROR", restarted.error().message()}});
            } else if (auto ok = configure_device(); !ok) {
                log_.error("cannot re-configure the interface", {{"ERROR", ok.error().message}});
            } else {
                // The new tunnel device has a new index: SO_BINDTODEVICE
                // must be set again, so the listener is made anew.
                // stop() closes the old listener on the io_context; queue
                // the new one behind that.
                wms_->stop();
                boost::asio::post(io_, [this] {
                    if (auto listening = start_wms(); !listening) {
                        log_.error("cannot listen again", {{"ERROR", listening.error().message}});
                    }
                });
            }
        }
        supervise();
    });
}

}  // namespace wmsgate::daemon
