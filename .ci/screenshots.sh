#!/usr/bin/env bash
# README screenshots (docs/screenshots/*.png) taken against a RUNNING gateway with demo traffic:
# the spectator page (desktop and phone), a player's page with an "overtaken" toast, and the
# metrics dashboard after a minute of samples. PNGs are palette-quantised (pngquant, installed
# with apt-get when missing) to stay small. Not part of CI; run by hand after visual changes:
#
#   .build/release/overtake --config .ci/test-config.json --data-dir /tmp/shots-data &   # note its port
#   .ci/screenshots.sh http://127.0.0.1:PORT ci-internal-token [OUT_DIR (default docs/screenshots)]
#
# Environment: PYCLIENTS (python of shared/tools/pyclients.sh; default: runs it),
#   BROWSER_CHECK (default ../shared/tools/browser_check.py: run once so its Selenium venv exists).
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BASE_URL INTERNAL_TOKEN [OUT_DIR]" >&2; exit 2; fi
BASE=${1%/}
ITOKEN=$2
OUT=${3:-docs/screenshots}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")/.."
TOOLS=${OVERTAKE_SHARED_TOOLS:-../shared/tools}
BROWSER_CHECK=${BROWSER_CHECK:-$TOOLS/browser_check.py}
PY=${PYCLIENTS:-$(bash "$TOOLS/pyclients.sh")}
TRAFFIC=""
trap '[ -n "$TRAFFIC" ] && kill "$TRAFFIC" 2>/dev/null; true' EXIT

# The Selenium venv and chromium come with browser_check.py.
python3 "$BROWSER_CHECK" "$BASE/healthz" body --timeout 10 >/dev/null
command -v pngquant >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q pngquant >/dev/null

curl -fsS -X PUT -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' --data-binary \
  '{"order":"descending","operator":"best","windows":["alltime","daily","weekly","monthly"],"scopes":["global","region","friends"],"notify_depth":100,"min_score":0,"max_score":1000000000,"archive_periods":7,"archive_top":100}' \
  "$BASE/v1/boards/arena" >/dev/null
for f in ann jon; do
  curl -fsS -X PUT -H "Authorization: Bearer $ITOKEN" -H "Content-Length: 0" "$BASE/v1/players/kim88/friends/$f" >/dev/null
done
(cd .ci/clients && exec timeout 200 "$PY" demo_traffic.py "$BASE" "$ITOKEN" --board arena --seconds 150) &
TRAFFIC=$!
sleep 8
shot() { python3 .ci/clients/screenshot.py "$@"; }
shot "$BASE/dashboard.html?interval=1000&span=120" '#status' "$OUT/.dashboard-warmup.png" --size 400,300 --settle 0.5
# The dashboard page must be open while samples accumulate: it keeps its history in memory.
shot "$BASE/dashboard.html?interval=1000&span=120" '#chart-latency[data-points="75"]' "$OUT/dashboard.png" \
  --size 1200,1107 --settle 0.5 --timeout 120 &
DASH=$!
shot "$BASE/?board=arena&window=alltime" '#activity li:nth-child(6)' "$OUT/spectator.png" --size 1200,657 --settle 1.5 --timeout 60
shot "$BASE/?board=arena&window=alltime" '#activity li:nth-child(3)' "$OUT/spectator-phone.png" --size 390,844 --settle 1.5 --timeout 60
TOKEN=$(curl -fsS -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' \
  --data-binary '{"player":"kim88","ttl_seconds":3600}' "$BASE/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
shot "$BASE/player.html?token=$TOKEN&board=arena&window=alltime" '#toasts .toast.overtaken' "$OUT/player.png" \
  --size 1200,657 --settle 2.5 --timeout 60
wait "$DASH"
rm -f "$OUT/.dashboard-warmup.png"
for f in dashboard player spectator spectator-phone; do
  pngquant --force --skip-if-larger --quality 60-90 --output "$OUT/$f.png" "$OUT/$f.png" || true
  echo "$OUT/$f.png: $(stat -c %s "$OUT/$f.png") bytes"
done
