//===- NNGradients.cpp - VJPs of matmul, convolutions, norms, softmax -----===//
//
// The library ops' gradients are library ops too: convolution gradients are
// convolutions (conv2d_backward_data/weights), whose own gradients are again
// convolutions, so the penalty of WGAN-GP can be differentiated through a
// convolutional critic. g = dL/dy throughout.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"
#include "gm/TensorBuilder.h"

using namespace mlir;
using namespace mlir::gm;

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

LogicalResult
MatmulOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                         ArrayRef<bool> needed,
                         SmallVectorImpl<Value> &operandGradients) {
  // With A' = op(A), B' = op(B) and C = A'B': dA' = g B'^T, dB' = A'^T g,
  // each folded into one matmul with the right transposes.
  Location loc = getLoc();
  Value a = getLhs(), b = getRhs(), g = resultGradients[0];
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  auto matmul = [&](Value x, Value y, bool tx, bool ty) -> Value {
    return MatmulOp::create(builder, loc, x, y, tx, ty);
  };
  Value da, db;
  if (needed[0])
    da = ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb);
  if (needed[1])
    db = tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false);
  operandGradients.append({da, db});
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// The attributes every convolution of one geometry shares.
struct ConvAttrs {
  DenseI64ArrayAttr stride, padding, dilation;
  IntegerAttr groups;
  DenseIntElementsAttr mask;
};

template <typename OpT> static ConvAttrs convAttrs(OpT op) {
  return {op.getStrideAttr(), op.getPaddingAttr(), op.getDilationAttr(),
          op.getGroupsAttr(), op.getMaskAttr()};
}

static Value conv2d(OpBuilder &b, Location loc, Value x, Value w,
                    const ConvAttrs &a) {
  return Conv2dOp::create(b, loc, x, w, a.stride, a.padding, a.dilation,
                          a.groups, a.mask);
}
static Value convBackwardData(OpBuilder &b, Location loc, Type inputType,
                              Value dy, Value w, const ConvAttrs &a) {
  return Conv2dBackwardDataOp::create(b, loc, inputType, dy, w, a.stride,
                                      a.padding, a.dilation, a.groups, a.mask);
}
static Value convBackwardWeights(OpBuilder &b, Location loc, Type weightType,
                                 Value x, Value dy, const ConvAttrs &a) {
  return Conv2dBackwardWeightsOp::create(b, loc, weightType, x, dy, a.stride,
                                         a.padding, a.dilation, a.groups,
                                         a.mask);
}

LogicalResult
Conv2dOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                         ArrayRef<bool> needed,
                         SmallVectorImpl<Value> &operandGradients) {
  // y = conv(x, mask * w): dx = BD(g, mask * w), dw = mask * BW(x, g).
  ConvAttrs a = convAttrs(*this);
  Value g = resultGradients[0];
  operandGradients.push_back(needed[0] ? convBackwardData(builder, getLoc(),
                                                          getInput().getType(),
                                                          g, getWeight(), a)
                                       : Value());
  operandGradients.push_back(
      needed[1] ? convBackwardWeights(builder, getLoc(), getWeight().getType(),
                                      getInput(), g, a)
                : Value());
  return success();
}

LogicalResult Conv2dBackwardDataOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  // out = BD(dy, w) is bilinear: d(dy) = conv(G, w), d(w) = BW(G, dy).
  ConvAttrs a = convAttrs(*this);
  Value g = resultGradients[0];
  operandGradients.push_back(
      needed[0] ? conv2d(builder, getLoc(), g, getWeight(), a) : Value());
  operandGradients.push_back(
      needed[1] ? convBackwardWeights(builder, getLoc(), getWeight().getType(),
                                      g, getOutputGrad(), a)
                : Value());
  return success();
}

LogicalResult Conv2dBackwardWeightsOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  // out = mask * BW(x, dy): d(x) = BD(dy, mask * G), d(dy) = conv(x, mask * G).
  ConvAttrs a = convAttrs(*this);
  Value g = resultGradients[0];
  operandGradients.push_back(needed[0] ? convBackwardData(builder, getLoc(),
                                                          getInput().getType(),
                                                          getOutputGrad(), g, a)
                                       : Value());
  operandGradients.push_back(
      needed[1] ? conv2d(builder, getLoc(), getInput(), g, a) : Value());
  return success();
}

LogicalResult ConvTranspose2dOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  // conv_transpose(x, w) = BD(x, w) with w read as OIHW (O = C_in), so
  // dx = conv(G, w) and dw = BW(G, x).
  ConvAttrs a{getStrideAttr(), getPaddingAttr(), getDilationAttr(),
              getGroupsAttr(), nullptr};
  Value g = resultGradients[0];
  operandGradients.push_back(
      needed[0] ? conv2d(builder, getLoc(), g, getWeight(), a) : Value());
  operandGradients.push_back(
      needed[1] ? convBackwardWeights(builder, getLoc(), getWeight().getType(),
                                      g, getInput(), a)
                : Value());
  return success();
}

//===----------------------------------------------------------------------===//
// Batch normalization
//===----------------------------------------------------------------------===//

/// Every dimension but the channels (1).
static SmallVector<int64_t> nonChannelDims(Value x) {
  SmallVector<int64_t> dims{0};
  for (int64_t d = 2; d < TensorBuilder::typeOf(x).getRank(); ++d)
    dims.push_back(d);
  return dims;
}

