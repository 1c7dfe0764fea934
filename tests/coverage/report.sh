#!/bin/sh
# The report and the gate of make coverage.
#
#   tests/coverage/report.sh BUILD_DIR OUT_DIR
#
# From the counts the runs left in BUILD_DIR:
#   - the marks of never.h in the core must match the list in
#     tests/coverage/EXCLUSIONS.md, and no core file may carry an
#     exclusion marker of lcov or gcovr (check-marks.sh);
#   - an lcov HTML report of every file of src/ goes to OUT_DIR
#     (index.html), with branch coverage;
#   - a table per file of src/, lines and branches, goes to stdout and
#     OUT_DIR/files.txt;
#   - the gate, with gcovr, on the core: the files of src/ that make
#     libmrsu.a (src/*.c but src/refserver*.c) must have 100% of their
#     lines and at least 95% of their branches covered. The server's
#     files are measured and shown, not gated; EXCLUSIONS.md says why.
# Ends with one summary line. Exit status 1 when a check fails.
set -u

build=$1
out=$2
LINES=100
BRANCHES=95
CORE="--filter src/ --exclude src/refserver"
status=0

sh tests/coverage/check-marks.sh || status=1

mkdir -p "$out"
lcov --quiet --capture --directory "$build" --base-directory . \
  --rc lcov_branch_coverage=1 --output-file "$build/all.info" 2>/dev/null &&
lcov --quiet --extract "$build/all.info" "$(pwd)/src/*" \
  --rc lcov_branch_coverage=1 --output-file "$build/src.info" &&
genhtml --quiet --branch-coverage --legend --output-directory "$out" \
  --title "CompleteMultipartReadSetUpload: src/" "$build/src.info" ||
  { echo "coverage: lcov could not make the HTML report" >&2; status=1; }

{
  echo "Lines, per file of src/ (the core is gated; refserver* is not):"
  gcovr -r . --object-directory "$build" --filter src/ --txt
  echo "Branches, per file of src/:"
  gcovr -r . --object-directory "$build" --filter src/ --txt -b
} >"$out/files.txt" 2>&1
cat "$out/files.txt"

# shellcheck disable=SC2086 # $CORE is a list of options
gcovr -r . --object-directory "$build" $CORE --print-summary \
  --fail-under-line $LINES --fail-under-branch $BRANCHES \
  >"$build/gate.txt" 2>&1
gate=$?
lines=$(sed -n 's/^lines: *\([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 (\2 of \3)/p' \
  "$build/gate.txt")
branches=$(sed -n 's/^branches: *\([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 (\2 of \3)/p' \
  "$build/gate.txt")
verdict=passed
if [ $gate -ne 0 ] || [ -z "$lines" ]; then
  verdict=FAILED
  status=1
  cat "$build/gate.txt" >&2
fi
echo "coverage: core (src/*.c but refserver*): lines $lines, branches" \
  "$branches; gate $LINES% lines, $BRANCHES% branches: $verdict;" \
  "HTML in $out/index.html"
exit $status
