-- wrk script: POST /v1/scores (Benchmarks/http-bench.sh scenarios ingest, single, mixed).
-- Environment: TOKEN (internal bearer), BOARD, BATCH (events per request), POP (players
-- p0..p<POP-1>), FORMAT (ndjson | json = an array | object = one bare event, for BATCH=1),
-- MODE (dynamic: fresh random players and scores in every request; pool: POOL requests built
-- once and cycled, cheaper for wrk), SEED, MAX_SCORE. No event ids (no idempotency work).
local token = os.getenv("TOKEN") or "bench-internal"
local board = os.getenv("BOARD") or "bench"
local batch = tonumber(os.getenv("BATCH") or "1000")
local pop = tonumber(os.getenv("POP") or "100000")
local format = os.getenv("FORMAT") or "ndjson"
local mode = os.getenv("MODE") or "dynamic"
local poolSize = tonumber(os.getenv("POOL") or "64")
local maxScore = tonumber(os.getenv("MAX_SCORE") or "1000000000")
local seed = tonumber(os.getenv("SEED") or "42")

local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = format == "ndjson" and "application/x-ndjson" or "application/json",
}
local prefix = '{"board":"' .. board .. '","player":"p'
local separator = format == "json" and "," or "\n"
local parts = {}

-- One body of `batch` events: random players of the population, random scores.
local function body()
  if format == "object" then
    return prefix .. math.random(0, pop - 1) .. '","score":' .. math.random(0, maxScore) .. "}"
  end
  local n = 0
  if format == "json" then n = 1; parts[1] = "[" end
  for i = 1, batch do
    local player = math.random(0, pop - 1)
    local score = math.random(0, maxScore)
    n = n + 1
    parts[n] = prefix .. player .. '","score":' .. score .. "}" .. ((i < batch or format == "ndjson") and separator or "")
  end
  if format == "json" then n = n + 1; parts[n] = "]" end
  for i = n + 1, #parts do parts[i] = nil end
  return table.concat(parts)
end

local pool = {}
local next = 1

function setup(thread)
  thread:set("thread_seed", seed)
  seed = seed + 7919
end

function init(args)
  math.randomseed(thread_seed or seed)
  if mode == "pool" then
    for i = 1, poolSize do pool[i] = wrk.format("POST", "/v1/scores", headers, body()) end
  end
end

function request()
  if mode == "pool" then
    local r = pool[next]
    next = next % poolSize + 1
    return r
  end
  return wrk.format("POST", "/v1/scores", headers, body())
end
