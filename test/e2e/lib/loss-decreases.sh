#!/usr/bin/env bash
# Prints whether KEY fell between the first and the last record of a
# trainer's metrics.jsonl (each record is the mean over a logging interval).
#   loss-decreases.sh METRICS.jsonl KEY [PHASE]
# With PHASE, only that phase's records (a file that several phases append
# to).
set -euo pipefail
records=$(grep "\"phase\":\"${3:-[^\"]*}\"" "$1" || true)
values=$(echo "$records" | grep -o "\"$2\":[-0-9.eE+]*" | cut -d: -f2 || true)
# Here-strings, not pipes: `echo | head -1` may end echo by SIGPIPE, which
# pipefail turns into a failure (seen once in CI).
first=$(head -1 <<<"$values")
last=$(tail -1 <<<"$values")
[[ -n $first && -n $last ]] || { echo "$2: not in $1"; exit 1; }
if awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }'; then
  echo "$2 decreased: $first -> $last"
else
  echo "$2 did not decrease: $first -> $last"
  exit 1
fi
