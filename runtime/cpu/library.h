//===- library.h - the library ops of a compiled model ----------*- C++ -*-===//
//
// One object per library op instance of the model info's "library" list,
// built when the trainer starts (oneDNN primitives included) and run by
// gmrt_library on the operand addresses the generated code passes.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CPU_LIBRARY_H
#define GMRT_CPU_LIBRARY_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>

namespace gmrt::cpu {

/// What a call knows besides its operands: the random stream's position,
/// and for a draw at one position of an autoregressive step
/// (gmrt_library_at) that position (-1: the whole op).
struct CallContext {
  uint64_t seed = 0;
  uint32_t step = 0;
  uint32_t iteration = 0;
  int64_t position = -1;
};

class LibraryOp {
public:
  virtual ~LibraryOp() = default;
  /// `operands`: the op's inputs then its outputs (docs/runtime-abi.md).
  virtual void run(const CallContext &context, void *const *operands) = 0;
};

/// Builds the op a descriptor describes; throws gmrt::Error naming the
/// descriptor's "loc" for kinds or geometries the runtime cannot run.
std::unique_ptr<LibraryOp> makeLibraryOp(const nlohmann::json &descriptor);

} // namespace gmrt::cpu

#endif // GMRT_CPU_LIBRARY_H
