//===- Passes.h - gm transformation passes ---------------------*- C++ -*-===//
//
// Declarations and registration of the gm passes (Passes.td) and the named
// pipelines built from them.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TRANSFORMS_PASSES_H
#define GM_TRANSFORMS_PASSES_H

#include "gm/GmOps.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::gm {

#define GEN_PASS_DECL
#include "compiler/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Transforms/Passes.h.inc"

/// Adds the passes that turn a model as written (nets, grad, minimize) into
/// straight-line gm arithmetic on model state, to a pass manager on modules.
void buildGmTrainPipeline(OpPassManager &pm);

/// What gm-optimize-pipeline runs beyond the train pipeline (each switch
/// off to measure what it buys).
struct GmOptimizeOptions : PassPipelineOptions<GmOptimizeOptions> {
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("fuse elementwise chains (gm-fuse)"),
                    llvm::cl::init(true)};
  Option<bool> epilogues{
      *this, "epilogues",
      llvm::cl::desc("fuse bias and activation into convolutions and matmuls"),
      llvm::cl::init(true)};
  Option<bool> layouts{*this, "layouts",
                       llvm::cl::desc("keep activations blocked between layers "
                                      "(gm-propagate-layouts)"),
                       llvm::cl::init(true)};
  Option<bool> windows{*this, "windows",
                       llvm::cl::desc("compute a sampling step's row-causal "
                                      "layers on its rows (gm-window-rows)"),
                       llvm::cl::init(true)};
};

/// Adds what gmc runs on a model before the conversion to the CPU backend:
/// the train pipeline, softmax expansion, fusion, layouts and the memory
/// plan.
void buildGmOptimizePipeline(OpPassManager &pm,
                             const GmOptimizeOptions &options);

/// Registers every gm pass and the named pipelines with the global registry.
void registerGmPassesAndPipelines();

} // namespace mlir::gm

#endif // GM_TRANSFORMS_PASSES_H
