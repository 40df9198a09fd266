//===- NNOps.cpp - matmul, convolutions, batch norm, softmax, VQ helpers --===//
//
// Type inference and verifiers of the library ops. The shape arithmetic is
// in ShapeRules.cpp; this file maps ops onto it and names the operands.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

static Type elementOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// Float operands of one op must share their element type.
static LogicalResult requireSameElementType(StringRef opName,
                                            std::optional<Location> location,
                                            ValueRange values) {
  for (Value v : values.drop_front())
    if (elementOf(v) != elementOf(values.front()))
      return emitInferenceError(opName, location,
                                "operands must share one element type");
  return success();
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
  if (failed(requireSameElementType(getOperationName(), location, {lhs, rhs})))
    return failure();
  return pushShapeResult(getOperationName(), location,
                         shape::matmul(shapeOf(lhs), shapeOf(rhs),
                                       adaptor.getTransposeLhs(),
                                       adaptor.getTransposeRhs()),
                         elementOf(lhs), types);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

template <typename AdaptorT>
static shape::ConvGeometry geometryOf(AdaptorT &adaptor) {
  shape::ConvGeometry g;
  g.stride.assign(adaptor.getStride().begin(), adaptor.getStride().end());
  g.padding.assign(adaptor.getPadding().begin(), adaptor.getPadding().end());
  g.dilation.assign(adaptor.getDilation().begin(), adaptor.getDilation().end());
  g.groups = adaptor.getGroups();
  return g;
}

/// A mask must cover the kernel: shape [KH, KW] of the OIHW weight.
static LogicalResult checkMask(StringRef opName,
                               std::optional<Location> location,
                               std::optional<DenseIntElementsAttr> mask,
                               ArrayRef<int64_t> weight) {
  if (!mask || weight.size() != 4)
    return success();
  ArrayRef<int64_t> maskShape = mask->getType().getShape();
  if (maskShape != weight.drop_front(2))
    return emitInferenceError(opName, location,
                              "mask " + shape::format(maskShape) +
                                  " must match the kernel " +
                                  shape::format(weight.drop_front(2)));
  return success();
}

LogicalResult Conv2dOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Value x = adaptor.getInput(), w = adaptor.getWeight();
  if (failed(requireSameElementType(getOperationName(), location, {x, w})) ||
      failed(checkMask(getOperationName(), location, adaptor.getMask(),
                       shapeOf(w))))
    return failure();
  return pushShapeResult(
      getOperationName(), location,
      shape::conv2d(shapeOf(x), shapeOf(w), geometryOf(adaptor)), elementOf(x),
      types);
}

/// Both conv gradients are checked by running conv2d's shape rule forward:
/// conv2d(input, weight) must produce the output gradient's shape.
static LogicalResult
verifyConvGradient(Operation *op, const shape::ConvGeometry &g,
                   ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                   ArrayRef<int64_t> outputGrad,
                   std::optional<DenseIntElementsAttr> mask) {
  if (failed(
          checkMask(op->getName().getStringRef(), op->getLoc(), mask, weight)))
    return failure();
  shape::ShapeResult forward = shape::conv2d(input, weight, g);
  if (!forward)
    return op->emitOpError() << forward.message();
  if (ArrayRef<int64_t>(forward.shape()) != outputGrad)
    return op->emitOpError()
           << "conv2d of input " << shape::format(input) << " with weight "
           << shape::format(weight) << " gives "
           << shape::format(forward.shape()) << ", not the output gradient's "
           << shape::format(outputGrad);
  if (op->getNumOperands() == 2 &&
      (elementOf(op->getOperand(0)) != elementOf(op->getOperand(1)) ||
       elementOf(op->getOperand(0)) != elementOf(op->getResult(0))))
    return op->emitOpError()
           << "operands and result must share one element type";
  return success();
}

LogicalResult Conv2dBackwardDataOp::verify() {
  Adaptor adaptor(*this);
  return verifyConvGradient(*this, geometryOf(adaptor), getType().getShape(),
                            shapeOf(getWeight()), shapeOf(getOutputGrad()),
                            getMask());
}

LogicalResult Conv2dBackwardWeightsOp::verify() {
  Adaptor adaptor(*this);
  return verifyConvGradient(*this, geometryOf(adaptor), shapeOf(getInput()),
                            getType().getShape(), shapeOf(getOutputGrad()),
                            getMask());
}

