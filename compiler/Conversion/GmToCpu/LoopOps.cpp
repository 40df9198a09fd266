//===- LoopOps.cpp - elementwise, reduction and layout ops as loop nests --===//
//
// Each op becomes a LoopNest: elementwise ops iterate over their result
// with broadcast operands indexed by the dimensions they have; reductions
// iterate over their input; layout ops (transpose, slice, pad, concat,
// upsample) are copies whose source or target is a strided window. The
// scalar semantics match the reference evaluator's (ElementwiseKernels.cpp)
// case for case: NaN handling of relu, max and comparisons included.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

static Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

static Value constantLike(OpBuilder &b, Location loc, Type type, double v) {
  if (isa<FloatType>(type))
    return floatConstant(b, loc, type, v);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(v)));
}

/// `a > b` (ordered for floats: false when either is NaN).
static Value greater(OpBuilder &b, Location loc, Value a, Value c) {
  if (isa<FloatType>(a.getType()))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a, c);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, a, c);
}
static Value less(OpBuilder &b, Location loc, Value a, Value c) {
  return greater(b, loc, c, a);
}

static Value compare(OpBuilder &b, Location loc, ComparePredicate p, Value a,
                     Value c) {
  if (isa<FloatType>(a.getType())) {
    // C++ semantics: every comparison with NaN is false but !=.
    arith::CmpFPredicate f = arith::CmpFPredicate::OEQ;
    switch (p) {
    case ComparePredicate::eq:
      f = arith::CmpFPredicate::OEQ;
      break;
    case ComparePredicate::ne:
      f = arith::CmpFPredicate::UNE;
      break;
    case ComparePredicate::lt:
      f = arith::CmpFPredicate::OLT;
      break;
    case ComparePredicate::le:
      f = arith::CmpFPredicate::OLE;
      break;
    case ComparePredicate::gt:
      f = arith::CmpFPredicate::OGT;
      break;
    case ComparePredicate::ge:
      f = arith::CmpFPredicate::OGE;
      break;
    }
    return arith::CmpFOp::create(b, loc, f, a, c);
  }
  arith::CmpIPredicate i = arith::CmpIPredicate::eq;
  switch (p) {
  case ComparePredicate::eq:
    i = arith::CmpIPredicate::eq;
    break;
  case ComparePredicate::ne:
    i = arith::CmpIPredicate::ne;
    break;
  case ComparePredicate::lt:
    i = arith::CmpIPredicate::slt;
    break;
  case ComparePredicate::le:
    i = arith::CmpIPredicate::sle;
    break;
  case ComparePredicate::gt:
    i = arith::CmpIPredicate::sgt;
    break;
  case ComparePredicate::ge:
    i = arith::CmpIPredicate::sge;
    break;
  }
  return arith::CmpIOp::create(b, loc, i, a, c);
}

/// Element type conversion with the evaluator's rounding: floats to
/// integers truncate, anything to i1 is "!= 0".
static Value convert(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    Value zero = constantLike(b, loc, from, 0);
    return fromFloat ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                             v, zero)
                           .getResult()
                     : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                             v, zero)
                           .getResult();
  }
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? arith::ExtFOp::create(b, loc, to, v).getResult()
               : arith::TruncFOp::create(b, loc, to, v).getResult();
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, v);
  if (toFloat)
    return from.isInteger(1)
               ? arith::UIToFPOp::create(b, loc, to, v).getResult()
               : arith::SIToFPOp::create(b, loc, to, v).getResult();
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, v);
  return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
             ? arith::ExtSIOp::create(b, loc, to, v).getResult()
             : arith::TruncIOp::create(b, loc, to, v).getResult();
}

