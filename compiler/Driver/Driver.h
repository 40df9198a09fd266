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
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

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
  /// Folds convolutions' and matmuls' bias and activation into them (off to
  /// measure what that buys).
  bool epilogues = true;
  /// Runs gm-propagate-layouts (off to measure what it buys).
  bool layouts = true;
  /// Runs gm-window-rows (off to measure what it buys).
  bool windows = true;
  /// Convolutions and matmuls: "f32", or "bf16" (bf16 operands, f32
  /// accumulation, results and weights).
  std::string precision = "f32";
};

/// Checks `--target-cpu`: "" when `cpu` ("native" or an x86-64 CPU name)
/// can be compiled for, else the error.
std::string checkTargetCpu(const std::string &cpu);

/// The instruction sets a valid `cpu` would use that this machine lacks
/// (its trainer could stop here with an illegal instruction).
std::vector<std::string> featuresLackingHere(const std::string &cpu);

/// Runs the gm passes up to memory planning (what --emit=mlir-opt prints).
mlir::LogicalResult optimizeModel(mlir::ModuleOp module,
                                  const BackendOptions &options,
                                  mlir::TimingScope &timing);

/// Lowers an optimized module through gm-to-cpu to the LLVM dialect and
/// writes `what` to `paths`: Llvm, IR text to one path; Obj, object code
/// split into one object per path, compiled on one thread each.
mlir::LogicalResult emitNative(mlir::ModuleOp module, Emit what,
                               llvm::ArrayRef<std::string> paths,
                               const BackendOptions &options,
                               mlir::TimingScope &timing);

/// Whether an output to `path` is written to it directly: stdout ("-") and
/// anything that exists and is not a regular file (a device such as
/// /dev/null must not be replaced by a file). Other outputs are written
/// beside the path and renamed over it once complete.
bool writesInPlace(const std::string &path);

/// Writes `path` through `write` (which returns an error message or ""),
/// keeping the file only when all of it was written; returns the error
/// message ("" on success).
std::string
writeTo(const std::string &path,
        llvm::function_ref<std::string(llvm::raw_pwrite_stream &)> write);

/// Links `objects` with the runtime into the executable `output`, replacing
/// it only when the link succeeds.
mlir::LogicalResult linkTrainer(llvm::ArrayRef<std::string> objects,
                                const std::string &output,
                                mlir::TimingScope &timing);

} // namespace gmc

#endif // GM_DRIVER_DRIVER_H
