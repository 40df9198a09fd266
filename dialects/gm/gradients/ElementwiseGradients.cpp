//===- ElementwiseGradients.cpp - VJPs of elementwise ops and reductions --===//
//
// The reverse-mode rules of the math ops, one per op, in the notation
// x = operand, y = result, g = dL/dy. Every rule is written with gm ops, so
// gradients can be differentiated again. Broadcast operands get their
// gradient summed back to their own shape.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"
#include "gm/TensorBuilder.h"

using namespace mlir;
using namespace mlir::gm;

namespace {
using Rule = function_ref<Value(TensorBuilder &t, Value x, Value y, Value g)>;
using BinaryRule =
    function_ref<Value(TensorBuilder &t, Value a, Value b, Value y, Value g)>;
} // namespace

/// A unary op: one operand, one result, dx = rule(x, y, g).
static LogicalResult unary(Operation *op, OpBuilder &builder,
                           ArrayRef<Value> resultGradients,
                           SmallVectorImpl<Value> &operandGradients,
                           Rule rule) {
  TensorBuilder t(builder, op->getLoc());
  operandGradients.push_back(
      rule(t, op->getOperand(0), op->getResult(0), resultGradients[0]));
  return success();
}

/// Piecewise-constant ops: the gradient is zero almost everywhere.
static LogicalResult zeroGradient(Operation *op,
                                  SmallVectorImpl<Value> &operandGradients) {
  operandGradients.append(op->getNumOperands(), Value());
  return success();
}

/// A broadcasting binary op: each needed operand's rule, summed back to the
/// operand's shape.
static LogicalResult binary(Operation *op, OpBuilder &builder,
                            ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients,
                            BinaryRule lhsRule, BinaryRule rhsRule) {
  TensorBuilder t(builder, op->getLoc());
  Value a = op->getOperand(0), b = op->getOperand(1), y = op->getResult(0);
  Value g = resultGradients[0];
  BinaryRule rules[] = {lhsRule, rhsRule};
  for (int i = 0; i < 2; ++i)
    operandGradients.push_back(
        needed[i]
            ? t.sumToShape(rules[i](t, a, b, y, g), t.typeOf(op->getOperand(i)))
            : Value());
  return success();
}

#define GM_UNARY_GRADIENT(OP, BODY)                                            \
  LogicalResult OP::buildGradients(                                            \
      OpBuilder &builder, ArrayRef<Value> resultGradients,                     \
      ArrayRef<bool> needed, SmallVectorImpl<Value> &operandGradients) {       \
    return unary(                                                              \
        *this, builder, resultGradients, operandGradients,                     \
        [&](TensorBuilder &t, Value x, Value y, Value g) -> Value { BODY });   \
  }

#define GM_ZERO_GRADIENT(OP)                                                   \
  LogicalResult OP::buildGradients(OpBuilder &, ArrayRef<Value>,               \
                                   ArrayRef<bool>,                             \
                                   SmallVectorImpl<Value> &operandGradients) { \
    return zeroGradient(*this, operandGradients);                              \
  }

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

GM_UNARY_GRADIENT(NegOp, return t.neg(g);)
GM_UNARY_GRADIENT(AbsOp, return t.mul(g, t.sign(x));)
GM_UNARY_GRADIENT(ExpOp, return t.mul(g, y);)
GM_UNARY_GRADIENT(LogOp, return t.div(g, x);)
GM_UNARY_GRADIENT(Log1pOp, return t.div(g, t.add(x, t.scalarLike(1, x)));)
GM_UNARY_GRADIENT(SqrtOp, return t.div(t.scale(g, 0.5), y);)
// d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
GM_UNARY_GRADIENT(RsqrtOp, {
  Value cube = t.mul(y, t.square(y));
  return t.mul(t.scale(g, -0.5), cube);
})
GM_UNARY_GRADIENT(SquareOp, return t.mul(g, t.scale(x, 2));)
GM_UNARY_GRADIENT(ReciprocalOp, return t.neg(t.mul(g, t.square(y)));)
GM_UNARY_GRADIENT(TanhOp, {
  Value squared = t.square(y);
  return t.mul(g, t.sub(t.scalarLike(1, y), squared));
})
GM_UNARY_GRADIENT(SigmoidOp,
                  return t.mul(g, t.mul(y, t.sub(t.scalarLike(1, y), y)));)
GM_UNARY_GRADIENT(SoftplusOp, return t.mul(g, t.sigmoid(x));)
// From the output (y > 0 exactly where x > 0), so that the backward pass
// needs only what the forward keeps anyway, and a convolution's bias and
// relu can run inside the convolution (gm-to-cpu's epilogues).
GM_UNARY_GRADIENT(ReluOp, {
  Value zero = t.scalarLike(0, g);
  return t.select(t.compare(ComparePredicate::gt, y, t.scalarLike(0, y)), g,
                  zero);
})
// From the output too where the slope is not negative (then y > 0 exactly
// where x > 0: alpha * x <= 0 for x <= 0), for the same reasons: DCGAN's
// and WGAN-GP's bias and leaky relu then run inside the convolution.
GM_UNARY_GRADIENT(LeakyReluOp, {
  double alpha = getAlpha().convertToDouble();
  Value sign = alpha >= 0 ? y : x;
  Value scaled = t.scale(g, alpha);
  return t.select(t.compare(ComparePredicate::gt, sign, t.scalarLike(0, sign)),
                  g, scaled);
})
GM_ZERO_GRADIENT(SignOp)
GM_ZERO_GRADIENT(FloorOp)
GM_ZERO_GRADIENT(RoundOp)
GM_ZERO_GRADIENT(StopGradientOp)