Value mlir::gm::cpu::emitScalarOp(OpBuilder &b, Location loc, Operation *op,
                                  ValueRange in, Type type) {
  bool isFloat = isa<FloatType>(type);
  Value x = in.empty() ? Value() : in[0];
  // Operands that build ops are built in statements of their own: C++
  // leaves the order of evaluating arguments open, and the IR's order must
  // not depend on the host compiler (scripts/check-build-order.sh).
  auto zero = [&] { return constantLike(b, loc, type, 0); };
  auto one = [&] { return constantLike(b, loc, type, 1); };
  auto positivePart = [&]() -> Value { // max(x, 0)
    Value otherwise = zero();
    return arith::SelectOp::create(b, loc, greater(b, loc, x, zero()), x,
                                   otherwise);
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](NegOp) -> Value {
        if (isFloat)
          return arith::NegFOp::create(b, loc, x);
        return arith::SubIOp::create(b, loc, zero(), x);
      })
      .Case([&](AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, x);
        return math::AbsIOp::create(b, loc, x);
      })
      .Case([&](SignOp) -> Value {
        Value minusOne = constantLike(b, loc, type, -1);
        Value otherwise = zero();
        Value isNegative = less(b, loc, x, zero());
        Value negative =
            arith::SelectOp::create(b, loc, isNegative, minusOne, otherwise);
        Value plusOne = one();
        return arith::SelectOp::create(b, loc, greater(b, loc, x, zero()),
                                       plusOne, negative);
      })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, x); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, x); })
      .Case([&](Log1pOp) { return math::Log1pOp::create(b, loc, x); })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, x); })
      .Case([&](RsqrtOp) -> Value {
        Value root = math::SqrtOp::create(b, loc, x);
        return arith::DivFOp::create(b, loc, one(), root);
      })
      .Case([&](SquareOp) -> Value {
        if (isFloat)
          return arith::MulFOp::create(b, loc, x, x);
        return arith::MulIOp::create(b, loc, x, x);
      })
      .Case(
          [&](ReciprocalOp) { return arith::DivFOp::create(b, loc, one(), x); })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, x); })
      .Case([&](SigmoidOp) -> Value {
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        Value denominator = arith::AddFOp::create(b, loc, one(), e);
        return arith::DivFOp::create(b, loc, one(), denominator);
      })
      .Case([&](SoftplusOp) -> Value {
        // max(x, 0) + log1p(exp(-|x|)): the evaluator's two branches in one.
        Value positive = positivePart();
        Value e = math::ExpOp::create(
            b, loc,
            arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
        return arith::AddFOp::create(b, loc, positive,
                                     math::Log1pOp::create(b, loc, e));
      })
      .Case([&](ReluOp) { return positivePart(); })
      .Case([&](LeakyReluOp l) -> Value {
        Value alpha =
            floatConstant(b, loc, type, l.getAlpha().convertToDouble());
        Value scaled = arith::MulFOp::create(b, loc, alpha, x);
        return arith::SelectOp::create(b, loc, greater(b, loc, x, zero()), x,
                                       scaled);
      })
      .Case([&](FloorOp) { return math::FloorOp::create(b, loc, x); })
      .Case([&](RoundOp) { return math::RoundEvenOp::create(b, loc, x); })
      .Case([&](AddOp) -> Value {
        if (isFloat)
          return arith::AddFOp::create(b, loc, in[0], in[1]);
        return arith::AddIOp::create(b, loc, in[0], in[1]);
      })
      .Case([&](SubOp) -> Value {
        if (isFloat)
          return arith::SubFOp::create(b, loc, in[0], in[1]);
        return arith::SubIOp::create(b, loc, in[0], in[1]);
      })
      .Case([&](MulOp) -> Value {
        if (isFloat)
          return arith::MulFOp::create(b, loc, in[0], in[1]);
        return arith::MulIOp::create(b, loc, in[0], in[1]);
      })
      .Case([&](DivOp) -> Value {
        if (isFloat)
          return arith::DivFOp::create(b, loc, in[0], in[1]);
        return arith::DivSIOp::create(b, loc, in[0], in[1]);
      })
      .Case([&](PowOp) { return math::PowFOp::create(b, loc, in[0], in[1]); })
      .Case([&](MaximumOp) -> Value {
        // std::max(a, b) = a < b ? b : a.
        return arith::SelectOp::create(b, loc, less(b, loc, in[0], in[1]),
                                       in[1], in[0]);
      })
      .Case([&](MinimumOp) -> Value {
        // std::min(a, b) = b < a ? b : a.
        return arith::SelectOp::create(b, loc, less(b, loc, in[1], in[0]),
                                       in[1], in[0]);
      })
      .Case([&](CompareOp c) {
        return compare(b, loc, c.getPredicate(), in[0], in[1]);
      })
      .Case([&](SelectOp) {
        return arith::SelectOp::create(b, loc, in[0], in[1], in[2]);
      })
      .Case<CastOp, BroadcastOp>(
          [&](Operation *) { return convert(b, loc, x, type); })
      .Default([](Operation *) { return Value(); });
}

