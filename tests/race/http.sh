#!/bin/sh
# Complete against Complete and Abort over HTTP, against a refserver
# built with ThreadSanitizer.
#
#   tests/race/http.sh BUILD_DIR
#
# Runs the refserver smoke test on BUILD_DIR/refserver, then starts it
# and, round after round on a fresh upload, sends Completes and Aborts
# from concurrent curl processes. As in race.c: if a Complete won, every
# Complete answers 200 with one readSetId and every Abort 400; if an
# Abort won, it is the only 200 and every other answer is 404. Last, a
# burst of Completes on one upload must all name one readSetId. The
# server must then exit 0 on SIGTERM: ThreadSanitizer makes it exit 66
# on a data race (TSAN_OPTIONS exitcode=66). Without BUILD_DIR/refserver
# there is nothing to race over HTTP, and it says so.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERVER=$1/refserver
STORE=0123456789
JSON='Content-Type: application/json'
ROUNDS=${RACE_HTTP_ROUNDS:-30}
CLIENTS=8
wrong=0
pid=
work=$(mktemp -d "${TMPDIR:-/tmp}/race-http.XXXXXX") || exit 1

. "$ROOT/tests/lib.sh"

cleanup() {
  refserver_kill
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ ! -x "$SERVER" ]; then
  echo "race over HTTP: skipped, $SERVER was not built"
  exit 0
fi
export TSAN_OPTIONS=halt_on_error=1:exitcode=66
if ! REFSERVER=$SERVER bash "$ROOT/tests/server/smoke.sh" >"$work/smoke" 2>&1
then
  cat "$work/smoke"
  echo "race over HTTP: the smoke test fails on $SERVER" >&2
  exit 1
fi

if ! refserver_start "$SERVER" "$work" --store "$STORE" --deterministic \
     --quiet --threads 8; then
  cat "$work/log" >&2
  echo "race over HTTP: the server did not start" >&2
  exit 1
fi
base=http://127.0.0.1:$port/sequencestore/$STORE

# send NAME METHOD PATH [CURL-ARGS...]: one request; the status goes to
# $work/NAME.status and the body to $work/NAME.body.
send() {
  name=$1 method=$2 path=$3
  shift 3
  curl -s --max-time 30 -X "$method" -o "$work/$name.body" \
    -w '%{http_code}' "$@" "$base$path" >"$work/$name.status" ||
    echo 000 >"$work/$name.status"
}

# member NAME FILE: the string value of member NAME in FILE.
member() {
  sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"
}

# Opens an upload with two SOURCE1 parts; sets upload and parts.
prepare() {
  send create POST /upload -H "$JSON" -d '{"sourceFileType":"FASTQ",
    "subjectId":"s","sampleId":"m","name":"race"}'
  upload=$(member uploadId "$work/create.body")
  printf '@r1\nACGT\n+\nIIII\n' >"$work/p1"
  printf '@r2\nTTGA\n+\nIIII\n' >"$work/p2"
  send p1 PUT "/upload/$upload/part?partSource=SOURCE1&partNumber=1" \
    --data-binary @"$work/p1"
  send p2 PUT "/upload/$upload/part?partSource=SOURCE1&partNumber=2" \
    --data-binary @"$work/p2"
  parts="{\"parts\":[
    {\"partNumber\":1,\"partSource\":\"SOURCE1\",
     \"checksum\":\"$(member checksum "$work/p1.body")\"},
    {\"partNumber\":2,\"partSource\":\"SOURCE1\",
     \"checksum\":\"$(member checksum "$work/p2.body")\"}]}"
}

# Judges a round: the statuses of the even clients (Complete) and the
# odd ones (Abort).
judge() {
  c200=0 a200=0 ids= bad=
  i=0
  while [ $i -lt $CLIENTS ]; do
    s=$(cat "$work/c$i.status")
    if [ $((i % 2)) -eq 0 ] && [ "$s" = 200 ]; then
      c200=$((c200 + 1))
      ids="$ids $(member readSetId "$work/c$i.body")"
    elif [ "$s" = 200 ]; then
      a200=$((a200 + 1))
    fi
    i=$((i + 1))
  done
  loser=404
  [ $c200 -gt 0 ] && loser=400
  i=0
  while [ $i -lt $CLIENTS ]; do
    s=$(cat "$work/c$i.status")
    expect=404
    [ $((i % 2)) -eq 1 ] && expect=$loser
    [ "$s" = 200 ] || [ "$s" = "$expect" ] || bad="client $i: $s"
    i=$((i + 1))
  done
  distinct=$(printf '%s\n' $ids | sort -u | grep -c .)
  if [ -n "$bad" ] || { [ $c200 -gt 0 ] && [ $a200 -gt 0 ]; } ||
     [ $a200 -gt 1 ] || [ $((c200 + a200)) -eq 0 ] ||
     { [ $c200 -gt 0 ] && [ "$distinct" != 1 ]; }; then
    echo "race over HTTP: round $round: wrong outcome" \
      "(Completes 200: $c200, Aborts 200: $a200, $bad)"
    wrong=$((wrong + 1))
  fi
  [ $c200 -gt 0 ] && completed=$((completed + 1))
  [ $a200 -gt 0 ] && aborted=$((aborted + 1))
}

completed=0 aborted=0 round=1
while [ $round -le $ROUNDS ]; do
  prepare
  i=0 clients=
  while [ $i -lt $CLIENTS ]; do
    if [ $((i % 2)) -eq 0 ]; then
      send "c$i" POST "/upload/$upload/complete" -H "$JSON" -d "$parts" &
    else
      send "c$i" DELETE "/upload/$upload/abort" &
    fi
    clients="$clients $!"
    i=$((i + 1))
  done
  wait $clients
  judge
  round=$((round + 1))
done
echo "race over HTTP: $ROUNDS rounds of $CLIENTS curl clients;" \
  "Complete won $completed, Abort won $aborted"

prepare
i=0 clients=
while [ $i -lt $CLIENTS ]; do
  send "c$i" POST "/upload/$upload/complete" -H "$JSON" -d "$parts" &
  clients="$clients $!"
  i=$((i + 1))
done
wait $clients
ok=0 ids=
i=0
while [ $i -lt $CLIENTS ]; do
  if [ "$(cat "$work/c$i.status")" = 200 ]; then
    ok=$((ok + 1))
    ids="$ids $(member readSetId "$work/c$i.body")"
  fi
  i=$((i + 1))
done
ids=$(printf '%s\n' $ids | sort -u)
if [ "$(printf '%s\n' "$ids" | grep -c .)" != 1 ] || [ $ok != $CLIENTS ]
then
  echo "race over HTTP: concurrent Completes did not all name one readSetId"
  wrong=$((wrong + 1))
else
  echo "race over HTTP: $CLIENTS concurrent Completes, all 200 with" \
    "readSetId $ids"
fi

kill -TERM "$pid"
wait "$pid"
status=$?
pid=
if [ $status -ne 0 ]; then
  grep -A20 'ThreadSanitizer' "$work/log" | head -60
  echo "race over HTTP: the server exited $status (66: a data race)"
  wrong=$((wrong + 1))
fi
[ $wrong -eq 0 ] && echo "race over HTTP: no data race, every outcome" \
  "consistent"
[ $wrong -eq 0 ]
