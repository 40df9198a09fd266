//===- RefTensor.cpp - tensors of the reference evaluator -----------------===//

#include "compiler/Reference/RefTensor.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <cstdint>
#include <functional>

using namespace mlir;
using namespace mlir::gm::reference;

RefTensor RefTensor::zeros(RankedTensorType type) {
  RefTensor t;
  t.elementType = type.getElementType();
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  t.data.assign(type.getNumElements(), 0.0);
  return t;
}

SmallVector<int64_t, 4>
mlir::gm::reference::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// bf16 keeps the top 16 bits of an f32, rounded to nearest even.
static double roundToBF16(float f) {
  if (std::isnan(f))
    return f;
  uint32_t bits = llvm::bit_cast<uint32_t>(f);
  bits += 0x7FFF + ((bits >> 16) & 1);
  return llvm::bit_cast<float>(bits & 0xFFFF0000u);
}

double mlir::gm::reference::roundTo(Type elementType, double value) {
  if (elementType.isF64())
    return value;
  if (elementType.isF32())
    return static_cast<float>(value);
  if (elementType.isBF16())
    return roundToBF16(static_cast<float>(value));
  if (elementType.isInteger(1))
    return value != 0 ? 1.0 : 0.0;
  if (elementType.isInteger(32))
    return static_cast<double>(static_cast<int32_t>(std::trunc(value)));
  return static_cast<double>(static_cast<int64_t>(std::trunc(value)));
}

void RefTensor::print(llvm::raw_ostream &os) const {
  os << type() << " ";
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  // Recursive nesting: one bracket level per dimension.
  std::function<void(size_t, int64_t)> emit = [&](size_t dim, int64_t base) {
    if (dim == shape.size()) {
      double v = data[base];
      if (isFloat())
        os << llvm::format("%.9g", v);
      else
        os << static_cast<int64_t>(v);
      return;
    }
    os << "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        os << ", ";
      emit(dim + 1, base + i * strides[dim]);
    }
    os << "]";
  };
  emit(0, 0);
}
