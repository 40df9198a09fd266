//===- random.h - gmc's random streams on top of Philox ---------*- C++ -*-===//
//
// How gmc turns (seed, stream, element) into numbers. Every random tensor in
// a model is a stream: a random op draws stream (op id, step, repeat
// iteration); an initializer draws stream (variable hash, kInitStep). Element
// e of a stream uses Philox block e / 4, lane e % 4:
//
//   key     = {seed & 0xffffffff, seed >> 32}
//   counter = {e / 4, stream.id, stream.step, stream.iteration}
//
// The distributions below are what every backend must compute, bit for bit
// in the 32-bit draws and to rounding in the transforms.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_RANDOM_H
#define GMRT_CORE_RANDOM_H

#include "runtime/core/philox.h"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace gmrt {

/// Identifies one random tensor of one step.
struct Stream {
  uint32_t id = 0;
  uint32_t step = 0;
  uint32_t iteration = 0;
};

/// The `step` of initializer streams: never a training step.
constexpr uint32_t kInitStep = 0xFFFFFFFFu;

/// The 32-bit draw for element `e` of `stream`.
inline uint32_t randomBits(uint64_t seed, Stream stream, uint64_t e) {
  PhiloxKey key = {uint32_t(seed), uint32_t(seed >> 32)};
  PhiloxCounter ctr = {uint32_t(e / 4), stream.id, stream.step,
                       stream.iteration};
  return philox4x32(ctr, key)[e % 4];
}

/// A uniform number in the open interval (0, 1): never 0, so logs are finite.
inline double uniformOpen(uint32_t bits) { return (bits + 0.5) * 0x1p-32; }

/// Element `e` of U(low, high).
inline double uniformAt(uint64_t seed, Stream stream, uint64_t e, double low,
                        double high) {
  return low + (high - low) * uniformOpen(randomBits(seed, stream, e));
}

/// Element `e` of N(0, 1) by Box-Muller on lane pairs: elements 2k and 2k+1
/// share the draws of lanes 2k and 2k+1.
inline double normalAt(uint64_t seed, Stream stream, uint64_t e) {
  uint64_t first = e & ~uint64_t(1);
  double u1 = uniformOpen(randomBits(seed, stream, first));
  double u2 = uniformOpen(randomBits(seed, stream, first + 1));
  double radius = std::sqrt(-2.0 * std::log(u1));
  double angle = 2.0 * M_PI * u2;
  return (e & 1) ? radius * std::sin(angle) : radius * std::cos(angle);
}

/// Gumbel(0, 1) noise for element `e`: categorical sampling is
/// argmax(logits + gumbel) along the class axis.
inline double gumbelAt(uint64_t seed, Stream stream, uint64_t e) {
  return -std::log(-std::log(uniformOpen(randomBits(seed, stream, e))));
}

/// The stream id of a variable's initializer: FNV-1a of its name, so that
/// adding a parameter does not change the others' initial values.
inline uint32_t initStreamId(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name)
    h = (h ^ c) * 16777619u;
  return h;
}

} // namespace gmrt

#endif // GMRT_CORE_RANDOM_H
