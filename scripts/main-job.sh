#!/usr/bin/env bash
# The main job (README.md): installs the dependencies, builds gmc, compiles
# the VAE to a trainer, trains it for about a minute on Fashion-MNIST,
# evaluates it on the test split and writes a grid of samples.
#
# Outputs go to out/ (GMC_OUT_DIR): the trainer, its checkpoint and
# metrics.jsonl, and vae-samples.png. GMC_EPOCHS changes the training length.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"
out="${GMC_OUT_DIR:-$root/out}"
epochs="${GMC_EPOCHS:-4}"

bash "$root/scripts/build.sh"
mkdir -p "$out"

echo
echo "== gmc compile models/vae.gm -o $out/vae"
"$build/bin/gmc" compile "$root/models/vae.gm" -o "$out/vae"
"$out/vae" info
echo
echo "== $out/vae train --epochs $epochs (Fashion-MNIST)"
"$out/vae" train --epochs "$epochs" --out "$out/vae-run" --log-every 500 \
  --overwrite
echo
echo "== $out/vae eval (test split)"
"$out/vae" eval --checkpoint "$out/vae-run/checkpoint.safetensors"
echo
echo "== $out/vae sample"
"$out/vae" sample --checkpoint "$out/vae-run/checkpoint.safetensors" -n 64 \
  -o "$out/vae-samples.png"
echo
echo "samples: $out/vae-samples.png"
