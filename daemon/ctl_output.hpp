#pragma once

// How wmsgatectl shows results: aligned tables for people, JSON for scripts.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wmsgate::daemon::ctl {

// Prints rows under a header, each column as wide as its widest cell.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// A JSON value as a table cell: "-" for null or empty, lists comma-joined.
std::string cell(const nlohmann::json& value);

void print_peer_table(const nlohmann::json& peers);
void print_peer_details(const nlohmann::json& peer);
void print_status_table(const nlohmann::json& status);
void print_audit_table(const nlohmann::json& entries);
void print_group_table(const nlohmann::json& groups);
void print_layer_table(const nlohmann::json& layers);

}  // namespace wmsgate::daemon::ctl
