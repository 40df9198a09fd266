//===- NarrowAutoregressive.cpp - gm-narrow-autoregressive ----------------===//
//
// Step p of a gm.autoregressive keeps position p of its body's value. A
// random op whose values reach that value through ops that keep positions
// alone is marked gm.at_position, and the backend draws it at p only.
// See Passes.td.
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

/// Whether `user` computes each element of its results from the element
/// of `operand` at the same flat index alone: a reshape (the flat order is
/// the same), or elementwise ops (Bernoulli's draw among them) whose
/// results have the operand's shape (a broadcast operand is read at other
/// indices).
bool keepsPositions(Operation *user, Value operand) {
  if (isa<ReshapeOp>(user))
    return true;
  bool elementwise = isElementwise(user) || isa<BernoulliOp>(user);
  if (auto fused = dyn_cast<FusedOp>(user))
    elementwise =
        llvm::all_of(fused.getBody().front().without_terminator(),
                     [](Operation &op) { return isElementwise(&op); });
  Type shape = operand.getType();
  return elementwise && llvm::all_of(user->getResultTypes(), [&](Type t) {
           return cast<ShapedType>(t).getShape() ==
                  cast<ShapedType>(shape).getShape();
         });
}

/// Which values of one autoregressive body matter only at the step's
/// position: those the body yields, or reads only through ops that keep
/// positions into such values.
class PositionDemand {
public:
  explicit PositionDemand(AutoregressiveOp loop)
      : yield_(loop.getBody().front().getTerminator()) {}

  bool onlyAtPosition(Value value) {
    auto [it, inserted] = known_.try_emplace(value, false);
    if (!inserted)
      return it->second;
    bool only = llvm::all_of(value.getUses(), [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (user == yield_)
        return true;
      return keepsPositions(user, value) &&
             llvm::all_of(user->getResults(),
                          [&](Value r) { return onlyAtPosition(r); });
    });
    known_[value] = only;
    return only;
  }

private:
  Operation *yield_;
  llvm::DenseMap<Value, bool> known_;
};

struct NarrowAutoregressivePass
    : public gm::impl::GmNarrowAutoregressiveBase<NarrowAutoregressivePass> {
  void runOnOperation() override {
    getOperation().walk([](AutoregressiveOp loop) {
      PositionDemand demand(loop);
      for (Operation &op : loop.getBody().front().without_terminator())
        if (isa<RandomOpInterface>(op) &&
            llvm::all_of(op.getResults(),
                         [&](Value r) { return demand.onlyAtPosition(r); }))
          op.setAttr(kAtPositionAttr, UnitAttr::get(op.getContext()));
    });
  }
};

} // namespace
