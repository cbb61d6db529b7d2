#!/usr/bin/env bash
# Push benchmarks of the gateway (BENCHMARKS.md, "Push: connections, fan-out, latency"):
#   (a) 19,000 idle WebSocket connections: server RSS per connection
#   (b) fan-out: 19,000 WebSocket spectators of 4 board windows, messages delivered per second
#   (c) score event → rank notification latency: 19,000 subscribers at 100k events/s offered
#       (capacity), the same rate over 100,000 players of whom those 19,000 are connected, then
#       10k events/s (below capacity)
#   (d) healthy-client latency with 10% slow consumers vs none, server RSS sampled
# Each scenario runs twice, each run on a fresh gateway (release build, temp data dir, fsync
# always). The gateway and overtake-load are separate processes (20,000 descriptors each).
# With nginx + nchan installed (Debian: libnginx-mod-nchan; NCHAN=1 installs them), (a) and a
# one-channel (b) also run against nchan with the same client counts, for comparison.
# Usage: Benchmarks/push-bench.sh   env: PORT (18090), NCHAN_PORT (18190), SKIP_BUILD=1,
#        PERF=1 (profile the gateway in (b)), NCHAN=0|1 (skip | install and run nchan),
#        SCENARIOS=abcd (the scenarios to run, e.g. SCENARIOS=a for the idle connections only),
#        IDLE_SUBSCRIBE=bench/alltime ((a): the board window each connection subscribes to;
#        empty: plain connections that send nothing after the upgrade)
# Needs: curl, python3 (summary table); perf for PERF=1. About 8 minutes plus the build. A short
# engine run before and after ("machine speed probe", ns per applied event) dates the figures to
# a fast or slow period of the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18090}
SCENARIOS=${SCENARIOS:-abcd}
IDLE_SUBSCRIBE=${IDLE_SUBSCRIBE-bench/alltime}
WORK=$(mktemp -d /tmp/overtake-push.XXXXXX)
SECRET=bench-token-secret-0123456789
INTERNAL=bench-internal
SOURCES=127.0.0.2-127.0.0.20
SERVER=.build/release/overtake
LOAD=.build/release/overtake-load
SERVER_PID=""
NCHAN_PORT=${NCHAN_PORT:-18190}
NCHAN_MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    if [ -f "$WORK/nginx.pid" ]; then
        local master
        master=$(cat "$WORK/nginx.pid")
        kill "$master" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$master" 2>/dev/null || break; sleep 0.05; done
        rm -f "$WORK/nginx.pid"
    fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release -j 2 --product overtake
    swift build -c release -j 2 --product overtake-load
    swift build -c release -j 2 --product overtake-bench
fi

# The speed of this shared machine changes by up to 2x within minutes. A short engine run before
# and after the scenarios (the batch apply of the (c) board: 100 k players, 4 windows, event
# ids) shows which period the figures come from; compare it with BENCHMARKS.md.
probe_speed() {
    [ -x .build/release/overtake-bench ] || return 0
    echo "machine speed probe ($1): $(.build/release/overtake-bench apply --players 100000 --batch 200 --events 300000 \
        --operator latest --windows alltime,daily,weekly,monthly 2>&1 | grep -o '[0-9.]* ns/event' || echo '?')"
}

start_server() {
    # SO_REUSEPORT would let a stale gateway on the same port take half the connections.
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz"; then
        echo "port $PORT is already served (another gateway?): set PORT" >&2
        exit 1
    fi
    rm -rf "$WORK/data"
    cat > "$WORK/config.json" <<EOF
{
  "listen": { "host": "127.0.0.1", "port": $PORT, "io_threads": 0 },
  "data_dir": "$WORK/data",
  "static_dir": "$PWD/Public",
  "log_level": "warning",
  "auth": { "internal_token": "$INTERNAL", "token_secret": "$SECRET" },
  "storage": { "fsync": "always", "snapshot_interval_seconds": 0 },
  "boards": [
    { "id": "bench", "order": "descending", "operator": "latest",
      "windows": ["alltime", "daily", "weekly", "monthly"], "scopes": ["global"],
      "notify_depth": 100, "min_score": 0, "max_score": 1000000000000 }
  ]
}
EOF
    "$SERVER" --config "$WORK/config.json" > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    echo "$SERVER_PID" > "$WORK/server.pid"
    for _ in $(seq 200); do
        curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/readyz" && return 0
        sleep 0.05
    done
    echo "the gateway did not become ready:" >&2
    cat "$WORK/server.log" >&2
    exit 1
}

