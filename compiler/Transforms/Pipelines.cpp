//===- Pipelines.cpp - named pipelines of gm passes -----------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Transforms/Passes.h"

using namespace mlir;

void gm::buildGmTrainPipeline(OpPassManager &pm) {
  OpPassManager &model = pm.nest<ModelOp>();
  // One straight-line program per phase: autodiff needs no call graph.
  model.addPass(createGmInline());
  // Gradients (and gradients of gradients) become gm ops.
  model.addPass(createGmAutodiff());
  // Optimizer steps become arithmetic on model state.
  model.addPass(createGmExpandOptimizers());
  // Fold what autodiff left trivial (x * 1, reshape of reshape) and share
  // repeated subexpressions between forward and backward code.
  model.addPass(createCanonicalizerPass());
  model.addPass(createCSEPass());
}

void gm::buildGmOptimizePipeline(OpPassManager &pm,
                                 const GmOptimizeOptions &options) {
  buildGmTrainPipeline(pm);
  OpPassManager &model = pm.nest<ModelOp>();
  // oneDNN's softmax is fast only over the innermost axis: loops elsewhere.
  model.addPass(createGmExpandSoftmax());
  // A sampling step keeps one position: draw the noise there alone.
  model.addPass(createGmNarrowAutoregressive());
  // ... and computes its row-causal layers on the rows it needs.
  if (options.windows)
    model.addPass(createGmWindowRows());
  // A loop's invariant work (a prior's conditioning) runs once, before it.
  model.addPass(createGmHoistInvariants());
  // One loop per elementwise chain, then the buffers of what remains.
  if (options.fuse)
    model.addPass(createGmFuse(GmFuseOptions{options.epilogues}));
  // Activations stay in oneDNN's blocked layout between layers.
  if (options.layouts)
    model.addPass(createGmPropagateLayouts());
  // What a sampling step computes the same along a row runs once per row.
  model.addPass(createGmPerRow());
  model.addPass(createGmPlanMemory());
}

void gm::registerGmPassesAndPipelines() {
  registerGmTransformsPasses();
  PassPipelineRegistration<>(
      "gm-train-pipeline",
      "inline, differentiate and expand optimizers, then clean up",
      buildGmTrainPipeline);
  PassPipelineRegistration<GmOptimizeOptions>(
      "gm-optimize-pipeline",
      "the train pipeline, then what gmc runs before the CPU conversion: "
      "softmax expansion, fusion, layouts, the memory plan",
      buildGmOptimizePipeline);
}
