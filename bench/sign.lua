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
  if status == 302 then accepted = accepted + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
    bad = bad + thread:get("refused")
  end
  io.write(string.format("RESULT accepted=%d refused=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f\n",
    ok, bad, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
