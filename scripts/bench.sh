#!/usr/bin/env bash
# The benchmark (bench/run.py): every reference model's training step,
# compiled by gmc and in PyTorch eager, side by side; writes
# bench/RESULTS.md. Installs what the comparison needs first: Debian's
# python3-torch and an optimized BLAS for it (OpenBLAS, OpenMP build).
# Takes a few minutes; not part of the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$root/scripts/build.sh"
packages=(python3-torch libopenblas0-openmp)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi
/usr/bin/python3 "$root/bench/run.py" "$@"
