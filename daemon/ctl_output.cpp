#include "daemon/ctl_output.hpp"

#include <algorithm>
#include <cstdio>

namespace wmsgate::daemon::ctl {

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto print_row = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            // The last column is not padded, so lines carry no trailing blanks.
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
    };
    print_row(header);
    for (const auto& row : rows) print_row(row);
}

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) out += (out.empty() ? "" : ",") + cell(item);
        return out.empty() ? "-" : out;
    }
    if (value.is_object()) {
        std::string out;
        for (const auto& [key, item] : value.items())
            out += (out.empty() ? "" : ",") + key + "=" + cell(item);
        return out.empty() ? "-" : out;
    }
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    return value.dump();
}

void print_peer_table(const nlohmann::json& peers) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : peers) {
        std::string address = cell(p["address"]);
        if (!p["ipv6"].is_null()) address += " " + cell(p["ipv6"]);
        rows.push_back({cell(p["name"]), cell(p["state"]), address, cell(p["groups"]),
                        cell(p["layers"]), cell(p["expires"])});
    }
    print_table({"NAME", "STATE", "ADDRESS", "GROUPS", "LAYERS", "EXPIRES"}, rows);
}

void print_peer_details(const nlohmann::json& peer) {
    for (const auto& [key, value] : peer.items()) {
        if (key == "config") continue;
        std::printf("%-16s %s\n", (key + ":").c_str(), cell(value).c_str());
    }
}

void print_status_table(const nlohmann::json& status) {
    std::printf("interface %s, listening on port %s, public key %s\n\n",
                cell(status["interface"]).c_str(), cell(status["listen_port"]).c_str(),
                cell(status["public_key"]).c_str());
    if (const auto& registry = status.value("registry", nlohmann::json()); registry.is_object()) {
        std::printf("registry %s: %s since %s%s\n\n", cell(registry["backend"]).c_str(),
                    cell(registry["state"]).c_str(), cell(registry["since"]).c_str(),
                    registry["state"] == "unreachable"
                        ? "; serving the last snapshot, changes refused"
                        : "");
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : status["peers"]) {
        rows.push_back({cell(p["name"]), cell(p["state"]), cell(p["address"]), cell(p["endpoint"]),
                        cell(p["last_handshake"]), cell(p["rx_bytes"]), cell(p["tx_bytes"]),
                        cell(p["requests_served"])});
    }
    print_table({"NAME", "STATE", "ADDRESS", "ENDPOINT", "LAST HANDSHAKE", "RX", "TX", "REQUESTS"},
                rows);
}

void print_audit_table(const nlohmann::json& entries) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : entries) {
        rows.push_back({cell(e["time"]), cell(e["caller_uid"]), cell(e["action"]), cell(e["peer"]),
                        cell(e["details"])});
    }
    print_table({"TIME", "UID", "ACTION", "PEER", "DETAILS"}, rows);
}

void print_group_table(const nlohmann::json& groups) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : groups)
        rows.push_back({cell(g["name"]), cell(g["layers"]), cell(g["areas"])});
    print_table({"GROUP", "LAYERS", "AREAS"}, rows);
}

void print_layer_table(const nlohmann::json& layers) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : layers)
        rows.push_back({cell(l["name"]), cell(l["title"]), cell(l["groups"])});
    print_table({"LAYER", "TITLE", "GROUPS"}, rows);
}

}  // namespace wmsgate::daemon::ctl
