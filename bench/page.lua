-- wrk script for bench/pages.py: the answers counted by status, so that each figure counts only
-- the answers it claims (a page's 200s, a conditional reload's 304s). The address and any header
-- (If-None-Match, Cookie) come from wrk's command line: `wrk ... -s bench/page.lua -H ... URL`.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, not_modified, other = 0, 0, 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 304 then
    not_modified = not_modified + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local counts = {ok = 0, not_modified = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(counts) do
      counts[name] = counts[name] + thread:get(name)
    end
  end
  io.write(string.format("RESULT ok=%d not_modified=%d other=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f\n",
    counts.ok, counts.not_modified, counts.other, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
