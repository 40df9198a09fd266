#!/usr/bin/env bash
# The main job (README.md): installs the dependencies, builds gmc, compiles
# the VAE and runs what exists of the pipeline today.
#
# The CPU backend (issue 5) is not in the tree yet, so there is no trainer
# executable to train on Fashion-MNIST and write a sample grid. Until it
# lands, this job compiles models/vae.gm to gm IR, differentiates it and
# expands its optimizer (the passes the backend will run first), and runs
# two training steps and a sample on the reference evaluator, with synthetic
# data standing in for Fashion-MNIST.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"
out="${GMC_OUT_DIR:-$root/out}"

bash "$root/scripts/build.sh"
mkdir -p "$out"

echo
echo "== gmc check models/vae.gm"
"$build/bin/gmc" check "$root/models/vae.gm"
echo "== gmc compile models/vae.gm -> $out/vae.mlir (gm IR as written)"
"$build/bin/gmc" compile "$root/models/vae.gm" -o "$out/vae.mlir"
echo "== gm-opt --gm-train-pipeline -> $out/vae-lowered.mlir (autodiff, Adam)"
"$build/bin/gm-opt" --gm-train-pipeline "$out/vae.mlir" -o "$out/vae-lowered.mlir"
echo "== two training steps on the reference evaluator (synthetic data)"
"$build/bin/gm-eval" "$out/vae-lowered.mlir" --phase=train --steps=2
echo
echo "Not yet: a trainer executable that trains on Fashion-MNIST and writes"
echo "a sample grid PNG; that is the CPU backend (issue 5)."
