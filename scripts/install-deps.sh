#!/usr/bin/env bash
# Installs every Debian package gmc needs to build, test and train.
#
# Idempotent: when everything is already installed it only runs dpkg-query and
# returns within seconds (no apt-get update, no network).
set -euo pipefail

packages=(
  # Build tools.
  cmake ninja-build g++ python3 pkg-config clang-format
  # LLVM/MLIR 22: headers, CMake configs, mlir-tblgen, FileCheck, lit, not, llc.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # clang 22 and its runtimes: the front-end fuzzer (-fsanitize=fuzzer,address).
  clang-22 libclang-rt-22-dev
  # clang-query 22: scripts/check-build-order.sh.
  clang-tools-22
  # Runtime libraries: oneDNN kernels, checkpoints/PNG/datasets, JSON metadata.
  libdnnl-dev zlib1g-dev libpng-dev nlohmann-json3-dev
  # Eigen (header-only): the eigensolver of the FID statistic.
  libeigen3-dev
  # Unit tests.
  libgtest-dev googletest
  # Data: Fashion-MNIST IDX files under /usr/share/datasets/fashion-mnist.
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
