#!/bin/sh
# Hostile clients against build/refserver over raw sockets on the
# loopback address: malformed header sections (request smuggling, NUL
# bytes), hundreds of query parameters, bodies past the memory budget,
# and clients that stall, trickle or crowd the server. The cases are in
# tests/server/hostile.py, which needs python3 and its standard library
# only; without python3 they are skipped, saying so.
#
#   tests/server/hostile.sh            uses build/refserver
#   REFSERVER=path tests/server/hostile.sh
#   REFSERVER_WRAPPER='valgrind -q --error-exitcode=1' HOSTILE_SLACK=5 \
#     tests/server/hostile.sh          under valgrind, with longer waits
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER=${REFSERVER:-$ROOT/build/refserver}

python=$(command -v python3 || true)
if [ -z "$python" ]; then
  echo "hostile: skipped: python3 is not installed (the cases need its" \
    "raw sockets)"
  exit 0
fi
exec "$python" "$ROOT/tests/server/hostile.py" "$SERVER"
