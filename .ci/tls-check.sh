#!/usr/bin/env bash
# TLS end to end: a self-signed certificate (subjectAltName IP:127.0.0.1) made with the openssl
# CLI, a second gateway with tls.enabled on a free port, then: an openssl s_client handshake that
# verifies the chain and carries an HTTP request, curl --cacert (and curl without it refusing the
# certificate), and the Python websockets client over wss:// (including close 1009 at the
# default 64 KiB message limit). The gateway is stopped with SIGTERM and must exit 0.
#
# Usage: .ci/tls-check.sh OUT_DIR PYTHON   (PYTHON: the venv interpreter from pyclients.sh)
# Run from a tree with .build/release/overtake. Prints PASS/FAIL and "tls: N passed, N failed".
set -uo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 OUT_DIR PYTHON" >&2; exit 2; fi
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
PY=$2
cd "$(dirname "$0")/.."
. .ci/lib.sh
ITOKEN=$(sed -n 's/.*"internal_token": *"\([^"]*\)".*/\1/p' .ci/test-config.json)
TMP=$(mktemp -d)
trap 'ci_cleanup; rm -rf "$TMP"' EXIT
passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+ — $2}"; failed=$((failed + 1)); }

echo "tls-check (out: $OUT)"
if timeout 60 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=overtake-ci -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
  >"$OUT/openssl-req.log" 2>&1; then
  cp "$TMP/cert.pem" "$OUT/cert.pem"
  pass "self-signed certificate with subjectAltName IP:127.0.0.1 ($(openssl x509 -in "$TMP/cert.pem" -noout -ext subjectAltName | tail -n 1 | tr -d ' '))"
else
  fail "openssl req" "$(tail -n 3 "$OUT/openssl-req.log")"
  echo "tls: $passed passed, $failed failed"; exit 1
fi

if ! gw_start "$OUT/gateway-tls.log" "$TMP/data" --set tls.enabled=true --set tls.port=0 \
  --set "tls.certificate=$TMP/cert.pem" --set "tls.private_key=$TMP/key.pem" --set websocket.max_message_bytes=65536 \
  || [ -z "$GW_TLS_PORT" ]; then
  fail "gateway with tls.enabled=true" "see $OUT/gateway-tls.log"
  echo "tls: $passed passed, $failed failed"; exit 1
fi
pass "gateway listening on https://127.0.0.1:$GW_TLS_PORT (plain HTTP on $GW_PORT)"
TLS_PID=$GW_PID
HTTPS="https://127.0.0.1:$GW_TLS_PORT"

printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' \
  | timeout 20 openssl s_client -connect "127.0.0.1:$GW_TLS_PORT" -CAfile "$TMP/cert.pem" -verify_return_error \
      -verify_ip 127.0.0.1 -ign_eof >"$OUT/s_client.log" 2>&1
rc=$?
proto=$(sed -n 's/^ *Protocol *: *//p' "$OUT/s_client.log" | head -n 1)
if [ $rc -eq 0 ] && grep -q 'Verify return code: 0 (ok)' "$OUT/s_client.log" \
  && grep -q '^HTTP/1.1 200 OK' "$OUT/s_client.log" && grep -q '{"status":"ok"}' "$OUT/s_client.log"; then
  pass "openssl s_client: verified handshake (${proto:-?}), GET /healthz through it → 200"
else
  fail "openssl s_client handshake + HTTP request" "exit $rc; $(grep -E 'Verify return|error|HTTP/' "$OUT/s_client.log" | head -n 3 | tr '\n' ' ')"
fi

code=$(curl -sS --max-time 10 --cacert "$TMP/cert.pem" -o "$OUT/curl-healthz.json" -w '%{http_code}' "$HTTPS/healthz" 2>"$OUT/curl.err") || code=000
if [ "$code" = 200 ] && grep -q '"status":"ok"' "$OUT/curl-healthz.json"; then
  pass "curl --cacert cert.pem $HTTPS/healthz → 200"
else fail "curl --cacert $HTTPS/healthz" "HTTP $code $(cat "$OUT/curl.err")"; fi

curl -sS --max-time 10 -o /dev/null "$HTTPS/healthz" 2>"$OUT/curl-untrusted.err"
rc=$?
if [ $rc -eq 60 ]; then pass "curl without the CA refuses the self-signed certificate (exit 60)"
else fail "curl without the CA" "exit $rc, want 60 (certificate not trusted)"; fi

if timeout -k 5 120 "$PY" .ci/clients/ws_check.py "$HTTPS" "$ITOKEN" --cafile "$TMP/cert.pem" --suite tls \
  --max-message-bytes 65536 >"$OUT/wss.log" 2>&1; then
  pass "Python websockets over wss:// ($(tail -n 1 "$OUT/wss.log"))"
else
  fail "Python websockets over wss://" "$(grep -E '^FAIL|ws:' "$OUT/wss.log" | head -n 5 | tr '\n' ' ')"
  sed 's/^/       | /' "$OUT/wss.log" | tail -n 30
fi

gw_stop "$TLS_PID" 15
if [ "$GW_EXIT" = 0 ]; then pass "TLS gateway stopped by SIGTERM, exit 0"
else fail "TLS gateway shutdown" "exit status $GW_EXIT"; fi

echo "tls: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
