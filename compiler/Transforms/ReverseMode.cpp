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

#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::gm;

static bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Whether `op` has a body that reads the values around it (a loop).
static bool hasOpenBody(Operation *op) {
  return op->getNumRegions() != 0 &&
         !op->hasTrait<OpTrait::IsIsolatedFromAbove>();
}

/// The values an op reads: its operands, then the outside values its body
/// uses (a gm.autoregressive body sees its surroundings).
static SmallVector<Value> inputsOf(Operation *op) {
  SmallVector<Value> inputs(op->getOperands());
  if (hasOpenBody(op)) {
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    inputs.append(captured.begin(), captured.end());
  }
  return inputs;
}

ReverseMode::ReverseMode(Value target) : target_(target) {
  // Iterative post-order DFS over defining ops: a producer is recorded after
  // everything it depends on.
  struct Frame {
    Operation *op;
    SmallVector<Value> inputs;
    unsigned next = 0;
  };
  llvm::DenseSet<Operation *> visited;
  SmallVector<Frame> stack;
  if (Operation *root = target.getDefiningOp()) {
    stack.push_back({root, inputsOf(root)});
    visited.insert(root);
  }
  while (!stack.empty()) {
    Frame &top = stack.back();
    if (top.next < top.inputs.size()) {
      Operation *producer = top.inputs[top.next++].getDefiningOp();
      if (producer && visited.insert(producer).second)
        stack.push_back({producer, inputsOf(producer)});
      continue;
    }
    tape_.push_back(top.op);
    stack.pop_back();
  }
}

void ReverseMode::Meet::join(const Meet &other) {
  if (other.reach == Reach::Differentiable)
    *this = other;
  else if (other.reach == Reach::Blocked && reach == Reach::None)
    *this = other;
}

void ReverseMode::Meet::add(const Dependence &d, Value v) {
  join({d.reach.lookup(v), d.blocker.lookup(v)});
}

void ReverseMode::step(Operation *op, Dependence &d,
                       const llvm::DenseSet<Value> &sources) const {
  Meet in;
  for (Value operand : op->getOperands())
    in.add(d, operand);
  if (hasOpenBody(op)) {
    // Through the body, its ops in order. Its block arguments carry the
    // operands (a loop's first canvas) and, from the second round on, what
    // the body yields, until that settles (three reaches: three rounds).
    Meet yielded;
    for (int round = 0; round < 3; ++round) {
      Meet carried = in;
      carried.join(yielded);
      Reach before = yielded.reach;
      yielded = Meet();
      for (Region &region : op->getRegions())
        for (Block &block : region) {
          for (BlockArgument arg : block.getArguments())
            if (carried.reach != Reach::None && !sources.contains(arg)) {
              d.reach[arg] = carried.reach;
              d.blocker[arg] = carried.blocker;
            }
          for (Operation &inner : block)
            step(&inner, d, sources);
          for (Value v : block.getTerminator()->getOperands())
            yielded.add(d, v);
        }
      if (round > 0 && yielded.reach == before)
        break;
    }
    // A gradient that reaches the op would have to go through the body,
    // which no rule covers (gradients()).
    if (yielded.reach == Reach::Differentiable)
      d.activeBodies.insert(op);
    in.join(yielded);
  }
  if (in.reach == Reach::None)
    return;
  // An op through which no gradient flows passes dependence on, but
  // blocked. Other ops without a rule pass it on as differentiable: a
  // gradient that then reaches them is an error (gradients()).
  bool passes =
      in.reach == Reach::Differentiable &&
      (isa<GradientOpInterface>(op) || !op->hasTrait<GradientStops>());
  for (Value result : op->getResults()) {
    if (sources.contains(result))
      continue;
    d.reach[result] = passes ? Reach::Differentiable : Reach::Blocked;
    if (!passes)
      d.blocker[result] = in.reach == Reach::Differentiable ? op : in.blocker;
  }
}

ReverseMode::Dependence ReverseMode::propagate(ArrayRef<Value> wrt) const {
  Dependence d;
  llvm::DenseSet<Value> sources(wrt.begin(), wrt.end());
  for (Value x : wrt)
    d.reach[x] = Reach::Differentiable;
  for (Operation *op : tape_)
    step(op, d, sources);
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
    if (any && d.activeBodies.contains(op))
      return op->emitOpError()
             << "has a body that the gradient being taken flows into, and no "
                "gradient rule covers a body (it cannot be taken: a zero "
                "would be wrong); differentiate outside it, or cut the path "
                "with stop_gradient";
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
