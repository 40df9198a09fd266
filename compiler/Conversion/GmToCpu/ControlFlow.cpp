//===- ControlFlow.cpp - repeat, autoregressive loops and row windows -----===//
//
// The structural ops with bodies: gm.repeat and gm.autoregressive become
// scf.for loops around their bodies' ops; gm.row_window and gm.row_unwindow
// copy the runs of rows (or columns) a sampling step's window takes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Transforms/MemoryPlan.h"
#include "gm/RowFlow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

/// `scf.for %i = 0 to count step 1`, with an empty body.
static scf::ForOp countedLoop(OpBuilder &b, Location loc, int64_t count) {
  Value lower = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, count);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(b, loc, lower, upper, step);
}

LogicalResult ModelEmitter::emitRepeat(OpBuilder &b, RepeatOp op,
                                       FunctionState &fs) {
  Location loc = op.getLoc();
  int64_t count = op.getCount();
  scf::ForOp loop = countedLoop(b, loc, count);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  // Iterations of nested repeats flatten into one index, as in the
  // reference evaluator: outer * count + i.
  Value i = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                       loop.getInductionVar());
  Value countValue =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(count));
  FunctionState inner = fs;
  inner.iteration = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, fs.iteration, countValue), i);
  int64_t scale = flopsScale_;
  flopsScale_ *= count;
  LogicalResult result = emitBody(b, op.getBodyBlock(), inner);
  flopsScale_ = scale;
  fs.keepAddressesOf(inner);
  return result;
}

LogicalResult ModelEmitter::emitAutoregressive(OpBuilder &b,
                                               AutoregressiveOp op,
                                               FunctionState &fs) {
  Location loc = op.getLoc();
  PlaceAttr canvasPlace = getPlace(op.getResult());
  if (failed(emitCopy(b, loc, fs, op.getInit(), canvasPlace)))
    return failure();
  auto type = cast<RankedTensorType>(op.getType());
  int64_t positions = op.getPositions();
  int64_t lines = type.getNumElements() / positions;

  scf::ForOp loop = countedLoop(b, loc, positions);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value p = loop.getInductionVar();
  Block &body = op.getBody().front();
  FunctionState inner = fs;
  inner.position =
      arith::IndexCastOp::create(b, loc, b.getI64Type(), p).getResult();
  int64_t scale = flopsScale_;
  int64_t height = op.getOver().front(), perRow = op.getStepsPer(0);
  for (auto it = body.begin(), end = std::prev(body.end()); it != end;) {
    std::optional<int64_t> from = perRowMark(&*it);
    if (!from) {
      flopsScale_ = scale * positions;
      if (failed(emitOp(b, &*it++, inner)))
        return failure();
      continue;
    }
    // A run of ops the same along a row from row `from` on (gm-per-row):
    // computed at a row's first step, and at every step of the rows before.
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value column = arith::RemUIOp::create(b, loc, p, index(perRow));
    Value when = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, column,
                                       index(0));
    if (*from > 0) {
      Value early = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, p,
                                          index(*from * perRow));
      when = arith::OrIOp::create(b, loc, when, early);
    }
    auto runs = scf::IfOp::create(b, loc, when, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard inRun(b);
    b.setInsertionPoint(runs.thenBlock()->getTerminator());
    flopsScale_ = scale * (*from * perRow + height - *from);
    for (; it != end && perRowMark(&*it) == from; ++it)
      if (failed(emitOp(b, &*it, inner)))
        return failure();
    // At the steps that skip the run, the call before the next one is
    // another: it may reuse no copy the run's last call staged.
    lastLibraryCall_ = {};
  }
  flopsScale_ = scale;
  fs.keepAddressesOf(inner);
  // Position p of every line of the canvas takes the yielded value's.
  auto yield = cast<YieldOp>(body.getTerminator());
  FailureOr<Value> next =
      viewOf(b, loc, fs, yield.getValues()[0], {lines, positions});
  FailureOr<Value> canvas =
      viewOf(b, loc, fs, op.getResult(), {lines, positions});
  if (failed(next) || failed(canvas))
    return failure();
  scf::ForOp copy = countedLoop(b, loc, lines);
  b.setInsertionPoint(copy.getBody()->getTerminator());
  Value l = copy.getInductionVar();
  Value v = memref::LoadOp::create(b, loc, *next, ValueRange{l, p});
  memref::StoreOp::create(b, loc, v, *canvas, ValueRange{l, p});
  return success();
}

