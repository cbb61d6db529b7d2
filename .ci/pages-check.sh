#!/usr/bin/env bash
# Browser checks of the pages in Public/ against a RUNNING gateway: static files and content
# types, the pages' own unit tests, the spectator top list (initial + a live SSE update), a
# player's "overtaken" toast over WebSocket, and the metrics dashboard. Screenshots go to OUT_DIR.
#
# Usage: .ci/pages-check.sh BASE_URL INTERNAL_TOKEN OUT_DIR
#   e.g. .ci/pages-check.sh http://127.0.0.1:8080 "$INTERNAL_TOKEN" ci-out/pages
# Environment: BROWSER_CHECK (default ../shared/tools/browser_check.py, relative to the repo root),
#   PYTHON (default python3), PAGECHECK_BOARD (default pagecheck).
# Prints PASS/FAIL per check and a final "N passed, N failed" line; exits 1 when any check failed,
# 2 on a usage error. Every browser check runs with --console: a console error fails its check.
# Board: PAGECHECK_BOARD; if that board already holds scores (an earlier run against the same
# gateway), a fresh "<board>-<unix time>" is used so the live checks still prove live delivery.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 BASE_URL INTERNAL_TOKEN OUT_DIR" >&2
  exit 2
fi
BASE=${1%/}
ITOKEN=$2
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
cd "$(dirname "$0")/.."
BROWSER_CHECK=${BROWSER_CHECK:-../shared/tools/browser_check.py}
PYTHON=${PYTHON:-python3}
BOARD=${PAGECHECK_BOARD:-pagecheck}
RUN="$(date +%s)-$$"
TMP=$(mktemp -d)
BG_PID=""
cleanup() {
  # A background check runs in its own session (setsid): end its Chromium and chromedriver too.
  if [ -n "$BG_PID" ]; then kill -TERM -- "-$BG_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+ — $2}"; failed=$((failed + 1)); }
note() { echo "     $*"; }

# api METHOD PATH [JSON_BODY]: prints the HTTP status (000 when unreachable); body in $TMP/resp.
api() {
  local method=$1 path=$2 body=${3-} code
  local args=(-sS --max-time 10 -o "$TMP/resp" -w '%{http_code}' -X "$method"
    -H "Authorization: Bearer $ITOKEN")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  : > "$TMP/resp"
  code=$(curl "${args[@]}" "$BASE$path" 2>"$TMP/curl-err") || code=000
  echo "$code"
}

# json EXPR: evaluate a Python expression over the last response body `j` (prints '' on error).
json() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/resp" 2>/dev/null || true; }

# post_scores JSON_ARRAY: POST /v1/scores; succeeds when every event was accepted.
post_scores() {
  local code n
  code=$(api POST /v1/scores "$1")
  n=$("$PYTHON" -c "import json,sys; print(len(json.loads(sys.argv[1])))" "$1")
  if [[ $code != 2* ]] || [ "$(json "j.get('accepted')")" != "$n" ]; then
    note "POST /v1/scores → HTTP $code: $(head -c 300 "$TMP/resp")"
    return 1
  fi
}

event() { printf '{"board":"%s","player":"%s","score":%s,"event_id":"pagecheck-%s-%s"}' "$BOARD" "$1" "$2" "$RUN" "$1"; }

