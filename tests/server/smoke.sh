#!/bin/sh
# Smoke test of build/refserver over real HTTP on the loopback address.
#
# Starts the server on a free port, runs one multipart read set upload
# from Create to Complete with curl, checks a few errors and the warning
# of a server without credentials, then stops the server with SIGTERM
# and checks that it exits 0 promptly; last, that the server refuses to
# listen beyond loopback without credentials or with test controls. Prints one
# line per check and "N passed, N failed" last; exits 1 on any failure.
#
#   tests/server/smoke.sh            uses build/refserver
#   REFSERVER=path tests/server/smoke.sh
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER=${REFSERVER:-$ROOT/build/refserver}
STORE=0123456789
MISSING_STORE=9999999999
JSON='Content-Type: application/json'
passed=0
failed=0
pid=
work=$(mktemp -d "${TMPDIR:-/tmp}/refserver-smoke.XXXXXX") || exit 1

. "$ROOT/tests/lib.sh"

cleanup() {
  refserver_kill
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP


# call METHOD PATH [CURL-ARGS...]: one request; sets status and body.
call() {
  method=$1
  path=$2
  shift 2
  status=$(curl -s --max-time 10 -X "$method" -o "$work/body" \
    -D "$work/head" -w '%{http_code}' "$@" "$base$path") || status=000
  body=$(cat "$work/body" 2>/dev/null)
}

# member NAME: the string value of member NAME in $body, or nothing.
member() {
  printf '%s' "$body" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}

# Starts the server and reads its port from the first line it prints.
start_server() {
  refserver_start "$SERVER" "$work" --store "$STORE"
  base=http://127.0.0.1:$port
}

# Stops the server with SIGTERM; checks it exits 0 within 5 seconds.
stop_server() {
  kill -TERM "$pid"
  tries=0
  while kill -0 "$pid" 2>/dev/null && [ $tries -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    check "server exits within 5 s of SIGTERM" exited running
    return
  fi
  wait "$pid"
  check "server exits 0 on SIGTERM" 0 $?
  pid=
}

start_server
if [ -z "$port" ]; then
  check "server prints 'listening on http://127.0.0.1:PORT'" yes no
  sed 's/^/# /' "$work/log"
  echo "$passed passed, $failed failed"
  exit 1
fi
check "server listens on a free port" yes yes

printf 'ACGTACGTACGTACGTACGT\n' >"$work/part1"
printf 'TTTTGGGGCCCCAAAA\n' >"$work/part2"
up=/sequencestore/$STORE/upload

call POST "$up" -H "$JSON" -d '{"sourceFileType":"FASTQ",
  "subjectId":"subject-1","sampleId":"sample-1","name":"smoke"}'
upload=$(member uploadId)
check "Create answers 200" 200 "$status"
check "Create returns a 10-digit uploadId" yes \
  "$(printf '%s' "$upload" | grep -Eq '^[0-9]{10}$' && echo yes)"
check "responses carry x-amzn-RequestId" yes \
  "$(grep -qi '^x-amzn-RequestId: [^[:space:]]' "$work/head" && echo yes)"

call PUT "$up/$upload/part?partSource=SOURCE1&partNumber=1" \
  --data-binary @"$work/part1"
sum1=$(member checksum)
check "UploadReadSetPart 1 answers 200" 200 "$status"
call PUT "$up/$upload/part?partSource=SOURCE1&partNumber=2" \
  --data-binary @"$work/part2"
sum2=$(member checksum)
check "UploadReadSetPart 2 answers 200" 200 "$status"
check "part checksums are 44 characters" 44:44 "${#sum1}:${#sum2}"

call POST "$up/$upload/parts" -H "$JSON" -d '{"partSource":"SOURCE1"}'
check "ListReadSetUploadParts answers 200" 200 "$status"
check "ListReadSetUploadParts lists both parts" 2 \
  "$(printf '%s' "$body" | grep -o '"partNumber":[0-9]*' | wc -l \
     | tr -d ' ')"

parts="{\"parts\":[
  {\"partNumber\":1,\"partSource\":\"SOURCE1\",\"checksum\":\"$sum1\"},
  {\"partNumber\":2,\"partSource\":\"SOURCE1\",\"checksum\":\"$sum2\"}]}"
call POST "$up/$upload/complete" -H "$JSON" -d "$parts"
read_set=$(member readSetId)
check "Complete answers 200" 200 "$status"
check "Complete returns a 10-digit readSetId" yes \
  "$(printf '%s' "$read_set" | grep -Eq '^[0-9]{10}$' && echo yes)"
call POST "$up/$upload/complete" -H "$JSON" -d "$parts"
check "Complete again answers 200" 200 "$status"
check "Complete again returns the same readSetId" "$read_set" \
  "$(member readSetId)"

call GET "$up/$upload/complete"
check "GET on complete answers 405" 405 "$status"
call POST "/sequencestore/$MISSING_STORE/upload" -H "$JSON" \
  -d '{"sourceFileType":"FASTQ","subjectId":"s","sampleId":"s",
       "name":"n"}'
check "an unknown sequence store answers 404" 404 "$status"

check "without --credentials the server warns on stderr" yes \
  "$(grep -q '^WARNING: ' "$work/log" && echo yes)"

stop_server
timeout 5 "$SERVER" --address 0.0.0.0 --port 0 >/dev/null 2>&1
check "without --credentials off loopback the server refuses to start" \
  2 $?
timeout 5 "$SERVER" --port 0 --test-controls --address 0.0.0.0 \
  --credentials "$ROOT/tests/credentials.json" >/dev/null 2>&1
check "--test-controls off loopback is refused" 2 $?
if [ "$failed" -gt 0 ]; then
  echo "# server log:"
  sed 's/^/# /' "$work/log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