LogicalResult ConvTranspose2dOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Value x = adaptor.getInput(), w = adaptor.getWeight();
  if (failed(requireSameElementType(getOperationName(), location, {x, w})))
    return failure();
  return pushShapeResult(getOperationName(), location,
                         shape::convTranspose2d(shapeOf(x), shapeOf(w),
                                                geometryOf(adaptor),
                                                adaptor.getOutputPadding()),
                         elementOf(x), types);
}

//===----------------------------------------------------------------------===//
// Batch normalization
//===----------------------------------------------------------------------===//

/// Checks every per-channel operand against the input; returns its [C] type.
static FailureOr<Type>
checkBatchNormOperands(StringRef opName, std::optional<Location> location,
                       Value input,
                       ArrayRef<std::pair<Value, StringRef>> perChannel) {
  SmallVector<Value> all{input};
  for (auto [value, name] : perChannel) {
    std::string e =
        shape::checkPerChannel(shapeOf(input), shapeOf(value), name);
    if (!e.empty())
      return emitInferenceError(opName, location, e);
    all.push_back(value);
  }
  if (failed(requireSameElementType(opName, location, all)))
    return failure();
  return perChannel.front().first.getType();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  FailureOr<Type> channel = checkBatchNormOperands(
      getOperationName(), location, adaptor.getInput(),
      {{adaptor.getScale(), "scale"}, {adaptor.getShift(), "shift"}});
  if (failed(channel))
    return failure();
  types.append({adaptor.getInput().getType(), *channel, *channel});
  return success();
}

LogicalResult BatchNormInferenceOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(checkBatchNormOperands(getOperationName(), location,
                                    adaptor.getInput(),
                                    {{adaptor.getScale(), "scale"},
                                     {adaptor.getShift(), "shift"},
                                     {adaptor.getMean(), "mean"},
                                     {adaptor.getVariance(), "variance"}})))
    return failure();
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult BatchNormBackwardOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Value dy = adaptor.getOutputGrad(), x = adaptor.getInput();
  if (dy.getType() != x.getType())
    return emitInferenceError(getOperationName(), location,
                              "output gradient " + shape::format(shapeOf(dy)) +
                                  " must have the input's type " +
                                  shape::format(shapeOf(x)));
  FailureOr<Type> channel =
      checkBatchNormOperands(getOperationName(), location, x,
                             {{adaptor.getScale(), "scale"},
                              {adaptor.getMean(), "mean"},
                              {adaptor.getVariance(), "variance"}});
  if (failed(channel))
    return failure();
  types.append({x.getType(), *channel, *channel});
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

template <typename OpT> static LogicalResult verifySoftmaxAxis(OpT op) {
  std::string e = shape::checkAxis(op.getType().getShape(), op.getAxis());
  if (!e.empty())
    return op.emitOpError() << e;
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this); }

//===----------------------------------------------------------------------===//
// Vector quantization and classification helpers
//===----------------------------------------------------------------------===//

LogicalResult NearestOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  Value z = adaptor.getInput(), codebook = adaptor.getCodebook();
  if (failed(
          requireSameElementType(getOperationName(), location, {z, codebook})))
    return failure();
  return pushShapeResult(getOperationName(), location,
                         shape::nearest(shapeOf(z), shapeOf(codebook)),
                         IntegerType::get(context, 32), types);
}

LogicalResult LookupOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Value table = adaptor.getTable();
  return pushShapeResult(
      getOperationName(), location,
      shape::lookup(shapeOf(table), shapeOf(adaptor.getIndices())),
      elementOf(table), types);
}

LogicalResult OneHotOp::verify() {
  shape::ShapeResult expected =
      shape::oneHot(shapeOf(getIndices()), getClasses(), getAxis());
  if (!expected)
    return emitOpError() << expected.message();
  if (getType().getShape() != ArrayRef<int64_t>(expected.shape()))
    return emitOpError() << "result shape "
                         << shape::format(getType().getShape()) << " should be "
                         << shape::format(expected.shape());
  return success();
}

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return pushShapeResult(
      getOperationName(), location,
      shape::dropAxis(shapeOf(adaptor.getInput()), adaptor.getAxis()),
      IntegerType::get(context, 32), types);
}
