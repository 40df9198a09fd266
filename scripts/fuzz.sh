#!/usr/bin/env bash
# Fuzzes the front end: builds it with clang, libFuzzer and AddressSanitizer
# (build dir $GMC_FUZZ_BUILD_DIR, default build-fuzz/) and runs it for
# $GMC_FUZZ_SECONDS (default 60) on a seed corpus made from the reference
# models and the front-end tests. A crash, leak or hang (10 s per input)
# fails the run; the reproducer is left in build-fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GMC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${GMC_FUZZ_SECONDS:-60}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
  -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
  -DGMC_BUILD_FUZZER=ON > /dev/null
cmake --build "$build" --target gmc-fuzz

corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
cp "$root"/models/*.gm "$corpus"/
find "$root/test/Frontend" -name '*.gm' -exec cp {} "$corpus"/ \;
echo "fuzzing the front end for ${seconds}s on $(ls "$corpus" | wc -l) seed files"
"$build/bin/gmc-fuzz" "$corpus" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
  -dict="$root/tools/gmc-fuzz/gm.dict" -artifact_prefix="$build/artifacts/"
