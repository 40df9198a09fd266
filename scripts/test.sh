#!/usr/bin/env bash
# The test command (README.md): installs the dependencies, builds everything,
# runs every test — lit + FileCheck and the GoogleTest unit tests — printing
# the counts, flags calls that build IR in two of their arguments
# (scripts/check-build-order.sh), then fuzzes the front end for
# $GMC_FUZZ_SECONDS (default 60).
# Build directories: $GMC_BUILD_DIR (default build/), build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
cmake --build "$build" --target check
# No call builds IR in two arguments (their order is the C++ compiler's).
bash "$root/scripts/check-build-order.sh" "$build"
# The front end never crashes, leaks or hangs on arbitrary bytes.
GMC_FUZZ_SECONDS="${GMC_FUZZ_SECONDS:-60}" bash "$root/scripts/fuzz.sh"
