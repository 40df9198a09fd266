//===- PerRow.cpp - gm-per-row --------------------------------------------===//
//
// A gm.autoregressive over [H, W, ...] fills a row in W x ... steps, and
// the canvas's rows above the step's row do not change along them. An op
// whose value reads only those rows (a PixelCNN's vertical stack, on its
// window) or values fixed before the loop is the same at every step of a
// row: it is marked gm.per_row, and the backend computes it at a row's
// first step alone (perRowOps, in the dialect, which checks the marks by
// the same rule). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "gm/RowFlow.h"

#include "mlir/IR/Builders.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMPERROW
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

struct PerRowPass : public gm::impl::GmPerRowBase<PerRowPass> {
  void runOnOperation() override {
    Builder b(&getContext());
    getOperation().walk([&](AutoregressiveOp loop) {
      // Marks of an earlier run may no longer hold.
      for (Operation &op : loop.getBody().front())
        op.removeAttr(kPerRowAttr);
      for (auto [op, from] : perRowOps(loop))
        op->setAttr(kPerRowAttr, b.getI64IntegerAttr(from));
    });
  }
};

} // namespace
