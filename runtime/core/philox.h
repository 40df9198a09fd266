//===- philox.h - Philox4x32-10 counter-based random numbers -- -*- C++ -*-===//
//
// Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC'11). A
// counter-based generator: the numbers at a counter depend only on (key,
// counter), so every element of every random tensor can be drawn
// independently — on any thread, on the CPU or the GPU — and a resumed run
// draws exactly what an uninterrupted one would have. Header-only and free
// of dependencies: the runtime, the generated kernels' helpers and the
// reference evaluator all include it.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_PHILOX_H
#define GMRT_CORE_PHILOX_H

#include <array>
#include <cstdint>

namespace gmrt {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

/// Philox4x32 with 10 rounds (the Random123 reference constants).
inline PhiloxCounter philox4x32(PhiloxCounter ctr, PhiloxKey key) {
  constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = uint64_t(kMul0) * ctr[0];
    uint64_t p1 = uint64_t(kMul1) * ctr[2];
    uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
    uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
    ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
    key = {key[0] + kWeyl0, key[1] + kWeyl1};
  }
  return ctr;
}

} // namespace gmrt

#endif // GMRT_CORE_PHILOX_H
