//===- WindowRows.cpp - gm-window-rows ------------------------------------===//
//
// Step p of a gm.autoregressive over [H, ...] keeps its body's value at p,
// in row r. A row-causal layer computes row y from rows y - k..y alone (a
// convolution whose live taps lie at or above its centre row reaches k
// rows up; elementwise ops, channel slices and concats, reductions over
// other dimensions reach none). Computed on a window of rows ending at r,
// its bottom rows but k are exact when its inputs are: so each op runs on
// the rows its readers need exact plus its own k, and what is put back for
// the other ops (gm.row_unwindow) needs row r alone. The pass computes such
// layers on gm.row_window of what they read when every value that follows
// a put-back reaches the yield through ops that keep rows, since only row
// r of it is exact. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMWINDOWROWS
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// How rows pass through an op: each result's row dimension, how many
/// rows above its own a result row reads (0: the op keeps rows), and
/// whether some values are errors (an integer division by zero, a class
/// out of range): then it may not read a value put back, exact at the
/// step's row alone.
struct RowFlow {
  SmallVector<int64_t, 1> dims;
  int64_t reach = 0;
  bool fallible = false;
};

/// The dimension of a reshape's result that holds the rows of dimension
/// `dim` of its input: the same size with the same elements after it.
std::optional<int64_t> reshapedRowDim(ArrayRef<int64_t> in,
                                      ArrayRef<int64_t> out, int64_t dim) {
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

/// How many rows above an output row a convolution reads, when it reads
/// none below it and keeps the row count: every live tap in a row at or
/// above the centre (the top padding), stride and dilation 1 in height.
std::optional<int64_t> convReach(Conv2dOp conv) {
  if (conv.getStride()[0] != 1 || conv.getDilation()[0] != 1 ||
      shapeOf(conv.getResult())[2] != shapeOf(conv.getInput())[2])
    return std::nullopt;
  ArrayRef<int64_t> kernel = shapeOf(conv.getWeight());
  int64_t top = conv.getPadding()[0], firstLive = kernel[2], lastLive = -1;
  int64_t i = 0;
  auto live = [&](int64_t row) {
    firstLive = std::min(firstLive, row);
    lastLive = std::max(lastLive, row);
  };
  if (auto mask = conv.getMask()) {
    for (bool on : mask->getValues<bool>()) {
      if (on)
        live(i / kernel[3]);
      ++i;
    }
  } else {
    live(0);
    live(kernel[2] - 1);
  }
  if (lastLive < 0)
    return 0; // no live tap: every output is zero, whatever it reads
  if (lastLive > top)
    return std::nullopt; // reads rows below
  return top - firstLive;
}

/// How the rows of `operand`, in its dimension `dim`, pass through `user`;
/// nothing when an output row reads other rows than the operand's own and
/// those above, or the op is not one this pass knows.
std::optional<RowFlow> rowFlow(Operation *user, Value operand, int64_t dim) {
  ArrayRef<int64_t> in = shapeOf(operand);
  auto same = [&](int64_t d) { return RowFlow{{d}, 0}; };
  if (isElementwise(user) || isa<BernoulliOp>(user)) {
    if (isa<BroadcastOp>(user))
      return std::nullopt;
    // Operands broadcast aligned at the right.
    ArrayRef<int64_t> out = shapeOf(user->getResult(0));
    int64_t d = dim + static_cast<int64_t>(out.size() - in.size());
    if (out[d] != in[dim])
      return std::nullopt;
    return RowFlow{{d}, 0, trapsOnZero(user)};
  }
  if (auto oneHot = dyn_cast<OneHotOp>(user)) {
    int64_t axis = oneHot.getAxis().value_or(in.size());
    return RowFlow{{axis <= dim ? dim + 1 : dim}, 0, true};
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
    std::optional<int64_t> reach = convReach(conv);
    if (operand != conv.getInput() || dim != 2 || !reach)
      return std::nullopt;
    return RowFlow{{2}, *reach};
  }
  return std::nullopt;
}

/// The row dimension of `operand` as `user` reads it when `user` computes
/// its rows in dimension `resultDim` (an operand without rows there, or
/// broadcast along them, has none): where a windowed op reads a whole
/// value through a gm.row_window.
std::optional<int64_t> operandRowDim(Operation *user, Value operand,
                                     int64_t resultDim) {
  if (auto conv = dyn_cast<Conv2dOp>(user))
    return operand == conv.getInput() ? std::optional<int64_t>(2)
                                      : std::nullopt;
  int64_t d =
      resultDim - static_cast<int64_t>(shapeOf(user->getResult(0)).size() -
                                       shapeOf(operand).size());
  if (d < 0 || shapeOf(operand)[d] == 1)
    return std::nullopt;
  return d;
}

/// One loop's windowing: which ops compute on windows, with their rows in
/// which dimension, and on how many rows each computes.
class LoopWindows {
public:
  explicit LoopWindows(AutoregressiveOp loop)
      : loop_(loop), height_(loop.getOver().front()),
        canvasDim_(shapeOf(loop.getInit()).size() - loop.getOver().size()) {}

  /// Chooses the ops and their windows; false when no op would compute on
  /// fewer rows than the height, or a value put back would not be exact.
  bool plan() {
    Block &body = loop_.getBody().front();
    rowDims_[body.getArgument(0)] = canvasDim_;
    for (Operation &op : body.without_terminator())
      admit(&op);
    if (admitted_.empty())
      return false;
    // An op computes the rows its readers need exact, the bottom ones of
    // its window, plus those it reaches up: what is put back needs only
    // the step's row. Its inputs are then exact in every row it reads: the
    // bottom rows of a wider window (or all rows of one clamped to start
    // at row 0, where the padding above is the image's own).
    int64_t widest = 0;
    for (Operation *op : llvm::reverse(admitted_)) {
      int64_t needed = 1;
      for (Operation *user : op->getResult(0).getUsers())
        if (admitted_.contains(user))
          needed = std::max(needed, rows_[user]);
      rows_[op] = needed + reach_[op];
      widest = std::max(widest, rows_[op]);
    }
    if (widest >= height_)
      return false;
    // What is put back is exact at the step's row alone (the canvas, read
    // whole, everywhere).
    for (Operation *op : admitted_) {
      Value value = op->getResult(0);
      for (OpOperand &use : value.getUses())
        if (!admitted_.contains(use.getOwner()) &&
            !keepsRowsToYield(use.getOwner(), value, rowDims_[value]))
          return false;
    }
    return true;
  }

  void rewrite() {
    OpBuilder b(loop_.getContext());
    for (Operation *op : admitted_) {
      int64_t dim = rowDims_[op->getResult(0)], rows = rows_[op];
      b.setInsertionPoint(op);
      for (OpOperand &operand : op->getOpOperands()) {
        // The canvas and windowed values have their rows where admit()
        // found them; whole values read elementwise, aligned at the right.
        std::optional<int64_t> d;
        if (auto it = rowDims_.find(operand.get()); it != rowDims_.end())
          d = it->second;
        else
          d = operandRowDim(op, operand.get(), dim);
        if (d && shapeOf(operand.get())[*d] != rows)
          operand.set(windowOf(b, operand.get(), *d, rows));
      }
      Value result = op->getResult(0);
      result.setType(withRows(result, dim, rows));
      if (auto slice = dyn_cast<SliceOp>(op)) {
        SmallVector<int64_t> sizes(slice.getSizes());
        sizes[dim] = rows;
        slice.setSizes(sizes);
      }
    }
    for (Operation *op : admitted_)
      putBack(b, op->getResult(0));
  }

private:
  /// Computes `op` on windows when it reads a windowed value (or the
  /// canvas) and every such operand's rows pass through it to one row
  /// dimension.
  void admit(Operation *op) {
    // A draw made at the step's position alone (gm-narrow-autoregressive)
    // stays whole: a window would read it at other positions.
    if (op->hasAttr(kAtPositionAttr) ||
        llvm::any_of(op->getOperands(),
                     [&](Value v) { return drawnAtPosition_.contains(v); })) {
      drawnAtPosition_.insert(op->result_begin(), op->result_end());
      return;
    }
    if (op->getNumRegions() != 0 || isa<RandomOpInterface>(op) ||
        op->getNumResults() != 1)
      return;
    // A fallible op may run here: an op reads the bottom rows of its
    // operands' windows, which are exact (see plan()).
    std::optional<RowFlow> flow;
    for (Value operand : op->getOperands()) {
      auto it = rowDims_.find(operand);
      if (it == rowDims_.end())
        continue;
      std::optional<RowFlow> f = rowFlow(op, operand, it->second);
      if (!f || (flow && f->dims != flow->dims))
        return;
      flow = f;
    }
    if (!flow)
      return;
    // Whole values it reads must have the height to be windowed.
    for (Value operand : op->getOperands())
      if (!rowDims_.count(operand))
        if (std::optional<int64_t> d =
                operandRowDim(op, operand, flow->dims.front());
            d && shapeOf(operand)[*d] != height_)
          return;
    admitted_.insert(op);
    reach_[op] = flow->reach;
    rowDims_[op->getResult(0)] = flow->dims.front();
  }

  /// Whether `user` reads `value` at row r for row r alone, and so does
  /// every op after it up to the yield, which keeps the canvas's rows.
  bool keepsRowsToYield(Operation *user, Value value, int64_t dim) {
    if (user == loop_.getBody().front().getTerminator())
      return dim == canvasDim_;
    std::optional<RowFlow> flow = rowFlow(user, value, dim);
    if (!flow || flow->reach != 0 || flow->fallible)
      return false;
    for (auto [result, d] : llvm::zip(user->getResults(), flow->dims)) {
      if (keepRows_.contains({result, d}))
        continue;
      for (OpOperand &use : result.getUses())
        if (!keepsRowsToYield(use.getOwner(), result, d))
          return false;
      keepRows_.insert({result, d});
    }
    return true;
  }

  static RankedTensorType withRows(Value value, int64_t dim, int64_t rows) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = rows;
    return type.clone(shape);
  }

  /// The step's window of `rows` rows of a whole value or a wider window,
  /// made once where the value is defined.
  Value windowOf(OpBuilder &b, Value value, int64_t dim, int64_t rows) {
    auto key = std::make_tuple(value, dim, rows);
    if (Value w = windows_.lookup(key))
      return w;
    OpBuilder::InsertionGuard guard(b);
    Block &body = loop_.getBody().front();
    Operation *def = value.getDefiningOp();
    if (def && def->getBlock() == &body)
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(&body);
    Value w = RowWindowOp::create(b, value.getLoc(), withRows(value, dim, rows),
                                  value, dim, rows);
    windows_[key] = w;
    return w;
  }

  /// Whether `op` is a window windowOf() made (one written before the pass
  /// reads its input whole).
  bool madeHere(Operation *op) {
    auto w = dyn_cast<RowWindowOp>(op);
    return w && windows_.lookup({w.getInput(), w.getDim(), w.getRows()}) ==
                    w.getResult();
  }

  /// Has the ops that do not compute on windows read `result` whole.
  void putBack(OpBuilder &b, Value result) {
    SmallVector<OpOperand *> outside;
    for (OpOperand &use : result.getUses())
      if (!admitted_.contains(use.getOwner()) && !madeHere(use.getOwner()))
        outside.push_back(&use);
    if (outside.empty())
      return;
    b.setInsertionPointAfterValue(result);
    int64_t dim = rowDims_[result];
    Value whole = RowUnwindowOp::create(
        b, result.getLoc(), withRows(result, dim, height_), result, dim);
    for (OpOperand *use : outside)
      use->set(whole);
  }

  AutoregressiveOp loop_;
  /// The rows of the first dimension the loop fills, and the canvas's
  /// dimension of them.
  int64_t height_, canvasDim_;
  /// The row dimension of the canvas and of each windowed value.
  llvm::DenseMap<Value, int64_t> rowDims_;
  llvm::SetVector<Operation *> admitted_;
  /// Each admitted op's reach (RowFlow) and the rows it computes on.
  llvm::DenseMap<Operation *, int64_t> reach_, rows_;
  /// Values computed from a draw made at the step's position alone.
  llvm::DenseSet<Value> drawnAtPosition_;
  /// The (value, row dimension) pairs keepsRowsToYield answered yes for.
  llvm::DenseSet<std::pair<Value, int64_t>> keepRows_;
  /// The windows made, by (value, row dimension, rows).
  llvm::DenseMap<std::tuple<Value, int64_t, int64_t>, Value> windows_;
};

struct WindowRowsPass : public gm::impl::GmWindowRowsBase<WindowRowsPass> {
  void runOnOperation() override {
    getOperation().walk([](AutoregressiveOp loop) {
      LoopWindows windows(loop);
      if (windows.plan())
        windows.rewrite();
    });
  }
};

} // namespace