# run NAME COMMAND [ARGS…]: one measurement on a fresh gateway; the JSON line goes to results.
run() {
    local name=$1
    shift
    start_server
    echo
    echo "=== $name — $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$LOAD" "$@" --url "ws://127.0.0.1:$PORT" --token-secret "$SECRET" --sources "$SOURCES" \
        --server-pid "$SERVER_PID" > "$WORK/$name.out" || echo "($name exited with $?)"
    grep -v '^{' "$WORK/$name.out" || true
    tail -n 1 "$WORK/$name.out" | sed "s/^{/{\"run\":\"$name\",/" >> "$WORK/results.jsonl"
    stop_server
}

start_nchan() {
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx/nginx.conf" <<NGINX
load_module $NCHAN_MODULE;
worker_processes 2;
worker_rlimit_nofile 20000;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 20000; use epoll; multi_accept on; }
http {
    access_log off;
    nchan_shared_memory_size 512M;
    client_body_temp_path $WORK/nginx/body;
    server {
        listen 127.0.0.1:$NCHAN_PORT;
        location = /sub/bench { nchan_subscriber websocket; nchan_channel_id bench; }
        location = /pub/bench { nchan_publisher; nchan_channel_id bench; nchan_message_buffer_length 16; nchan_message_timeout 30s; }
    }
}
NGINX
    nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx/" -g 'daemon off;' > "$WORK/nginx/out.log" 2>&1 &
    for _ in $(seq 100); do
        [ -f "$WORK/nginx.pid" ] && [ "$(pgrep -P "$(cat "$WORK/nginx.pid")" | wc -l)" = 2 ] && break
        sleep 0.05
    done
    NCHAN_PIDS="$(cat "$WORK/nginx.pid"),$(pgrep -d, -P "$(cat "$WORK/nginx.pid")")"
}

# run_nchan NAME COMMAND [ARGS…]: the same measurement against a fresh nginx + nchan.
run_nchan() {
    local name=$1
    shift
    start_nchan
    echo
    echo "=== $name (nginx + nchan) — $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$LOAD" "$@" --url "ws://127.0.0.1:$NCHAN_PORT" --ws-path /sub/bench --token-secret unused --sources "$SOURCES" \
        --server-pid "$NCHAN_PIDS" > "$WORK/$name.out" || echo "($name exited with $?)"
    grep -v '^{' "$WORK/$name.out" || true
    tail -n 1 "$WORK/$name.out" | sed "s/^{/{\"run\":\"$name\",/" >> "$WORK/results.jsonl"
    stop_server
}

profile_server() {
    # perf on the gateway for 5 s inside the measured window of (b) (it starts ~5 s after the
    # run: 19,000 connects, seeding, 2 s warm-up); top symbols by self time and with callees.
    sleep 7
    perf record -q -e cpu-clock -g -p "$(cat "$WORK/server.pid")" -o "$WORK/perf.data" -- sleep 5 > /dev/null 2>&1 || return 0
    (perf report -i "$WORK/perf.data" --no-children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25 > "$WORK/perf.top") || true
    (perf report -i "$WORK/perf.data" --children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' \
        | grep -E 'writev|tcp_sendmsg|LoopContext.*dispatch|PushSession.*pump|flushPendingConnections|runMailbox|malloc|_int_free|EngineService' \
        | head -14 > "$WORK/perf.children") || true
}

lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor vendor|L2 cache)' | sed 's/  */ /g'
echo "gateway $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(swift --version 2>/dev/null | head -1)"
echo "other processes on the machine (top CPU users):"
ps -eo pcpu,comm --sort=-pcpu | sed -n 2,6p

