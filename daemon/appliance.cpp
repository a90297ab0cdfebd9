#include "daemon/appliance.hpp"

#include <boost/asio/post.hpp>
#include <chrono>

#include "daemon/access_log.hpp"
#include "daemon/control_access.hpp"
#include "daemon/open_registry.hpp"
#include "daemon/own_address.hpp"
#include "daemon/reload_check.hpp"
#include "daemon/server_key.hpp"
#include "daemon/tunnel_link.hpp"
#include "daemon/wms_settings.hpp"
#include "netcfg/interface_name.hpp"
#include "provisioning/join.hpp"

namespace wmsgate::daemon {
namespace {

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

}  // namespace

tl::expected<std::unique_ptr<Appliance>, StartupError> Appliance::bring_up(
    Config config, boost::asio::io_context& io, Log& log) {
    if (auto ok = netcfg::check_interface_name(config.interface.name); !ok) {
        return startup_failure(config.file.string() + ": interface.name \"" +
                               config.interface.name + "\": " + ok.error().message());
    }
    auto key = load_or_make_server_key(config.daemon.state_dir);
    if (!key) return tl::unexpected(key.error());
    auto registry = open_registry(config, key->public_key());
    if (!registry) return tl::unexpected(registry.error());

    std::unique_ptr<Appliance> appliance(
        new Appliance(std::move(config), io, log, std::move(*registry), *key));
    if (auto ok = appliance->start_device(); !ok) return tl::unexpected(ok.error());
    if (auto ok = appliance->configure_device(); !ok) return tl::unexpected(ok.error());
    if (auto ok = appliance->start_wms(); !ok) return tl::unexpected(ok.error());
    appliance->start_peer_commands();
    appliance->start_expiry();
    if (auto ok = appliance->start_control(); !ok) return tl::unexpected(ok.error());
    appliance->watch_wireguard_go();
    appliance->start_fleet_sync();
    return appliance;
}

Appliance::Appliance(Config config, boost::asio::io_context& io, Log& log,
                     provisioning::Registry registry, const netcfg::SecretKey& server_key)
    : config_(std::move(config)),
      io_(io),
      log_(log),
      registry_(std::move(registry)),
      server_key_(server_key) {}

// shutdown()'s steps throw only when the system fails them (Asio's cancel
// and close, a mutex); a destructor must not throw, and the teardown of the
// members still runs.
Appliance::~Appliance() {
    try {
        shutdown();
    } catch (...) {
        // Logging could throw too; the members' own teardown follows.
    }
}

void Appliance::shutdown() {
    if (fleet_sync_) fleet_sync_->stop();
    if (wireguard_go_watch_) wireguard_go_watch_->stop();
    if (expiry_) expiry_->stop();
    if (control_) control_->stop();
    if (wms_) wms_->stop();
}

tl::expected<void, StartupError> Appliance::start_device() {
    auto opened = open_tunnel_device(config_.interface.name, config_.interface.backend, log_);
    if (!opened) return tl::unexpected(opened.error());
    opened_ = std::move(*opened);
    peers_ = std::make_unique<provisioning::PeerService>(registry_, *opened_.device,
                                                         config_.interface.addresses);
    metrics_page_ = std::make_unique<MetricsPage>(
        config_, policy_, [this] { return registry_health(); }, *opened_.device, metrics_, log_);
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
    if (auto ok = converge_addresses(name, config_.interface.addresses); !ok) return ok;

    auto peers = registry_.list();
    if (!peers) return startup_failure("peer registry: " + peers.error().message());
    if (auto ok =
            check_no_peer_holds_own_address(config_.interface.addresses, *peers, config_.file);
        !ok) {
        return startup_failure(ok.error());
    }
    auto converged =
        peers_->converge(server_key_, config_.interface.listen_port, provisioning::Clock::now());
    if (!converged) {
        const auto& error = converged.error();
        if (error.stage == provisioning::PeerError::Stage::registry)
            return startup_failure("peer registry: " + error.code.message());
        return startup_failure("interface " + name +
                               ": configuring WireGuard: " + error.code.message());
    }
    // Expiries after this are the expiry timer's.
    reconciled_at_ = converged->at;
    publish_policy();
    const auto& changes = converged->changes;
    log_.info("interface configured", {{"INTERFACE", name},
                                       {"PEERS", std::to_string(converged->peers_in_service)},
                                       {"PEERS_REMOVED", std::to_string(changes.peers_removed)},
                                       {"PEERS_WRITTEN", std::to_string(changes.peers_written)},
                                       {"PUBLIC_KEY", server_key_.public_key().base64()}});
    return {};
}

tl::expected<void, StartupError> Appliance::start_wms() {
    wms_ = std::make_unique<wms::Server>(io_, wms_server_options(config_), wms_service(config_),
                                         policy_,
                                         [this](const wms::AccessRecord& r) { record_access(r); });
    wms_->on_refusals([this](const wms::RefusalSummary& r) { log_refusals(log_, r); });
    wms_->add_page("/metrics",
                   [this](const boost::asio::ip::address& client, wms::PageReply reply) {
                       // The registry and the device belong to the io_context's thread.
                       boost::asio::post(io_, [this, client, reply = std::move(reply)] {
                           metrics_page_->serve(client, reply);
                       });
                   });
    if (auto ok = wms_->start(); !ok) {
        return startup_failure("WMS on " + ok.error().subject + ": " + ok.error().code.message());
    }
    log_layer_warnings(*wms_, log_);
    return {};
}

void Appliance::start_peer_commands() {
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
    effects.registry_health = [this] { return registry_health(); };
    peer_commands_ = std::make_unique<PeerCommands>(config_, registry_, *opened_.device, *peers_,
                                                    server_key_.public_key(), std::move(effects));
}

void Appliance::start_expiry() {
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
}

tl::expected<void, StartupError> Appliance::start_control() {
    const auto admin_gid = group_id(config_.daemon.admin_group);
    if (!admin_gid) {
        log_.warning("admin group does not exist; only root may use the control socket",
                     {{"GROUP", config_.daemon.admin_group}});
    }
    auto handle = [this](const ControlRequest& request, const Caller& caller,
                         ControlReplyFn reply) {
        peer_commands_->handle(request, caller,
                               logged_reply(log_, request.command, caller, std::move(reply)));
    };
    control_ = std::make_unique<ControlServer>(
        io_, config_.daemon.control_socket, admin_gid, std::move(handle),
        [this](const Caller& caller, const std::string& command) {
            record_refused_caller(registry_, log_, caller, command);
        });
    return listen_for_control(*control_, config_.daemon, log_);
}

void Appliance::watch_wireguard_go() {
    if (!opened_.wireguard_go) return;
    wireguard_go_watch_ =
        std::make_unique<WireguardGoWatch>(io_, *opened_.wireguard_go, log_, config_.interface.name,
                                           [this] { after_wireguard_go_restart(); });
    wireguard_go_watch_->start();
}

// A new wireguard-go starts empty, on a new tunnel device.
void Appliance::after_wireguard_go_restart() {
    if (auto ok = configure_device(); !ok) {
        log_.error("cannot re-configure the interface", {{"ERROR", ok.error().message}});
        return;
    }
    // The new device has a new index: SO_BINDTODEVICE must be set again, so
    // the listener is made anew. stop() closes the old listener on the
    // io_context; queue the new one behind that.
    wms_->stop();
    boost::asio::post(io_, [this] {
        if (auto listening = start_wms(); !listening) {
            log_.error("cannot listen again", {{"ERROR", listening.error().message}});
        }
    });
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
void Appliance::record_access(const wms::AccessRecord& record) {
    metrics_.record(record);
    // Counted above; the journal gets the refusal summaries instead.
    if (record.delivery == wms::Delivery::refused) return;
    if (!record.client.empty() && record.status != 0) requests_.count(record.client);
    log_access(log_, record);
}

std::string Appliance::status_line() const {
    const auto peers = policy_.current()->peers_in_service(provisioning::Clock::now());
    return "serving " + std::to_string(peers) + " peers, " + std::to_string(config_.layers.size()) +
           " layers; " + std::to_string(metrics_.requests()) + " requests answered";
}

tl::expected<void, StartupError> Appliance::reload(Config next) {
    if (const auto keys = keys_needing_restart(config_, next); !keys.empty()) {
        return startup_failure(next.file.string() + ": " + provisioning::joined(keys, ", ") +
                               " changed; that needs a restart (systemctl restart wmsgate)");
    }
    if (auto ok = wms_->reload(wms_service(next)); !ok) {
        return startup_failure("layer " + ok.error().subject + ": " + ok.error().code.message());
    }
    log_layer_warnings(*wms_, log_);
    // PeerCommands, PeerService and MetricsPage read config_ by reference:
    // groups, layers and the endpoint of new client configs follow at once.
    config_ = std::move(next);
    log_.set_level(parse_log_level(config_.daemon.log_level).value_or(LogLevel::info));
    publish_policy();
    if (auto peers = registry_.list()) {
        if (const auto dangling = dangling_grants(*peers, config_); !dangling.empty()) {
            log_.warning(
                "peers name groups or layers the config no longer defines; they "
                "grant nothing",
                {{"GROUPS", or_dash(provisioning::joined(dangling.groups))},
                 {"LAYERS", or_dash(provisioning::joined(dangling.layers))}});
        }
    }
    return {};
}

void Appliance::drain(std::function<void()> done) {
    if (fleet_sync_) fleet_sync_->stop();
    if (wireguard_go_watch_) wireguard_go_watch_->stop();
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

void Appliance::start_fleet_sync() {
    if (registry_.kind() != provisioning::RegistryKind::postgresql) return;
    fleet_sync_ = std::make_unique<FleetSync>(
        io_, config_.registry.dsn, registry_.change_origin(), log_,
        [this](const std::vector<provisioning::ChangeNotice>& n) { return follow_fleet(n); },
        [this] { return resync_fleet(); });
    fleet_sync_->start();
}

RegistryHealth Appliance::registry_health() const {
    return fleet_sync_ ? fleet_sync_->health() : RegistryHealth{};
}

// Another appliance changed these peers: the same effects as a change made
// here (PeerCommands::follow), for all of them at once.
bool Appliance::follow_fleet(const std::vector<provisioning::ChangeNotice>& notices) {
    std::map<std::string, provisioning::Peer> changed;  // a peer changed twice: its last state
    std::vector<boost::asio::ip::address> to_disconnect;
    for (const auto& notice : notices) {
        auto followed = peers_->follow_notice(notice);
        if (!followed) return false;
        if (followed->device_error) {
            log_.error("the device refused a change from the fleet; a restart reconciles it",
                       {{"PEER", notice.peer}, {"ERROR", followed->device_error.message()}});
        }
        log_.info(
            "peer changed by another appliance",
            {{"PEER", notice.peer},
             {"STATE", provisioning::to_string(followed->peer.state(provisioning::Clock::now()))}});
        to_disconnect.insert(to_disconnect.end(), followed->to_disconnect.begin(),
                             followed->to_disconnect.end());
        changed.insert_or_assign(followed->peer.name, std::move(followed->peer));
    }
    std::vector<provisioning::Peer> peers;
    peers.reserve(changed.size());
    for (auto& [name, peer] : changed) peers.push_back(std::move(peer));
    policy_.update(peers, config_.groups, config_.group_areas);
    disconnect(to_disconnect, {});
    if (expiry_) expiry_->rearm();
    return true;
}

// The registry came back (or the feed was just opened): notices may have
// been missed, so device and policy are made what the whole registry says,
// and connections of peers no longer in service are closed.
bool Appliance::resync_fleet() {
    const auto before = policy_.current();
    auto peers = registry_.list();
    if (!peers) return false;
    const auto now = provisioning::Clock::now();
    auto converged = peers_->converge(server_key_, config_.interface.listen_port, now);
    if (!converged) {
        if (converged.error().stage == provisioning::PeerError::Stage::registry) return false;
        log_.error("cannot bring the interface in line with the registry",
                   {{"ERROR", converged.error().code.message()}});
    }
    policy_.replace(std::make_shared<const provisioning::PolicySnapshot>(*peers, config_.groups,
                                                                         config_.group_areas));
    std::vector<boost::asio::ip::address> to_disconnect;
    for (const auto& peer : *peers) {
        if (peer.state(now) == provisioning::PeerState::active) continue;
        if (!before->lookup(peer.ipv4, now)) continue;  // had no service here anyway
        to_disconnect.emplace_back(peer.ipv4);
        if (peer.ipv6) to_disconnect.emplace_back(*peer.ipv6);
    }
    disconnect(to_disconnect, {});
    if (expiry_) expiry_->rearm();
    return true;
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

}  // namespace wmsgate::daemon
