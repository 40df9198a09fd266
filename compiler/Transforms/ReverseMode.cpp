//===- ReverseMode.cpp - reverse-mode differentiation of gm dataflow ------===//
//
// Three steps: record the tape (the target's backward slice, producers
// first); propagate forward which values depend differentiably on the `wrt`
// values; sweep the tape backwards, asking each op on a live path for its
// vector-Jacobian product and summing fan-out.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/ReverseMode.h"

#include "gm/TensorBuilder.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::gm;

static bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

ReverseMode::ReverseMode(Value target) : target_(target) {
  // Iterative post-order DFS over defining ops: a producer is recorded after
  // everything it depends on.
  llvm::DenseSet<Operation *> visited;
  SmallVector<std::pair<Operation *, unsigned>> stack;
  if (Operation *root = target.getDefiningOp()) {
    stack.push_back({root, 0});
    visited.insert(root);
  }
  while (!stack.empty()) {
    auto &[op, next] = stack.back();
    if (next < op->getNumOperands()) {
      Operation *producer = op->getOperand(next++).getDefiningOp();
      if (producer && visited.insert(producer).second)
        stack.push_back({producer, 0});
      continue;
    }
    tape_.push_back(op);
    stack.pop_back();
  }
}

ReverseMode::Dependence ReverseMode::propagate(ArrayRef<Value> wrt) const {
  Dependence d;
  llvm::DenseSet<Value> sources(wrt.begin(), wrt.end());
  for (Value x : wrt)
    d.reach[x] = Reach::Differentiable;
  for (Operation *op : tape_) {
    Reach best = Reach::None;
    Operation *firstBlocker = nullptr;
    for (Value operand : op->getOperands()) {
      Reach r = d.reach.lookup(operand);
      if (r == Reach::Differentiable)
        best = Reach::Differentiable;
      else if (r == Reach::Blocked && best == Reach::None) {
        best = Reach::Blocked;
        firstBlocker = d.blocker.lookup(operand);
      }
    }
    if (best == Reach::None)
      continue;
    // An op through which no gradient flows passes dependence on, but
    // blocked. Other ops without a rule pass it on as differentiable: a
    // gradient that then reaches them is an error (gradients()).
    bool passes =
        best == Reach::Differentiable &&
        (isa<GradientOpInterface>(op) || !op->hasTrait<GradientStops>());
    for (Value result : op->getResults()) {
      if (sources.contains(result))
        continue;
      d.reach[result] = passes ? Reach::Differentiable : Reach::Blocked;
      if (!passes)
        d.blocker[result] = best == Reach::Differentiable ? op : firstBlocker;
    }
  }
  return d;
}

Operation *ReverseMode::blockingOp(Value x) const {
  Dependence d = propagate({x});
  return d.reach.lookup(target_) == Reach::Blocked ? d.blocker.lookup(target_)
                                                   : nullptr;
}

bool ReverseMode::dependsOn(Value x) const {
  return target_ == x || propagate({x}).reach.lookup(target_) != Reach::None;
}

FailureOr<SmallVector<Value>> ReverseMode::gradients(OpBuilder &builder,
                                                     ArrayRef<Value> wrt) {
  Dependence d = propagate(wrt);
  auto active = [&](Value v) {
    return isFloatTensor(v) && d.reach.lookup(v) == Reach::Differentiable;
  };
  TensorBuilder t(builder, target_.getLoc());
  llvm::DenseMap<Value, Value> grads;
  auto accumulate = [&](Value v, Value g) {
    Value &slot = grads[v];
    slot = slot ? t.add(slot, g) : g;
  };
  accumulate(target_, t.splat(1.0, TensorBuilder::typeOf(target_)));

  for (Operation *op : llvm::reverse(tape_)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value result : op->getResults()) {
      resultGrads.push_back(grads.lookup(result));
      any |= static_cast<bool>(resultGrads.back());
    }
    SmallVector<bool> needed;
    bool anyNeeded = false;
    for (Value operand : op->getOperands()) {
      needed.push_back(active(operand));
      anyNeeded |= needed.back();
    }
    if (!any || !anyNeeded)
      continue;
    // A gradient reaches an op without a rule. Through a GradientStops op
    // none flows (it only gets here as the maker of a value of `wrt`);
    // through any other, a zero would be wrong.
    auto rule = dyn_cast<GradientOpInterface>(op);
    if (!rule && op->hasTrait<GradientStops>())
      continue;
    if (!rule)
      return op->emitOpError()
             << "has no gradient rule, yet the gradient being taken flows "
                "through it (it cannot be taken: a zero would be wrong)";
    SmallVector<Value> operandGrads;
    if (failed(rule.buildGradients(builder, resultGrads, needed, operandGrads)))
      return failure();
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      Value g = operandGrads[i];
      if (!needed[i] || !g)
        continue;
      if (g.getType() != operand.getType())
        return op->emitOpError()
               << "gradient rule returned " << g.getType() << " for operand #"
               << i << " of type " << operand.getType();
      accumulate(operand, g);
    }
  }

  SmallVector<Value> result;
  for (Value x : wrt)
    result.push_back(grads.lookup(x));
  return result;
}
