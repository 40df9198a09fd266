//===- ShapeOps.cpp - reshape, transpose, broadcast, concat, slice, pad
//-----===//

#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult ReshapeOp::verify() {
  std::string e = shape::checkReshape(tensorOf(getInput()).getShape(),
                                      getType().getShape());
  if (!e.empty())
    return emitOpError() << e;
  if (tensorOf(getInput()).getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  return pushShapeResult(getOperationName(), location,
                         shape::transpose(input.getShape(), adaptor.getPerm()),
                         input.getElementType(), types);
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  if (!shape::broadcastsTo(input.getShape(), getType().getShape()))
    return emitOpError() << "cannot broadcast "
                         << shape::format(input.getShape()) << " to "
                         << shape::format(getType().getShape());
  if (input.getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitInferenceError(getOperationName(), location,
                              "expects at least one input");
  SmallVector<shape::Shape> shapes;
  Type element = tensorOf(inputs.front()).getElementType();
  for (Value v : inputs) {
    if (tensorOf(v).getElementType() != element)
      return emitInferenceError(getOperationName(), location,
                                "inputs must share one element type");
    shapes.emplace_back(tensorOf(v).getShape());
  }
  return pushShapeResult(getOperationName(), location,
                         shape::concat(shapes, adaptor.getAxis()), element,
                         types);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> strides;
  if (std::optional<ArrayRef<int64_t>> s = adaptor.getStrides())
    strides = *s;
  return pushShapeResult(getOperationName(), location,
                         shape::slice(input.getShape(), adaptor.getOffsets(),
                                      adaptor.getSizes(), strides),
                         input.getElementType(), types);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> interior;
  if (std::optional<ArrayRef<int64_t>> i = adaptor.getInterior())
    interior = *i;
  return pushShapeResult(getOperationName(), location,
                         shape::pad(input.getShape(), adaptor.getLow(),
                                    adaptor.getHigh(), interior),
                         input.getElementType(), types);
}

LogicalResult UpsampleOp::inferReturnTypes(MLIRContext *context,
                                           std::optional<Location> location,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  return pushShapeResult(getOperationName(), location,
                         shape::upsample(input.getShape(), adaptor.getScale()),
                         input.getElementType(), types);
}