if [ "${NCHAN:-}" = 1 ] && [ ! -f "$NCHAN_MODULE" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light libnginx-mod-nchan > /dev/null
    service nginx stop > /dev/null 2>&1 || true  # the package starts one on port 80
fi
WITH_NCHAN=""
if [ "${NCHAN:-}" != 0 ] && [ -f "$NCHAN_MODULE" ] && command -v nginx > /dev/null; then
    WITH_NCHAN=1
    echo "$(nginx -v 2>&1), $(dpkg-query -W -f='libnginx-mod-nchan ${Version}' libnginx-mod-nchan 2>/dev/null)"
fi

probe_speed before

# wants X: true when scenario X is selected by SCENARIOS.
wants() { [[ "$SCENARIOS" == *"$1"* ]]; }

A_ARGS=(idle --connections 19000 --hold 3)
[ -z "$IDLE_SUBSCRIBE" ] || A_ARGS+=(--subscribe "$IDLE_SUBSCRIBE")
for i in 1 2; do
    wants a || break
    run "a$i" "${A_ARGS[@]}"
    [ -z "$WITH_NCHAN" ] || run_nchan "na$i" idle --connections 19000 --hold 3
done

B_ARGS=(fanout --internal-token "$INTERNAL" --subscribers 0 --players 1000 --spectators 19000
        --window alltime,daily,weekly,monthly --rate 2000 --batch 10 --posters 16 --duration 8)
for i in 1 2; do
    wants b || break
    if [ "$i" = 1 ] && [ -n "${PERF:-}" ] && command -v perf > /dev/null; then
        ( while [ -z "$(ls "$WORK"/b1.out 2>/dev/null)" ]; do sleep 0.1; done; profile_server ) &
        PROFILER=$!
        run "b$i" "${B_ARGS[@]}"
        wait "$PROFILER" || true
    else
        run "b$i" "${B_ARGS[@]}"
    fi
done

# One stream per connection, like one nchan channel (one message per connection per tick).
for i in 1 2; do
    wants b || break
    run "b${i}-1w" fanout --internal-token "$INTERNAL" --subscribers 0 --players 1000 --spectators 19000 \
        --window alltime --rate 2000 --batch 10 --posters 16 --duration 8
    [ -z "$WITH_NCHAN" ] || run_nchan "nb$i" fanout --internal-token unused --subscribers 0 --spectators 19000 \
        --publish-path /pub/bench --message-bytes 1300 --rate 20 --posters 4 --duration 8
done

C_ARGS=(fanout --internal-token "$INTERNAL" --subscribers 19000 --watch 0 --spectators 100 --window alltime --duration 8)
for i in 1 2; do wants c || break; run "c$i-100k" "${C_ARGS[@]}" --rate 100000 --batch 2000 --posters 16; done
# The same rate over 100,000 players of whom the 19,000 are connected (most events go to
# players who are offline, as in a game), in batches of 200, each event with an idempotency id,
# posted with `Prefer: return=minimal` (the backend follows ranks through the push streams).
for i in 1 2; do wants c || break; run "c$i-100kp" "${C_ARGS[@]}" --rate 100000 --batch 200 --posters 16 --players 100000 --event-ids 1 --replies minimal; done
for i in 1 2; do wants c || break; run "c$i-10k" "${C_ARGS[@]}" --rate 10000 --batch 100 --posters 8; done

D_ARGS=(fanout --internal-token "$INTERNAL" --subscribers 1000 --watch 1 --spectate 1
        --window alltime,daily,weekly,monthly --rate 1000 --batch 20 --posters 4 --duration 25)
for i in 1 2; do
    wants d || break
    run "d$i-none" "${D_ARGS[@]}" --slow-fraction 0
    run "d$i-slow10" "${D_ARGS[@]}" --slow-fraction 0.1
done

if [ -s "$WORK/perf.top" ]; then
    echo
    echo "=== perf, gateway during b1 (self time, top symbols)"
    cat "$WORK/perf.top"
    echo "--- including callees"
    cat "$WORK/perf.children" 2>/dev/null || true
fi

echo
probe_speed after
echo
echo "=== results (one JSON line per run)"
cat "$WORK/results.jsonl"
echo
echo "=== summary"
python3 - "$WORK/results.jsonl" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
def g(r, k, f="{:.1f}"):
    v = r.get(k)
    return "-" if v is None else (f.format(v) if isinstance(v, float) else str(v))
print("idle:   run  established  connect_s  rss_before_KiB  rss_after_KiB  B/connection")
for r in rows:
    if r["command"] == "idle":
        print(f"        {r['run']:4} {r['established']:>11}  {g(r,'connect_seconds'):>9}  {g(r,'server_rss_before_kb'):>14}"
              f"  {g(r,'server_rss_after_kb'):>13}  {g(r,'server_rss_per_connection_bytes','{:.0f}'):>12}")
print("fanout: run         events/s  delivered/s  personal/s  board/s  t-p99 healthy pers/board ms  e2e p50/p99/p99.9 ms"
      "  server disconnects  RSS start/peak MiB  server CPU%")
for r in rows:
    if r["command"] != "fanout":
        continue
    mb = lambda k: "-" if r.get(k) is None else f"{r[k] / 1024:.0f}"
    print(f"        {r['run']:11} {g(r,'accepted_events_per_s','{:.0f}'):>8}  {g(r,'delivered_msgs_per_s','{:.0f}'):>11}"
          f"  {g(r,'delivered_personal_per_s','{:.0f}'):>10}  {g(r,'delivered_board_per_s','{:.0f}'):>7}"
          f"  {g(r,'healthy_personal_p99_ms'):>12} / {g(r,'healthy_board_p99_ms'):<8}"
          f"  {g(r,'end_to_end_p50_ms')}/{g(r,'end_to_end_p99_ms')}/{g(r,'end_to_end_p999_ms'):<8}"
          f"  {r.get('server_disconnect_slow_consumer', 0) + r.get('server_disconnect_backlog_age', 0):>18}"
          f"  {mb('server_rss_start_kb')}/{mb('server_rss_peak_kb'):<6}  {g(r,'server_cpu_percent','{:.0f}')}")
EOF