LogicalResult CastOp::buildGradients(OpBuilder &builder,
                                     ArrayRef<Value> resultGradients,
                                     ArrayRef<bool> needed,
                                     SmallVectorImpl<Value> &operandGradients) {
  // Only float-to-float casts carry a gradient; the rest are piecewise
  // constant or have integer inputs.
  Type from = TensorBuilder::elementTypeOf(getInput());
  if (!isa<FloatType>(from) || !isa<FloatType>(getType().getElementType()))
    return zeroGradient(*this, operandGradients);
  TensorBuilder t(builder, getLoc());
  operandGradients.push_back(t.cast(resultGradients[0], from));
  return success();
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

/// g where `predicate(a, b)` holds and 0 elsewhere (`whereHolds`), or the
/// reverse: the gradient of maximum's and minimum's operands.
static Value routeGradient(TensorBuilder &t, ComparePredicate predicate,
                           Value a, Value b, Value g, bool whereHolds) {
  Value zero = t.scalarLike(0, g);
  Value holds = t.compare(predicate, a, b);
  return whereHolds ? t.select(holds, g, zero) : t.select(holds, zero, g);
}

#define GM_BINARY_GRADIENT(OP, LHS, RHS)                                       \
  LogicalResult OP::buildGradients(                                            \
      OpBuilder &builder, ArrayRef<Value> resultGradients,                     \
      ArrayRef<bool> needed, SmallVectorImpl<Value> &operandGradients) {       \
    return binary(                                                             \
        *this, builder, resultGradients, needed, operandGradients,             \
        [&](TensorBuilder &t, Value a, Value b, Value y, Value g) -> Value {   \
          LHS                                                                  \
        },                                                                     \
        [&](TensorBuilder &t, Value a, Value b, Value y, Value g) -> Value {   \
          RHS                                                                  \
        });                                                                    \
  }

GM_BINARY_GRADIENT(AddOp, return g;, return g;)
GM_BINARY_GRADIENT(SubOp, return g;, return t.neg(g);)
GM_BINARY_GRADIENT(MulOp, return t.mul(g, b);, return t.mul(g, a);)
// d(a/b)/db = -a/b^2 = -y/b
GM_BINARY_GRADIENT(DivOp, return t.div(g, b);
                   , return t.neg(t.div(t.mul(g, y), b));)
// d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log(a)
GM_BINARY_GRADIENT(
    PowOp, return t.mul(g, t.mul(b, t.pow(a, t.sub(b, t.scalarLike(1, b)))));
    , return t.mul(g, t.mul(y, t.log(a)));)
// Ties send the gradient to the left operand.
GM_BINARY_GRADIENT(MaximumOp,
                   return routeGradient(t, ComparePredicate::ge, a, b, g, true);
                   , return routeGradient(t, ComparePredicate::ge, a, b, g,
                                          false);)
GM_BINARY_GRADIENT(MinimumOp,
                   return routeGradient(t, ComparePredicate::le, a, b, g, true);
                   , return routeGradient(t, ComparePredicate::le, a, b, g,
                                          false);)

LogicalResult
SelectOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                         ArrayRef<bool> needed,
                         SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  Value g = resultGradients[0], zero = t.scalarLike(0, g);
  operandGradients.push_back(Value()); // The condition is boolean.
  operandGradients.push_back(
      needed[1] ? t.sumToShape(t.select(getCondition(), g, zero),
                               t.typeOf(getTrueValue()))
                : Value());
  operandGradients.push_back(
      needed[2] ? t.sumToShape(t.select(getCondition(), zero, g),
                               t.typeOf(getFalseValue()))
                : Value());
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The result gradient reshaped to keep the reduced dimensions (size 1).
template <typename ReduceOpT>
static Value keptShape(TensorBuilder &t, ReduceOpT op, Value v) {
  SmallVector<int64_t> shape(t.typeOf(op.getInput()).getShape());
  for (int64_t d : op.getDims())
    shape[d] = 1;
  return t.reshape(v, shape);
}

LogicalResult
ReduceSumOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  operandGradients.push_back(t.broadcastTo(
      keptShape(t, *this, resultGradients[0]), t.typeOf(getInput())));
  return success();
}

LogicalResult ReduceMeanOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  int64_t count = 1;
  for (int64_t d : getDims())
    count *= t.typeOf(getInput()).getDimSize(d);
  Value g = t.scale(keptShape(t, *this, resultGradients[0]), 1.0 / count);
  operandGradients.push_back(t.broadcastTo(g, t.typeOf(getInput())));
  return success();
}

LogicalResult
ReduceMaxOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients) {
  // Ties share the gradient evenly (like torch.amax).
  TensorBuilder t(builder, getLoc());
  Value x = getInput();
  Type element = t.elementTypeOf(x);
  Value isMax = t.cast(
      t.compare(ComparePredicate::eq, x, keptShape(t, *this, getResult())),
      element);
  Value count = t.reduceSum(isMax, getDims(), /*keepdim=*/true);
  Value share = t.div(isMax, count);
  operandGradients.push_back(
      t.mul(share, keptShape(t, *this, resultGradients[0])));
  return success();
}
