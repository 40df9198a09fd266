//===- Pipelines.cpp - from gm-to-cpu's output to the LLVM dialect --------===//

#include "compiler/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void gm::buildGmCpuToLLVMPipeline(OpPassManager &pm) {
  // Kernels: linalg.generic becomes scf loops over memrefs; LLVM vectorizes
  // the innermost ones, which is why math must be arithmetic first.
  // Passes that look at one function at a time run on all cores, a
  // function each.
  OpPassManager &functions = pm.nest<func::FuncOp>();
  functions.addPass(createConvertLinalgToLoopsPass());
  functions.addPass(createGmApproximateMath());
  functions.addPass(memref::createExpandStridedMetadataPass());
  functions.addPass(createLowerAffinePass());
  functions.addPass(createSCFToControlFlowPass());
  functions.addPass(createCanonicalizerPass());
  // Everything to the LLVM dialect.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addNestedPass<func::FuncOp>(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void gm::registerGmConversionPasses() {
  registerGmConversionPassesPasses();
  PassPipelineRegistration<>("gm-cpu-to-llvm",
                             "lower gm-to-cpu's output to the LLVM dialect",
                             buildGmCpuToLLVMPipeline);
}
