#pragma once

#include "daemon/log.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// The journal's line for one answered WMS request, naming the peer; a
// request that failed inside the daemon gets an error line with the cause
// first (the client only saw a generic exception). Refused connections are
// left to log_refusals. Thread-safe: runs on the sessions' threads.
void log_access(const Log& log, const wms::AccessRecord& record);

// One line per interval for a flood of refused connections, not one each.
void log_refusals(const Log& log, const wms::RefusalSummary& summary);

}  // namespace wmsgate::daemon
