#pragma once

#include <string>
#include <string_view>

#include "wms/authorizer.hpp"

namespace wmsgate::wms {

// The updateSequence one client is shown: 16 hex digits fingerprinting all
// it sees. That is its capabilities document written without a sequence
// (its layers, their metadata and clipped boxes, the service's metadata),
// the areas its layers are limited to (which change its maps even where no
// box moves), and the configured update_sequence (which an admin bumps after
// replacing data under the same file name). So it changes with a reload
// that changes any of these, with the client's groups, and with an area,
// and stays put otherwise, across restarts too. A fingerprint has no order:
// a client's UPDATESEQUENCE is either the current one or not.
std::string view_sequence(std::string_view document, const ClientView& view,
                          std::string_view configured);

}  // namespace wmsgate::wms
