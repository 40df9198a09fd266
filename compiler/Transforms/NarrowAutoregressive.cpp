//===- NarrowAutoregressive.cpp - gm-narrow-autoregressive ----------------===//
//
// Step p of a gm.autoregressive keeps position p of its body's value. A
// random op whose values reach that value through ops that keep positions
// alone (AutoregressiveOp::drawnOnlyAtPosition, which the dialect checks
// the mark against) is marked gm.at_position, and the backend draws it at
// p only. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMNARROWAUTOREGRESSIVE
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

struct NarrowAutoregressivePass
    : public gm::impl::GmNarrowAutoregressiveBase<NarrowAutoregressivePass> {
  void runOnOperation() override {
    getOperation().walk([](AutoregressiveOp loop) {
      for (Operation &op : loop.getBody().front().without_terminator())
        if (isa<RandomOpInterface>(op) && loop.drawnOnlyAtPosition(&op))
          op.setAttr(kAtPositionAttr, UnitAttr::get(op.getContext()));
    });
  }
};

} // namespace
