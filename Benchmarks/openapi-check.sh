#!/usr/bin/env bash
# Checks docs/openapi.yaml: validates it (openapi-spec-validator), then, when schemathesis is
# installed, fuzzes a running gateway against it: the release binary on a free loopback port
# with a temp data dir and the boards of config.json. Checks: no 5xx or dropped connection,
# documented status codes, content types, headers and response schemas. The streaming
# endpoints (WebSocket, SSE) are excluded (they never finish). Exit status 0 = all passed.
#
# Usage: Benchmarks/openapi-check.sh            (pip install openapi-spec-validator schemathesis)
# Environment: MAX_EXAMPLES [50] per operation, SKIP_BUILD [0], BIN [.build/release/overtake],
#   SEED [] schemathesis seed (reproduce a run), OUT [temp dir] logs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SPEC="$ROOT/docs/openapi.yaml"
MAX_EXAMPLES=${MAX_EXAMPLES:-50}
SKIP_BUILD=${SKIP_BUILD:-0}
BIN=${BIN:-$ROOT/.build/release/overtake}
OUT=${OUT:-$(mktemp -d /tmp/overtake-openapi.XXXXXX)}
TOKEN=openapi-check-internal-token
mkdir -p "$OUT"

command -v openapi-spec-validator >/dev/null || { echo "missing openapi-spec-validator (pip install openapi-spec-validator)" >&2; exit 1; }
openapi-spec-validator "$SPEC"

if ! command -v schemathesis >/dev/null; then
    echo "schemathesis not installed: skipped the run against the gateway (pip install schemathesis)"
    exit 0
fi

if [ "$SKIP_BUILD" != 1 ]; then
    (cd "$ROOT" && swift build -c release --product overtake -j 2 2>&1 | tail -1)
fi

SERVER_PID=""
DATA=$(mktemp -d /tmp/overtake-openapi-data.XXXXXX)
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --config "$ROOT/config.json" --host 127.0.0.1 --port "$PORT" --data-dir "$DATA/data" --static-dir "$ROOT/Public" \
    --set auth.internal_token="$TOKEN" --set storage.fsync=never --log-level warning 2>"$OUT/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "gateway did not become ready ($OUT/server.log)" >&2; exit 1; }

# Some data, so that player and friends queries can find something.
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '[{"board":"arena","player":"ann","score":120,"region":"eu"},{"board":"arena","player":"bob","score":95,"region":"us"},{"board":"laps","player":"ann","score":61000}]' \
    "http://127.0.0.1:$PORT/v1/scores"
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/players/ann/friends/bob"

# NDJSON bodies: the schema is an array of events, written one JSON object per line.
mkdir -p "$OUT/hooks"
cat > "$OUT/hooks/overtake_openapi_hooks.py" <<'EOF'
import json
import schemathesis

@schemathesis.serializer("application/x-ndjson")
def to_ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()
EOF

status=0
cd "$OUT"   # schemathesis keeps its state (.schemathesis/) in the working directory
PYTHONPATH="$OUT/hooks" SCHEMATHESIS_HOOKS=overtake_openapi_hooks schemathesis run "$SPEC" \
    --url "http://127.0.0.1:$PORT" -H "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$MAX_EXAMPLES" --exclude-path-regex '(/stream$|^/v1/ws$)' --request-timeout 5 -w 1 \
    ${SEED:+--seed "$SEED"} > "$OUT/schemathesis.txt" 2>&1 || status=$?
tail -25 "$OUT/schemathesis.txt"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the gateway died during the run ($OUT/server.log)" >&2
    status=1
fi
echo "full output: $OUT/schemathesis.txt"
exit "$status"
