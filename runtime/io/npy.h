//===- npy.h - NumPy .npy files --------------------------------*- C++ -*-===//
//
// Version 1.0/2.0 .npy files of little-endian uint8, int32 or float32 in C
// order: datasets of your own (`npy("x.npy", ...)` in a model) and raw
// samples (`./trainer sample -o samples.npy`) for other tools.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_NPY_H
#define GMRT_IO_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace gmrt {

enum class NpyType { U8, I32, F32 };

struct NpyArray {
  NpyType type = NpyType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes; // row-major, little-endian

  int64_t elements() const;
  /// The values converted to float (u8 and i32 as they are).
  std::vector<float> toFloat() const;
};

/// Reads an .npy file; throws gmrt::Error naming the file and the problem.
NpyArray readNpy(const std::string &path);

/// Writes float32 data of `shape` as an .npy file, atomically.
void writeNpy(const std::string &path, const std::vector<int64_t> &shape,
              const float *data);

} // namespace gmrt

#endif // GMRT_IO_NPY_H