//===----------------------------------------------------------------------===//
// Nests
//===----------------------------------------------------------------------===//

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// The whole of `value` indexed by iteration dims 0..rank-1.
static NestOperand wholeOperand(Value value) {
  NestOperand operand;
  operand.value = value;
  operand.shape.assign(shapeOf(value).begin(), shapeOf(value).end());
  for (size_t k = 0; k < operand.shape.size(); ++k)
    operand.dims.push_back(k);
  return operand;
}

/// All of `whole` narrowed to the window of `sizes` at `offsets` (unit
/// strides unless given).
static NestOperand windowOf(Value whole, ArrayRef<int64_t> offsets,
                            ArrayRef<int64_t> sizes,
                            ArrayRef<int64_t> strides = {}) {
  NestOperand operand = wholeOperand(whole);
  operand.offsets.assign(offsets.begin(), offsets.end());
  operand.sizes.assign(sizes.begin(), sizes.end());
  if (strides.empty())
    operand.strides.assign(sizes.size(), 1);
  else
    operand.strides.assign(strides.begin(), strides.end());
  return operand;
}

/// When the plan made `value`, a slice's result, a strided view of the
/// slice's input (stridedSliceOffset: only loops read it): the slice.
static SliceOp stridedView(Value value) {
  auto slice = value.getDefiningOp<SliceOp>();
  if (!slice)
    return {};
  std::optional<int64_t> offset = stridedSliceOffset(slice);
  return offset && sharesBytes(value, slice.getInput(), *offset) ? slice
                                                                 : SliceOp();
}

/// `value` as an operand of a nest over `extents` that it broadcasts to
/// (numpy rules: aligned at the right, size-1 dimensions repeat).
static NestOperand broadcastOperand(Value value, ArrayRef<int64_t> extents) {
  NestOperand operand;
  DenseElementsAttr constant = ModelEmitter::constantOf(value);
  if (constant && constant.isSplat()) {
    operand.scalar = cast<TypedAttr>(constant.getSplatValue<Attribute>());
    return operand;
  }
  if (SliceOp slice = stridedView(value)) {
    // Only loops over its own shape read it (gm-plan-memory): the slice
    // copied nothing, so another reading would be wrong, not slow.
    if (shapeOf(value) != extents)
      llvm::report_fatal_error("gm-to-cpu: a strided view read broadcast "
                               "(gm-plan-memory should have copied it)");
    return windowOf(slice.getInput(), slice.getOffsets(), extents);
  }
  operand.value = value;
  ArrayRef<int64_t> shape = shapeOf(value);
  int64_t lead = extents.size() - shape.size();
  for (auto [i, d] : llvm::enumerate(shape))
    if (d != 1) {
      operand.shape.push_back(d);
      operand.dims.push_back(lead + i);
    }
  return operand;
}

