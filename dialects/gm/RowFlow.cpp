//===- RowFlow.cpp - how rows pass through gm ops -------------------------===//

#include "gm/RowFlow.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::gm;

//===----------------------------------------------------------------------===//
// Row flow
//===----------------------------------------------------------------------===//

/// The dimension of a reshape's result that holds the rows of dimension
/// `dim` of its input: the same size with the same elements after it.
static std::optional<int64_t>
reshapedRowDim(ArrayRef<int64_t> in, ArrayRef<int64_t> out, int64_t dim) {
  auto after = [](ArrayRef<int64_t> shape, size_t d) {
    int64_t n = 1;
    for (int64_t s : shape.drop_front(d + 1))
      n *= s;
    return n;
  };
  for (size_t k = 0; k < out.size(); ++k)
    if (out[k] == in[dim] && after(out, k) == after(in, dim))
      return k;
  return std::nullopt;
}

/// How a convolution reads rows (`axis` 0: input dimension 2) or columns
/// (`axis` 1: dimension 3) when it reads none below an output row (right of
/// an output column) and keeps their count: every live tap at or above
/// (left of) the centre, the padding before it, stride and dilation 1.
static std::optional<RowFlow> convFlow(Conv2dOp conv, int64_t axis) {
  int64_t dim = 2 + axis;
  if (conv.getStride()[axis] != 1 || conv.getDilation()[axis] != 1 ||
      shapeOf(conv.getResult())[dim] != shapeOf(conv.getInput())[dim])
    return std::nullopt;
  ArrayRef<int64_t> kernel = shapeOf(conv.getWeight());
  int64_t before = conv.getPadding()[axis], firstLive = kernel[dim];
  int64_t lastLive = -1;
  auto live = [&](int64_t at) {
    firstLive = std::min(firstLive, at);
    lastLive = std::max(lastLive, at);
  };
  if (auto mask = conv.getMask()) {
    int64_t i = 0;
    for (bool on : mask->getValues<bool>()) {
      if (on)
        live(axis == 0 ? i / kernel[3] : i % kernel[3]);
      ++i;
    }
  } else {
    live(0);
    live(kernel[dim] - 1);
  }
  if (lastLive < 0) // no live tap: every output is zero, whatever it reads
    return RowFlow{{dim}, 0, RowFlow::kNoRows};
  if (lastLive > before)
    return std::nullopt; // reads rows below (columns to the right)
  return RowFlow{{dim}, before - firstLive, before - lastLive};
}

