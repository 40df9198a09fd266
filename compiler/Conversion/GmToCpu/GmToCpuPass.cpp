//===- GmToCpuPass.cpp - the gm-to-cpu and gm-approximate-math passes -----===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMTOCPU
#define GEN_PASS_DEF_GMAPPROXIMATEMATH
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

struct GmToCpuPass : public gm::impl::GmToCpuBase<GmToCpuPass> {
  using GmToCpuBase::GmToCpuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto models = llvm::to_vector(module.getOps<ModelOp>());
    if (models.size() != 1) {
      module.emitError() << "gm-to-cpu expects one gm.model, found "
                         << models.size();
      return signalPassFailure();
    }
    if (precision != "f32" && precision != "bf16") {
      module.emitError() << "gm-to-cpu: unknown precision '" << precision
                         << "' (f32 or bf16)";
      return signalPassFailure();
    }
    cpu::ModelEmitter emitter(models.front());
    emitter.setPrecision(precision);
    if (failed(emitter.emit()))
      return signalPassFailure();
    models.front().erase();
  }
};

struct ApproximateMathPass
    : public gm::impl::GmApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