/// Where a nest writes `result`: its own buffer, or the window of a
/// concat's result the plan computes it in (stridedConcatOffsets).
static NestOperand outputOperand(Value result) {
  if (result.hasOneUse())
    if (auto concat = dyn_cast<ConcatOp>(*result.getUsers().begin()))
      if (std::optional<SmallVector<int64_t>> runs =
              stridedConcatOffsets(concat)) {
        unsigned i = result.getUses().begin()->getOperandNumber();
        if (sharesBytes(result, concat.getResult(), (*runs)[i])) {
          SmallVector<int64_t> offsets(shapeOf(result).size(), 0);
          for (Value before : concat.getInputs().take_front(i))
            offsets[concat.getAxis()] += shapeOf(before)[concat.getAxis()];
          return windowOf(concat.getResult(), offsets, shapeOf(result));
        }
      }
  return wholeOperand(result);
}

static LoopNest parallelNest(ArrayRef<int64_t> extents, StringRef name) {
  LoopNest nest;
  nest.extents.assign(extents.begin(), extents.end());
  nest.iterators.assign(extents.size(), utils::IteratorType::parallel);
  nest.name = name.str();
  return nest;
}

static PointBuilder identityPoint() {
  return [](OpBuilder &, Location, ValueRange in, ValueRange) {
    return SmallVector<Value>{in[0]};
  };
}

/// Elementwise ops, broadcast and cast: one point per result element.
static LoopNest elementwiseNest(Operation *op) {
  Value result = op->getResult(0);
  LoopNest nest = parallelNest(shapeOf(result), op->getName().stripDialect());
  for (Value operand : op->getOperands())
    nest.inputs.push_back(broadcastOperand(operand, nest.extents));
  nest.outputs.push_back(outputOperand(result));
  Type type = elementTypeOf(result);
  nest.point = [op, type](OpBuilder &b, Location loc, ValueRange in,
                          ValueRange) {
    return SmallVector<Value>{emitScalarOp(b, loc, op, in, type)};
  };
  return nest;
}

static void
reduceInto(LoopNest &nest, Operation *op,
           std::function<Value(OpBuilder &, Location, ValueRange)> valueOf);

/// Computes the elementwise ops of a gm.fused body (all but a trailing
/// reduction) on scalars `in`, one per body argument.
static IRMapping computeBody(OpBuilder &b, Block *body, ValueRange in) {
  IRMapping scalars;
  scalars.map(body->getArguments(), in);
  for (Operation &inner : body->without_terminator()) {
    if (!isElementwise(&inner))
      break; // the trailing reduction: folded in by the nest
    SmallVector<Value> operands;
    for (Value v : inner.getOperands())
      operands.push_back(scalars.lookup(v));
    Type type =
        cast<RankedTensorType>(inner.getResult(0).getType()).getElementType();
    scalars.map(inner.getResult(0),
                emitScalarOp(b, inner.getLoc(), &inner, operands, type));
  }
  return scalars;
}

/// A gm.fused: one point computes the body's ops in order on scalars. With a
/// trailing reduction, the nest runs over the reduction's input and each
/// point folds the chain's value into the result.
static LoopNest fusedNest(FusedOp op) {
  Operation *reduction = op.getReduction();
  ArrayRef<int64_t> shape =
      reduction ? shapeOf(reduction->getOperand(0)) : shapeOf(op.getResult(0));
  LoopNest nest = parallelNest(shape, "fused");
  for (Value input : op.getInputs())
    nest.inputs.push_back(broadcastOperand(input, nest.extents));
  Block *body = &op.getBody().front();
  // The kernel's name lists what it fuses: fused.mul.add.exp.
  for (Operation &inner : body->without_terminator())
    if (nest.name.size() < 48)
      nest.name += "." + inner.getName().stripDialect().str();
  if (reduction) {
    Value reduced = reduction->getOperand(0);
    reduceInto(nest, reduction,
               [body, reduced](OpBuilder &b, Location, ValueRange in) {
                 return computeBody(b, body, in).lookup(reduced);
               });
    nest.outputs.front().value = op.getResult(0);
    return nest;
  }
  for (Value result : op.getResults())
    nest.outputs.push_back(outputOperand(result));
  nest.point = [body](OpBuilder &b, Location, ValueRange in, ValueRange) {
    IRMapping scalars = computeBody(b, body, in);
    SmallVector<Value> results;
    for (Value v : body->getTerminator()->getOperands())
      results.push_back(scalars.lookup(v));
    return results;
  };
  return nest;
}

