//===- Fuse.cpp - gm-fuse: elementwise chains into one loop ---------------===//
//
// Groups elementwise ops of one shape that feed each other into gm.fused
// ops, walking each block in order: an op joins the groups of the operands
// it consumes when the result would still be correct, that is when no
// value of the group is used between the group's ops and the op (the fused
// op takes the place of the group's last op). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMFUSE
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// Ops of one shape to become one gm.fused, in program order.
struct Group {
  SmallVector<Operation *> members;
  ArrayRef<int64_t> shape;
  bool merged = false;
};

ArrayRef<int64_t> resultShape(Operation *op) {
  return cast<RankedTensorType>(op->getResult(0).getType()).getShape();
}

/// A gm.fused at `b`'s insertion point over `inputs`, of `resultTypes`:
/// `fill` clones ops into its body (where the inputs are mapped to the
/// body's arguments) and returns the values the body yields.
FusedOp
buildFused(OpBuilder &b, Location loc, TypeRange resultTypes,
           ArrayRef<Value> inputs,
           function_ref<SmallVector<Value>(OpBuilder &, IRMapping &)> fill) {
  auto fused = FusedOp::create(b, loc, resultTypes, inputs);
  OpBuilder::InsertionGuard guard(b);
  Block *body = b.createBlock(&fused.getBody());
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  YieldOp::create(b, loc, fill(b, mapping));
  return fused;
}

/// Clones `op` with `mapping`, a gm.fused as its body's ops (its inputs
/// mapped); returns what stands for op's (first) result.
Value cloneInline(OpBuilder &b, Operation *op, IRMapping &mapping) {
  auto fused = dyn_cast<FusedOp>(op);
  if (!fused)
    return b.clone(*op, mapping)->getResult(0);
  Block &body = fused.getBody().front();
  for (auto [arg, input] : llvm::zip(body.getArguments(), fused.getInputs()))
    mapping.map(arg, mapping.lookup(input));
  for (Operation &inner : body.without_terminator())
    b.clone(inner, mapping);
  return mapping.lookup(body.getTerminator()->getOperand(0));
}

class BlockFuser {
public:
  BlockFuser(Block &block, bool epilogues)
      : block_(block), epilogues_(epilogues) {}

  void run() {
    for (Operation &op : block_)
      if (isElementwise(&op))
        place(&op);
    for (Group &group : groups_)
      if (!group.merged && group.members.size() > 1)
        fuse(group);
    // Convolutions and matmuls take in their epilogues.
    if (epilogues_) {
      SmallVector<Operation *> libraryOps;
      for (Operation &op : block_)
        if (isa<Conv2dOp, MatmulOp>(op))
          libraryOps.push_back(&op);
      for (Operation *op : libraryOps)
        absorbEpilogue(op);
    }
    // Then reductions take in the chains that only they read.
    SmallVector<Operation *> reductions;
    for (Operation &op : block_)
      if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(op))
        reductions.push_back(&op);
    for (Operation *reduction : reductions)
      absorbProducer(reduction);
  }

