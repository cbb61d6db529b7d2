#!/usr/bin/env bash
# HTTP API benchmarks of the release gateway with wrk, plus the Redis peer for top-100 reads.
# Builds `overtake` (release), starts it on a free loopback port with a temp data dir and
# fsync `always`, preloads data, runs each scenario RUNS times for DURATION seconds, and prints
# one line per run: requests/s, events/s, p50/p99 (wrk --latency), non-2xx count, the
# server's CPU (total and per thread, from /proc) and the load average. Everything it starts is
# stopped on exit (trap). Results and raw outputs land in $OUT (printed at the end).
#
# Usage: Benchmarks/http-bench.sh [scenario ...]
#   scenarios: ingest single top redis mixed   (default: all five, in that order)
# Environment (defaults in brackets):
#   DURATION [10] seconds per run          RUNS [2] runs per configuration
#   CONNECTIONS [8] wrk connections for top/redis/mixed; INGEST_CONNECTIONS ["8 32"] for ingest;
#   SINGLE_CONNECTIONS ["16 64"] for single; PIPELINE [16] depth of the pipelined top/redis run (0: none)
#   BATCH [1000] events per request        POPULATIONS ["100000 10000 1000000"] players
#   FORMAT [ndjson] ndjson | json          MODE [dynamic] dynamic | pool (see http-scores.lua)
#   TOP_MEMBERS [1000000] board size for top/redis/mixed
#   WRK_CPUS [1] taskset list for wrk and redis-benchmark; SERVER_CPUS [] (empty: not pinned)
#   IO_THREADS [0] gateway I/O loops (0 = one per core)
#   PERF [0] 1: perf record the server during the first run of ingest (first population), top and pipelined top
#   SKIP_BUILD [0] 1: use the existing binary; BIN [.build/release/overtake] the gateway to run
#   OUT [mktemp -d] directory for logs, wrk outputs, perf reports
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/Benchmarks"
DURATION=${DURATION:-10}
RUNS=${RUNS:-2}
CONNECTIONS=${CONNECTIONS:-8}
INGEST_CONNECTIONS=${INGEST_CONNECTIONS:-"8 32"}
PIPELINE=${PIPELINE:-16}
SINGLE_CONNECTIONS=${SINGLE_CONNECTIONS:-"16 64"}
BATCH=${BATCH:-1000}
POPULATIONS=${POPULATIONS:-"100000 10000 1000000"}
FORMAT=${FORMAT:-ndjson}
MODE=${MODE:-dynamic}
TOP_MEMBERS=${TOP_MEMBERS:-1000000}
WRK_CPUS=${WRK_CPUS:-1}
SERVER_CPUS=${SERVER_CPUS:-}
IO_THREADS=${IO_THREADS:-0}
PERF=${PERF:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
BIN=${BIN:-$ROOT/.build/release/overtake}
OUT=${OUT:-$(mktemp -d /tmp/overtake-httpbench.XXXXXX)}
TOKEN=bench-internal
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(ingest single top redis mixed)
mkdir -p "$OUT"

for tool in wrk curl taskset python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk curl util-linux python3)" >&2; exit 1; }
done

SERVER_PID=""
REDIS_PORT=""
DATA=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -n "$REDIS_PORT" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    [ -n "$DATA" ] && rm -rf "$DATA"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- server ----------------------------------------------------------------------------------

start_server() {
    stop_server
    DATA=$(mktemp -d /tmp/overtake-httpbench-data.XXXXXX)
    PORT=$(free_port)
    cat > "$DATA/config.json" <<EOF
{
  "listen": { "host": "127.0.0.1", "port": $PORT, "io_threads": $IO_THREADS },
  "data_dir": "$DATA/data",
  "static_dir": "$ROOT/Public",
  "log_level": "warning",
  "auth": { "internal_token": "$TOKEN", "token_secret": "bench-token-secret-0123456789" },
  "http": { "max_events_per_request": 10000 },
  "storage": { "fsync": "always", "snapshot_interval_seconds": 0 },
  "boards": [ {"id":"bench","windows":["alltime"],"scopes":["global"]} ]
}
EOF
    if [ -n "$SERVER_CPUS" ]; then
        taskset -c "$SERVER_CPUS" "$BIN" --config "$DATA/config.json" 2>>"$OUT/server.log" &
    else
        "$BIN" --config "$DATA/config.json" 2>>"$OUT/server.log" &
    fi
    SERVER_PID=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not become ready (see $OUT/server.log)" >&2
    exit 1
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    [ -n "$DATA" ] && rm -rf "$DATA"
    DATA=""
}

