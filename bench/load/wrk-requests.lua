-- wrk script: cycles through a file of `path<TAB>body[<TAB>name: value]` lines (one request
-- each, generated with a fixed seed), POSTing each as JSON. Bodies holding
-- __U__ get a unique token per request (mutations insert unique emails/slugs).
-- Counts GraphQL errors (HTTP 200 with "errors") besides wrk's own non-2xx
-- count, and prints a JSON summary line at the end.
-- Usage: wrk ... -s wrk-requests.lua URL -- <file> <unique-prefix> [<Authorization header>]

local threads = {}
local headers = { ["Content-Type"] = "application/json" }

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  prefix = args[2] or "u"
  if args[3] then headers["Authorization"] = args[3] end
  requests, dynamic, n, counter, gql_errors, first_error = {}, {}, 0, 0, 0, ""
  for line in io.lines(file) do
    local tab = line:find("\t", 1, true)
    if tab then
      local path, body = line:sub(1, tab - 1), line:sub(tab + 1)
      -- An optional third column is one more header, "name: value".
      local h = headers
      local tab2 = body:find("\t", 1, true)
      if tab2 then
        local extra = body:sub(tab2 + 1)
        body = body:sub(1, tab2 - 1)
        local colon = extra:find(": ", 1, true)
        h = {}
        for k, v in pairs(headers) do h[k] = v end
        h[extra:sub(1, colon - 1)] = extra:sub(colon + 2)
      end
      n = n + 1
      if body:find("__U__", 1, true) then
        requests[n] = false
        dynamic[n] = { path, body, h }
      else
        requests[n] = wrk.format("POST", path, h, body)
      end
    end
  end
  -- Threads start at different points of the same sequence.
  idx = (thread_id * 7919) % n
end

function request()
  idx = idx % n + 1
  local r = requests[idx]
  if r then return r end
  counter = counter + 1
  local d = dynamic[idx]
  local body = d[2]:gsub("__U__", prefix .. "t" .. thread_id .. "n" .. counter)
  return wrk.format("POST", d[1], d[3], body)
end

function response(status, hdrs, body)
  if status == 200 then
    if body:find('"errors"', 1, true) then
      gql_errors = gql_errors + 1
      if first_error == "" then first_error = body:sub(1, 400) end
    end
  elseif first_error == "" then
    first_error = "HTTP " .. status .. " " .. body:sub(1, 400)
  end
end

function done(summary, latency, reqs)
  local errors, first = 0, ""
  for _, t in ipairs(threads) do
    errors = errors + t:get("gql_errors")
    local e = t:get("first_error")
    if first == "" and e and e ~= "" then first = e end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"graphql_errors":%d,"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, errors,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  if first ~= "" then io.write("WRK_FIRST_ERROR " .. first:gsub("\n", " ") .. "\n") end
end
