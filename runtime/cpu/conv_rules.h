//===- conv_rules.h - convolution rules the compiler predicts -*- C++ -*-===//
//
// Header-only, shared by the runtime (kernels.cpp, which runs convolutions
// by these rules) and the compiler (gm-propagate-layouts, which lays out
// the tensors between them to match): one rule each, so the two cannot
// drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CPU_CONV_RULES_H
#define GMRT_CPU_CONV_RULES_H

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gmrt::cpu {

/// A masked convolution runs on the smaller kernel its mask leaves (maskCrop
/// in kernels.cpp), so its layout rule sees that kernel's taps.
///
/// The range [first, last] of the kernel rows (or columns) a mask keeps
/// (`live[i]`: whether row i keeps a tap), widened so that dropping the rest
/// leaves no negative padding: the positions dropped before it must lie in
/// the padding before the input, those after it in the padding after.
template <typename Live>
std::pair<int64_t, int64_t> liveRange(const Live &live, int64_t padBefore,
                                      int64_t padAfter, int64_t dilation) {
  int64_t k = live.size(), first = 0, last = k - 1;
  while (first < k - 1 && !live[first])
    ++first;
  while (last > first && !live[last])
    --last;
  first = std::min(first, padBefore / dilation);
  last = std::max(last, k - 1 - padAfter / dilation);
  return {first, last};
}

/// Which sides of a convolution oneDNN lays out itself (blocked) rather
/// than plain NCHW: `x` its input and input gradient, `y` its output,
/// output gradient and the weights. Measured on this machine's
/// convolutions (bench/RESULTS.md): blocked runs kernels wider than 1x1
/// over 8 or more channels 1.3-3x faster; plain wins for 1x1 kernels
/// (gemm). Over fewer input channels (a first layer over images) oneDNN's
/// jit forward and weight gradient read the input plain and the output
/// side blocked, 2-4x faster than gemm (1 -> 32 k4 s2: 0.048 against
/// 0.115 ms and 0.035 against 0.133), and its input gradient then stays
/// gemm, with a plain output gradient (blocked, it was 2.5-8x slower). A
/// fixed rule, not a timing at start: every run of a trainer computes with
/// the same kernels, bit for bit. (A 1x1 convolution over whole images
/// computes in the layout of the caller's buffers: kernels.cpp
/// convLayouts.)
struct ConvLayouts {
  bool x = false, y = false;
};

/// The rule for a convolution over `taps` kernel positions (those it
/// computes with, after a mask's crop).
inline ConvLayouts blockedSides(int64_t inChannels, int64_t outChannels,
                                int64_t groups, int64_t taps) {
  bool y = taps > 1 && outChannels / groups >= 8;
  return {y && inChannels / groups >= 8, y};
}

/// The input-gradient pass: blocked on both sides or on none, as the
/// forward input is (its gemm kernel on a blocked output gradient was
/// 2.5-8x slower).
inline ConvLayouts inputGradientSides(ConvLayouts forward) {
  return {forward.x, forward.x};
}

} // namespace gmrt::cpu

#endif // GMRT_CPU_CONV_RULES_H
