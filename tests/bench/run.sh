#!/bin/bash
# tests/bench/run.sh: runs the benchmarks of tests/bench and writes
# reports/bench.md. `make bench` builds the programs, then runs this.
#
# Every figure is the ratio of two measurements taken in the same run,
# so that the speed of the machine cancels out. Servers listen on
# 127.0.0.1 only, on ports the system picks; every loop is bounded in
# count and time. Each program prints its figure on a line starting
# "figure "; the other lines it prints are its raw measurements.
#
# BENCH_TMP (default /dev/shm) is where the servers' data directories
# go: tmpfs keeps the disk out of every figure.
set -u

cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
BIN=$BUILD/bench
REPORT=reports/bench.md
STORE=0123456789

TMP_ROOT=${BENCH_TMP:-/dev/shm}
[ -d "$TMP_ROOT" ] && [ -w "$TMP_ROOT" ] || TMP_ROOT=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$TMP_ROOT/mrsu-bench.XXXXXX") || exit 2
RAW=$WORK/raw.txt
SERVER_PID=
STARTED=$(date +%s)

# Stops the server that is running, if any.
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=
}

# Stops the server and removes the work directory; runs at exit.
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts refserver with its data in $WORK/NAME and the options given;
# sets SERVER_PID and SERVER_URL. Returns 1 when it did not start.
start_server() {
  local name=$1 i
  shift
  "$BUILD/refserver" --port 0 --quiet --data-dir "$WORK/$name" "$@" \
    >"$WORK/$name.url" 2>"$WORK/$name.log" &
  SERVER_PID=$!
  SERVER_URL=
  for i in $(seq 50); do
    SERVER_URL=$(sed -n 's/^listening on //p' "$WORK/$name.url")
    [ -n "$SERVER_URL" ] && return 0
    sleep 0.1
  done
  echo "bench: refserver did not start: $(cat "$WORK/$name.log")" >&2
  stop_server
  return 1
}

# Starts the raw log's part for one benchmark, and says which runs.
section() {
  printf '\n## %s\n\n' "$1" >>"$RAW"
  echo "bench: $1" >&2
}

# Keeps the output of a command in the raw log, and shows it.
keep() {
  "$@" 2>&1 | tee -a "$RAW"
}

# 1. The suite on the built-in target against parsing its vectors.
bench_suite() {
  section "1. Suite replay, built-in target"
  keep "$BIN/suite" builtin "$BUILD/conform" vectors "$WORK" 5
}

# 2. Complete through mrsu_handle against cJSON_Parse of its body.
bench_complete() {
  section "2. Complete of 100 to 10,000 parts per source, in process"
  keep "$BIN/complete"
}

# Prints the number after "Requests/sec:" in wrk's output file $1.
wrk_rate() {
  sed -n 's/^Requests\/sec: *//p' "$1"
}

# Prints the count of non-2xx answers in wrk's output file $1.
wrk_errors() {
  sed -n 's/.*Non-2xx or 3xx responses: *//p' "$1" | grep . || echo 0
}

# Prints the number of requests wrk made, from its output file $1.
wrk_count() {
  sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$1"
}

# Prints the CPU time the server has used, in clock ticks.
server_ticks() {
  awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}

# Runs wrk with the arguments given, its output to file $1, and prints
# the server's CPU time per request in microseconds.
wrk_run() {
  local out=$1 t0 t1
  shift
  t0=$(server_ticks)
  wrk -t2 -c8 -d3s "$@" >"$out"
  t1=$(server_ticks)
  awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" \
    -v n="$(wrk_count "$out")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'
}

# Makes an upload with parts 1-2 of SOURCE1 and SOURCE2, completes it
# once, and writes the Complete body to $WORK/complete.json; prints the
# Complete's path.
complete_setup() {
  local base=$SERVER_URL/sequencestore/$STORE upload s n sum body sep=
  local json='Content-Type: application/json'
  upload=$(curl -sf -X POST "$base/upload" -H "$json" -d \
    '{"sourceFileType":"FASTQ","subjectId":"s1","sampleId":"x1","name":"b"}' |
    sed -n 's/.*"uploadId":"\([0-9]*\)".*/\1/p')
  [ -n "$upload" ] || return 1
  body='{"parts":['
  for s in 1 2; do
    for n in 1 2; do
      sum=$(printf '@r%s\nACGT\n+\nIIII\n' "$n" | curl -sf -X PUT \
        "$base/upload/$upload/part?partSource=SOURCE$s&partNumber=$n" \
        --data-binary @- | sed -n 's/.*"checksum":"\([^"]*\)".*/\1/p')
      [ -n "$sum" ] || return 1
      body="$body$sep{\"partNumber\":$n,\"partSource\":\"SOURCE$s\","
      body="$body\"checksum\":\"$sum\"}"
      sep=,
    done
  done
  printf '%s]}' "$body" >"$WORK/complete.json"
  curl -sf -X POST "$base/upload/$upload/complete" -H "$json" \
    --data-binary @"$WORK/complete.json" | grep -q readSetId || return 1
  echo "/sequencestore/$STORE/upload/$upload/complete"
}