LogicalResult
BatchNormOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  Value x = getInput();
  Value dy = resultGradients[0], dmean = resultGradients[1],
        dvar = resultGradients[2];
  Value dx, dscale, dshift;
  if (dy) {
    auto backward =
        BatchNormBackwardOp::create(builder, getLoc(), dy, x, getScale(),
                                    getMean(), getVariance(), getEpsilonAttr());
    dx = backward.getInputGrad();
    dscale = backward.getScaleGrad();
    dshift = backward.getShiftGrad();
  }
  // The batch statistics are outputs too: mean = sum(x)/n and
  // var = sum((x - mean)^2)/n give dx += dmean/n + 2 dvar (x - mean)/n.
  int64_t rank = t.typeOf(x).getRank();
  double n = static_cast<double>(t.typeOf(x).getNumElements()) /
             t.typeOf(x).getDimSize(1);
  auto accumulate = [&](Value term) {
    term = t.broadcastTo(term, t.typeOf(x));
    dx = dx ? t.add(dx, term) : term;
  };
  if (dmean)
    accumulate(t.scale(t.perChannel(dmean, rank), 1.0 / n));
  if (dvar) {
    Value centered = t.sub(x, t.perChannel(getMean(), rank));
    accumulate(t.mul(t.scale(t.perChannel(dvar, rank), 2.0 / n), centered));
  }
  operandGradients.append({needed[0] ? dx : Value(),
                           needed[1] ? dscale : Value(),
                           needed[2] ? dshift : Value()});
  return success();
}

LogicalResult BatchNormInferenceOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  // y = (x - mean) * rstd * scale + shift with rstd = (var + eps)^-1/2,
  // an affine map per channel: written with gm ops, differentiable again.
  TensorBuilder t(builder, getLoc());
  Value x = getInput(), g = resultGradients[0];
  int64_t rank = t.typeOf(x).getRank();
  SmallVector<int64_t> dims = nonChannelDims(x);
  Value rstd = t.rsqrt(
      t.add(getVariance(), t.scalarLike(getEpsilon().convertToDouble(), x)));
  Value centered = t.sub(x, t.perChannel(getMean(), rank));
  Value sumG = t.reduceSum(g, dims, /*keepdim=*/false);
  Value sumGC = t.reduceSum(t.mul(g, centered), dims, /*keepdim=*/false);
  Value scaleRstd = t.mul(getScale(), rstd);
  Value dx, dscale, dshift, dmean, dvar;
  if (needed[0])
    dx = t.mul(g, t.perChannel(scaleRstd, rank));
  if (needed[1])
    dscale = t.mul(sumGC, rstd);
  if (needed[2])
    dshift = sumG;
  if (needed[3])
    dmean = t.neg(t.mul(sumG, scaleRstd));
  if (needed[4]) { // d rstd / d var = -1/2 rstd^3
    Value cube = t.mul(rstd, t.square(rstd));
    dvar = t.mul(t.scale(t.mul(sumGC, getScale()), -0.5), cube);
  }
  operandGradients.append({dx, dscale, dshift, dmean, dvar});
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

LogicalResult
SoftmaxOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                          ArrayRef<bool> needed,
                          SmallVectorImpl<Value> &operandGradients) {
  // dx = y * (g - sum(g * y))
  TensorBuilder t(builder, getLoc());
  Value y = getResult(), g = resultGradients[0];
  int64_t axis = getAxis();
  Value dot = t.reduceSum(t.mul(g, y), {axis}, /*keepdim=*/true);
  operandGradients.push_back(t.mul(y, t.sub(g, dot)));
  return success();
}

LogicalResult LogSoftmaxOp::buildGradients(
    OpBuilder &builder, ArrayRef<Value> resultGradients, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGradients) {
  // dx = g - softmax(x) * sum(g), softmax(x) = exp(y)
  TensorBuilder t(builder, getLoc());
  Value g = resultGradients[0];
  int64_t axis = getAxis();
  Value total = t.reduceSum(g, {axis}, /*keepdim=*/true);
  operandGradients.push_back(t.sub(g, t.mul(t.exp(getResult()), total)));
  return success();
}

//===----------------------------------------------------------------------===//
// Lookup
//===----------------------------------------------------------------------===//

LogicalResult
LookupOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                         ArrayRef<bool> needed,
                         SmallVectorImpl<Value> &operandGradients) {
  // The rows' gradients scatter-add into the table: with the indices one-hot
  // encoded as [n, K], dtable = onehot^T g, a matmul (and differentiable).
  TensorBuilder t(builder, getLoc());
  RankedTensorType table = t.typeOf(getTable());
  int64_t k = table.getDimSize(0), d = table.getDimSize(1);
  int64_t n = t.typeOf(getIndices()).getNumElements();
  Value indices = t.reshape(getIndices(), {n});
  Value onehot = OneHotOp::create(
      builder, getLoc(), RankedTensorType::get({n, k}, table.getElementType()),
      indices, builder.getI64IntegerAttr(k), nullptr);
  Value rows = t.reshape(resultGradients[0], {n, d});
  operandGradients.push_back(
      MatmulOp::create(builder, getLoc(), onehot, rows, true, false));
  operandGradients.push_back(Value()); // Indices are integers.
  return success();
}
