//===- png.cpp - sample grids as PNG images -------------------------------===//

#include "runtime/io/png.h"

#include "runtime/core/error.h"
#include "runtime/io/file.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace gmrt {

namespace {
void appendToString(png_structp png, png_bytep data, png_size_t length) {
  auto *out = static_cast<std::string *>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char *>(data), length);
}
void noFlush(png_structp) {}

/// libpng's errors become the Error thrown (not its own lines on stderr).
void onPngError(png_structp png, png_const_charp message) {
  *static_cast<std::string *>(png_get_error_ptr(png)) = message;
  png_longjmp(png, 1);
}
void onPngWarning(png_structp, png_const_charp) {}

/// A grid's layout: `columns` x `rows` tiles with a 2-pixel border.
struct Grid {
  int64_t columns, rows, width, height;
};
constexpr int64_t kBorder = 2;
constexpr int64_t kMaxSide = 1000000; // libpng's default user limit

/// The grid's layout, or an error when a PNG cannot hold it.
Grid checkedGrid(const std::string &path, int64_t n, int64_t height,
                 int64_t width, int64_t columns) {
  Grid g;
  g.columns = std::max<int64_t>(1, std::min(columns, n));
  g.rows = (n + g.columns - 1) / g.columns;
  g.width = g.columns * (width + kBorder) + kBorder;
  g.height = g.rows * (height + kBorder) + kBorder;
  if (g.width > kMaxSide || g.height > kMaxSide)
    throw Error(path + ": " + std::to_string(n) + " images " +
                std::to_string(g.columns) + " wide make a grid of " +
                std::to_string(g.width) + " x " + std::to_string(g.height) +
                " pixels, and a PNG writer takes at most " +
                std::to_string(kMaxSide) +
                " a side; give --columns, draw fewer (-n) or write .npy");
  return g;
}
} // namespace

void checkPngGrid(const std::string &path, int64_t n, int64_t height,
                  int64_t width, int64_t columns) {
  (void)checkedGrid(path, n, height, width, columns);
}

void writePngGrid(const std::string &path, const float *images, int64_t n,
                  int64_t channels, int64_t height, int64_t width,
                  int64_t columns, float low, float high) {
  if (channels != 1 && channels != 3)
    throw Error(path + ": cannot write " + std::to_string(channels) +
                "-channel images as PNG (1 or 3)");
  if (n < 1 || height < 1 || width < 1)
    throw Error(path + ": no images to write");
  Grid grid = checkedGrid(path, n, height, width, columns);
  const int64_t border = kBorder, gridW = grid.width, gridH = grid.height;
  columns = grid.columns;
  std::vector<uint8_t> pixels(static_cast<size_t>(gridW * gridH * channels), 0);
  float scale = high > low ? 255.0f / (high - low) : 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    int64_t top = border + (i / columns) * (height + border);
    int64_t left = border + (i % columns) * (width + border);
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
          float v = images[((i * channels + c) * height + y) * width + x];
          float scaled = std::isnan(v) ? 0.0f : (v - low) * scale;
          pixels[((top + y) * gridW + left + x) * channels + c] =
              static_cast<uint8_t>(std::clamp(std::lround(scaled), 0L, 255L));
        }
  }

  std::string encoded, why;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &why,
                                            onPngError, onPngWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw Error(path + ": cannot initialize libpng");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw Error(path + ": libpng failed to encode the grid: " + why);
  }
  png_set_write_fn(png, &encoded, appendToString, noFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(gridW),
               static_cast<png_uint_32>(gridH), 8,
               channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int64_t y = 0; y < gridH; ++y)
    png_write_row(png, pixels.data() + y * gridW * channels);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  writeFileAtomically(path, encoded);
}

} // namespace gmrt