private:
  /// Whether every use of the values of `groups` outside them comes after
  /// `op`, where the fused op will stand.
  bool canEndAt(ArrayRef<int64_t> groups, Operation *op) const {
    for (int64_t g : groups)
      for (Operation *member : groups_[g].members)
        for (Operation *user : member->getResult(0).getUsers()) {
          Operation *at = block_.findAncestorOpInBlock(*user);
          if (!at || at == op)
            continue;
          auto it = groupOf_.find(at);
          if (it != groupOf_.end() && llvm::is_contained(groups, it->second))
            continue;
          if (!op->isBeforeInBlock(at))
            return false;
        }
    return true;
  }

  void place(Operation *op) {
    ArrayRef<int64_t> shape = resultShape(op);
    SmallVector<int64_t> joined;
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      auto it = def ? groupOf_.find(def) : groupOf_.end();
      if (it == groupOf_.end())
        continue;
      int64_t g = it->second;
      if (groups_[g].shape != shape || llvm::is_contained(joined, g))
        continue;
      SmallVector<int64_t> candidate(joined);
      candidate.push_back(g);
      if (canEndAt(candidate, op))
        joined = std::move(candidate);
    }
    if (joined.empty()) {
      groups_.push_back({{op}, shape});
      groupOf_[op] = groups_.size() - 1;
      return;
    }
    // Merge the groups the op joins into the first; the op ends it.
    Group &target = groups_[joined.front()];
    for (int64_t g : ArrayRef<int64_t>(joined).drop_front()) {
      for (Operation *member : groups_[g].members) {
        target.members.push_back(member);
        groupOf_[member] = joined.front();
      }
      groups_[g].members.clear();
      groups_[g].merged = true;
    }
    llvm::sort(target.members, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    target.members.push_back(op);
    groupOf_[op] = joined.front();
  }

  void fuse(Group &group) {
    llvm::SmallPtrSet<Operation *, 16> members(group.members.begin(),
                                               group.members.end());
    // Inputs: values the group reads but does not make. Outputs: values it
    // makes that something else reads.
    llvm::SetVector<Value> inputs;
    SmallVector<Value> outputs;
    for (Operation *member : group.members) {
      for (Value operand : member->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || !members.contains(def))
          inputs.insert(operand);
      }
      Value result = member->getResult(0);
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !members.contains(block_.findAncestorOpInBlock(*user));
          }))
        outputs.push_back(result);
    }
    Operation *last = group.members.back();
    OpBuilder b(last);
    SmallVector<Type> resultTypes;
    for (Value v : outputs)
      resultTypes.push_back(v.getType());
    FusedOp fused =
        buildFused(b, last->getLoc(), resultTypes, inputs.getArrayRef(),
                   [&](OpBuilder &b, IRMapping &mapping) {
                     for (Operation *member : group.members)
                       b.clone(*member, mapping);
                     return llvm::map_to_vector(
                         outputs, [&](Value v) { return mapping.lookup(v); });
                   });
    for (auto [old, replacement] : llvm::zip(outputs, fused.getResults()))
      old.replaceAllUsesWith(replacement);
    for (Operation *member : llvm::reverse(group.members))
      member->erase();
  }

  /// Replaces `reduction` and the elementwise op or gm.fused that computes
  /// its input, when only the reduction reads it, by one gm.fused ending in
  /// the reduction: the chain's values then never go to memory.
  void absorbProducer(Operation *reduction) {
    Value reduced = reduction->getOperand(0);
    Operation *def = reduced.getDefiningOp();
    if (!def || def->getBlock() != &block_ || !reduced.hasOneUse())
      return;
    auto fused = dyn_cast<FusedOp>(def);
    // (A library op's epilogue stays one oneDNN call.)
    if (fused ? fused.getReduction() || fused.getLibraryOp() ||
                    fused->getNumResults() != 1
              : !isElementwise(def))
      return;
    // Each output element is folded by one thread, in order: a reduction
    // to a few elements would take the chain's math off the other threads.
    auto kept = cast<RankedTensorType>(reduction->getResult(0).getType());
    if (kept.getNumElements() < kMinParallelOutputs)
      return;

    OpBuilder b(reduction);
    SmallVector<Value> inputs;
    if (fused)
      inputs.assign(fused.getInputs().begin(), fused.getInputs().end());
    else
      for (Value operand : def->getOperands())
        if (!llvm::is_contained(inputs, operand))
          inputs.push_back(operand);
    FusedOp absorbed = buildFused(
        b, reduction->getLoc(), reduction->getResultTypes(), inputs,
        [&](OpBuilder &b, IRMapping &mapping) {
          mapping.map(reduced, cloneInline(b, def, mapping));
          return SmallVector<Value>{b.clone(*reduction, mapping)->getResult(0)};
        });
    reduction->replaceAllUsesWith(absorbed);
    reduction->erase();
    def->erase();
  }

  /// The bias of `user` when it is an epilogue of library op result `y`
  /// that the backends run inside the op: a gm.add of `y` and a bias of
  /// `shape`, or a gm.fused of one result whose body is that add followed
  /// by relu, leaky_relu or nothing. Null otherwise.
  static Value epilogueBias(Operation *user, Value y, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(y.getType());
    auto isBias = [&](Value b) {
      auto t = cast<RankedTensorType>(b.getType());
      return b != y && t.getElementType() == type.getElementType() &&
             t.getShape() == shape;
    };
    auto other = [&](Value a, Value b) { return a == y ? b : a; };
    if (auto add = dyn_cast<AddOp>(user)) {
      Value bias = other(add.getLhs(), add.getRhs());
      return isBias(bias) ? bias : Value();
    }
    auto fused = dyn_cast<FusedOp>(user);
    if (!fused || fused->getNumResults() != 1 || fused.getReduction() ||
        fused.getLibraryOp() || fused.getInputs().size() != 2)
      return {};
    Value bias = other(fused.getInputs()[0], fused.getInputs()[1]);
    if (!isBias(bias))
      return {};
    Block &body = fused.getBody().front();
    Value yArg = body.getArgument(fused.getInputs()[0] == y ? 0 : 1);
    auto ops = llvm::to_vector(llvm::map_range(
        body.without_terminator(), [](Operation &op) { return &op; }));
    auto add = ops.empty() ? AddOp() : dyn_cast<AddOp>(ops.front());
    if (!add || (add.getLhs() != yArg && add.getRhs() != yArg) ||
        add.getLhs() == add.getRhs() || ops.size() > 2)
      return {};
    if (ops.size() == 2 && (!isa<ReluOp, LeakyReluOp>(ops[1]) ||
                            ops[1]->getOperand(0) != add.getResult()))
      return {};
    if (body.getTerminator()->getOperand(0) != ops.back()->getResult(0))
      return {};
    return bias;
  }

  /// Replaces library op `op` (a convolution or a matmul) and its
  /// epilogue, when only the epilogue reads the op's result, by one
  /// gm.fused starting with the op.
  void absorbEpilogue(Operation *op) {
    Value y = op->getResult(0);
    // A library call reads its two operands from two inputs (x * x would
    // become one input read twice: no such call).
    if (!y.hasOneUse() || op->getOperand(0) == op->getOperand(1))
      return;
    Operation *user = *y.getUsers().begin();
    if (user->getBlock() != &block_)
      return;
    Value bias = epilogueBias(user, y, epilogueBiasShape(op));
    if (!bias)
      return;
    OpBuilder b(user);
    SmallVector<Value> inputs(op->getOperands());
    inputs.push_back(bias);
    FusedOp fused =
        buildFused(b, user->getLoc(), user->getResultTypes(), inputs,
                   [&](OpBuilder &b, IRMapping &mapping) {
                     mapping.map(y, b.clone(*op, mapping)->getResult(0));
                     return SmallVector<Value>{cloneInline(b, user, mapping)};
                   });
    user->replaceAllUsesWith(fused);
    user->erase();
    op->erase();
  }

  /// Fewer outputs than this and a reduction keeps its input in memory.
  static constexpr int64_t kMinParallelOutputs = 16;

  Block &block_;
  bool epilogues_;
  std::vector<Group> groups_;
  llvm::DenseMap<Operation *, int64_t> groupOf_;
};

struct FusePass : public gm::impl::GmFuseBase<FusePass> {
  using GmFuseBase::GmFuseBase;
  void runOnOperation() override {
    // Collect first: fusing changes the blocks being walked.
    SmallVector<Block *> blocks;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<FusedOp>(op))
        return WalkResult::skip();
      for (Region &region : op->getRegions())
        for (Block &block : region)
          blocks.push_back(&block);
      return WalkResult::advance();
    });
    for (Block *block : blocks)
      BlockFuser(*block, epilogues).run();
  }
};

} // namespace
