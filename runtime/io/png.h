//===- png.h - sample grids as PNG images ----------------------*- C++ -*-===//

#ifndef GMRT_IO_PNG_H
#define GMRT_IO_PNG_H

#include <cstdint>
#include <string>

namespace gmrt {

/// Checks, before the images exist, that `n` images of height x width,
/// `columns` wide, make a grid a PNG can hold (libpng writes at most a
/// million pixels a side); throws gmrt::Error with the size and the remedy.
void checkPngGrid(const std::string &path, int64_t n, int64_t height,
                  int64_t width, int64_t columns);

/// Writes `n` images of `channels` (1 or 3) x `height` x `width` floats
/// (NCHW) as one PNG grid, `columns` images wide with a 2-pixel border.
/// Values map linearly from [low, high] to [0, 255] and are clamped.
/// Written atomically.
void writePngGrid(const std::string &path, const float *images, int64_t n,
                  int64_t channels, int64_t height, int64_t width,
                  int64_t columns, float low = 0.0f, float high = 1.0f);

} // namespace gmrt

#endif // GMRT_IO_PNG_H
