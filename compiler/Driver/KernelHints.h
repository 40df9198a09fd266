//===- KernelHints.h - what LLVM is told about gm's kernels ----*- C++ -*-===//
//
// gm-to-cpu's kernels (functions with its kernel attribute,
// mlir::gm::kKernelAttribute) are loop nests over buffers whose addresses
// come in an array. Two LLVM passes, run by the driver's optimization
// pipeline, tell LLVM what gm knows about them and LLVM cannot see.
//
//===----------------------------------------------------------------------===//

#ifndef GMC_DRIVER_KERNELHINTS_H
#define GMC_DRIVER_KERNELHINTS_H

#include "llvm/Transforms/Scalar/LoopPassManager.h"

namespace gmc {

/// The memory plan never lets two buffers of a kernel overlap where one is
/// written (an update in place reads its input through the output's
/// address), but LLVM versions every vectorized loop behind run-time
/// overlap checks, which cost code, compile time (loop strength reduction
/// over the extra pointers) and a little run time. This says it with
/// scoped-noalias metadata: each address of the array is a scope, and every
/// load and store through it is in that scope and apart from the others.
/// Run once functions are simplified, before the vectorizer.
struct KernelAliasScopesPass : llvm::PassInfoMixin<KernelAliasScopesPass> {
  llvm::PreservedAnalyses run(llvm::Function &fn,
                              llvm::FunctionAnalysisManager &);
};

/// Keeps LLVM from fully unrolling a kernel's innermost loop when it runs a
/// whole number of vectors (a multiple of 8 points): over the blocked
/// layout that loop is the 16 channels of a block, and unrolled, its 16
/// copies leave the vectorizer only the loop around it, which it vectorizes
/// with gathers and scatters 16 floats apart. Kept, it is one vector.
/// A loop pass, run once loops are rotated (so that the trip count is the
/// body's), before LLVM's full unrolling.
struct KernelInnerLoopsPass : llvm::PassInfoMixin<KernelInnerLoopsPass> {
  llvm::PreservedAnalyses run(llvm::Loop &loop, llvm::LoopAnalysisManager &,
                              llvm::LoopStandardAnalysisResults &analyses,
                              llvm::LPMUpdater &);
};

} // namespace gmc

#endif // GMC_DRIVER_KERNELHINTS_H