/// The dimensions a gm reduction op reduces.
static ArrayRef<int64_t> reducedDims(Operation *op) {
  if (auto r = dyn_cast<ReduceSumOp>(op))
    return r.getDims();
  if (auto r = dyn_cast<ReduceMeanOp>(op))
    return r.getDims();
  return cast<ReduceMaxOp>(op).getDims();
}

/// Makes `nest` (over the reduction's input shape) reduce into `op`'s
/// result: the reduced dimensions iterate as reductions, the output is
/// indexed by the kept ones, and each point folds `valueOf(inputs)` into
/// the output (sums, means and maxima).
static void
reduceInto(LoopNest &nest, Operation *op,
           std::function<Value(OpBuilder &, Location, ValueRange)> valueOf) {
  Value result = op->getResult(0);
  ArrayRef<int64_t> dims = reducedDims(op);
  NestOperand out;
  out.value = result;
  int64_t count = 1;
  for (auto [k, d] : llvm::enumerate(nest.extents)) {
    // A reduced dimension of extent 1 reduces nothing: the output indexes
    // it, so that every loop is some buffer's dimension (broadcast inputs
    // leave out their unit dimensions).
    if (llvm::is_contained(dims, static_cast<int64_t>(k)) && d > 1) {
      nest.iterators[k] = utils::IteratorType::reduction;
      count *= d;
      continue;
    }
    out.shape.push_back(d);
    out.dims.push_back(k);
  }
  nest.outputs.push_back(out);
  Type type = elementTypeOf(result);
  bool isFloat = isa<FloatType>(type);
  if (isa<ReduceMaxOp>(op)) {
    nest.init =
        isFloat ? cast<TypedAttr>(FloatAttr::get(
                      type, -std::numeric_limits<double>::infinity()))
                : cast<TypedAttr>(IntegerAttr::get(
                      type,
                      APInt::getSignedMinValue(type.getIntOrFloatBitWidth())));
    // The evaluator's std::max(acc, x): NaN inputs are skipped.
    nest.point = [valueOf](OpBuilder &b, Location loc, ValueRange in,
                           ValueRange acc) {
      Value x = valueOf(b, loc, in);
      return SmallVector<Value>{
          arith::SelectOp::create(b, loc, less(b, loc, acc[0], x), x, acc[0])};
    };
    return;
  }
  // Floating sums narrower than f64 add in f64: the loops add in order, and
  // an f32 accumulator drops what is below its ulp (biased low once the sum
  // is large). PyTorch's pairwise sums keep about f32 rounding; f64 does.
  Type sumType = type;
  if (isFloat && type.getIntOrFloatBitWidth() < 64) {
    sumType = Float64Type::get(type.getContext());
    nest.accumulator = sumType;
  }
  nest.init = isFloat ? cast<TypedAttr>(FloatAttr::get(sumType, 0.0))
                      : cast<TypedAttr>(IntegerAttr::get(type, 0));
  nest.point = [valueOf, isFloat](OpBuilder &b, Location loc, ValueRange in,
                                  ValueRange acc) {
    Value x = valueOf(b, loc, in);
    if (!isFloat)
      return SmallVector<Value>{
          arith::AddIOp::create(b, loc, acc[0], x).getResult()};
    if (x.getType() != acc[0].getType())
      x = arith::ExtFOp::create(b, loc, acc[0].getType(), x);
    return SmallVector<Value>{
        arith::AddFOp::create(b, loc, acc[0], x).getResult()};
  };
  if (isa<ReduceMeanOp>(op))
    nest.finish = [count, isFloat](OpBuilder &b, Location loc,
                                   Value sum) -> Value {
      Value n = constantLike(b, loc, sum.getType(), static_cast<double>(count));
      if (isFloat)
        return arith::DivFOp::create(b, loc, sum, n);
      return arith::DivSIOp::create(b, loc, sum, n);
    };
}

