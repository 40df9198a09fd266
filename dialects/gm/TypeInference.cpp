//===- TypeInference.cpp - result types of gm ops from their operands -----===//

#include "gm/TypeInference.h"

#include "mlir/IR/Diagnostics.h"

namespace mlir::gm {

LogicalResult emitInferenceError(StringRef opName,
                                 std::optional<Location> location,
                                 const Twine &message) {
  return emitOptionalError(location, "'", opName, "' op ", message.str());
}

FailureOr<RankedTensorType>
requireRankedTensor(StringRef opName, std::optional<Location> location,
                    Type type, StringRef what) {
  auto tensor = dyn_cast_or_null<RankedTensorType>(type);
  if (!tensor) {
    (void)emitInferenceError(opName, location,
                             what + " must be a ranked tensor");
    return failure();
  }
  return tensor;
}

LogicalResult pushShapeResult(StringRef opName,
                              std::optional<Location> location,
                              const shape::ShapeResult &result,
                              Type elementType, SmallVectorImpl<Type> &types) {
  if (!result)
    return emitInferenceError(opName, location, result.message());
  types.push_back(RankedTensorType::get(result.shape(), elementType));
  return success();
}

FailureOr<shape::Shape> inferBroadcastShape(StringRef opName,
                                            std::optional<Location> location,
                                            ArrayRef<Type> operands) {
  shape::Shape shape;
  for (Type type : operands) {
    auto tensor = requireRankedTensor(opName, location, type, "operand");
    if (failed(tensor))
      return failure();
    shape::ShapeResult b = shape::broadcast(shape, tensor->getShape());
    if (!b) {
      (void)emitInferenceError(opName, location, "operand " + b.message());
      return failure();
    }
    shape = b.shape();
  }
  return shape;
}

LogicalResult inferBroadcastResult(StringRef opName,
                                   std::optional<Location> location,
                                   ArrayRef<Type> operands, Type elementType,
                                   SmallVectorImpl<Type> &types) {
  FailureOr<shape::Shape> shape =
      inferBroadcastShape(opName, location, operands);
  if (failed(shape))
    return failure();
  Type common = cast<RankedTensorType>(operands.front()).getElementType();
  for (Type type : operands.drop_front()) {
    Type element = cast<RankedTensorType>(type).getElementType();
    if (element != common) {
      std::string message;
      llvm::raw_string_ostream os(message);
      os << "operand element types differ (" << common << " vs " << element
         << ")";
      return emitInferenceError(opName, location, message);
    }
  }
  types.push_back(
      RankedTensorType::get(*shape, elementType ? elementType : common));
  return success();
}

LogicalResult inferReduceResult(StringRef opName,
                                std::optional<Location> location, Type input,
                                ArrayRef<int64_t> dims, bool keepdim,
                                SmallVectorImpl<Type> &types) {
  auto tensor = requireRankedTensor(opName, location, input, "input");
  if (failed(tensor))
    return failure();
  return pushShapeResult(opName, location,
                         shape::reduce(tensor->getShape(), dims, keepdim),
                         tensor->getElementType(), types);
}

} // namespace mlir::gm
