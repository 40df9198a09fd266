//===- mask_crop.h - a masked convolution's computed kernel ---*- C++ -*-===//
//
// Header-only, shared by the runtime (kernels.cpp maskCrop, which runs
// the convolution on the smaller kernel) and the compiler
// (gm-propagate-layouts, which needs the kernel size the runtime's layout
// rule sees): one rule, so the two cannot drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CPU_MASK_CROP_H
#define GMRT_CPU_MASK_CROP_H

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gmrt::cpu {

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

} // namespace gmrt::cpu

#endif // GMRT_CPU_MASK_CROP_H
