#!/usr/bin/env bash
# HTTP error statuses over the wire against a RUNNING gateway started with .ci/test-config.json
# (max body 1 MiB, request line 8 KiB, headers 16 KiB, head timeout 1 s): each answer must carry
# the status, a JSON body {"error":{"code","message"}} with the expected code, and the extras
# (Allow on 405, WWW-Authenticate on 401, the field named on 422).
#
# Usage: .ci/http-errors.sh BASE_URL INTERNAL_TOKEN OUT_DIR     (PYTHON: default python3)
# Prints PASS/FAIL per status and "http: N passed, N failed"; exits 1 when any failed.
set -uo pipefail
if [ $# -ne 3 ]; then echo "usage: $0 BASE_URL INTERNAL_TOKEN OUT_DIR" >&2; exit 2; fi
BASE=${1%/}
ITOKEN=$2
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PORT=${BASE##*:}
passed=0
failed=0

# verdict LABEL STATUS WANT_STATUS WANT_CODE HEADERS_FILE BODY_FILE [GREP_HEADER] [BODY_SUBSTRING]
verdict() {
  local label=$1 status=$2 want=$3 code=$4 headers=$5 body=$6 header=${7-} text=${8-} why=""
  [ "$status" = "$want" ] || why="status $status, want $want"
  if [ -z "$why" ]; then
    why=$("$PYTHON" - "$body" "$code" "$text" <<'PY'
import json, sys
path, code, text = sys.argv[1:]
try:
    j = json.load(open(path, encoding="utf-8"))
except Exception as e:
    print("body is not JSON: %r" % open(path, "rb").read()[:200]); sys.exit()
e = j.get("error") if isinstance(j, dict) else None
if not isinstance(e, dict) or not isinstance(e.get("code"), str) or not isinstance(e.get("message"), str) or not e["message"]:
    print("body is not {\"error\":{\"code\",\"message\"}}: %s" % json.dumps(j)[:200])
elif e["code"] != code:
    print("error code %r, want %r (%s)" % (e["code"], code, e["message"]))
elif text and text not in e["message"]:
    print("message %r does not name %r" % (e["message"], text))
PY
)
  fi
  if [ -z "$why" ] && [ -n "$header" ] && ! grep -qi "^$header" "$headers"; then why="no '$header' header"; fi
  if [ -z "$why" ]; then
    echo "PASS $label"; passed=$((passed + 1))
  else
    echo "FAIL $label — $why"; failed=$((failed + 1))
    sed 's/^/       | /' "$headers" | head -n 12
  fi
}

n=0
# check LABEL WANT_STATUS WANT_CODE GREP_HEADER BODY_SUBSTRING -- CURL_ARGS…
check() {
  local label=$1 want=$2 code=$3 header=$4 text=$5 status
  shift 6
  n=$((n + 1))
  local h="$OUT/$n.headers" b="$OUT/$n.body"
  status=$(curl -sS --max-time 15 -D "$h" -o "$b" -w '%{http_code}' "$@" 2>"$OUT/$n.err") || status=${status:-000}
  verdict "$label" "$status" "$want" "$code" "$h" "$b" "$header" "$text"
}

# raw LABEL WANT_STATUS WANT_CODE MAX_SECONDS REQUEST: via raw_http.py (no curl equivalent).
raw() {
  local label=$1 want=$2 code=$3 max=$4 request=$5 status elapsed
  n=$((n + 1))
  local h="$OUT/$n.headers" b="$OUT/$n.body" line
  line=$("$PYTHON" .ci/clients/raw_http.py "$PORT" "$request" --wait 10 --head "$h" --body "$b" 2>&1)
  status=$(sed -n 's/^status=\([0-9]*\) .*/\1/p' <<<"$line")
  elapsed=$(sed -n 's/.* elapsed=\([0-9.]*\)$/\1/p' <<<"$line")
  if [ -n "$max" ] && ! awk -v e="$elapsed" -v m="$max" 'BEGIN { exit !(e != "" && e + 0 <= m + 0) }'; then
    echo "FAIL $label — answered after ${elapsed:-?} s, want ≤ $max s"; failed=$((failed + 1)); return
  fi
  verdict "$label${max:+ (after ${elapsed} s)}" "${status:-000}" "$want" "$code" "$h" "$b"
}

AUTH=(-H "Authorization: Bearer $ITOKEN")
JSON=(-H 'Content-Type: application/json')
echo "http-errors against $BASE (out: $OUT)"
check "404 unknown endpoint" 404 not_found "" "" -- "$BASE/v1/no-such-endpoint"
check "404 unknown board" 404 unknown_board "" "" -- "$BASE/v1/boards/no-such-board/alltime/top"
check "405 DELETE /v1/boards, with Allow" 405 method_not_allowed "Allow: GET, HEAD" "" -- -X DELETE "$BASE/v1/boards"
check "405 GET /v1/scores, with Allow" 405 method_not_allowed "Allow: POST" "" -- "$BASE/v1/scores"
check "401 POST /v1/scores without the token" 401 unauthorized "WWW-Authenticate: Bearer" "" -- \
  "${JSON[@]}" --data-binary '{"board":"ci","player":"x","score":1}' "$BASE/v1/scores"
check "401 POST /v1/scores with a wrong token" 401 unauthorized "" "" -- -H "Authorization: Bearer wrong-$ITOKEN" \
  "${JSON[@]}" --data-binary '{"board":"ci","player":"x","score":1}' "$BASE/v1/scores"
head -c 2000000 /dev/zero | tr '\0' ' ' > "$OUT/big-body"
check "413 body over http.max_body_bytes" 413 body_too_large "" "" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary @"$OUT/big-body" "$BASE/v1/scores"
check "414 request line over http.max_request_line_bytes" 414 request_line_too_long "" "" -- \
  "$BASE/v1/boards/$(head -c 9000 /dev/zero | tr '\0' a)"
check "431 header fields over http.max_header_bytes" 431 header_too_large "" "" -- \
  -H "X-Padding: $(head -c 17000 /dev/zero | tr '\0' a)" "$BASE/healthz"
check "415 wrong Content-Type" 415 unsupported_media_type "" "" -- "${AUTH[@]}" -H 'Content-Type: text/plain' \
  --data-binary '{"board":"ci","player":"x","score":1}' "$BASE/v1/scores"
check "422 bad field, named in the message" 422 invalid_field "" "score" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary '{"board":"ci","player":"x","score":"high"}' "$BASE/v1/scores"
check "422 bad field in a batch, named with its index" 422 invalid_field "" "[1].player" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary '[{"board":"ci","player":"x","score":1},{"board":"ci","player":7,"score":2}]' "$BASE/v1/scores"
check "422 bad query parameter, named" 422 invalid_parameter "" "limit" -- "$BASE/v1/boards/ci/alltime/top?limit=abc"
check "400 malformed JSON (truncated)" 400 invalid_json "" "" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary '{"board":"ci","player":' "$BASE/v1/scores"
check "400 malformed JSON (bad literal)" 400 invalid_json "" "" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary '{"board":"ci","player":"x","score":tru}' "$BASE/v1/scores"
check "400 malformed JSON in POST /v1/tokens" 400 invalid_json "" "" -- "${AUTH[@]}" "${JSON[@]}" \
  --data-binary '{"player":' "$BASE/v1/tokens"
raw "400 HTTP/1.1 without Host" 400 missing_host "" 'GET /healthz HTTP/1.1\r\n\r\n'
raw "411 POST without Content-Length" 411 length_required "" \
  "POST /v1/scores HTTP/1.1\\r\\nHost: ci\\r\\nAuthorization: Bearer $ITOKEN\\r\\nContent-Type: application/json\\r\\n\\r\\n"
raw "505 HTTP/2.0 request line" 505 unsupported_version "" 'GET /healthz HTTP/2.0\r\nHost: ci\r\n\r\n'
raw "408 request head not finished within http.header_timeout_ms (1 s)" 408 request_timeout 3 \
  'GET /healthz HTTP/1.1\r\nHost: ci\r\nX-Slow: '

echo "http: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