/// Sums, means and maxima: the nest iterates over the input; the output is
/// indexed by the kept dimensions.
static LoopNest reductionNest(Operation *op) {
  Value input = op->getOperand(0);
  LoopNest nest = parallelNest(shapeOf(input), op->getName().stripDialect());
  nest.inputs.push_back(wholeOperand(input));
  reduceInto(nest, op,
             [](OpBuilder &, Location, ValueRange in) { return in[0]; });
  return nest;
}

static LoopNest transposeNest(TransposeOp op) {
  LoopNest nest = parallelNest(shapeOf(op.getResult()), "transpose");
  // Result dim k is input dim perm[k].
  NestOperand in = wholeOperand(op.getInput());
  for (auto [k, p] : llvm::enumerate(op.getPerm()))
    in.dims[p] = k;
  nest.inputs.push_back(in);
  nest.outputs.push_back(wholeOperand(op.getResult()));
  nest.point = identityPoint();
  return nest;
}

static LoopNest sliceNest(SliceOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getResult());
  LoopNest nest = parallelNest(shape, "slice");
  SmallVector<int64_t> strides(shape.size(), 1);
  if (auto given = op.getStrides())
    strides.assign(given->begin(), given->end());
  nest.inputs.push_back(
      windowOf(op.getInput(), op.getOffsets(), shape, strides));
  nest.outputs.push_back(wholeOperand(op.getResult()));
  nest.point = identityPoint();
  return nest;
}

/// Copies `input` into a window of `result` at `offsets` with `strides`.
static LoopNest windowCopyNest(Value input, Value result,
                               ArrayRef<int64_t> offsets,
                               ArrayRef<int64_t> strides, StringRef name) {
  ArrayRef<int64_t> shape = shapeOf(input);
  LoopNest nest = parallelNest(shape, name);
  nest.inputs.push_back(broadcastOperand(input, shape));
  NestOperand out = wholeOperand(result);
  out.offsets.assign(offsets.begin(), offsets.end());
  out.sizes.assign(shape.begin(), shape.end());
  out.strides.assign(strides.begin(), strides.end());
  nest.outputs.push_back(out);
  nest.point = identityPoint();
  return nest;
}

/// Fills all of `result` with `value`.
static LoopNest fillNest(Value result, TypedAttr value, StringRef name) {
  LoopNest nest = parallelNest(shapeOf(result), name);
  nest.outputs.push_back(wholeOperand(result));
  nest.init = value;
  // The fill is the whole job: no point function, no loop after it.
  return nest;
}

static LoopNest upsampleNest(UpsampleOp op) {
  // out[n, c, h * fh + i, w * fw + j] = in[n, c, h, w]: view the output as
  // N x C x H x fh x W x fw, where the input ignores dims 3 and 5.
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  ArrayRef<int64_t> scale = op.getScale();
  SmallVector<int64_t> extents{in[0], in[1], in[2], scale[0], in[3], scale[1]};
  LoopNest nest = parallelNest(extents, "upsample");
  NestOperand input = wholeOperand(op.getInput());
  input.dims = {0, 1, 2, 4};
  NestOperand output;
  output.value = op.getResult();
  output.shape = extents;
  output.dims = {0, 1, 2, 3, 4, 5};
  nest.inputs.push_back(input);
  nest.outputs.push_back(output);
  nest.point = identityPoint();
  return nest;
}

