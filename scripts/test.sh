#!/usr/bin/env bash
# The test command (README.md): installs the dependencies, builds everything,
# runs every test — lit + FileCheck and the GoogleTest unit tests — printing
# the counts, then fuzzes the front end for $GMC_FUZZ_SECONDS (default 60).
# Build directories: $GMC_BUILD_DIR (default build/), build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_BUILD_DIR:-$root/build}"

bash "$root/scripts/build.sh"
cmake --build "$build" --target check
# The front end never crashes, leaks or hangs on arbitrary bytes.
GMC_FUZZ_SECONDS="${GMC_FUZZ_SECONDS:-60}" bash "$root/scripts/fuzz.sh"
