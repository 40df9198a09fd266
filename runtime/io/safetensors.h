//===- safetensors.h - checkpoints in the safetensors format ---*- C++ -*-===//
//
// https://github.com/huggingface/safetensors: an 8-byte little-endian header
// length, a JSON header mapping each tensor to its dtype, shape and byte
// range, then the raw little-endian data. PyTorch and JAX read these files
// directly. String metadata (`__metadata__`) carries the step, the phase,
// the RNG position and the model's hash.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_SAFETENSORS_H
#define GMRT_IO_SAFETENSORS_H

#include "runtime/core/error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gmrt {

struct StoredTensor {
  std::string dtype; // "F32", "F64", "BF16", "I32", "I64", "U8"
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

struct Safetensors {
  std::map<std::string, std::string> metadata;
  std::map<std::string, StoredTensor> tensors;
};

/// Bytes per element of a safetensors dtype; 0 when unknown.
size_t dtypeSize(const std::string &dtype);

/// Writes atomically (temp file, fsync, rename).
void writeSafetensors(const std::string &path, const Safetensors &file);

/// A file that is not a valid safetensors file (truncated, damaged): its
/// remedy differs from that of one that cannot be read or does not fit.
class DamagedFile : public Error {
public:
  using Error::Error;
};

/// Reads and validates: every offset inside the file, sizes consistent with
/// shapes and dtypes. Throws DamagedFile saying what is wrong, or
/// gmrt::Error when the file cannot be read.
Safetensors readSafetensors(const std::string &path);

} // namespace gmrt

#endif // GMRT_IO_SAFETENSORS_H
