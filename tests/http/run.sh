#!/bin/sh
# Replays every vector over HTTP against build/refserver and compares
# each case's outcome with the built-in target's.
#
# The server starts on a free port (read from the first line it prints)
# with the fixed clock and ids of --deterministic, the principals of
# tests/credentials.json, its test controls, and one sequence store per
# case, which conform hands out in turn (--store, repeated), so no case
# sees another's uploads, as on the built-in target. conform signs with
# the same credentials at the server's fixed time (--sign-time) and runs
# with --jobs 4 into reports/http (the cases with test controls alone,
# after the others); the server is then stopped with SIGTERM. The
# built-in target runs the same vectors into reports/builtin, and
# `conform --compare` names every case whose outcome differs. Both runs
# are --strict, so a case not verified on either is an outcome that
# differs or a failure. The server is killed whatever happens, and
# every wait is bounded (RUN_TIMEOUT seconds for the HTTP run, default
# 900).
#
# Exit status: 0 when every case has the same outcome on both targets,
# 1 when one differs or a step failed.
#
#   tests/http/run.sh                  uses build/refserver, build/conform
#   JOBS=8 RUN_TIMEOUT=300 tests/http/run.sh
#   REFSERVER=path CONFORM=path REPORTS=dir tests/http/run.sh
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
SERVER=${REFSERVER:-build/refserver}
CONFORM=${CONFORM:-build/conform}
REPORTS=${REPORTS:-reports}
JOBS=${JOBS:-4}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
CREDENTIALS=tests/credentials.json
# The fixed clock of refserver --deterministic.
SIGN_TIME=2026-01-01T00:00:00Z
pid=
run=
work=$(mktemp -d "${TMPDIR:-/tmp}/test-http.XXXXXX") || exit 1

. "$ROOT/tests/lib.sh"

cleanup() {
  if [ -n "$run" ] && kill -0 "$run" 2>/dev/null; then
    kill -TERM "$run" 2>/dev/null
    wait "$run" 2>/dev/null
  fi
  refserver_kill
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# fail MESSAGE: says what went wrong, with the server's log, and exits 1.
fail() {
  echo "test-http: $1" >&2
  if [ -s "$work/log" ]; then
    echo "test-http: the server's log:" >&2
    sed 's/^/  /' "$work/log" >&2
  fi
  exit 1
}

# Writes "--store ID" for n stores 5000000000, 5000000001, ...
store_options() {
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
                           printf "--store 50000%05d ", i }'
}

# Starts the server and reads its port from its first line (10 s at most)
start_server() {
  # shellcheck disable=SC2086 # $stores is a list of options
  refserver_start "$SERVER" "$work" --deterministic --quiet \
    --credentials "$CREDENTIALS" --test-controls $stores ||
    fail "refserver did not print its port"
}

# Stops the server with SIGTERM; kills it after 10 s.
stop_server() {
  kill -TERM "$pid" 2>/dev/null
  tries=0
  while kill -0 "$pid" 2>/dev/null && [ $tries -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "test-http: refserver still runs 10 s after SIGTERM; killed" >&2
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  pid=
}

[ -x "$SERVER" ] && [ -x "$CONFORM" ] ||
  fail "build $SERVER and $CONFORM first (make test-http does)"
cases=$("$CONFORM" --list | wc -l) || fail "conform --list failed"
[ "$cases" -gt 0 ] || fail "no case to run"
stores=$(store_options "$cases")
rm -f "$REPORTS/http/results.json" "$REPORTS/builtin/results.json"

start_server
echo "test-http: $cases cases over HTTP on port $port, $JOBS jobs"
# In the background, so that a signal to this script is handled at once.
# shellcheck disable=SC2086
timeout "$RUN_TIMEOUT" "$CONFORM" --endpoint "http://127.0.0.1:$port" \
  --credentials "$CREDENTIALS" --sign-time "$SIGN_TIME" --strict \
  --jobs "$JOBS" --report-dir "$REPORTS/http" $stores &
run=$!
wait "$run"
http_status=$?
run=
stop_server
[ $http_status -eq 124 ] && fail "the HTTP run took over $RUN_TIMEOUT s"
[ $http_status -ne 2 ] || fail "conform could not run the vectors"
[ $http_status -le 3 ] || fail "conform ended with status $http_status"

"$CONFORM" --quiet --credentials "$CREDENTIALS" --strict \
  --report-dir "$REPORTS/builtin" >"$work/builtin" ||
  echo "test-http: the built-in run did not pass; see $REPORTS/builtin" >&2
"$CONFORM" --compare "$REPORTS/builtin/results.json" \
  "$REPORTS/http/results.json"
