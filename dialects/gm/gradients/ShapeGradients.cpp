//===- ShapeGradients.cpp - VJPs of the ops that move elements ------------===//
//
// Each shape op's gradient moves the gradient back: reshape back, transpose
// by the inverse permutation, slice <-> pad, broadcast -> sum.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"
#include "gm/TensorBuilder.h"

using namespace mlir;
using namespace mlir::gm;

LogicalResult
ReshapeOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                          ArrayRef<bool> needed,
                          SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  operandGradients.push_back(
      t.reshape(resultGradients[0], t.typeOf(getInput()).getShape()));
  return success();
}

LogicalResult
TransposeOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  SmallVector<int64_t> inverse(getPerm().size());
  for (auto [i, p] : llvm::enumerate(getPerm()))
    inverse[p] = i;
  operandGradients.push_back(t.transpose(resultGradients[0], inverse));
  return success();
}

LogicalResult
BroadcastOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGradients) {
  TensorBuilder t(builder, getLoc());
  operandGradients.push_back(
      t.sumToShape(resultGradients[0], t.typeOf(getInput())));
  return success();
}

LogicalResult
ConcatOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                         ArrayRef<bool> needed,
                         SmallVectorImpl<Value> &operandGradients) {
  // Each input's gradient is its window of g along the axis.
  TensorBuilder t(builder, getLoc());
  int64_t axis = getAxis(), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    ArrayRef<int64_t> shape = t.typeOf(input).getShape();
    if (needed[i]) {
      SmallVector<int64_t> offsets(shape.size(), 0);
      offsets[axis] = offset;
      operandGradients.push_back(
          SliceOp::create(builder, getLoc(), resultGradients[0],
                          builder.getDenseI64ArrayAttr(offsets),
                          builder.getDenseI64ArrayAttr(shape), nullptr));
    } else {
      operandGradients.push_back(Value());
    }
    offset += shape[axis];
  }
  return success();
}

LogicalResult
SliceOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                        ArrayRef<bool> needed,
                        SmallVectorImpl<Value> &operandGradients) {
  // Scatter g back into zeros: pad before, after and (for strides) between.
  TensorBuilder t(builder, getLoc());
  ArrayRef<int64_t> in = t.typeOf(getInput()).getShape();
  SmallVector<int64_t> low, high, interior;
  bool strided = false;
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t stride = getStrides() ? (*getStrides())[i] : 1;
    strided |= stride != 1;
    low.push_back(getOffsets()[i]);
    high.push_back(in[i] - getOffsets()[i] - (getSizes()[i] - 1) * stride - 1);
    interior.push_back(stride - 1);
  }
  operandGradients.push_back(PadOp::create(
      builder, getLoc(), resultGradients[0], builder.getDenseI64ArrayAttr(low),
      builder.getDenseI64ArrayAttr(high),
      strided ? builder.getDenseI64ArrayAttr(interior) : DenseI64ArrayAttr(),
      builder.getF64FloatAttr(0.0)));
  return success();
}

LogicalResult PadOp::buildGradients(OpBuilder &builder,
                                    ArrayRef<Value> resultGradients,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGradients) {
  // The input's elements sit at low + i * (interior + 1).
  TensorBuilder t(builder, getLoc());
  ArrayRef<int64_t> in = t.typeOf(getInput()).getShape();
  SmallVector<int64_t> strides;
  bool strided = false;
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t interior = getInterior() ? (*getInterior())[i] : 0;
    strided |= interior != 0;
    strides.push_back(interior + 1);
  }
  operandGradients.push_back(SliceOp::create(
      builder, getLoc(), resultGradients[0], getLowAttr(),
      builder.getDenseI64ArrayAttr(in),
      strided ? builder.getDenseI64ArrayAttr(strides) : DenseI64ArrayAttr()));
  return success();
}

LogicalResult
UpsampleOp::buildGradients(OpBuilder &builder, ArrayRef<Value> resultGradients,
                           ArrayRef<bool> needed,
                           SmallVectorImpl<Value> &operandGradients) {
  // Output (h * sh + i, w * sw + j) copies input (h, w): view g as
  // [N, C, H, sh, W, sw] and sum the copies.
  TensorBuilder t(builder, getLoc());
  ArrayRef<int64_t> in = t.typeOf(getInput()).getShape();
  ArrayRef<int64_t> s = getScale();
  Value g =
      t.reshape(resultGradients[0], {in[0], in[1], in[2], s[0], in[3], s[1]});
  operandGradients.push_back(t.reduceSum(g, {3, 5}, /*keepdim=*/false));
  return success();
}
