//===- Autodiff.cpp - gm-autodiff: expand gm.grad and gm.minimize ---------===//
//
// gm.grad first, in program order (so gradients of gradients are ordinary
// ops by the time a minimize differentiates them), then every gm.minimize
// into a gm.apply_gradients. See Passes.td for the semantics.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/ReverseMode.h"

#include "gm/TensorBuilder.h"

#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "gm-autodiff"

namespace mlir::gm {
#define GEN_PASS_DEF_GMAUTODIFF
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// Reports that `target` depends on `what` only through `blocker`.
void reportBlocked(Operation *blocker, Operation *user, const Twine &what) {
  InFlightDiagnostic diag =
      blocker->emitOpError()
      << "has no gradient, and " << what
      << " reaches the differentiated value only through it; cut this path "
         "with stop_gradient (e.g. a straight-through estimator) or make the "
         "value depend on it differentiably";
  diag.attachNote(user->getLoc()) << "differentiated here";
}

LogicalResult expandGrad(GradOp op) {
  ReverseMode reverse(op.getValue());
  OpBuilder builder(op);
  SmallVector<Value> wrt(op.getWrt());
  FailureOr<SmallVector<Value>> grads = reverse.gradients(builder, wrt);
  if (failed(grads))
    return failure();
  TensorBuilder t(builder, op.getLoc());
  for (auto [i, x] : llvm::enumerate(op.getWrt())) {
    // No gradient reaches x: the value does not depend on it, or only
    // through piecewise-constant ops (the kinks of relu's own gradient).
    Value g = (*grads)[i];
    if (!g)
      g = t.splat(0.0, TensorBuilder::typeOf(x));
    op.getResult(i).replaceAllUsesWith(g);
  }
  op.erase();
  return success();
}

LogicalResult expandMinimize(MinimizeOp op) {
  ReverseMode reverse(op.getLoss());
  // The loads of the group's parameters that the loss depends on, those in
  // the body of a taped op (a sampling loop) too.
  llvm::MapVector<Attribute, SmallVector<Value>> loads;
  for (Attribute param : op.getParams())
    loads[param];
  for (Operation *taped : reverse.tape())
    taped->walk([&](LoadOp load) {
      if (loads.count(load.getVariableAttr()))
        loads[load.getVariableAttr()].push_back(load.getResult());
    });

  SmallVector<Value> wrt;
  for (auto &entry : loads)
    wrt.append(entry.second);
  OpBuilder builder(op);
  FailureOr<SmallVector<Value>> grads = reverse.gradients(builder, wrt);
  if (failed(grads))
    return failure();

  // Sum each parameter's gradient over its loads.
  TensorBuilder t(builder, op.getLoc());
  SmallVector<Attribute> params;
  SmallVector<Value> gradients;
  unsigned next = 0;
  for (auto &[param, values] : loads) {
    Value sum;
    for (size_t i = 0; i < values.size(); ++i)
      if (Value g = (*grads)[next++])
        sum = sum ? t.add(sum, g) : g;
    if (sum) {
      params.push_back(param);
      gradients.push_back(sum);
      continue;
    }
    for (Value load : values)
      if (Operation *blocker = reverse.blockingOp(load)) {
        reportBlocked(blocker, op,
                      "parameter " +
                          cast<FlatSymbolRefAttr>(param).getValue().str());
        return failure();
      }
    op.emitWarning() << "the loss does not depend on " << param
                     << ": it gets no gradient and is not updated";
  }
  if (params.empty())
    return op.emitOpError()
           << "has a loss that depends on none of its parameters";
  ApplyGradientsOp::create(builder, op.getLoc(), builder.getArrayAttr(params),
                           op.getOptimizer(), gradients, op.getClipNormAttr());
  op.erase();
  return success();
}

struct GmAutodiff : gm::impl::GmAutodiffBase<GmAutodiff> {
  void runOnOperation() override {
    ModelOp model = getOperation();
    WalkResult calls = model.walk([](CallOp call) {
      call.emitOpError() << "must be inlined before autodiff (run gm-inline)";
      return WalkResult::interrupt();
    });
    if (calls.wasInterrupted())
      return signalPassFailure();

    SmallVector<GradOp> grads;
    model.walk<WalkOrder::PreOrder>([&](GradOp op) { grads.push_back(op); });
    for (GradOp op : grads)
      if (failed(expandGrad(op)))
        return signalPassFailure();

    SmallVector<MinimizeOp> minimizes;
    model.walk<WalkOrder::PreOrder>(
        [&](MinimizeOp op) { minimizes.push_back(op); });
    for (MinimizeOp op : minimizes)
      if (failed(expandMinimize(op)))
        return signalPassFailure();

    // Gradient code that no result needs goes.
    IRRewriter rewriter(model.getContext());
    (void)runRegionDCE(rewriter, model->getRegions());
  }
};

} // namespace
