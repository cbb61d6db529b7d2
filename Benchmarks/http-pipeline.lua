-- wrk script: HTTP/1.1 pipelining for GET requests (Benchmarks/http-bench.sh scenario "top",
-- pipelined variant). Each write carries DEPTH requests for PATH; wrk counts every response and
-- records one latency per batch (its write to its last response), an upper bound for each
-- request in it.
-- Environment: PATH_QUERY (default the top-100 page of board bench), DEPTH (default 16).
local path = os.getenv("PATH_QUERY") or "/v1/boards/bench/alltime/top?limit=100"
local depth = tonumber(os.getenv("DEPTH") or "16")
local batch

function init(args)
  local one = wrk.format("GET", path)
  local parts = {}
  for i = 1, depth do parts[i] = one end
  batch = table.concat(parts)
end

function request()
  return batch
end
