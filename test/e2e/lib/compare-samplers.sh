#!/usr/bin/env bash
# Compiles a gm IR file to a trainer, then draws every sampler's results
# twice — compiled (untrained variables, seed 0) and on the reference
# evaluator — and compares them with gm-compare, one line per result.
#
#   compare-samplers.sh MODEL.mlir WORKDIR [RTOL]
set -euo pipefail
file=$1
dir=$2
rtol=${3:-1e-4}
rm -rf "$dir"
mkdir -p "$dir/compiled" "$dir/reference"
gmc compile "$file" -o "$dir/model"
status=0
for sampler in $(gm-eval "$file" --list-samplers); do
  "$dir/model" sample --init --sampler "$sampler" -o "$dir/compiled/$sampler.npy" > /dev/null
  gm-eval "$file" --sampler="$sampler" --npy="$dir/reference/$sampler"
  for compiled in "$dir/compiled/$sampler".npy "$dir/compiled/$sampler".*.npy; do
    [[ -e $compiled ]] || continue
    name=$(basename "$compiled")
    gm-compare "$compiled" "$dir/reference/$name" --rtol "$rtol" | sed "s|^.*/compiled/||" || status=1
  done
done
exit $status