FailureOr<bool> mlir::gm::cpu::emitLoopOp(ModelEmitter &emitter, OpBuilder &b,
                                          Operation *op, FunctionState &fs) {
  Location loc = op->getLoc();
  auto emit = [&](LoopNest nest) -> FailureOr<bool> {
    // Generated loops compute in f32, f64 and integers; bf16 needs the
    // precision pass (mixed precision keeps f32 masters), not yet there.
    for (Type type :
         llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
      if (auto tensor = dyn_cast<RankedTensorType>(type);
          tensor && tensor.getElementType().isBF16())
        return op->emitOpError()
               << "on bf16 is not supported by the CPU backend (f32 or f64)";
    // A loop over blocked values (gm-propagate-layouts) runs over their
    // channel blocks. A channel window's copy moves the same bytes in
    // either layout (isChannelWindow): it keeps its plain indexing.
    auto isBlocked = [](Value v) { return layoutOf(v) == layout::blocked; };
    if (!isChannelWindow(op) && (llvm::any_of(op->getOperands(), isBlocked) ||
                                 llvm::any_of(op->getResults(), isBlocked)))
      blockChannels(nest, isBlocked);
    if (failed(emitter.emitLoopNest(b, loc, fs, std::move(nest))))
      return failure();
    return true;
  };
  if (isElementwise(op))
    return emit(elementwiseNest(op));
  if (auto fused = dyn_cast<FusedOp>(op)) {
    if (fused.getLibraryOp())
      return false; // a convolution or matmul with its epilogue
    return emit(fusedNest(fused));
  }
  if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(op))
    return emit(reductionNest(op));
  if (auto t = dyn_cast<TransposeOp>(op))
    return emit(transposeNest(t));
  if (auto s = dyn_cast<SliceOp>(op)) {
    // The plan made contiguous slices views, and strided ones that only
    // loops read (they index the input): nothing to copy.
    std::optional<int64_t> offset = contiguousSliceOffset(s);
    if ((offset && sharesBytes(s.getResult(), s.getInput(), *offset)) ||
        stridedView(s.getResult()))
      return true;
    return emit(sliceNest(s));
  }
  if (auto u = dyn_cast<UpsampleOp>(op))
    return emit(upsampleNest(u));
  if (auto pad = dyn_cast<PadOp>(op)) {
    if (llvm::any_of(pad.getLow(), [](int64_t v) { return v < 0; }) ||
        llvm::any_of(pad.getHigh(), [](int64_t v) { return v < 0; }))
      return op->emitOpError() << "with negative padding is not supported by "
                                  "the CPU backend";
    Type type = elementTypeOf(pad.getResult());
    TypedAttr value =
        isa<FloatType>(type)
            ? cast<TypedAttr>(
                  FloatAttr::get(type, pad.getValue().convertToDouble()))
            : cast<TypedAttr>(IntegerAttr::get(
                  type,
                  static_cast<int64_t>(pad.getValue().convertToDouble())));
    if (failed(emit(fillNest(pad.getResult(), value, "pad_fill"))))
      return failure();
    SmallVector<int64_t> strides;
    size_t rank = pad.getLow().size();
    for (size_t k = 0; k < rank; ++k)
      strides.push_back(pad.getInterior() ? (*pad.getInterior())[k] + 1 : 1);
    return emit(windowCopyNest(pad.getInput(), pad.getResult(), pad.getLow(),
                               strides, "pad"));
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t axis = concat.getAxis(), at = 0;
    size_t rank = shapeOf(concat.getResult()).size();
    std::optional<SmallVector<int64_t>> runs = contiguousConcatOffsets(concat);
    if (!runs)
      runs = stridedConcatOffsets(concat);
    for (auto [i, input] : llvm::enumerate(concat.getInputs())) {
      SmallVector<int64_t> offsets(rank, 0);
      offsets[axis] = at;
      at += shapeOf(input)[axis];
      // An input the plan placed where it belongs needs no copy.
      if (runs && sharesBytes(input, concat.getResult(), (*runs)[i]))
        continue;
      if (failed(emit(windowCopyNest(input, concat.getResult(), offsets,
                                     SmallVector<int64_t>(rank, 1), "concat"))))
        return failure();
    }
    return true;
  }
  return false;
}
