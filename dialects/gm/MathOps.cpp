//===- MathOps.cpp - constants, elementwise math, comparisons -------------===//
//
// Type inference of the math ops that are not covered by a shared ODS class
// (binary ops and reductions infer through TypeInference.h directly).
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *context,
                                           std::optional<Location> location,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto value = dyn_cast_or_null<ElementsAttr>(adaptor.getValue());
  if (!value)
    return emitInferenceError(getOperationName(), location,
                              "needs an elements attribute as its value");
  types.push_back(value.getType());
  return success();
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferBroadcastResult(
      getOperationName(), location,
      {adaptor.getLhs().getType(), adaptor.getRhs().getType()},
      IntegerType::get(context, 1), types);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  // The condition joins the broadcast; the two values share an element type.
  Type trueType = adaptor.getTrueValue().getType();
  Type falseType = adaptor.getFalseValue().getType();
  FailureOr<shape::Shape> shape = inferBroadcastShape(
      getOperationName(), location,
      {adaptor.getCondition().getType(), trueType, falseType});
  if (failed(shape))
    return failure();
  Type element = cast<RankedTensorType>(trueType).getElementType();
  if (element != cast<RankedTensorType>(falseType).getElementType())
    return emitInferenceError(getOperationName(), location,
                              "true and false values differ in element type");
  types.push_back(RankedTensorType::get(*shape, element));
  return success();
}

bool mlir::gm::isElementwise(Operation *op) {
  return op->hasTrait<BroadcastingElementwise>();
}
