#!/bin/sh
# The HTTP runs of make coverage and make sanitize, on the refserver and
# runner of their own build: the refserver smoke test
# (tests/server/smoke.sh), then every vector over HTTP through
# tests/http/run.sh (the script of make test-http). Without that script
# or BUILD_DIR/refserver there is no HTTP run, and it says so.
#
#   tests/qa-http.sh BUILD_DIR
set -u

dir=$1
if [ ! -f tests/http/run.sh ] || [ ! -x "$dir/refserver" ]; then
  echo "qa-http: no HTTP run: tests/http/run.sh or $dir/refserver is" \
    "missing"
  exit 0
fi
REFSERVER=$dir/refserver bash tests/server/smoke.sh >"$dir/smoke.log" 2>&1 ||
  { cat "$dir/smoke.log"; exit 1; }
tail -1 "$dir/smoke.log"
REFSERVER=$dir/refserver CONFORM=$dir/conform sh tests/http/run.sh