std::optional<RowFlow> mlir::gm::rowFlow(Operation *user, Value operand,
                                         int64_t dim) {
  ArrayRef<int64_t> in = shapeOf(operand);
  auto same = [&](int64_t d) { return RowFlow{{d}}; };
  // A window of another dimension keeps these rows where they lie.
  if (isa<RowWindowOp, RowUnwindowOp>(user))
    return user->getAttrOfType<IntegerAttr>("dim").getInt() != dim
               ? std::optional(same(dim))
               : std::nullopt;
  if (isElementwise(user) || isa<BernoulliOp>(user)) {
    if (isa<BroadcastOp>(user))
      return std::nullopt;
    // Operands broadcast aligned at the right.
    ArrayRef<int64_t> out = shapeOf(user->getResult(0));
    int64_t d = dim + static_cast<int64_t>(out.size() - in.size());
    if (out[d] != in[dim])
      return std::nullopt;
    RowFlow flow = same(d);
    flow.fallible = trapsOnZero(user);
    return flow;
  }
  if (auto oneHot = dyn_cast<OneHotOp>(user)) {
    int64_t axis = oneHot.getAxis().value_or(in.size());
    RowFlow flow = same(axis <= dim ? dim + 1 : dim);
    flow.fallible = true; // a class out of range
    return flow;
  }
  if (isa<ReshapeOp, ReorderOp>(user)) {
    std::optional<int64_t> d =
        reshapedRowDim(in, shapeOf(user->getResult(0)), dim);
    return d ? std::optional(same(*d)) : std::nullopt;
  }
  if (auto slice = dyn_cast<SliceOp>(user)) {
    bool strided = slice.getStrides() && (*slice.getStrides())[dim] != 1;
    if (strided || slice.getOffsets()[dim] != 0 ||
        slice.getSizes()[dim] != in[dim])
      return std::nullopt;
    return same(dim);
  }
  if (auto concat = dyn_cast<ConcatOp>(user))
    return static_cast<int64_t>(concat.getAxis()) == dim
               ? std::nullopt
               : std::optional(same(dim));
  if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(user)) {
    auto dims = user->getAttrOfType<DenseI64ArrayAttr>("dims").asArrayRef();
    if (llvm::is_contained(dims, dim))
      return std::nullopt;
    if (user->hasAttr("keepdim"))
      return same(dim);
    return same(dim - llvm::count_if(dims, [&](int64_t d) { return d < dim; }));
  }
  if (isa<CategoricalOp, ArgmaxOp>(user)) {
    int64_t axis = user->getAttrOfType<IntegerAttr>("axis").getInt();
    if (axis == dim)
      return std::nullopt;
    return same(axis < dim ? dim - 1 : dim);
  }
  if (auto conv = dyn_cast<Conv2dOp>(user)) {
    if (operand != conv.getInput() || (dim != 2 && dim != 3))
      return std::nullopt;
    return convFlow(conv, dim - 2);
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Values the same at every step of a row
//===----------------------------------------------------------------------===//

namespace {

/// What a value of the loop body reads, row by row.
struct RowState {
  enum Kind {
    /// Values fixed before the loop, and the step's row: the same at every
    /// step of a row.
    Fixed,
    /// Its element in row y of dimension `dim` (of the canvas's rows) reads
    /// the canvas in rows y - lag and above alone, and fixed values.
    /// `windowed`: its rows are the step's window (gm.row_window).
    Rows,
    /// Anything else: a draw, or what reads one.
    Varies
  };
  Kind kind = Varies;
  int64_t dim = 0, lag = 0;
  bool windowed = false;
};

class RowStates {
public:
  explicit RowStates(AutoregressiveOp loop) {
    Block &body = loop.getBody().front();
    int64_t canvasDim = shapeOf(loop.getInit()).size() - loop.getOver().size();
    states_[body.getArgument(0)] = {RowState::Rows, canvasDim, 0, false};
    visit(body);
  }

  RowState of(Value value) const {
    // What the loop did not compute was there before it.
    auto it = states_.find(value);
    return it != states_.end() ? it->second : RowState{RowState::Fixed};
  }

private:
  void visit(Block &block) {
    for (Operation &op : block) {
      if (auto fused = dyn_cast<FusedOp>(op)) {
        // Its body computes what its results hold, from its operands.
        Block &inner = fused.getBody().front();
        for (auto [arg, operand] :
             llvm::zip(inner.getArguments(), op.getOperands()))
          states_[arg] = of(operand);
        visit(inner);
        for (auto [result, yielded] :
             llvm::zip(op.getResults(), inner.getTerminator()->getOperands()))
          states_[result] = of(yielded);
        continue;
      }
      SmallVector<RowState> results = transfer(&op);
      for (auto [result, state] : llvm::zip(op.getResults(), results))
        states_[result] = state;
    }
  }

  SmallVector<RowState> transfer(Operation *op) {
    SmallVector<RowState> varies(op->getNumResults());
    if (isa<RandomOpInterface>(op))
      return varies;
    // A window's rows depend on the step's row alone; a window of columns
    // (along 1) on the step's column.
    if (isa<RowWindowOp, RowUnwindowOp>(op)) {
      if (op->getAttrOfType<IntegerAttr>("along").getInt() != 0)
        return varies;
      RowState in = of(op->getOperand(0));
      int64_t dim = op->getAttrOfType<IntegerAttr>("dim").getInt();
      if (in.kind == RowState::Fixed)
        return {in};
      if (in.kind != RowState::Rows || in.dim != dim)
        return varies;
      in.windowed = isa<RowWindowOp>(op);
      return {in};
    }
    if (!isMemoryEffectFree(op) || op->getNumRegions() != 0)
      return varies;
    std::optional<RowFlow> flow;
    int64_t lag = RowFlow::kNoRows;
    bool windowed = true;
    for (Value operand : op->getOperands()) {
      RowState in = of(operand);
      if (in.kind == RowState::Varies)
        return varies;
      if (in.kind == RowState::Fixed)
        continue;
      std::optional<RowFlow> f = rowFlow(op, operand, in.dim);
      if (!f || (flow && f->dims != flow->dims))
        return varies;
      flow = f;
      lag = std::min(lag, in.lag + f->lag);
      windowed &= in.windowed;
    }
    if (!flow)
      return SmallVector<RowState>(op->getNumResults(),
                                   RowState{RowState::Fixed});
    SmallVector<RowState> results;
    for (int64_t dim : flow->dims)
      results.push_back({RowState::Rows, dim, lag, windowed});
    return results;
  }

  llvm::DenseMap<Value, RowState> states_;
};

/// Which values of a loop body reach the step's row of what the body
/// yields from their own rows at and above the step's alone: every reader
/// keeps rows or reads up (never down), cannot fail, and its results are
/// such values too, up to the canvas's rows in the yield. The step keeps
/// only its own position of the yield, so such a value's rows below the
/// step's row may hold anything.
class RowsBelowUnread {
public:
  explicit RowsBelowUnread(AutoregressiveOp loop)
      : loop_(loop),
        canvasDim_(shapeOf(loop.getInit()).size() - loop.getOver().size()) {}

  /// Whether `value`, with its rows in dimension `dim`, is such a value.
  bool operator()(Value value, int64_t dim) {
    auto key = std::make_pair(value, dim);
    if (auto it = known_.find(key); it != known_.end())
      return it->second;
    bool unread = llvm::all_of(
        value.getUses(), [&](OpOperand &use) { return readsUp(use, dim); });
    known_[key] = unread;
    return unread;
  }

private:
  bool readsUp(OpOperand &use, int64_t dim) {
    Operation *user = use.getOwner();
    if (isa<YieldOp>(user)) {
      if (auto fused = dyn_cast<FusedOp>(user->getParentOp()))
        return (*this)(fused->getResult(use.getOperandNumber()), dim);
      return user->getParentOp() == loop_.getOperation() && dim == canvasDim_;
    }
    if (auto fused = dyn_cast<FusedOp>(user))
      return (*this)(
          fused.getBody().front().getArgument(use.getOperandNumber()), dim);
    // A window of these rows (following the step's row) or its put-back
    // keeps each row where it lies in the canvas; a window of another
    // dimension keeps the rows whole. One of these rows that follows the
    // step's column may take rows below.
    if (isa<RowWindowOp, RowUnwindowOp>(user)) {
      if (user->getAttrOfType<IntegerAttr>("dim").getInt() == dim &&
          user->getAttrOfType<IntegerAttr>("along").getInt() != 0)
        return false;
      return (*this)(user->getResult(0), dim);
    }
    // A convolution without a live tap still multiplies the rows below by
    // zero: a stale infinity there would be a NaN.
    std::optional<RowFlow> flow = rowFlow(user, use.get(), dim);
    if (!flow || flow->fallible || flow->lag == RowFlow::kNoRows)
      return false;
    for (auto [result, d] : llvm::zip(user->getResults(), flow->dims))
      if (!(*this)(result, d))
        return false;
    return true;
  }

  AutoregressiveOp loop_;
  int64_t canvasDim_;
  llvm::DenseMap<std::pair<Value, int64_t>, bool> known_;
};

} // namespace

llvm::DenseMap<Operation *, int64_t>
mlir::gm::perRowOps(AutoregressiveOp loop) {
  llvm::DenseMap<Operation *, int64_t> ops;
  if (loop.getPositions() == loop.getOver().front())
    return ops; // one step a row
  RowStates states(loop);
  RowsBelowUnread rowsBelowUnread(loop);
  for (Operation &op : loop.getBody().front().without_terminator()) {
    int64_t from = 0;
    bool same = op.getNumResults() != 0;
    for (Value result : op.getResults()) {
      RowState state = states.of(result);
      if (state.kind == RowState::Fixed)
        continue;
      // Its rows at or above the step's row read only finished rows of the
      // canvas.
      if (state.kind != RowState::Rows || state.lag < 1) {
        same = false;
        break;
      }
      // Its rows below vary along the row: harmless when nothing the step
      // keeps reads them; otherwise a window lies above them from the row
      // its height reaches up to.
      if (rowsBelowUnread(result, state.dim))
        continue;
      if (!state.windowed) {
        same = false;
        break;
      }
      from = std::max(from, shapeOf(result)[state.dim] - 1);
    }
    if (same)
      ops[&op] = from;
  }
  return ops;
}
