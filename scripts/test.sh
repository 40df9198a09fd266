#!/usr/bin/env bash
# The test command (README.md): installs the dependencies, builds everything,
# runs every test — lit + FileCheck and the GoogleTest unit tests — printing
# the counts, checks that no call builds IR in two of its arguments
# (scripts/check-build-order.sh), then fuzzes the front end for
# $GMC_FUZZ_SECONDS (default 60).
# Build directories: $GMC_BUILD_DIR (default build/), build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
cmake --build "$build" --target check
# The IR's order does not depend on the host C++ compiler.
bash "$root/scripts/check-build-order.sh" "$build"
# The front end never crashes, leaks or hangs on arbitrary bytes.
GMC_FUZZ_SECONDS="${GMC_FUZZ_SECONDS:-60}" bash "$root/scripts/fuzz.sh"
