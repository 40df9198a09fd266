//===- Value.h - what a .gm expression elaborates to -----------*- C++ -*-===//
//
// A compile-time number, boolean, string or list (shapes, axes), a tensor
// (an MLIR value of the gm dialect), or several results of a net call.
// Numbers stay numbers until they meet a tensor, so `1 / sqrt(B)` is folded
// and `0.5 * x` becomes one constant of x's element type.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_VALUE_H
#define GM_FRONTEND_VALUE_H

#include "compiler/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"

#include <string>
#include <vector>

namespace gmc {

struct Val {
  enum Kind { Invalid, Tensor, Int, Float, Bool, String, List, Tuple };
  Kind kind = Invalid;
  mlir::Value tensor;
  double number = 0;
  bool boolean = false;
  std::string text;
  std::vector<Val> items;
  SourceRange range;

  static Val invalid() { return {}; }
  static Val ofTensor(mlir::Value v, SourceRange r) {
    Val x;
    x.kind = Tensor;
    x.tensor = v;
    x.range = r;
    return x;
  }
  static Val ofNumber(double n, bool isInt, SourceRange r) {
    Val x;
    x.kind = isInt ? Int : Float;
    x.number = n;
    x.range = r;
    return x;
  }
  static Val ofBool(bool b, SourceRange r) {
    Val x;
    x.kind = Bool;
    x.boolean = b;
    x.range = r;
    return x;
  }
  static Val ofString(std::string s, SourceRange r) {
    Val x;
    x.kind = String;
    x.text = std::move(s);
    x.range = r;
    return x;
  }
  static Val ofList(std::vector<Val> items, Kind kind, SourceRange r) {
    Val x;
    x.kind = kind;
    x.items = std::move(items);
    x.range = r;
    return x;
  }
  /// Several results (a net call's, next's): one is the value itself,
  /// several are a tuple for `a, b = ...`.
  static Val ofResults(std::vector<Val> items, SourceRange r) {
    if (items.size() == 1)
      return std::move(items.front());
    return ofList(std::move(items), Tuple, r);
  }
  /// A tuple of tensors, one per value, all at `r`.
  static Val tupleOf(mlir::ValueRange values, SourceRange r) {
    std::vector<Val> items;
    for (mlir::Value v : values)
      items.push_back(ofTensor(v, r));
    return ofList(std::move(items), Tuple, r);
  }
  /// An op's results as ofResults reads them.
  static Val ofResults(mlir::ValueRange values, SourceRange r) {
    if (values.size() == 1)
      return ofTensor(values.front(), r);
    return tupleOf(values, r);
  }

  bool valid() const { return kind != Invalid; }
  bool isNumber() const { return kind == Int || kind == Float; }
  bool isTensor() const { return kind == Tensor; }
  mlir::RankedTensorType type() const {
    return llvm::cast<mlir::RankedTensorType>(tensor.getType());
  }
  llvm::ArrayRef<int64_t> shape() const { return type().getShape(); }
};

/// How a value reads in messages: `f32[64, 20]`, `the number 3`, `a list`.
std::string describe(const Val &v);
/// `f32[64, 20]` for a tensor type.
std::string describe(mlir::Type type);

} // namespace gmc

#endif // GM_FRONTEND_VALUE_H
