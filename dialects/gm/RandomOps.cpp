//===- RandomOps.cpp - counter-based random ops ---------------------------===//

#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

LogicalResult UniformOp::verify() {
  if (!(getLow().convertToDouble() < getHigh().convertToDouble()))
    return emitOpError() << "needs low < high, got ["
                         << formatReal(getLow().convertToDouble()) << ", "
                         << formatReal(getHigh().convertToDouble()) << ")";
  return success();
}

LogicalResult CategoricalOp::inferReturnTypes(MLIRContext *context,
                                              std::optional<Location> location,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  auto logits = cast<RankedTensorType>(adaptor.getLogits().getType());
  return pushShapeResult(getOperationName(), location,
                         shape::dropAxis(logits.getShape(), adaptor.getAxis()),
                         IntegerType::get(context, 32), types);
}
