-- wrk script: POSTs resources events for PROJECTS projects (BENCH_GUID-0 ...), each report naming
-- one of a few resources as a build agent would, and records "guid sequence" of every event the
-- server acknowledged (200) in ACK_DIR/acks-<thread>.txt.
local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("id", counter)
    table.insert(threads, thread)
end

function init(args)
    guid = os.getenv("BENCH_GUID") or "bench"
    projects = tonumber(os.getenv("PROJECTS") or "16")
    keys = {"s3Bucket", "cloudFrontId", "cloudFrontUrl", "ecrRepository", "ecsCluster", "rdsEndpoint", "albDns", "region"}
    ack_dir = os.getenv("ACK_DIR")
    sent = 0
    acked = 0
    if ack_dir then
        ack_file = io.open(ack_dir .. "/acks-" .. id .. ".txt", "w")
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    if os.getenv("BENCH_TOKEN") then
        wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
    end
end

-- The requests are formatted once, in init: formatting each one in Lua as it is sent cost wrk
-- more CPU than the server spent answering it, on a machine where both share two cores.
local prepared = {}
local PREPARED = 4096

local function format_request(n)
    local project = guid .. "-" .. ((n * 7 + id) % projects)
    local key = keys[(n % #keys) + 1]
    local body = string.format(
        '{"guid":"%s","type":"resources","data":{"%s":"arn:aws:tmux-builder-%s-%d-%d","reportedBy":"thread %d"}}',
        project, key, project, id, n, id)
    return wrk.format(nil, "/notify", nil, body)
end

function request()
    sent = sent + 1
    local index = sent % PREPARED + 1
    local prepared_request = prepared[index]
    if prepared_request == nil then
        prepared_request = format_request(sent)
        prepared[index] = prepared_request
    end
    return prepared_request
end

-- A response() function makes wrk hand every response to Lua; only the SIGKILL run needs that
-- (to record which events were acknowledged). The throughput runs count 2xx answers from wrk's
-- own summary instead, so the load generator takes less of the CPU the server is measured on.
local function record_response(status, headers, body)
    if status == 200 then
        acked = acked + 1
        if ack_file then
            local project, sequence = string.match(body, '"guid":"([^"]+)".-"sequence":(%d+)')
            ack_file:write(project, " ", sequence, "\n")
            ack_file:flush()
        end
    end
end

if os.getenv("ACK_DIR") and os.getenv("ACK_DIR") ~= "" then
    response = record_response
end

function done(summary, latency, requests)
    local total = 0
    if response then
        for _, thread in ipairs(threads) do
            total = total + thread:get("acked")
        end
    else
        total = summary.requests - summary.errors.status
    end
    io.write(string.format("ACKED %d\n", total))
    io.write(string.format("P99_US %d\n", latency:percentile(99)))
end
