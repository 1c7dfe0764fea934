#!/bin/bash
# tests/bench/report.sh: writes reports/bench.md on stdout from the raw
# output of tests/bench/run.sh.
#
#   report.sh RAW SECONDS LOAD_BEFORE LOAD_AFTER
set -u

RAW=$1
SECONDS_TAKEN=$2
LOAD_BEFORE=$3
LOAD_AFTER=$4

# The table row of one figure: number, name, what it measures, unit.
row() {
  local number=$1 name=$2 what=$3 line value goal met
  line=$(grep -m1 "^figure $name: " "$RAW")
  if [ -z "$line" ]; then
    printf '| %s | %s | not measured (see below) | | |\n' "$number" \
      "$what"
    return
  fi
  value=$(echo "$line" | sed 's/^figure [^:]*: \([^ ]*\) .*/\1/')
  goal=$(echo "$line" | sed -n 's/.*(goal: \([^)]*\)).*/\1/p')
  met=$(echo "$line" | sed -n 's/.*) \(met\|not met\)$/\1/p')
  [ -n "$goal" ] || goal="none set"
  [ -n "$met" ] || met="-"
  [ "$met" = met ] && met=yes
  [ "$met" = "not met" ] && met=no
  printf '| %s | %s | %s | %s | %s |\n' "$number" "$what" "$value" \
    "$goal" "$met"
}

cat <<EOF
# Benchmarks

Written by \`make bench\` (tests/bench/run.sh); every number below comes
from one run of it. Each figure is the ratio of two measurements taken
in the same run, so that the speed of the machine cancels out.

## Figures

| # | figure | measured | goal | met? |
|---|---|---|---|---|
EOF
row 1 suite-vs-parse "suite replay on the built-in target: CPU time of \
\`conform\` over CPU time of cJSON_Parse of the same vector files"
row 2 complete-vs-parse "Complete of 10,000 parts in each of two \
sources through mrsu_handle, over cJSON_Parse of its body"
row 2 complete-linear "Complete: largest growth of the cost per listed \
part from one size to the next (100, 1,000, 10,000 parts per source); \
a quadratic step would show as about 10"
row 3 complete-http-vs-405 "refserver: repeated Complete over HTTP \
(wrk, keep-alive), requests per second over those of an unknown path \
(405)"
row 4 part-vs-sha256 "UploadReadSetPart of 100 MiB parts over HTTP, \
MB/s over OpenSSL SHA-256 MB/s of the same bytes in memory"
row 5 memory-per-part "refserver peak resident set (VmHWM) less its \
idle resident set, in bytes per part held (10,000 open uploads of 100 \
parts)"
row 6 suite-http-vs-builtin "suite replay over HTTP with \`--jobs 8\`, \
cases per second over the built-in target's"

cat <<EOF

## The machine and the run

- $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo |
  sed 's/.*: //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' \
  /proc/meminfo) of memory; $(uname -sr)
- load average (1, 5, 15 minutes) before the run: $LOAD_BEFORE; after:
  $LOAD_AFTER (other work on the machine shows here; the figures are
  ratios taken side by side, and the in-process ones are CPU times, so
  that such work counts for neither side)
- \`make bench\` took ${SECONDS_TAKEN} s after the build; the memory
  benchmark (a million requests) is most of it
EOF
cat tests/bench/method.md
printf '\n## Raw measurements\n'
awk '
  /^$/ { next }
  /^## / { if (open) print "```"; print ""; print "#" $0; print "";
           print "```"; open = 1; next }
  { print }
  END { if (open) print "```" }' "$RAW"
