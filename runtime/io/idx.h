//===- idx.h - IDX files (MNIST, Fashion-MNIST) ----------------*- C++ -*-===//
//
// The IDX format of LeCun's MNIST: a big-endian magic (0, 0, type, rank),
// the dimensions, then the data. Files may be gzip-compressed (Debian's
// dataset-fashion-mnist ships them so).
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_IDX_H
#define GMRT_IO_IDX_H

#include <cstdint>
#include <string>
#include <vector>

namespace gmrt {

/// An IDX file of unsigned bytes (type 0x08): dimensions and data.
struct IdxBytes {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// Reads a `.gz` or raw IDX file of unsigned bytes; throws gmrt::Error that
/// names the file and the problem (missing, not IDX, truncated, ...).
IdxBytes readIdx(const std::string &path);

} // namespace gmrt

#endif // GMRT_IO_IDX_H
