//===- HoistInvariants.cpp - gm-hoist-invariants --------------------------===//
//
// A loop's body (gm.autoregressive, gm.repeat) runs the same straight-line
// code every iteration, at least once. An op that reads only values from
// outside the loop, and no state the loop changes, computes the same value
// each time: it runs once, before the loop. MLIR's LICM driver does the
// motion; this file says what may move. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMHOISTINVARIANTS
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

bool readsVariable(const MemoryEffects::EffectInstance &effect) {
  return isa<MemoryEffects::Read>(effect.getEffect()) &&
         effect.getResource() == VariableResource::get();
}

/// Whether an iteration of `loop` may change a variable: some op of its
/// body writes one, or has effects nobody declared (a nested gm.repeat).
bool changesVariables(Operation *loop) {
  for (Block &block : loop->getRegion(0))
    for (Operation &op : block) {
      auto effects = getEffectsRecursively(&op);
      if (!effects)
        return true;
      for (const MemoryEffects::EffectInstance &effect : *effects)
        if (isa<MemoryEffects::Write>(effect.getEffect()) &&
            effect.getResource() == VariableResource::get())
          return true;
    }
  return false;
}

/// Whether `op` computes the same value whenever its operands are the
/// same: it has no effects, or only reads variables that stay put. Random
/// draws, data cursors and a step's row windows (which read the step's
/// position) all have other effects.
bool repeatsItself(Operation *op, bool variablesChange) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return false;
  auto effects = getEffectsRecursively(op);
  if (!effects)
    return false;
  return llvm::all_of(*effects, [&](const MemoryEffects::EffectInstance &e) {
    return !variablesChange && readsVariable(e);
  });
}

struct HoistInvariantsPass
    : public gm::impl::GmHoistInvariantsBase<HoistInvariantsPass> {
  void runOnOperation() override {
    // Inner loops first: what leaves one may leave the loop around it too.
    SmallVector<Operation *> loops;
    getOperation().walk([&](Operation *op) {
      if (isa<AutoregressiveOp, RepeatOp>(op))
        loops.push_back(op);
    });
    for (Operation *loop : loops) {
      bool variablesChange = changesVariables(loop);
      moveLoopInvariantCode(
          {&loop->getRegion(0)},
          [](Value value, Region *body) {
            return value.getParentRegion()->isProperAncestor(body);
          },
          [&](Operation *op, Region *) {
            return repeatsItself(op, variablesChange);
          },
          [](Operation *op, Region *body) {
            op->moveBefore(body->getParentOp());
          });
    }
  }
};

} // namespace
