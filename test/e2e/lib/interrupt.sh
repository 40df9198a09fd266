#!/usr/bin/env bash
# Starts a long training run, waits until it has logged a step, sends it
# SIGINT and prints its output and exit status; then resumes the run for
# ten more steps and prints what that says.
#   interrupt.sh TRAINER OUTDIR DATAROOT
trainer=$1
out=$2
data=$3
rm -rf "$out"
"$trainer" train --steps 100000 --out "$out" --data "$data" --log-every 10 \
  > "$out.stdout" 2> "$out.stderr" &
pid=$!
for _ in $(seq 600); do
  [[ -s $out/metrics.jsonl ]] && break
  sleep 0.1
done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
cat "$out.stdout"
echo "status $status"
step=$(sed -n 's/^interrupted at step \([0-9]*\);.*/\1/p' "$out.stdout")
[[ -n $step ]] || exit 1
"$trainer" train --steps $((step + 10)) --resume --out "$out" --data "$data" 2>/dev/null
