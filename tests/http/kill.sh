#!/bin/sh
# The HTTP target when the server dies in the middle of a run.
#
# Starts build/refserver on a free port, with the principals of
# tests/credentials.json and its test controls on its real clock, runs
# every vector with `build/conform --jobs 4` (signing at the time of
# sending), and kills the server with SIGKILL once it has logged
# KILL_AFTER requests (default 300). conform must then end on its
# own, promptly, with exit status 3; the cases it had not finished must
# be ERROR, and the reports must still be written. Prints one line per
# check and "N passed, N failed" last; exits 1 on any failure.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
SERVER=${REFSERVER:-build/refserver}
CONFORM=${CONFORM:-build/conform}
KILL_AFTER=${KILL_AFTER:-300}
LIMIT=60
passed=0
failed=0
pid=
run=
work=$(mktemp -d "${TMPDIR:-/tmp}/test-http-kill.XXXXXX") || exit 1

. "$ROOT/tests/lib.sh"

cleanup() {
  for p in $run $pid; do
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP


# The number of lines of file $1 (0 when it does not exist).
lines() {
  if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

if ! refserver_start "$SERVER" "$work" --credentials tests/credentials.json \
     --test-controls; then
  echo "test-http-kill: refserver did not print its port" >&2
  exit 1
fi

start=$(date +%s)
timeout "$LIMIT" "$CONFORM" --endpoint "http://127.0.0.1:$port" \
  --credentials tests/credentials.json \
  --jobs 4 --quiet --report-dir "$work/reports" >"$work/run" 2>&1 &
run=$!
# The log has one line for the start, then one per request.
while [ "$(lines "$work/log")" -le "$KILL_AFTER" ] &&
      kill -0 "$run" 2>/dev/null; do
  sleep 0.01
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=
wait "$run"
status=$?
run=
took=$(($(date +%s) - start))

check "conform exits 3 after the server is killed" 3 "$status"
check "conform ends on its own (within $LIMIT s)" yes \
  "$([ "$status" -ne 124 ] && echo yes)"
check "the cases cut off are ERROR" yes \
  "$(grep -q '^ERROR ' "$work/run" && echo yes)"
check "the cases after them are not started" yes \
  "$(grep -q 'not run: an earlier case found the target unreachable' \
       "$work/run" && echo yes)"
check "results.json is written and counts the errors" yes \
  "$(grep -Eq '"errors":[[:space:]]*[1-9]' "$work/reports/results.json" \
       2>/dev/null && echo yes)"
echo "# conform took $took s after start; its last lines:"
tail -n 3 "$work/run" | sed 's/^/# /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
