//===- ShapeRules.h - static shape rules of the gm ops ---------*- C++ -*-===//
//
// The shape arithmetic of every gm op, as plain functions over integer
// shapes. The dialect's type inference and verifiers call them, and so does
// the front end's Sema, so both agree on every shape and explain a mismatch
// with the same facts. Nothing here depends on MLIR's IR.
//
//===----------------------------------------------------------------------===//

#ifndef GM_SHAPERULES_H
#define GM_SHAPERULES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::gm::shape {

using Shape = llvm::SmallVector<int64_t, 4>;

/// A shape, or the reason why the operands have none.
class ShapeResult {
public:
  ShapeResult(Shape shape) : shape_(std::move(shape)) {}
  static ShapeResult error(const llvm::Twine &message) {
    ShapeResult r{Shape{}};
    r.error_ = message.str();
    return r;
  }
  bool ok() const { return error_.empty(); }
  explicit operator bool() const { return ok(); }
  const Shape &shape() const { return shape_; }
  const std::string &message() const { return error_; }

private:
  Shape shape_;
  std::string error_;
};

/// Formats a shape the way diagnostics show it: `[64, 1, 28, 28]`.
std::string format(llvm::ArrayRef<int64_t> shape);
/// The number of elements.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// numpy broadcasting of two shapes.
ShapeResult broadcast(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
/// Whether `from` broadcasts to exactly `to`.
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Reduction over distinct `dims`, removed unless `keepdim`.
ShapeResult reduce(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> dims,
                   bool keepdim);

/// Matrix product of rank-2 or equally batched rank-3 operands.
ShapeResult matmul(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                   bool transposeLhs, bool transposeRhs);

/// Convolution geometry: stride and dilation [h, w], padding [top, left,
/// bottom, right].
struct ConvGeometry {
  llvm::SmallVector<int64_t, 2> stride{1, 1};
  llvm::SmallVector<int64_t, 4> padding{0, 0, 0, 0};
  llvm::SmallVector<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

/// Checks the geometry's attribute sizes and values; the empty string if fine.
std::string checkGeometry(const ConvGeometry &g);
/// NCHW input, OIHW weight -> NOHW output.
ShapeResult conv2d(llvm::ArrayRef<int64_t> input,
                   llvm::ArrayRef<int64_t> weight, const ConvGeometry &g);
/// NCHW input, [C_in, C_out / groups, KH, KW] weight -> N C_out OH OW.
ShapeResult convTranspose2d(llvm::ArrayRef<int64_t> input,
                            llvm::ArrayRef<int64_t> weight,
                            const ConvGeometry &g,
                            llvm::ArrayRef<int64_t> outputPadding);

/// Checks an N x C (x H x W) input against per-channel [C] operands.
std::string checkPerChannel(llvm::ArrayRef<int64_t> input,
                            llvm::ArrayRef<int64_t> perChannel,
                            llvm::StringRef what);

/// Permutation of dimensions.
ShapeResult transpose(llvm::ArrayRef<int64_t> input,
                      llvm::ArrayRef<int64_t> perm);
/// Concatenation along `axis`.
ShapeResult concat(llvm::ArrayRef<llvm::SmallVector<int64_t, 4>> inputs,
                   int64_t axis);
/// Strided window; empty `strides` means 1.
ShapeResult slice(llvm::ArrayRef<int64_t> input,
                  llvm::ArrayRef<int64_t> offsets,
                  llvm::ArrayRef<int64_t> sizes,
                  llvm::ArrayRef<int64_t> strides);
/// Constant padding; empty `interior` means 0.
ShapeResult pad(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> low,
                llvm::ArrayRef<int64_t> high, llvm::ArrayRef<int64_t> interior);
/// Nearest-neighbour upsampling of NCHW.
ShapeResult upsample(llvm::ArrayRef<int64_t> input,
                     llvm::ArrayRef<int64_t> scale);
/// Same element count.
std::string checkReshape(llvm::ArrayRef<int64_t> input,
                         llvm::ArrayRef<int64_t> result);

/// [..., D] inputs against a [K, D] codebook -> [...].
ShapeResult nearest(llvm::ArrayRef<int64_t> input,
                    llvm::ArrayRef<int64_t> codebook);
/// [K, D] table gathered at indices S -> S x D.
ShapeResult lookup(llvm::ArrayRef<int64_t> table,
                   llvm::ArrayRef<int64_t> indices);
/// Inserts `classes` at `axis` (nullopt: last).
ShapeResult oneHot(llvm::ArrayRef<int64_t> indices, int64_t classes,
                   std::optional<int64_t> axis);
/// Removes `axis` (argmax, categorical).
ShapeResult dropAxis(llvm::ArrayRef<int64_t> input, int64_t axis);
/// Checks 0 <= axis < rank.
std::string checkAxis(llvm::ArrayRef<int64_t> input, int64_t axis);

} // namespace mlir::gm::shape

#endif // GM_SHAPERULES_H