metric() {  # metric NAME_WITH_LABELS -> value
    curl -sf "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
accepted() { metric 'overtake_ingest_events_total{result="accepted"}'; }

# CPU ticks (utime+stime) of the server, total and per thread name: "total name=ticks ..."
cpu_ticks() {
    local total=0 line name ticks
    declare -A by=()
    for t in /proc/"$SERVER_PID"/task/*; do
        line=$(cat "$t/stat" 2>/dev/null) || continue
        name=$(cat "$t/comm" 2>/dev/null)
        # fields after the ")" : state is $1, utime $12, stime $13
        ticks=$(echo "${line##*) }" | awk '{ print $12 + $13 }')
        total=$((total + ticks))
        by[$name]=$(( ${by[$name]:-0} + ticks ))
    done
    printf '%s' "$total"
    for name in "${!by[@]}"; do printf ' %s=%s' "$name" "${by[$name]}"; done
    echo
}

# cpu_delta BEFORE AFTER SECONDS -> "1.52 cores (overtake-engine 0.95, …)"
cpu_delta() {
    python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" <<'EOF'
import sys
def parse(s):
    parts = s.split()
    return int(parts[0]), {k: int(v) for k, v in (p.split("=") for p in parts[1:])}
(t0, b0), (t1, b1) = parse(sys.argv[1]), parse(sys.argv[2])
secs, hz = float(sys.argv[3]), float(sys.argv[4])
threads = ", ".join(f"{k} {(b1[k] - b0.get(k, 0)) / hz / secs:.2f}" for k in sorted(b1) if b1[k] - b0.get(k, 0) > 0)
print(f"{(t1 - t0) / hz / secs:.2f} cores ({threads})")
EOF
}

# ---- wrk -------------------------------------------------------------------------------------

# run_wrk LABEL EVENTS_PER_REQUEST CONNECTIONS URL [wrk args…]: runs wrk on WRK_CPUS, prints a result line.
run_wrk() {
    local label=$1 per=$2 conns=$3 url=$4
    shift 4
    local file="$OUT/$label.txt" before_acc after_acc before_cpu after_cpu load start end
    load=$(loadavg)
    before_acc=$(accepted)
    before_cpu=$(cpu_ticks)
    start=$(date +%s.%N)
    # `times` (second line) = CPU of the subshell's children: wrk's own user and system time.
    ( taskset -c "$WRK_CPUS" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s --latency "$@" "$url" > "$file" 2>&1
      times > "$file.cpu" )
    end=$(date +%s.%N)
    after_cpu=$(cpu_ticks)
    after_acc=$(accepted)
    local secs wrk_cpu
    secs=$(echo "$end - $start" | bc -l)
    wrk_cpu=$(awk -v s="$secs" '{ gsub(/s/, "", $1); gsub(/s/, "", $2); split($1, u, "m"); split($2, k, "m");
                                   printf "%.2f", (u[1] * 60 + u[2] + k[1] * 60 + k[2]) / s }' <(tail -1 "$file.cpu"))
    report_wrk "$label" "$per" "$file" "$before_acc" "$after_acc" "$(cpu_delta "$before_cpu" "$after_cpu" "$secs"); wrk $wrk_cpu cores" "$load"
}

# report_wrk LABEL PER FILE ACC0 ACC1 CPU LOAD
report_wrk() {
    local label=$1 per=$2 file=$3 rps p50 p99 reqs non2xx errors events acc
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
    p50=$(awk '$1 == "50%" { print $2 }' "$file")
    p99=$(awk '$1 == "99%" { print $2 }' "$file")
    reqs=$(awk '/requests in/ { print $1 }' "$file")
    non2xx=$(awk '/Non-2xx/ { print $NF }' "$file")
    errors=$(grep -o 'Socket errors:.*' "$file" || true)
    acc=$(( ${5:-0} - ${4:-0} ))
    # With pipelining wrk records one latency per batch: from the batch's write to its last
    # response. Every request of the batch was sent at that write, so each request's latency is
    # at most its batch's, and the batch percentiles bound the per-request ones from above.
    # (wrk prints 0.00us for its upper percentiles when pipelining, so the bound given for p99
    # is the slowest batch.)
    case "$label" in *pipelined*) p50="≤${p50} (batch)"; p99="≤$(awk '$1 == "Latency" { print $4 }' "$file") (slowest batch)" ;; esac
    if [ "$per" -gt 0 ]; then
        events=$(python3 -c "print(f'{$rps * $per:,.0f}')")
        echo "$label: ${rps} req/s = ${events} events/s; p50 ${p50} p99 ${p99}; requests ${reqs}, non-2xx ${non2xx:-0}${errors:+, $errors}; accepted +${acc} (wrk ${reqs}×${per} = $((reqs * per))); server $6; load $7" | tee -a "$OUT/results.txt"
        if [ "${non2xx:-0}" -ne 0 ] || [ "$acc" -lt $((reqs * per)) ]; then
            echo "  WARNING: $label: non-2xx answers or fewer accepted events than requests × batch" | tee -a "$OUT/results.txt"
        fi
    else
        echo "$label: ${rps} req/s; p50 ${p50} p99 ${p99}; requests ${reqs}, non-2xx ${non2xx:-0}${errors:+, $errors}; server $6; load $7" | tee -a "$OUT/results.txt"
        [ "${non2xx:-0}" -ne 0 ] && echo "  WARNING: $label: non-2xx answers" | tee -a "$OUT/results.txt"
    fi
    return 0
}

# profile LABEL: perf record the server for DURATION-2 s in the background (call before run_wrk).
profile() {
    [ "$PERF" = 1 ] || return 0
    command -v perf >/dev/null || { echo "perf missing; skipping profile" >&2; return 0; }
    local label=$1 secs=$((DURATION > 4 ? DURATION - 3 : 1))
    ( set +e +o pipefail   # `head` closing the pipe early must not end the subshell
      sleep 1
      perf record -q -e cpu-clock -g -p "$SERVER_PID" -o "$OUT/perf-$label.data" -- sleep "$secs" >/dev/null 2>&1
      perf report -i "$OUT/perf-$label.data" --no-children --stdio --sort comm,dso,symbol 2>/dev/null \
          | grep -E '^ +[0-9]' | head -60 > "$OUT/perf-$label.txt"
      perf report -i "$OUT/perf-$label.data" --no-children --stdio --sort comm 2>/dev/null \
          | grep -E '^ +[0-9]' > "$OUT/perf-$label-threads.txt" ) &
    PERF_JOB=$!
}
profile_wait() {
    [ -n "${PERF_JOB:-}" ] || return 0
    wait "$PERF_JOB" || true
    PERF_JOB=""
    echo "perf: $OUT/perf-$1.txt (threads: $(tr -s ' ' < "$OUT/perf-$1-threads.txt" | paste -sd,))"
}

# ---- data ------------------------------------------------------------------------------------

# preload N: N members p0..p(N-1) with seeded random scores, 10,000 per NDJSON request.
preload() {
    local n=$1 chunk=10000 start
    start=$(date +%s.%N)
    for ((from = 0; from < n; from += chunk)); do
        awk -v from="$from" -v to=$((from + chunk < n ? from + chunk : n)) 'BEGIN { srand(from + 1)
            for (i = from; i < to; i++) printf "{\"board\":\"bench\",\"player\":\"p%d\",\"score\":%d}\n", i, int(rand() * 1000000000) }' \
        | curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/x-ndjson' \
            --data-binary @- "http://127.0.0.1:$PORT/v1/scores" || { echo "preload failed at $from" >&2; exit 1; }
    done
    echo "preloaded $n members in $(echo "$(date +%s.%N) - $start" | bc -l | cut -c1-5) s (total $(curl -sf "http://127.0.0.1:$PORT/v1/boards/bench/alltime/top?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'))"
}

# ---- scenarios -------------------------------------------------------------------------------

scenario_ingest() {
    echo "== ingest: POST /v1/scores, $BATCH events per request ($FORMAT, $MODE), connections $INGEST_CONNECTIONS, fsync always"
    local first=1
    for pop in $POPULATIONS; do
        start_server
        for conns in $INGEST_CONNECTIONS; do
            for run in $(seq "$RUNS"); do
                [ $first = 1 ] && profile ingest
                TOKEN=$TOKEN BOARD=bench BATCH=$BATCH POP=$pop FORMAT=$FORMAT MODE=$MODE SEED=$((run * 1000 + conns + pop % 997)) \
                    run_wrk "ingest-pop$pop-c$conns-run$run" "$BATCH" "$conns" "http://127.0.0.1:$PORT/" -s "$BENCH/http-scores.lua"
                [ $first = 1 ] && profile_wait ingest
                first=0
            done
        done
        echo "  fsync: $(metric overtake_commit_latency_seconds_count) commits, mean $(python3 -c "print(f'{$(metric overtake_commit_latency_seconds_sum) / max(1, $(metric overtake_commit_latency_seconds_count)) * 1000:.2f}')") ms; ticks $(metric overtake_ticks_total)" | tee -a "$OUT/results.txt"
    done
    stop_server
}

scenario_single() {
    echo "== single: POST /v1/scores, one event object per request, fsync always"
    start_server
    for conns in $SINGLE_CONNECTIONS; do
        for run in $(seq "$RUNS"); do
            TOKEN=$TOKEN BOARD=bench BATCH=1 POP=100000 FORMAT=object MODE=dynamic SEED=$run \
                run_wrk "single-c$conns-run$run" 1 "$conns" "http://127.0.0.1:$PORT/" -s "$BENCH/http-scores.lua"
        done
    done
    stop_server
}

scenario_top() {
    echo "== top: GET /v1/boards/bench/alltime/top?limit=100 on $TOP_MEMBERS members, $CONNECTIONS connections"
    start_server
    preload "$TOP_MEMBERS"
    curl -sf "http://127.0.0.1:$PORT/v1/boards/bench/alltime/top?limit=100" > "$OUT/top-sample.json"
    echo "  response: $(wc -c < "$OUT/top-sample.json") bytes of JSON"
    for run in $(seq "$RUNS"); do
        [ "$run" = 1 ] && profile top
        run_wrk "top-run$run" 0 "$CONNECTIONS" "http://127.0.0.1:$PORT/v1/boards/bench/alltime/top?limit=100"
        [ "$run" = 1 ] && profile_wait top
    done
    if [ "$PIPELINE" -gt 0 ]; then
        for run in $(seq "$RUNS"); do
            [ "$run" = 1 ] && profile top-pipelined
            DEPTH=$PIPELINE run_wrk "top-pipelined$PIPELINE-run$run" 0 "$CONNECTIONS" "http://127.0.0.1:$PORT/" -s "$BENCH/http-pipeline.lua"
            [ "$run" = 1 ] && profile_wait top-pipelined
        done
    fi
    stop_server
}

scenario_redis() {
    echo "== redis: ZREVRANGE lb 0 99 WITHSCORES on $TOP_MEMBERS members, redis-benchmark $CONNECTIONS clients"
    command -v redis-server >/dev/null || { echo "redis-server missing (apt-get install -y redis-server); skipped"; return 0; }
    REDIS_PORT=$(free_port)
    local dir
    dir=$(mktemp -d /tmp/overtake-httpbench-redis.XXXXXX)
    if [ -n "$SERVER_CPUS" ]; then
        taskset -c "$SERVER_CPUS" redis-server --port "$REDIS_PORT" --save "" --appendonly no --dir "$dir" --daemonize yes --logfile "$dir/redis.log"
    else
        redis-server --port "$REDIS_PORT" --save "" --appendonly no --dir "$dir" --daemonize yes --logfile "$dir/redis.log"
    fi
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    awk -v n="$TOP_MEMBERS" 'BEGIN{srand(42); for(i=0;i<n;i++){s=int(rand()*1000000000); m="p" i;
      printf "*4\r\n$4\r\nZADD\r\n$2\r\nlb\r\n$%d\r\n%d\r\n$%d\r\n%s\r\n", length(s ""), s, length(m), m}}' \
      | redis-cli -p "$REDIS_PORT" --pipe >/dev/null
    echo "  loaded $(redis-cli -p "$REDIS_PORT" zcard lb) members"
    local requests=$((DURATION * 40000)) run load line
    for run in $(seq "$RUNS"); do
        load=$(loadavg)
        line=$(taskset -c "$WRK_CPUS" redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -n "$requests" --csv \
               zrevrange lb 0 99 withscores | tail -1 | tr -d '"')
        # test,rps,avg,min,p50,p95,p99,max (ms)
        echo "redis-zrevrange-run$run: $(echo "$line" | awk -F, '{ printf "%s req/s; p50 %sms p99 %sms", $2, $5, $7 }') ($requests requests, $CONNECTIONS clients); load $load" | tee -a "$OUT/results.txt"
    done
    if [ "$PIPELINE" -gt 0 ]; then
        for run in $(seq "$RUNS"); do
            load=$(loadavg)
            line=$(taskset -c "$WRK_CPUS" redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -n "$((requests * 2))" -P "$PIPELINE" --csv \
                   zrevrange lb 0 99 withscores | tail -1 | tr -d '"')
            echo "redis-zrevrange-pipelined$PIPELINE-run$run: $(echo "$line" | awk -F, '{ printf "%s req/s; p50 %sms p99 %sms", $2, $5, $7 }') ($CONNECTIONS clients); load $load" | tee -a "$OUT/results.txt"
        done
    fi
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    REDIS_PORT=""
    rm -rf "$dir"
}

scenario_mixed() {
    echo "== mixed: ingest ($BATCH-event batches, 4 connections) and top-100 reads ($CONNECTIONS connections) at once on $TOP_MEMBERS members"
    start_server
    preload "$TOP_MEMBERS"
    local ingest_file top_file before_acc after_acc load
    for run in $(seq "$RUNS"); do
        ingest_file="$OUT/mixed-ingest-run$run.txt"
        top_file="$OUT/mixed-top-run$run.txt"
        load=$(loadavg)
        before_acc=$(accepted)
        TOKEN=$TOKEN BOARD=bench BATCH=$BATCH POP=$TOP_MEMBERS FORMAT=$FORMAT MODE=$MODE SEED=$((run + 77)) \
            taskset -c "$WRK_CPUS" wrk -t1 -c4 -d"${DURATION}s" --timeout 10s --latency -s "$BENCH/http-scores.lua" \
            "http://127.0.0.1:$PORT/" > "$ingest_file" 2>&1 &
        local ingest_job=$!
        taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
            "http://127.0.0.1:$PORT/v1/boards/bench/alltime/top?limit=100" > "$top_file" 2>&1
        wait "$ingest_job"
        after_acc=$(accepted)
        report_wrk "mixed-ingest-run$run" "$BATCH" "$ingest_file" "$before_acc" "$after_acc" "(shared)" "$load"
        report_wrk "mixed-top-run$run" 0 "$top_file" 0 0 "(shared)" "$load"
    done
    stop_server
}

# ---- main ------------------------------------------------------------------------------------

if [ "$SKIP_BUILD" != 1 ]; then
    (cd "$ROOT" && swift build -c release --product overtake -j 2 2>&1 | tail -1)
fi
echo "machine: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'), $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ); load $(loadavg)"
echo "wrk on CPUs $WRK_CPUS, server on ${SERVER_CPUS:-any CPU}; $DURATION s per run, $RUNS runs; output in $OUT"
for s in "${SCENARIOS[@]}"; do
    case "$s" in
        ingest|single|top|redis|mixed) "scenario_$s" ;;
        *) echo "unknown scenario $s (ingest single top redis mixed)" >&2; exit 2 ;;
    esac
done
echo "results: $OUT/results.txt"
