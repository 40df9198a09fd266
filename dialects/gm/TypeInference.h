//===- TypeInference.h - result types of gm ops --------------- -*- C++ -*-===//
//
// Helpers shared by the ops' `inferReturnTypes`: they apply ShapeRules to
// tensor types and report failures as `'gm.op' op ...` at the op's location.
// The front end calls the ops' `inferReturnTypes` (or ShapeRules directly).
//
//===----------------------------------------------------------------------===//

#ifndef GM_TYPEINFERENCE_H
#define GM_TYPEINFERENCE_H

#include "gm/ShapeRules.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"

#include <optional>

namespace mlir::gm {

/// Emits "'<opName>' op <message>" at `location` when there is one; returns
/// failure either way.
LogicalResult emitInferenceError(StringRef opName,
                                 std::optional<Location> location,
                                 const Twine &message);

/// Returns `type` as a ranked tensor, or emits an error naming `what`.
FailureOr<RankedTensorType>
requireRankedTensor(StringRef opName, std::optional<Location> location,
                    Type type, StringRef what);

/// Pushes a tensor type of `result`'s shape and `elementType`, or emits the
/// shape error.
LogicalResult pushShapeResult(StringRef opName,
                              std::optional<Location> location,
                              const shape::ShapeResult &result,
                              Type elementType, SmallVectorImpl<Type> &types);

/// The numpy broadcast of the operands' shapes.
FailureOr<shape::Shape> inferBroadcastShape(StringRef opName,
                                            std::optional<Location> location,
                                            ArrayRef<Type> operands);

/// Elementwise ops: the operands broadcast together and share an element type;
/// the result has the broadcast shape and `elementType` (the operands' when
/// null).
LogicalResult inferBroadcastResult(StringRef opName,
                                   std::optional<Location> location,
                                   ArrayRef<Type> operands, Type elementType,
                                   SmallVectorImpl<Type> &types);

/// Reductions over `dims`, optionally keeping them with size 1.
LogicalResult inferReduceResult(StringRef opName,
                                std::optional<Location> location, Type input,
                                ArrayRef<int64_t> dims, bool keepdim,
                                SmallVectorImpl<Type> &types);

} // namespace mlir::gm

#endif // GM_TYPEINFERENCE_H