# connections KIND: current overtake_connections{kind=KIND} from /metrics (0 when absent).
connections() {
  { curl -sS --max-time 5 "$BASE/metrics" 2>/dev/null || true; } | awk -v k="$1" '
    /^overtake_connections\{/ && index($0, "kind=\"" k "\"") { s += $NF } END { printf "%d\n", s }'
}

# wait_connected KIND BASELINE: wait (≤ 20 s) until the background page holds one more connection
# of KIND than BASELINE, then give it a second to subscribe. Falls back to a fixed wait.
wait_connected() {
  local kind=$1 base=$2
  for _ in $(seq 1 100); do
    if ! kill -0 "$BG_PID" 2>/dev/null; then return 0; fi
    if [ "$(connections "$kind")" -gt "$base" ]; then sleep 1; return 0; fi
    sleep 0.2
  done
  note "no new overtake_connections{kind=\"$kind\"} seen in /metrics; posting anyway"
}

# browser NAME ARGS…: run browser_check with --console, log to OUT/NAME.log; returns its status,
# or 3 when it passed but the page logged a console error.
browser() {
  local name=$1 rc=0
  shift
  "$PYTHON" "$BROWSER_CHECK" "$@" --console >"$OUT/$name.log" 2>&1 || rc=$?
  browser_verdict "$name" "$rc"
}

browser_verdict() {
  local name=$1 rc=$2
  if [ "$rc" -eq 0 ] && grep -q '^console SEVERE' "$OUT/$name.log"; then rc=3; fi
  if [ "$rc" -ne 0 ]; then
    note "browser_check exit $rc; log $OUT/$name.log:"
    sed 's/^/       | /' "$OUT/$name.log" | tail -n 12
  fi
  return "$rc"
}

# browser_bg NAME ARGS…: like `browser`, in the background (its own session, so its process group
# id is BG_PID); collect it with browser_wait NAME.
browser_bg() {
  local name=$1
  shift
  setsid "$PYTHON" "$BROWSER_CHECK" "$@" --console >"$OUT/$name.log" 2>&1 &
  BG_PID=$!
}

browser_wait() {
  local name=$1 rc=0
  wait "$BG_PID" || rc=$?
  BG_PID=""
  browser_verdict "$name" "$rc"
}

# ---------------------------------------------------------------------------------------------
echo "pages-check against $BASE (out: $OUT)"
if [ ! -f "$BROWSER_CHECK" ]; then
  fail "setup" "BROWSER_CHECK=$BROWSER_CHECK not found (run from a clone with shared/ beside it)"
  echo "$passed passed, $failed failed"
  exit 1
fi
for _ in $(seq 1 50); do
  [ "$(api GET /healthz)" = 200 ] && break
  sleep 0.2
done

# Static files and their content types.
static_ok=1
for spec in "/:text/html" "/index.html:text/html" "/player.html:text/html" "/dashboard.html:text/html" \
  "/app.css:text/css" "/spectator.js:javascript" "/favicon.svg:image/svg+xml"; do
  path=${spec%%:*}
  want=${spec#*:}
  got=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{content_type}' "$BASE$path" 2>/dev/null) || got="000"
  if [[ $got != 200\ *$want* ]]; then static_ok=0; note "GET $path → $got (want 200, $want)"; fi
done
if [ $static_ok = 1 ]; then pass "static files served with their content types"; else fail "static files"; fi

# The metric names the dashboard reads (protocol.md) are exported.
metrics=$(curl -sS --max-time 10 "$BASE/metrics" 2>/dev/null) || metrics=""
missing=""
for m in overtake_connections overtake_ingest_events_total overtake_notifications_sent_total \
  overtake_queue_bytes overtake_disconnects_total overtake_notification_latency_seconds_bucket; do
  grep -q "^${m}[{ ]" <<<"$metrics" || missing="$missing $m"
done
if [ -z "$missing" ]; then pass "metrics expose every name the dashboard reads"
else fail "metrics names" "missing:$missing"; fi

if browser selftest "$BASE/selftest.html" '#selftest-result' --text 'ALL OK' --timeout 20; then
  pass "page unit tests (selftest.html)"
else fail "page unit tests (selftest.html)"; fi

# (a) the board.
DEF='{"order":"descending","operator":"best","windows":["alltime","daily"],"utc_offset_minutes":0,"week_start":"monday","scopes":["global","friends"],"notify_depth":100,"min_score":0,"max_score":1000000,"archive_periods":4,"archive_top":100}'
code=$(api PUT "/v1/boards/$BOARD" "$DEF")
if [[ $code == 20[01] ]] && [ "$(api GET "/v1/boards/$BOARD/alltime/top?limit=1")" = 200 ] \
  && [ "$(json "j.get('total', 0)")" != 0 ]; then
  note "board $BOARD already has scores (an earlier run): using $BOARD-${RUN%%-*}"
  BOARD="$BOARD-${RUN%%-*}"
  code=$(api PUT "/v1/boards/$BOARD" "$DEF")
fi
if [[ $code == 20[01] ]]; then pass "PUT /v1/boards/$BOARD → $code"
else fail "PUT /v1/boards/$BOARD" "HTTP $code: $(head -c 300 "$TMP/resp")"; fi

# (b) scripted scores.
if post_scores "[$(event ann 300),$(event bob 200),$(event cat 100)]"; then pass "POST /v1/scores ann 300, bob 200, cat 100"
else fail "POST /v1/scores (ann, bob, cat)"; fi

# (c) spectator: initial list, then a live update over SSE.
SPECTATOR="$BASE/?board=$BOARD&window=alltime"
if browser spectator-initial "$SPECTATOR" '#top-list' --text ann --timeout 15; then
  pass "spectator: #top-list shows ann"
else fail "spectator: #top-list shows ann"; fi

sse_before=$(connections sse)
browser_bg spectator-live "$SPECTATOR" '#top-list li[data-player="dan"][data-arrived="diff"]' \
  --timeout 25 --window-size 1200,800 --screenshot "$OUT/spectator.png"
wait_connected sse "$sse_before"
posted=1
post_scores "[$(event dan 400)]" || posted=0
if browser_wait spectator-live && [ $posted = 1 ]; then
  pass "spectator: dan 400 arrived live (board diff over SSE)"
else fail "spectator: dan 400 arrived live"; fi

# (d) player page: bob is overtaken by eve.
code=$(api POST /v1/tokens '{"player":"bob","ttl_seconds":900}')
TOKEN=$(json "j['token']")
if [[ $code == 20* ]] && [ -n "$TOKEN" ]; then
  ws_before=$(connections websocket)
  browser_bg player "$BASE/player.html?token=$TOKEN&board=$BOARD&window=alltime" '#toasts .toast' \
    --text 'overtaken by eve' --timeout 25 --window-size 1200,800 --screenshot "$OUT/player.png"
  wait_connected websocket "$ws_before"
  posted=1
  post_scores "[$(event eve 250)]" || posted=0
  if browser_wait player && [ $posted = 1 ]; then
    pass "player: bob sees \"You were overtaken by eve\" toast (WebSocket)"
  else fail "player: overtaken toast"; fi
else
  fail "POST /v1/tokens for bob" "HTTP $code: $(head -c 300 "$TMP/resp")"
fi

# (e) dashboard: the latency chart is the last to get two samples (it needs two scrapes).
if browser dashboard "$BASE/dashboard.html" '#charts #chart-latency[data-ready="true"]' --timeout 12 \
  --window-size 1200,800 --screenshot "$OUT/dashboard.png"; then
  pass "dashboard: every chart drew ≥ 2 samples"
else fail "dashboard: charts ready"; fi

echo "screenshots: $OUT/spectator.png $OUT/player.png $OUT/dashboard.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
