#!/bin/bash
# Interoperability test: the AWS SDK for JavaScript v3
# (@aws-sdk/client-omics, the version pinned in package.json) against
# build/refserver on the loopback address.
#
# Installs the SDK with `npm ci`, starts refserver on a free port, runs
# the tests of this folder with Node's test runner, and stops the server
# whatever happens. Features of refserver that its --help does not offer
# (--credentials, --test-controls) are not used, and the tests that need
# them are reported as skipped. Without node the whole test is skipped;
# every other missing piece (npm, the reads of bowtie2-examples, the
# server) is a failure. Exits with the test runner's status.
#
#   tests/interop/run.sh             uses build/refserver
#   REFSERVER=path tests/interop/run.sh
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVER=${REFSERVER:-$ROOT/build/refserver}
STORE=0123456789
MISSING_STORE=9999999999
KEY_ID=AKIDEXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
OTHER_KEY_ID=AKIDOTHEREXAMPLE
OTHER_SECRET=bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG+
pid=
work=

# fail MESSAGE: says why the test cannot run, and exits 1.
fail() {
  echo "interop: $1" >&2
  exit 1
}

# Stops the server if it runs (SIGTERM, then SIGKILL after 5 seconds)
# and removes the scratch folder.
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  [ -n "$work" ] && rm -rf "$work"
}

# reads_file N: the path of reads_N.fq or reads_N.fq.gz of the Debian
# package bowtie2-examples, or nothing.
reads_file() {
  dpkg -L bowtie2-examples 2>/dev/null |
    grep -E "/reads_$1\.fq(\.gz)?$" | head -n 1
}

# Writes the credentials file of refserver (spec section 14.5) to $1:
# a principal that may use every sequence store (so that an unknown
# store is still 404 to it), and one that may use none.
write_credentials() {
  cat >"$1" <<EOF
{"version": 1, "principals": [
  {"accessKeyId": "$KEY_ID", "secretAccessKey": "$SECRET",
   "stores": ["*"]},
  {"accessKeyId": "$OTHER_KEY_ID", "secretAccessKey": "$OTHER_SECRET",
   "stores": []}
]}
EOF
}

# Starts the server with the options it offers; sets pid, port, features.
start_server() {
  local help args=(--port 0 --store "$STORE")

  help=$(timeout 10 "$SERVER" --help) || fail "$SERVER --help failed"
  features=
  if grep -q -- '--credentials' <<<"$help"; then
    write_credentials "$work/credentials"
    args+=(--credentials "$work/credentials")
    features="$features credentials"
  fi
  if grep -q -- '--test-controls' <<<"$help"; then
    args+=(--test-controls)
    features="$features test-controls"
  fi

  "$SERVER" "${args[@]}" >"$work/out" 2>"$work/log" &
  pid=$!
  for _ in $(seq 100); do
    if [ -s "$work/out" ] || ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  port=$(sed -n '1s|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' \
    "$work/out")
  if [ -z "$port" ]; then
    sed 's/^/# /' "$work/log" >&2
    fail "$SERVER did not print 'listening on http://127.0.0.1:PORT'"
  fi
}

if ! command -v node >/dev/null 2>&1; then
  echo "interop: skipped: node is not installed" \
    "(Debian: apt-get install nodejs npm)"
  exit 0
fi
command -v npm >/dev/null 2>&1 || fail "npm is not installed"
[ -x "$SERVER" ] || fail "$SERVER is missing: run make first"
reads1=$(reads_file 1)
reads2=$(reads_file 2)
if [ -z "$reads1" ] || [ -z "$reads2" ]; then
  fail "no reads_1.fq/reads_2.fq: apt-get install bowtie2-examples"
fi

trap cleanup EXIT
trap 'exit 1' INT TERM HUP
work=$(mktemp -d "${TMPDIR:-/tmp}/mrsu-interop.XXXXXX") || exit 1

if ! (cd "$HERE" && timeout -k 10 300 npm ci --no-audit --no-fund \
      --loglevel=error >"$work/npm.log" 2>&1); then
  sed 's/^/# /' "$work/npm.log" >&2
  fail "npm ci failed in $HERE"
fi

node_version=$(node --version)
node_major=${node_version#v}
node_major=${node_major%%.*}
if [ "$node_major" -lt 20 ] 2>/dev/null; then
  echo "interop: node $node_version is older than the SDK supports (20)"
fi
start_server
echo "interop: node $node_version;" \
  "$(timeout 10 "$SERVER" --version 2>/dev/null | head -n 1)" \
  "on port $port;" \
  "optional features:${features:- none}"

(
  cd "$HERE" &&
  MRSU_ENDPOINT=http://127.0.0.1:$port \
  MRSU_STORE=$STORE \
  MRSU_MISSING_STORE=$MISSING_STORE \
  MRSU_READS1=$reads1 \
  MRSU_READS2=$reads2 \
  MRSU_FEATURES=$features \
  MRSU_KEY_ID=$KEY_ID \
  MRSU_SECRET=$SECRET \
  MRSU_OTHER_KEY_ID=$OTHER_KEY_ID \
  MRSU_OTHER_SECRET=$OTHER_SECRET \
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  timeout -k 10 600 node --test --test-reporter=spec --test-concurrency=1 \
    --test-timeout=60000
)
status=$?

if [ "$status" -ne 0 ]; then
  echo "# server log:"
  sed 's/^/# /' "$work/log"
fi
exit "$status"
