#!/bin/sh
# Keeps the list of marks honest: every NEVER() and ALWAYS() in the
# core (src/*.c but refserver*.c) has its row in the table of
# tests/coverage/EXCLUSIONS.md, which names the file, and each file has
# as many rows as marks; no core file carries an exclusion marker of
# lcov or gcovr (LCOV_EXCL, GCOVR_EXCL). Prints what disagrees; exits 1
# then.
set -u

list=tests/coverage/EXCLUSIONS.md
status=0
for f in src/*.c; do
  case $f in src/refserver*) continue ;; esac
  in_code=$(grep -o 'NEVER(\|ALWAYS(' "$f" | wc -l | tr -d ' ')
  in_list=$(grep -c "^| \`$f\` |" "$list")
  if [ "$in_code" != "$in_list" ]; then
    echo "coverage: $f has $in_code NEVER/ALWAYS marks, $list lists" \
      "$in_list:" >&2
    grep -n 'NEVER(\|ALWAYS(' "$f" | sed 's/^/  /' >&2
    status=1
  fi
  if grep -n 'LCOV_EXCL\|GCOVR_EXCL' "$f" >&2; then
    echo "coverage: $f carries an exclusion marker; mark the branch with" \
      "NEVER() or ALWAYS() (src/never.h) instead" >&2
    status=1
  fi
done
exit $status
