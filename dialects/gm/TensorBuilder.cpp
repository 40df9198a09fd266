//===- TensorBuilder.cpp - arithmetic on gm values ------------------------===//

#include "gm/TensorBuilder.h"

using namespace mlir;
using namespace mlir::gm;

Value TensorBuilder::scalar(double value, Type elementType) {
  return splat(value, RankedTensorType::get({}, elementType));
}

Value TensorBuilder::splat(double value, RankedTensorType type) {
  Type element = type.getElementType();
  Attribute attr;
  if (isa<FloatType>(element))
    attr = DenseElementsAttr::get(type, FloatAttr::get(element, value));
  else
    attr = DenseElementsAttr::get(
        type, IntegerAttr::get(element, static_cast<int64_t>(value)));
  return ConstantOp::create(builder_, loc_, llvm::cast<ElementsAttr>(attr));
}

Value TensorBuilder::cast(Value x, Type elementType) {
  if (elementTypeOf(x) == elementType)
    return x;
  return CastOp::create(builder_, loc_, typeOf(x).clone(elementType), x);
}

Value TensorBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  if (typeOf(x).getShape() == shape)
    return x;
  return ReshapeOp::create(builder_, loc_, typeOf(x).clone(shape), x);
}

Value TensorBuilder::flattenJoin(ValueRange values) {
  SmallVector<Value> flat;
  for (Value v : values)
    flat.push_back(reshape(v, {typeOf(v).getNumElements()}));
  if (flat.size() == 1)
    return flat.front();
  return ConcatOp::create(builder_, loc_, flat, uint64_t(0));
}

SmallVector<Value> TensorBuilder::splitFlat(Value flat, TypeRange types) {
  SmallVector<Value> pieces;
  int64_t at = 0;
  for (Type type : types) {
    auto tensor = llvm::cast<RankedTensorType>(type);
    int64_t n = tensor.getNumElements();
    Value piece = flat;
    if (types.size() != 1)
      piece = SliceOp::create(builder_, loc_, flat, ArrayRef<int64_t>{at},
                              ArrayRef<int64_t>{n}, DenseI64ArrayAttr());
    pieces.push_back(reshape(piece, tensor.getShape()));
    at += n;
  }
  return pieces;
}

Value TensorBuilder::broadcastTo(Value x, RankedTensorType type) {
  if (x.getType() == type)
    return x;
  return BroadcastOp::create(builder_, loc_, type, x);
}

Value TensorBuilder::reduceSumAll(Value x) {
  int64_t rank = typeOf(x).getRank();
  if (rank == 0)
    return x;
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  return reduceSum(x, dims, /*keepdim=*/false);
}

Value TensorBuilder::sumToShape(Value x, RankedTensorType type) {
  ArrayRef<int64_t> from = typeOf(x).getShape(), to = type.getShape();
  if (from == to)
    return x;
  int64_t lead = static_cast<int64_t>(from.size() - to.size());
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < static_cast<int64_t>(from.size()); ++i)
    if (i < lead || (to[i - lead] == 1 && from[i] != 1))
      dims.push_back(i);
  Value summed = dims.empty() ? x : reduceSum(x, dims, /*keepdim=*/true);
  return reshape(summed, to);
}

Value TensorBuilder::perChannel(Value channels, int64_t rank) {
  int64_t c = typeOf(channels).getDimSize(0);
  SmallVector<int64_t> shape{c};
  shape.append(rank - 2, 1);
  return reshape(channels, shape);
}
