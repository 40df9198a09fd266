//===- TensorBuilder.h - arithmetic on gm values --------------*- C++ -*-===//
//
// Builds gm ops with inferred result types at one insertion point and
// location: the vocabulary of gradient rules, optimizer updates and the front
// end's expansions (losses, layers), so each writes math, not op plumbing.
//
// Each call builds its ops where it runs, so a call may take at most one
// argument that builds: in `t.add(t.neg(a), t.neg(b))` C++ leaves open which
// neg comes first, and the IR's order would depend on the host compiler.
// scripts/check-build-order.sh (run by the test command) finds such calls.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TENSORBUILDER_H
#define GM_TENSORBUILDER_H

#include "gm/GmOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::gm {

class TensorBuilder {
public:
  TensorBuilder(OpBuilder &builder, Location loc)
      : builder_(builder), loc_(loc) {}

  OpBuilder &builder() { return builder_; }
  Location loc() const { return loc_; }

  static RankedTensorType typeOf(Value v) {
    return llvm::cast<RankedTensorType>(v.getType());
  }
  static Type elementTypeOf(Value v) { return typeOf(v).getElementType(); }

  /// A 0-d constant of `elementType` (broadcasts against anything).
  Value scalar(double value, Type elementType);
  /// A 0-d constant of `like`'s element type.
  Value scalarLike(double value, Value like) {
    return scalar(value, elementTypeOf(like));
  }
  /// A constant of `type` filled with `value`.
  Value splat(double value, RankedTensorType type);

  // Elementwise, with numpy broadcasting.
  Value add(Value a, Value b) { return AddOp::create(builder_, loc_, a, b); }
  Value sub(Value a, Value b) { return SubOp::create(builder_, loc_, a, b); }
  Value mul(Value a, Value b) { return MulOp::create(builder_, loc_, a, b); }
  Value div(Value a, Value b) { return DivOp::create(builder_, loc_, a, b); }
  Value pow(Value a, Value b) { return PowOp::create(builder_, loc_, a, b); }
  Value maximum(Value a, Value b) {
    return MaximumOp::create(builder_, loc_, a, b);
  }
  Value minimum(Value a, Value b) {
    return MinimumOp::create(builder_, loc_, a, b);
  }
  Value compare(ComparePredicate predicate, Value a, Value b) {
    return CompareOp::create(builder_, loc_, predicate, a, b);
  }
  Value select(Value condition, Value a, Value b) {
    return SelectOp::create(builder_, loc_, condition, a, b);
  }
  /// `a * scalar`.
  Value scale(Value a, double factor) { return mul(a, scalarLike(factor, a)); }

  template <typename UnaryOpT> Value unary(Value x) {
    return UnaryOpT::create(builder_, loc_, x);
  }
  Value neg(Value x) { return unary<NegOp>(x); }
  Value exp(Value x) { return unary<ExpOp>(x); }
  Value log(Value x) { return unary<LogOp>(x); }
  Value sqrt(Value x) { return unary<SqrtOp>(x); }
  Value rsqrt(Value x) { return unary<RsqrtOp>(x); }
  Value square(Value x) { return unary<SquareOp>(x); }
  Value sign(Value x) { return unary<SignOp>(x); }
  Value sigmoid(Value x) { return unary<SigmoidOp>(x); }
  /// Converts the element type (same shape).
  Value cast(Value x, Type elementType);

  // Shapes.
  Value reshape(Value x, ArrayRef<int64_t> shape);
  Value broadcastTo(Value x, RankedTensorType type);
  Value transpose(Value x, ArrayRef<int64_t> perm) {
    return TransposeOp::create(builder_, loc_, x, perm);
  }
  Value reduceSum(Value x, ArrayRef<int64_t> dims, bool keepdim) {
    return ReduceSumOp::create(builder_, loc_, x, dims, keepdim);
  }
  Value reduceSumAll(Value x);
  /// Undoes broadcasting: sums `x` over the dimensions that broadcasting to
  /// `x`'s shape added or stretched, giving `type`'s shape.
  Value sumToShape(Value x, RankedTensorType type);
  /// The elements of `values` (all of one element type), flattened and
  /// joined in order: one 1-D tensor.
  Value flattenJoin(ValueRange values);
  /// Undoes flattenJoin: the pieces of 1-D `flat` with `types`' shapes.
  SmallVector<Value> splitFlat(Value flat, TypeRange types);
  /// Reshapes a per-channel [C] vector so that it broadcasts along dimension 1
  /// of a rank-`rank` N x C (x H x W) tensor: [C] or [C, 1, 1].
  Value perChannel(Value channels, int64_t rank);

private:
  OpBuilder &builder_;
  Location loc_;
};

} // namespace mlir::gm

#endif // GM_TENSORBUILDER_H
