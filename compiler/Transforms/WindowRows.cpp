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
// r of it is exact. Then the same along the step's row, on windows of
// columns ending at the step's column (`along 1`), for the ops that read
// the step's row alone of what reads the canvas's step row. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "gm/RowFlow.h"

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

/// The row dimension of `operand` as `user` reads it when `user` computes
/// its rows in dimension `resultDim` (an operand without rows there, or
/// broadcast along them, has none): where a windowed op reads a whole
/// value through a gm.row_window.
std::optional<int64_t> operandRowDim(Operation *user, Value operand,
                                     int64_t resultDim) {
  if (auto conv = dyn_cast<Conv2dOp>(user))
    return operand == conv.getInput() ? std::optional<int64_t>(resultDim)
                                      : std::nullopt;
  int64_t d =
      resultDim - static_cast<int64_t>(shapeOf(user->getResult(0)).size() -
                                       shapeOf(operand).size());
  if (d < 0 || shapeOf(operand)[d] == 1)
    return std::nullopt;
  return d;
}

/// One loop's windowing along one of the dimensions it fills (`along`):
/// which ops compute on windows, with their rows in which dimension, and on
/// how many rows each computes. Along the first (rows), what reads the
/// canvas; along the second (columns), what reads the step's row alone of
/// a value that changes along the row (a window of one row).
class LoopWindows {
public:
  LoopWindows(AutoregressiveOp loop, int64_t along)
      : loop_(loop), along_(along), height_(loop.getOver()[along]),
        canvasDim_(shapeOf(loop.getInit()).size() - loop.getOver().size() +
                   along) {}

  /// Chooses the ops and their windows; false when no op would compute on
  /// fewer rows than the height, or a value put back would not be exact.
  bool plan() {
    Block &body = loop_.getBody().front();
    if (along_ == 0)
      rowDims_[body.getArgument(0)] = canvasDim_;
    else
      findColumnSeeds();
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
  /// Along the columns: the windows of one row (the step's) of values that
  /// read the canvas's step row (through ops that keep rows: no convolution
  /// that reads only rows above, whose value is the same along the row and
  /// runs once per row, on all columns), in the dimension that holds the
  /// canvas's columns. What admit() windows starts from them.
  void findColumnSeeds() {
    Block &body = loop_.getBody().front();
    // Where a value holds the canvas's rows and columns (-1: not known).
    struct Axes {
      int64_t rows, columns;
    };
    llvm::DenseMap<Value, Axes> stepRow{
        {body.getArgument(0), {canvasDim_ - along_, canvasDim_}}};
    for (Operation &op : body.without_terminator()) {
      for (Value operand : op.getOperands()) {
        auto it = stepRow.find(operand);
        if (it == stepRow.end())
          continue;
        Axes in = it->second;
        auto window = dyn_cast<RowWindowOp>(op);
        if (window && window.getAlong() == 0 &&
            static_cast<int64_t>(window.getDim()) == in.rows) {
          stepRow[window.getResult()] = in;
          if (window.getRows() == 1 && in.columns >= 0 &&
              shapeOf(window.getResult())[in.columns] == height_)
            rowDims_[window.getResult()] = in.columns;
          break;
        }
        std::optional<RowFlow> rows = rowFlow(&op, operand, in.rows);
        if (!rows || rows->lag != 0)
          continue;
        // A convolution keeps the columns where they were, whether or not
        // it reads right of its own.
        std::optional<RowFlow> columns;
        if (in.columns >= 0)
          columns = isa<Conv2dOp>(op) && in.columns == 3
                        ? RowFlow{{3}}
                        : rowFlow(&op, operand, in.columns);
        for (auto [i, result] : llvm::enumerate(op.getResults()))
          stepRow[result] = {rows->dims[i], columns ? columns->dims[i] : -1};
      }
    }
  }

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
    // Windows are made here, not computed on windows.
    if (op->getNumRegions() != 0 || isa<RandomOpInterface>(op) ||
        isa<RowWindowOp, RowUnwindowOp>(op) || op->getNumResults() != 1)
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
                                  value, dim, rows, along_);
    windows_[key] = w;
    return w;
  }

  /// Whether `op` is a window windowOf() made (one written before the pass
  /// reads its input whole).
  bool madeHere(Operation *op) {
    auto w = dyn_cast<RowWindowOp>(op);
    return w && static_cast<int64_t>(w.getAlong()) == along_ &&
           windows_.lookup({w.getInput(), w.getDim(), w.getRows()}) ==
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
    Value whole = RowUnwindowOp::create(b, result.getLoc(),
                                        withRows(result, dim, height_), result,
                                        dim, along_);
    for (OpOperand *use : outside)
      use->set(whole);
  }

  AutoregressiveOp loop_;
  /// The dimension the loop fills that the windows follow, its rows, and
  /// the canvas's dimension of them.
  int64_t along_, height_, canvasDim_;
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
      // Rows first: the columns follow the step's row that they make.
      for (int64_t along = 0;
           along < std::min<int64_t>(2, loop.getOver().size()); ++along) {
        LoopWindows windows(loop, along);
        if (windows.plan())
          windows.rewrite();
      }
    });
  }
};

} // namespace
