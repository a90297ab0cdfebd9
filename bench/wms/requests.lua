-- wrk script: cycles through REQUESTS (one query string a line) from a
-- per-thread offset, so every run sends the same sequence of maps.
local lines = {}
local index = 0
local prefix = os.getenv("WMS_PATH") or "/wms"

function setup(thread)
    thread:set("offset", math.random(0, 1000))
end

function init(args)
    for line in io.lines(os.getenv("REQUESTS")) do
        lines[#lines + 1] = line
    end
    index = offset or 0
end

function request()
    index = index % #lines + 1
    return wrk.format("GET", prefix .. "?" .. lines[index])
end

-- RESULT req/s p50_ms p99_ms errors (non-2xx/3xx answers plus connect,
-- read, write and timeout errors)
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.status + e.connect + e.read + e.write + e.timeout))
end
