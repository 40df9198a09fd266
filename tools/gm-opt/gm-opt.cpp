//===- gm-opt.cpp - the mlir-opt of gmc -----------------------------------===//
//
// Parses gm IR, runs any registered pass or pipeline on it and prints the
// result. Every gm pass is reachable from here; that is how passes are tested.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Transforms/Passes.h"
#include "gm/GmDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::gm::GmDialect>();
  // What gm-to-cpu writes, so that its output parses again.
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::LLVM::LLVMDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::scf::SCFDialect, mlir::vector::VectorDialect>();
  // canonicalize, cse, inline, symbol-dce, ...: the generic passes of the
  // pipeline.
  mlir::registerTransformsPasses();
  // Every gm pass, and gm-train-pipeline.
  mlir::gm::registerGmPassesAndPipelines();
  // gm-to-cpu, gm-approximate-math and gm-cpu-to-llvm.
  mlir::gm::registerGmConversionPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "gmc optimizer driver\n", registry));
}