# 3. Complete over HTTP with wrk against answering an unknown path.
bench_http() {
  local path r c u cc uc ratios= errors=0 status
  section "3. Complete over HTTP (wrk) against an unknown path"
  if ! command -v wrk >/dev/null 2>&1; then
    keep echo "http: wrk is not installed (make deps): not measured"
    return
  fi
  start_server http || return
  path=$(complete_setup)
  status=$(curl -s -o /dev/null -w '%{http_code}' "$SERVER_URL/bench")
  if [ -z "$path" ] || [ "$status" != 405 ]; then
    keep echo "http: setup failed (unknown path answered $status)"
    stop_server
    return
  fi
  for r in 1 2 3; do
    cc=$(wrk_run "$WORK/wrk-complete" -s tests/bench/post.lua \
      "$SERVER_URL$path" -- "$WORK/complete.json")
    uc=$(wrk_run "$WORK/wrk-unknown" "$SERVER_URL/bench")
    c=$(wrk_rate "$WORK/wrk-complete")
    u=$(wrk_rate "$WORK/wrk-unknown")
    errors=$((errors + $(wrk_errors "$WORK/wrk-complete")))
    keep echo "http: round $r: repeated Complete of 4 parts" \
      "$c requests/s, unknown path (405) $u requests/s;" \
      "server CPU per request: Complete $cc us, unknown path $uc us"
    ratios="$ratios $(awk -v c="$c" -v u="$u" 'BEGIN{print c / u}')"
  done
  stop_server
  keep echo "http: answers to the Complete other than 200: $errors"
  [ "$errors" = 0 ] || { keep echo "http: no figure"; return; }
  echo "$ratios" | tr ' ' '\n' | grep . | sort -g | awk '
    { v[NR] = $1 }
    END {
      m = v[int((NR + 1) / 2)]
      printf "figure complete-http-vs-405: %.3g (goal: at least 0.7) %s\n",
        m, (m >= 0.7 ? "met" : "not met")
    }' | tee -a "$RAW"
}

# 4. 100 MiB parts over HTTP against SHA-256 in memory.
bench_part() {
  section "4. UploadReadSetPart of 100 MiB parts over HTTP"
  start_server part || return
  keep "$BIN/part" "$SERVER_URL" "$STORE" 5 "$WORK/part"
  stop_server
  start_server part-big --max-header-bytes 1048576 || return
  keep echo "part: again with refserver --max-header-bytes 1048576" \
    "(a larger read buffer), not the figure:"
  "$BIN/part" "$SERVER_URL" "$STORE" 5 "$WORK/part-big" 524096 2>&1 |
    sed 's/^figure /variant /' | tee -a "$RAW"
  stop_server
}

# 5. refserver's memory per part held.
bench_memory() {
  local quota=
  section "5. refserver memory with 10,000 open uploads of 100 parts"
  # The default quota of open uploads per store is below 10,000.
  "$BUILD/refserver" --help | grep -q -- --quota-open-uploads &&
    quota="--quota-open-uploads 10000"
  start_server memory $quota || return
  keep "$BIN/memory" "$SERVER_URL" "$STORE" 10000 100 16 "$SERVER_PID" \
    240
  stop_server
  rm -rf "$WORK/memory"
}

# 6. The suite over HTTP with --jobs 8 against the built-in rate.
bench_suite_http() {
  section "6. Suite replay over HTTP, conform --jobs 8"
  if ! "$BUILD/conform" --help | grep -q -- '--jobs'; then
    keep echo "suite: conform has no --jobs: not measured"
    return
  fi
  keep "$BIN/suite" http "$BUILD/conform" vectors "$WORK" 3 \
    "$BUILD/refserver" 8
}

: >"$RAW"
mkdir -p "$(dirname "$REPORT")"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
bench_complete
bench_suite
bench_suite_http
bench_part
bench_http
bench_memory
SECONDS_TAKEN=$(($(date +%s) - STARTED))
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
bash tests/bench/report.sh "$RAW" "$SECONDS_TAKEN" "$LOAD_BEFORE" \
  "$LOAD_AFTER" >"$REPORT"
echo "bench: wrote $REPORT in $SECONDS_TAKEN s" >&2
grep '^figure ' "$RAW"
