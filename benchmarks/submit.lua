-- wrk script for benchmarks/submit.py.
--
--   wrk ... -s benchmarks/submit.lua URL -- MODE [BODY_FILE RUN_TAG]
--
-- MODE "get": plain GETs of URL (the trivial endpoint). MODE "post": POSTs of the JSON body in
-- BODY_FILE, whose "@@SUBMISSION_ID@@" is replaced by a fresh UUID-shaped id per request (RUN_TAG,
-- 8 hex digits, then the thread number and a per-thread counter: unique within and across runs).
-- Every thread counts the status codes it received; done() prints one line
-- "SENIM {json}" with the counts and wrk's latency percentiles (microseconds).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local mode, prefix, suffix, tag

function init(args)
  mode = args[1] or "get"
  codes = {}
  if mode == "post" then
    local f = assert(io.open(args[2], "rb"))
    local body = f:read("*a")
    f:close()
    local s, e = string.find(body, "@@SUBMISSION_ID@@", 1, true)
    prefix, suffix = string.sub(body, 1, s - 1), string.sub(body, e + 1)
    tag = args[3]
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if mode ~= "post" then
    return wrk.format(nil)
  end
  counter = counter + 1
  local n = counter
  local sid = string.format("%s-%04x-4%03x-8%03x-%012x", tag, id % 65536, math.floor(n / 4096) % 4096,
                            n % 4096, n)
  return wrk.format(nil, nil, nil, prefix .. sid .. suffix)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes")
    for status, n in pairs(c) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'SENIM {"requests": %d, "duration_us": %d, "codes": {%s}, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "), e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
