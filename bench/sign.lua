-- wrk script for bench/signatures.py: POST the petition sign form with a fresh address each time.
-- `wrk ... -s bench/sign.lua -- DATA.lua`; DATA.lua sets `run` (a tag unique to this run) and
-- `forms`, a list of {path=, cookie=, body=} whose body lacks only the email (one session and
-- CSRF token each).

local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  dofile(args[1])
  thread_id = id
  accepted, refused = 0, 0
  statuses = {}  -- answers other than 302, by status: a refusal is never hidden
end

function request()
  counter = counter + 1
  local form = forms[(counter % #forms) + 1]
  local body = form.body .. "&email=" .. run .. "w" .. thread_id .. "x" .. counter .. "%40bench.example"
  return wrk.format("POST", form.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
  }, body)
end

function response(status, headers, body)
  if status == 302 then
    accepted = accepted + 1
  else
    refused = refused + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local ok, bad, by_status = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
    bad = bad + thread:get("refused")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local refusals = ""
  for status, count in pairs(by_status) do
    refusals = refusals .. string.format(" status_%d=%d", status, count)
  end
  -- Requests that got no answer at all (wrk's socket errors) are refusals too.
  local errors = summary.errors
  io.write(string.format(
    "RESULT accepted=%d refused=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f"
      .. " connect_errors=%d read_errors=%d write_errors=%d timeouts=%d%s\n",
    ok, bad, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.timeout, refusals))
end