LogicalResult ModelEmitter::emitRowWindow(OpBuilder &b, Operation *op,
                                          FunctionState &fs) {
  Location loc = op->getLoc();
  // The window (`small`) lies inside the whole tensor or a wider window
  // (`big`): a row_window copies out of it, a row_unwindow into it.
  bool unwindow = isa<RowUnwindowOp>(op);
  Value small = unwindow ? op->getOperand(0) : op->getResult(0);
  Value big = unwindow ? op->getResult(0) : op->getOperand(0);
  int64_t dim = op->getAttrOfType<IntegerAttr>("dim").getInt();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(big.getType()).getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d : shape.take_front(dim))
    outer *= d;
  for (int64_t d : shape.drop_front(dim + 1))
    inner *= d;
  int64_t bigRows = shape[dim];
  int64_t smallRows = cast<RankedTensorType>(small.getType()).getDimSize(dim);
  FailureOr<Value> smallView =
      viewOf(b, loc, fs, small, {outer * smallRows * inner});
  FailureOr<Value> bigView = viewOf(b, loc, fs, big, {outer * bigRows * inner});
  if (failed(smallView) || failed(bigView))
    return failure();
  // Draws made at the step's position alone (gm.at_position) read nothing
  // of the rows outside the window: when they are all that read it, those
  // rows need no zeros (PixelCNN's logits: 12.8 MB a step).
  bool readAtPositionOnly = llvm::all_of(big.getUsers(), [](Operation *user) {
    return user->hasAttr(kAtPositionAttr);
  });
  if (unwindow && !readAtPositionOnly) {
    Value zero = arith::ConstantOp::create(
        b, loc, b.getZeroAttr(getElementTypeOrSelf(big.getType())));
    linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{*bigView});
  }
  // Where each window starts (AutoregressiveOp::windowStart), and so where
  // the small one starts inside the big one.
  auto loop = cast<AutoregressiveOp>(op->getParentOp());
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The step's row: its index in the loop's dimension `along`.
  int64_t along = op->getAttrOfType<IntegerAttr>("along").getInt();
  Value position =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), fs.position);
  Value row =
      arith::DivUIOp::create(b, loc, position, index(loop.getStepsPer(along)));
  if (along != 0)
    row = arith::RemUIOp::create(b, loc, row, index(loop.getOver()[along]));
  auto start = [&](int64_t rows) -> Value {
    Value up = arith::SubIOp::create(b, loc, row, index(rows - 1));
    return arith::MaxSIOp::create(b, loc, up, index(0));
  };
  Value offset = start(smallRows);
  if (bigRows != loop.getOver()[along]) // a window of a window
    offset = arith::SubIOp::create(b, loc, offset, start(bigRows));
  // Each line of the dimensions before `dim` holds one run of window rows.
  scf::ForOp lines = countedLoop(b, loc, outer);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(lines.getBody()->getTerminator());
  Value o = lines.getInductionVar();
  Value bigLine = arith::MulIOp::create(b, loc, o, index(bigRows));
  Value bigRow = arith::AddIOp::create(b, loc, bigLine, offset);
  Value bigAt = arith::MulIOp::create(b, loc, bigRow, index(inner));
  Value smallAt = arith::MulIOp::create(b, loc, o, index(smallRows * inner));
  auto run = [&](Value view, Value at) -> Value {
    return memref::SubViewOp::create(
        b, loc, view, ArrayRef<OpFoldResult>{at},
        ArrayRef<OpFoldResult>{b.getIndexAttr(smallRows * inner)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  };
  Value inBig = run(*bigView, bigAt), inSmall = run(*smallView, smallAt);
  memref::CopyOp::create(b, loc, unwindow ? inSmall : inBig,
                         unwindow ? inBig : inSmall);
  return success();
}
