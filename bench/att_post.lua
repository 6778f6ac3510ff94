-- wrk script for bench/attendance_post.py (issue #4). The part above the marker alone is used for the
-- trivial view: it prints the figures on one line for the Python script to read.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d %d\n", summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
-- request --
-- POST a new cadre-day in every request: args are the request file (token TAB cadre TAB day per line)
-- and the number of wrk threads; thread k takes lines k, k+n, k+2n, … so no two requests share a pair.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(args[2])
  tokens, cadres, days = {}, {}, {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == tid then
      local token, cadre, day = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      tokens[#tokens + 1] = "Bearer " .. token
      cadres[#cadres + 1] = cadre
      days[#days + 1] = day
    end
    i = i + 1
  end
  sent = 0
end

function request()
  sent = sent + 1
  local k = (sent - 1) % #cadres + 1
  local body = '{"cadre": ' .. cadres[k] .. ', "date": "' .. days[k] .. '", "channel": "duty_book"}'
  local headers = {
    ["Authorization"] = tokens[k],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. sent,
  }
  return wrk.format("POST", "/api/v1/attendance/records", headers, body)
end
