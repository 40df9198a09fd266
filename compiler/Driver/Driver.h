//===- Driver.h - from gm IR to a trainer executable ------------*- C++ -*-===//
//
// The back half of `gmc compile`: the gm pipeline, memory planning and
// gm-to-cpu on the module the front end made, then LLVM (optimization and
// object emission for the host CPU), then the link with the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef GM_DRIVER_DRIVER_H
#define GM_DRIVER_DRIVER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"

#include <string>

namespace gmc {

enum class Emit { Ast, Mlir, MlirOpt, Llvm, Obj, Exe };

struct BackendOptions {
  /// LLVM optimization level, 0 to 3.
  unsigned optLevel = 2;
  /// The CPU to generate code for; "native" is the host's.
  std::string targetCpu = "native";
  bool printIrAfterAll = false;
  /// Runs gm-fuse (off to measure what fusion buys).
  bool fuse = true;
};

/// Runs the gm passes up to memory planning (what --emit=mlir-opt prints).
mlir::LogicalResult optimizeModel(mlir::ModuleOp module,
                                  const BackendOptions &options,
                                  mlir::TimingScope &timing);

/// Lowers an optimized module through gm-to-cpu to the LLVM dialect and
/// writes `what` (Llvm: IR text, Obj: an object file) to `path`.
mlir::LogicalResult emitNative(mlir::ModuleOp module, Emit what,
                               const std::string &path,
                               const BackendOptions &options,
                               mlir::TimingScope &timing);

/// Links `object` with the runtime into the executable `output`.
mlir::LogicalResult linkTrainer(const std::string &object,
                                const std::string &output,
                                mlir::TimingScope &timing);

} // namespace gmc

#endif // GM_DRIVER_DRIVER_H
