#!/bin/sh
# Runs each libFuzzer harness of make fuzz for a bounded time.
#
#   tests/fuzz/run.sh FUZZ_DIR SECONDS
#
# Each harness starts from its seeds (FUZZ_DIR/corpus/complete and
# FUZZ_DIR/corpus/vectors, made from the vectors by fuzz-seeds) and adds
# what it finds there. A crash, a leak, a sanitizer report, a broken
# invariant or an input slower than 10 seconds stops it with the input
# saved in FUZZ_DIR/artifacts/; the script then says how to replay it
# and exits 1. Prints one line per harness: executions, seconds, and
# the corpus it ended with.
set -u

dir=$1
seconds=$2
status=0
mkdir -p "$dir/artifacts" "$dir/logs"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# harness:corpus:largest input
for item in fuzz_complete:complete:65536 fuzz_vectors:vectors:262144; do
  harness=${item%%:*}
  rest=${item#*:}
  corpus=$dir/corpus/${rest%%:*}
  log=$dir/logs/$harness.log
  "$dir/$harness" -max_total_time="$seconds" -timeout=10 \
    -max_len="${rest#*:}" \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/$harness-" "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  corpus_size=$(ls "$corpus" | wc -l | tr -d ' ')
  if [ $rc -ne 0 ]; then
    status=1
    tail -40 "$log"
    echo "fuzz: $harness FOUND A FAULT after ${runs:-?} executions;" \
      "the input is in $dir/artifacts/; replay it with:"
    echo "  $dir/$harness $dir/artifacts/$harness-*"
  else
    echo "fuzz: $harness: ${runs:-?} executions in $seconds s, no" \
      "fault; corpus of $corpus_size inputs"
  fi
done
exit $status
