#!/usr/bin/env bash
# Self-tests of the conformance runner, run from the repository root
# (make test-runner):
#   bad/    vector files conform must refuse before running anything:
#           exit 2 and the message of bad/expected, naming the file and
#           the case; vectors/schema.json refuses those marked "schema";
#   pass/   cases the built-in target passes: exit 0, the closing line,
#           traceability.md, and conform --check with pass/PENDING;
#   fail/   cases it fails: exit 1 and the exact lines of fail/expected;
#   auth/   signed requests and test controls: what passes, and how
#           cases are reported not verified (--no-controls, --no-auth,
#           a principal the credentials lack, --strict), the signing
#           time, --jobs, and the control probe of an HTTP target
#           (build/refserver without and with --test-controls).
# The schema checks need python3-jsonschema and are skipped, saying so,
# without it. Prints each check that failed, then "N passed, N failed";
# exit status 0 when every check passed.
set -u

here=tests/runner
conform=${CONFORM:-build/conform}
reqs=$here/requirements.json
work=$(mktemp -d "${TMPDIR:-/tmp}/runner.XXXXXX") || exit 2
server=
# Removes the work folder, and kills a server still running.
cleanup() {
  [ -n "$server" ] && kill -KILL "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
schema=1
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || schema=0

# Records one check: a name, then 0 when it held.
check() {
  if [ "$2" = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $1"
  fi
}

# 0 when file $1 holds the exact line $2.
has_line() {
  grep -qxF -- "$2" "$1"
}

# 0 when file $1 holds the text $2.
has_text() {
  grep -qF -- "$2" "$1"
}

# 0 when the last line of file $1 is $2.
last_line() {
  [ "$(tail -n 1 "$1")" = "$2" ]
}

# 0 when the line before the last of file $1 is $2.
next_to_last() {
  [ "$(tail -n 2 "$1" | head -n 1)" = "$2" ]
}

# 0 when exit status $rc is $1.
status_is() {
  [ "$rc" = "$1" ]
}

# Runs conform on vector folder $1 with the test requirements and the
# other arguments; stdout to $work/out, stderr to $work/err, the exit
# status in $rc.
run() {
  local dir=$1
  shift
  "$conform" --vectors "$dir" --requirements "$reqs" \
    --report-dir "$work/reports" --quiet "$@" >"$work/out" 2>"$work/err"
  rc=$?
}

# 0 when vectors/check-schema.py finds file $1 invalid (exit 1).
schema_refuses() {
  /usr/bin/python3 vectors/check-schema.py "$1" >/dev/null 2>&1
  [ $? = 1 ]
}

# One broken file: exit 2, the file, the case and the fault named; the
# schema's verdict when it can judge the file.
bad_file() {
  local name=$1 who=$2 message=$3 dir=$work/bad-$1
  mkdir "$dir" && cp "$here/bad/$name.json" "$dir/"
  run "$dir"
  check "bad/$name.json: exit status 2 (got $rc)" "$([ $rc = 2 ]; echo $?)"
  has_text "$work/err" "$dir/$name.json: case $name: $message"
  check "bad/$name.json: names the file, the case and the fault" $?
  if [ $schema = 1 ] && [ "$who" = schema ]; then
    schema_refuses "$here/bad/$name.json"
    check "bad/$name.json: refused by vectors/schema.json" $?
  fi
}

# Every file of bad/, each with its line in bad/expected.
test_bad() {
  local name who message file
  while read -r name who message; do
    case $name in '#'*|'') continue ;; esac
    bad_file "$name" "$who" "$message"
  done <"$here/bad/expected"
  for file in "$here"/bad/*.json; do
    name=$(basename "$file" .json)
    grep -q "^$name " "$here/bad/expected"
    check "bad/$name.json: has a line in bad/expected" $?
  done
}

# The passing set: exit 0, the closing line, the traceability rows.
test_pass() {
  local trace=$work/reports/traceability.md
  run "$here/pass"
  check "pass: exit status 0 (got $rc)" "$([ $rc = 0 ]; echo $?)"
  last_line "$work/out" "6 passed, 0 failed"
  check "pass: closing line" $?
  has_line "$trace" "| T-SHOULD | SHOULD | A decision the passing \
vectors check | pass-list | all pass |"
  check "pass: traceability row of a covered requirement" $?
  has_line "$trace" "| T-PENDING | MUST | A rule no vector can check \
yet | none | pending: no vector can check it yet |"
  check "pass: traceability row of a pending requirement" $?
  run "$here/pass" --id pass-list
  has_text "$trace" "| pass-create, pass-distinct, pass-abort, \
pass-repeat, pass-errors | not run |"
  check "pass: traceability row of cases not selected" $?
}

# conform --check on the passing set and its PENDING.
test_check_complete() {
  run "$here/pass" --check
  check "check: exit status 0 (got $rc)" "$([ $rc = 0 ]; echo $?)"
  last_line "$work/out" "vectors: 6 cases in 1 file, 2/3 requirements \
covered (1 pending), 3/8 error types (5 pending)"
  check "check: summary line" $?
  has_line "$work/out" "pending: T-PENDING: no vector can check it yet"
  check "check: prints a pending requirement" $?
  has_line "$work/out" "pending: ThrottlingException: needs a test control"
  check "check: prints a pending error type" $?
}

# conform --check with a PENDING that misses two names and lists a
# covered one, then with a line that names nothing.
test_check_faults() {
  local dir=$work/check
  mkdir "$dir" && cp "$here/pass/runner-pass.json" "$dir/"
  grep -v '^T-PENDING\|^ThrottlingException' "$here/pass/PENDING" \
    >"$dir/PENDING"
  echo "T-OK checked by the passing cases" >>"$dir/PENDING"
  run "$dir" --check
  check "check: exit status 1 when incomplete (got $rc)" \
    "$([ $rc = 1 ]; echo $?)"
  has_line "$work/out" "uncovered: requirement T-PENDING (MUST): A rule \
no vector can check yet: no case names it"
  check "check: names an uncovered requirement" $?
  has_line "$work/out" "uncovered: error type ThrottlingException: no \
outcome expects it"
  check "check: names an uncovered error type" $?
  has_line "$work/out" "stale: $dir/PENDING line 6 lists T-OK, but case \
pass-create covers it"
  check "check: names a stale PENDING entry" $?

  echo "T-NO-SUCH a name nothing defines" >>"$dir/PENDING"
  run "$dir" --check
  check "check: exit status 2 for a malformed PENDING (got $rc)" \
    "$([ $rc = 2 ]; echo $?)"
  has_text "$work/err" "$dir/PENDING: line 7: T-NO-SUCH: neither a \
requirement of $reqs nor an error type"
  check "check: names the PENDING line at fault" $?
}

# The failing set: exit 1, the lines of fail/expected, the rerun line,
# the failures counted in traceability.md.
test_fail() {
  local line
  run "$here/fail"
  check "fail: exit status 1 (got $rc)" "$([ $rc = 1 ]; echo $?)"
  while IFS= read -r line; do
    has_line "$work/out" "$line"
    check "fail: prints: $line" $?
  done <"$here/fail/expected"
  has_line "$work/out" "rerun one: $conform --vectors $here/fail \
--requirements $reqs --report-dir $work/reports --id fail-status"
  check "fail: the rerun line keeps the arguments that do not select" $?
  run "$here/fail" --id 'fail-*' --jobs 2 --strict
  has_line "$work/out" "rerun one: $conform --vectors $here/fail \
--requirements $reqs --report-dir $work/reports --id fail-status"
  check "fail: the rerun line drops --id, --jobs, --strict, --quiet" $?
  has_text "$work/reports/traceability.md" ", fail-excludes, \
fail-distinct, fail-message | 10 failed |"
  check "fail: traceability counts the failures" $?
}

# The schema finds the passing and failing sets valid.
test_schema() {
  if [ $schema = 0 ]; then
    echo "runner: python3-jsonschema is not installed; schema checks" \
      "skipped"
    return
  fi
  /usr/bin/python3 vectors/check-schema.py "$here/pass" "$here/fail" \
    "$here/auth" >"$work/out" 2>&1
  check "schema: pass/, fail/ and auth/ are valid" $?
}

# The signed set on the built-in target: it passes, the reset after a
# case with controls is recorded, requests carry their signature.
test_auth_pass() {
  local results=$work/reports/results.json
  run "$here/auth"
  check "auth: exit status 0 (got $rc)" "$(status_is 0; echo $?)"
  last_line "$work/out" "5 passed, 0 failed"
  check "auth: closing line" $?
  grep -Eq '"reset":[[:space:]]*true' "$results"
  check "auth: the reset after a case with controls is recorded" $?
  has_text "$results" "AWS4-HMAC-SHA256 Credential=AKIDCONFORMANCE1/\
20260101/us-east-1/omics/aws4_request, SignedHeaders=host;\
x-amz-content-sha256;x-amz-date, Signature="
  check "auth: requests are signed at the built-in clock" $?
  cp "$work/out" "$work/jobs1"
  run "$here/auth" --jobs 4
  cmp -s "$work/out" "$work/jobs1"
  check "auth: --jobs 4 prints what --jobs 1 prints" $?
}

# Cases the target cannot be put in the state of: not verified, counted
# apart, never passed; --strict fails the run.
test_not_verified() {
  local results=$work/reports/results.json
  run "$here/auth" --no-controls
  check "no-controls: exit status 0 (got $rc)" "$(status_is 0; echo $?)"
  next_to_last "$work/out" "2 not verified: the target offers no test \
controls"
  check "no-controls: the not verified line before the closing one" $?
  last_line "$work/out" "3 passed, 0 failed"
  check "no-controls: closing line" $?
  [ "$(grep -Ec '"outcome":[[:space:]]*"NOT VERIFIED"' "$results")" = 2 ]
  check "no-controls: results.json has 2 cases NOT VERIFIED" $?
  grep -Eq '"notVerified":[[:space:]]*2' "$results"
  check "no-controls: results.json counts them" $?
  has_text "$work/reports/junit.xml" '<skipped message="not verified: \
the target offers no test controls">'
  check "no-controls: junit.xml has them skipped, saying why" $?

  run "$here/auth" --no-controls --strict
  check "strict: exit status 1 (got $rc)" "$(status_is 1; echo $?)"
  has_line "$work/out" "--strict: the run fails, as 2 cases were not \
verified or skipped"
  check "strict: says why the run fails" $?

  run "$here/auth" --no-auth
  has_line "$work/out" "2 not verified: the run is not signed (--no-auth)"
  check "no-auth: the cases that shape a signature are not verified" $?
  check "no-auth: exit status 0 (got $rc)" "$(status_is 0; echo $?)"

  /usr/bin/python3 - "$work/one.json" <<'PY'
import json, sys
d = json.load(open("tests/credentials.json"))
d["principals"] = d["principals"][:1]
json.dump(d, open(sys.argv[1], "w"))
PY
  run "$here/auth" --credentials "$work/one.json"
  has_line "$work/out" "1 not verified: the credentials hold no \
principal AKIDNOSTORE0001"
  check "credentials: a principal they lack is not verified" $?
}

# The signing time and the options that refuse a run.
test_sign_options() {
  run "$here/auth" --id auth-plain --sign-time 2026-01-01T00:10:00Z
  check "sign-time: exit status 1 (got $rc)" "$(status_is 1; echo $?)"
  has_text "$work/out" "FAIL auth-plain: A correctly signed Create \
[T-OK]: step 1 (create an upload): expected 200, got 403"
  check "sign-time: 10 minutes off the built-in clock is refused" $?
  run "$here/auth" --sign-time 2026-02-30T00:00:00Z
  check "sign-time: no such day, exit status 2 (got $rc)" \
    "$(status_is 2; echo $?)"
  run "$here/auth" --credentials "$work/none.json"
  check "credentials: a missing file, exit status 2 (got $rc)" \
    "$(status_is 2; echo $?)"
  has_text "$work/err" "$work/none.json"
  check "credentials: the missing file is named" $?
  run "$here/auth" --no-auth --credentials tests/credentials.json
  check "no-auth with credentials: exit status 2 (got $rc)" \
    "$(status_is 2; echo $?)"
}

# Starts build/refserver with the options $@ on a free port; its port
# goes to $port, its pid to $server. Returns 1 when it did not start.
start_server() {
  rm -f "$work/server"
  build/refserver --port 0 --quiet "$@" >"$work/server" 2>&1 &
  server=$!
  local tries=0
  while ! grep -qs '^listening on ' "$work/server" &&
        [ $tries -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' \
    "$work/server")
  [ -n "$port" ]
}

# Stops the server started last.
stop_server() {
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  server=
}

# An HTTP target is asked once for its test controls.
test_probe() {
  if [ ! -x build/refserver ]; then
    echo "runner: build/refserver is not built; probe checks skipped"
    return
  fi
  start_server --credentials tests/credentials.json
  check "probe: refserver starts" $?
  run "$here/auth" --endpoint "http://127.0.0.1:$port"
  stop_server
  has_line "$work/err" "conform: no test controls, so the cases that \
need them are not verified: the probe POST /_mrsu/control {} was answered \
405 NotSupportedOperationException (message \"no operation is defined \
for this path\")"
  check "probe: a target without controls is named on stderr" $?
  has_line "$work/out" "2 not verified: the target offers no test \
controls"
  check "probe: its cases with controls are not verified" $?
  start_server --credentials tests/credentials.json --test-controls
  check "probe: refserver starts with --test-controls" $?
  run "$here/auth" --endpoint "http://127.0.0.1:$port"
  stop_server
  last_line "$work/out" "5 passed, 0 failed"
  check "probe: with test controls every case passes" $?
}

# A URL that can name no server, or a tag no case can have, is a usage
# error that says what would do.
test_bad_url() {
  run "$here/pass" --target http://127.0.0.1:0
  check "port 0: exit status 2 (got $rc)" "$(status_is 2; echo $?)"
  has_text "$work/err" "http://127.0.0.1:0: port 0 names no server"
  check "port 0: says why" $?
  run "$here/pass" --tag nosuch
  check "unknown tag: exit status 2 (got $rc)" "$(status_is 2; echo $?)"
  has_text "$work/err" "conform: unknown tag: nosuch; the tags are \
happy-path, constraint,"
  check "unknown tag: the known tags are named" $?
}

# A case with ownStore runs only on a store with no open upload: the
# runner aborts the uploads each case opened, runs such cases alone
# after the others, and checks the store first; a store that holds an
# upload the run did not open leaves the case not verified, saying why.
test_own_store() {
  local why="1 not verified: the case lists every open upload of its \
store, and store 0123456789 already holds some that it did not open: \
give the run an empty store (--store)"
  run "$here/own"
  last_line "$work/out" "2 passed, 0 failed"
  check "own store: both pass on the built-in target" $?
  if [ ! -x build/refserver ]; then
    echo "runner: build/refserver is not built; own store checks skipped"
    return
  fi
  start_server --credentials tests/credentials.json
  check "own store: refserver starts" $?
  run "$here/own" --endpoint "http://127.0.0.1:$port" --jobs 2
  last_line "$work/out" "2 passed, 0 failed"
  check "own store: one shared store: both pass" $?
  run "$here/own" --endpoint "http://127.0.0.1:$port" --jobs 2
  last_line "$work/out" "2 passed, 0 failed"
  check "own store: again: the uploads of the first run were aborted" $?
  grep -q '"tidy":[[:space:]]*true' "$work/reports/results.json"
  check "own store: results.json records the tidying exchanges" $?
  stop_server
  start_server
  check "own store: refserver starts without credentials" $?
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"sourceFileType":"FASTQ","subjectId":"s","sampleId":"x","name":"n"}' \
    "http://127.0.0.1:$port/sequencestore/0123456789/upload"
  run "$here/own" --endpoint "http://127.0.0.1:$port" --no-auth
  cp "$work/out" "$work/own-out"
  run "$here/auth" --endpoint "http://127.0.0.1:$port" --no-controls
  has_text "$work/err" "cases about signatures failed as the target \
accepted what they expect refused; if it checks no signature, run with \
--no-auth"
  check "no-auth hint: a target that checks no signature is named" $?
  mv "$work/own-out" "$work/out"
  stop_server
  next_to_last "$work/out" "$why"
  check "own store: a store with another's upload: not verified" $?
  last_line "$work/out" "1 passed, 0 failed"
  check "own store: the other case passes" $?
}

# The report folder: refused before anything runs when it is empty,
# a file, or the vector folder (where the next run would load
# results.json as a vector file).
test_report_dir() {
  local dir=$work/report-vectors
  mkdir "$dir" && cp "$here/pass/runner-pass.json" "$dir/"
  "$conform" --vectors "$dir" --requirements "$reqs" --quiet \
    --report-dir '' >"$work/out" 2>"$work/err"
  rc=$?
  check "report-dir '': exit status 2 (got $rc)" "$(status_is 2; echo $?)"
  has_line "$work/err" "conform: --report-dir needs a value that is not \
empty; see conform --help"
  check "report-dir '': says why" $?
  "$conform" --vectors "$dir" --requirements "$reqs" --quiet \
    --report-dir "$dir/" >"$work/out" 2>"$work/err"
  rc=$?
  check "report-dir the vector folder: exit status 2 (got $rc)" \
    "$(status_is 2; echo $?)"
  has_text "$work/err" "$dir/: is the vector folder"
  check "report-dir the vector folder: says why" $?
  [ ! -e "$dir/results.json" ] && [ ! -s "$work/out" ]
  check "report-dir the vector folder: nothing run, nothing written" $?
  run "$here/pass" --report-dir "$here/pass/runner-pass.json"
  check "report-dir a file: exit status 2 (got $rc)" \
    "$(status_is 2; echo $?)"
  [ ! -s "$work/out" ]
  check "report-dir a file: refused before any case runs" $?
}

# Output that cannot be written (a full disk) is not a result.
test_full_output() {
  if [ ! -w /dev/full ]; then
    echo "runner: /dev/full is missing; the full output check skipped"
    return
  fi
  "$conform" --vectors "$here/pass" --requirements "$reqs" --list \
    >/dev/full 2>"$work/err"
  rc=$?
  check "full output: exit status 2 (got $rc)" "$(status_is 2; echo $?)"
  has_line "$work/err" "conform: the standard output could not be \
written in full"
  check "full output: says so" $?
}

# A target that answers an id holding control characters: the capture
# fails the case (exit 1, not an ERROR), and nothing of the id reaches
# the output unescaped.
test_control_capture() {
  /usr/bin/python3 - "$work/stub-port" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b'{"uploadId":"\\u001b[2J\\u0007x\\nPASS"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_POST = do_PUT = do_GET = do_DELETE = answer
    def log_message(self, *args):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write("%d\n" % s.server_port)
s.serve_forever()
PY
  server=$!
  local tries=0
  while [ ! -s "$work/stub-port" ] && [ $tries -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  run "$here/pass" --id pass-abort --no-controls \
    --endpoint "http://127.0.0.1:$(cat "$work/stub-port")"
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  server=
  check "control capture: exit status 1 (got $rc)" "$(status_is 1; echo $?)"
  has_text "$work/out" 'capture upload: "\x1B[2J\x07x\nPASS" holds the \
control character 0x1B'
  check "control capture: the case fails, naming the capture" $?
  ! LC_ALL=C grep -q "$(printf '[\033\007]')" "$work/out" "$work/err"
  check "control capture: no control character reaches the output" $?
}

# --compare: the same run twice does not differ; a case with another
# outcome is named with both, by file when the targets are the same; a
# case in one run only is counted apart; either exits 1.
test_compare() {
  local a=$work/compare-a.json b=$work/compare-b.json
  run "$here/pass"
  cp "$work/reports/results.json" "$a"
  run "$here/pass"
  "$conform" --compare "$a" "$work/reports/results.json" >"$work/out" \
    2>"$work/err"
  check "compare: the same run: exit status 0 (got $?)" \
    "$(last_line "$work/out" "6 cases compared, 0 differ"; echo $?)"
  run "$here/pass" --skip pass-list
  cp "$work/reports/results.json" "$b"
  "$conform" --compare "$a" "$b" >"$work/out" 2>"$work/err"
  rc=$?
  check "compare: a differing case: exit status 1 (got $rc)" \
    "$(status_is 1; echo $?)"
  has_line "$work/out" "DIFFERS pass-list: PASS in $a, SKIPPED in $b: \
skipped by --skip"
  check "compare: the differing case, named by file" $?
  run "$here/pass" --id pass-list
  "$conform" --compare "$a" "$work/reports/results.json" >"$work/out" \
    2>"$work/err"
  rc=$?
  last_line "$work/out" "1 cases compared, 0 differ, 5 in one run only"
  check "compare: cases in one run only are counted apart" $?
  check "compare: one run only: exit status 1 (got $rc)" \
    "$(status_is 1; echo $?)"
}

# Starts tests/runner/hostile.py in mode $1: $server, $port, and the
# requests it gets in $work/hostile.log. Returns 0 once it listens.
start_hostile() {
  rm -f "$work/hostile-port" "$work/hostile.log"
  /usr/bin/python3 "$here/hostile.py" "$work/hostile-port" \
    "$work/hostile.log" "$1" >/dev/null 2>&1 &
  server=$!
  local tries=0
  while [ ! -s "$work/hostile-port" ] && [ $tries -lt 100 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  port=$(cat "$work/hostile-port" 2>/dev/null)
  [ -n "$port" ]
}

# 0 when file $1 is UTF-8 text, and JSON when $2 is "json".
valid_text() {
  /usr/bin/python3 -c 'import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
if sys.argv[2] == "json":
    json.loads(text)' "$1" "$2" 2>/dev/null
}

# Runs the own/ cases, or those of $2..., on hostile.py in mode $1,
# unsigned; the result as run leaves it.
run_hostile() {
  local mode=$1
  shift
  start_hostile "$mode"
  run "${dir:-$here/own}" --endpoint "http://127.0.0.1:$port" --no-auth \
    "$@"
  stop_server
}

# An uploadId that would not name the upload it came with, as one
# path segment, is not aborted: "..", bytes that are not UTF-8 (and the
# report stays UTF-8 JSON), an escaped NUL (no abort of what comes
# before it); one given as a number is aborted as the case would use it.
test_hostile_ids() {
  local mode
  for mode in id-dotdot id-badutf id-nul; do
    run_hostile "$mode" --id own-any
    check "$mode: the case passes (got $rc)" "$(status_is 0; echo $?)"
    ! grep -q '^DELETE' "$work/hostile.log"
    check "$mode: no abort is sent" $?
    valid_text "$work/reports/results.json" json
    check "$mode: results.json is UTF-8 JSON" $?
  done
  run_hostile id-number --id own-any
  has_line "$work/hostile.log" \
    "DELETE /sequencestore/0123456789/upload/1234567890/abort"
  check "id-number: the upload is aborted" $?
}

# A target that never answers the abort after a case is out of reach:
# the case is an ERROR, no later case starts, the run exits 3.
test_hostile_abort() {
  run_hostile abort-hang --timeout 1
  check "abort-hang: exit status 3 (got $rc)" "$(status_is 3; echo $?)"
  has_text "$work/out" "ERROR own-create: A Create that needs a store of \
its own [T-OK]: no answer to the abort of an upload the case opened: "
  check "abort-hang: the case is an ERROR, saying why" $?
  has_text "$work/out" "ERROR own-any: A Create on any store [T-OK]: not \
run: an earlier case found the target unreachable"
  check "abort-hang: the next case does not start" $?
}

# The check of a store: "uploads" that is not an array lists nothing;
# the reason a store with an open upload gives is cut whole characters
# at a time, however long the store id (results.json stays UTF-8).
test_hostile_list() {
  local store
  run_hostile list-object
  last_line "$work/out" "2 passed, 0 failed"
  check "list-object: both cases run and pass" $?
  store=x$(printf '\303\251%.0s' $(seq 200))
  run_hostile list-busy --store "$store"
  grep -q '^1 not verified: the case lists every open upload' "$work/out"
  check "list-busy: the case is not verified" $?
  valid_text "$work/reports/results.json" json
  check "list-busy: results.json is UTF-8 JSON" $?
}

# What a target answers reaches the output escaped: a long error type
# of the probe is cut whole characters at a time (stderr and
# results.json stay UTF-8), a message with U+202E and ESC is escaped.
test_hostile_answers() {
  dir=$here/auth run_hostile probe-long
  valid_text "$work/err" text
  check "probe-long: stderr is UTF-8" $?
  valid_text "$work/reports/results.json" json
  check "probe-long: results.json is UTF-8 JSON" $?
  run_hostile message-bidi --id own-any
  has_text "$work/out" 'got 400 ValidationException (message "ok '\
'\xE2\x80\xAE kO \x1B[2J")'
  check "message-bidi: the message is shown escaped" $?
  ! grep -q "$(printf '\342\200\256\|\033')" "$work/out"
  check "message-bidi: no U+202E or ESC reaches the output" $?
}

# What the command line or a results.json gives reaches stderr and
# stdout escaped; a store id with a control character is refused.
test_hostile_inputs() {
  local a=$work/hostile-a.json b=$work/hostile-b.json
  run "$here/pass" --tag "$(printf 'x\033[2J')"
  has_text "$work/err" 'conform: unknown tag: x\x1B[2J; the tags are'
  check "unknown tag: shown escaped" $?
  run "$here/pass" --endpoint http://127.0.0.1:9 --store "$(printf 'a\033')"
  check "store with ESC: exit status 2 (got $rc)" "$(status_is 2; echo $?)"
  has_line "$work/err" "conform: --store takes UTF-8 text without control \
characters; see conform --help"
  check "store with ESC: says why" $?
  printf '{"header":{"target":"%s"},"cases":[%s]}' 'A\u001b[2J' \
    '{"id":"c\u001b","outcome":"PASS"}' >"$a"
  printf '{"header":{"target":"%s"},"cases":[%s,%s]}' 'B\u0007' \
    '{"id":"c\u001b","outcome":"FAIL"}' \
    '{"id":"d\u202e","outcome":"PASS"}' >"$b"
  "$conform" --compare "$a" "$b" >"$work/out" 2>"$work/err"
  has_line "$work/out" 'DIFFERS c\x1B: PASS on A\x1B[2J, FAIL on B\x07'
  check "compare: the differing case is shown escaped" $?
  has_line "$work/out" "ONLY d\\xE2\\x80\\xAE: PASS in $b"
  check "compare: the case in one run only is shown escaped" $?
  ! grep -q "$(printf '[\033\007]')" "$work/out" "$work/err"
  check "compare: no control character reaches the output" $?
}

if [ ! -x "$conform" ]; then
  echo "runner: $conform is not built; run make first" >&2
  exit 2
fi
test_bad
test_pass
test_check_complete
test_check_faults
test_fail
test_auth_pass
test_not_verified
test_sign_options
test_probe
test_own_store
test_bad_url
test_compare
test_report_dir
test_full_output
test_control_capture
test_hostile_ids
test_hostile_abort
test_hostile_list
test_hostile_answers
test_hostile_inputs
test_schema
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
