#!/usr/bin/env bash
# The test command (README.md): installs the dependencies, builds everything
# and runs every test — lit + FileCheck and the GoogleTest unit tests — and
# prints the counts. Build directory: $GMC_BUILD_DIR (default: build/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build"
cmake --build "$build" --target check
