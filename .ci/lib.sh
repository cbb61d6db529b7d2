# Helpers for .ci/run and the check scripts (sourced, not run): starting and stopping gateways
# with .ci/test-config.json, waiting for readiness, bounded commands. Every gateway started here
# is recorded in GW_PIDS; ci_cleanup (run it from an EXIT trap) ends the ones still running.
# Callers run from the repository root.

GW_PIDS=()
GW_PID=""
GW_PORT=""
GW_TLS_PORT=""

# gw_start LOG DATA_DIR [FLAG…]: starts .build/release/overtake on .ci/test-config.json (port 0:
# a free port, read back from the log) and waits until /readyz answers 200. Sets GW_PID,
# GW_PORT and, when TLS is on, GW_TLS_PORT. Returns 1 (after printing the log) on failure.
gw_start() {
  local log=$1 dir=$2 i
  shift 2
  GW_PORT=""
  GW_TLS_PORT=""
  ./.build/release/overtake --config .ci/test-config.json --data-dir "$dir" "$@" >"$log" 2>&1 3>&- 4>&- &
  GW_PID=$!
  GW_PIDS+=("$GW_PID")
  for i in $(seq 1 300); do
    GW_PORT=$(sed -n 's#.*listening on http://[^:]*:\([0-9][0-9]*\).*#\1#p' "$log" | head -n 1)
    [ -n "$GW_PORT" ] && break
    if ! kill -0 "$GW_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$GW_PORT" ]; then
    echo "gateway did not start listening; log $log:"; sed 's/^/  | /' "$log"
    return 1
  fi
  for i in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$GW_PORT/readyz")" = 200 ]; then
      GW_TLS_PORT=$(sed -n 's#.*listening on https://[^:]*:\([0-9][0-9]*\).*#\1#p' "$log" | head -n 1)
      echo "gateway pid $GW_PID ready on port $GW_PORT${GW_TLS_PORT:+ (TLS $GW_TLS_PORT)} after $((i / 10)).$((i % 10)) s"
      return 0
    fi
    if ! kill -0 "$GW_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "gateway not ready within 60 s (or it exited); log $log:"; sed 's/^/  | /' "$log" | tail -n 40
  return 1
}

# gw_stop PID [SECONDS]: SIGTERM, then wait up to SECONDS (default 15) for the exit; SIGKILL
# after that. Prints and returns the exit status (137 when it had to be killed).
GW_EXIT=""
gw_stop() {
  local pid=$1 limit=${2:-15} i
  GW_EXIT=""
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null; GW_EXIT=$?; return "$GW_EXIT"; fi
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "gateway $pid still running ${limit} s after SIGTERM: killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  GW_EXIT=$?
  return "$GW_EXIT"
}

# ci_cleanup: kills every gateway this shell started that is still alive (EXIT trap).
ci_cleanup() {
  local pid
  for pid in "${GW_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
}
