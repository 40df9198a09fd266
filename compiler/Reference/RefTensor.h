//===- RefTensor.h - tensors of the reference evaluator --------*- C++ -*-===//
//
// A tensor as the reference evaluator holds it: a shape, an element type and
// row-major values in double. Every value is rounded to its element type
// after each op (f32, bf16, integers), so f32 IR evaluates with f32 results,
// unless the evaluator promotes all floats to f64 (gradient checks).
//
//===----------------------------------------------------------------------===//

#ifndef GM_REFERENCE_REFTENSOR_H
#define GM_REFERENCE_REFTENSOR_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace mlir::gm::reference {

struct RefTensor {
  Type elementType;
  SmallVector<int64_t, 4> shape;
  std::vector<double> data;

  /// Zeros of `type`.
  static RefTensor zeros(RankedTensorType type);
  RankedTensorType type() const {
    return RankedTensorType::get(shape, elementType);
  }
  int64_t size() const { return static_cast<int64_t>(data.size()); }
  bool isFloat() const { return isa<FloatType>(elementType); }

  /// Prints `tensor<2x3xf32> [[1, 2, 3], [4, 5, 6]]`, nested per dimension.
  void print(llvm::raw_ostream &os) const;
};

/// Row-major strides of `shape`.
SmallVector<int64_t, 4> stridesOf(ArrayRef<int64_t> shape);

/// Rounds `value` to what `elementType` can hold: f32 and bf16 round to
/// nearest even, integers truncate toward zero, i1 is value != 0.
double roundTo(Type elementType, double value);

} // namespace mlir::gm::reference

#endif // GM_REFERENCE_REFTENSOR_H
