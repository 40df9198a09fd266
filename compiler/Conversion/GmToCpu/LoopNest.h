//===- LoopNest.h - generated loops over planned buffers --------*- C++ -*-===//
//
// Every gm op that is not a library call (elementwise math, reductions,
// copies between layouts) is described as a LoopNest: an iteration space,
// the buffers it reads and writes (each indexed by a subset of the
// iteration dimensions) and the scalar computation of one point. The
// emitter turns a nest into a kernel function holding one linalg.generic;
// the runtime runs the kernel in parallel over ranges of one dimension.
//
//===----------------------------------------------------------------------===//

#ifndef GM_CONVERSION_GMTOCPU_LOOPNEST_H
#define GM_CONVERSION_GMTOCPU_LOOPNEST_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"

#include <functional>

namespace mlir::gm::cpu {

/// One buffer of a loop nest, seen as a row-major array of `shape` (any
/// shape with the buffer's element count), optionally narrowed to a strided
/// window, and indexed by iteration dimensions: dimension k of the (window
/// of the) view follows iteration dimension `dims[k]`.
struct NestOperand {
  /// The gm value whose buffer this is; for a scalar constant, null.
  Value value;
  /// A constant read everywhere (a splat): no buffer, no dims.
  TypedAttr scalar;
  SmallVector<int64_t> shape;
  /// The window: empty for the whole view.
  SmallVector<int64_t> offsets, sizes, strides;
  SmallVector<int64_t> dims;

  bool hasWindow() const { return !offsets.empty(); }
  /// Dimensions of the buffer as indexed (the window's if any).
  ArrayRef<int64_t> indexedShape() const {
    return hasWindow() ? ArrayRef<int64_t>(sizes) : ArrayRef<int64_t>(shape);
  }
};

/// Builds the scalar results of one point from the input elements and the
/// outputs' current elements (reductions read them).
using PointBuilder = std::function<SmallVector<Value>(
    OpBuilder &, Location, ValueRange inputs, ValueRange outputs)>;
/// Maps one output element after the loops (a mean's division).
using FinishBuilder = std::function<Value(OpBuilder &, Location, Value)>;

struct LoopNest {
  SmallVector<int64_t> extents;
  SmallVector<utils::IteratorType> iterators;
  std::vector<NestOperand> inputs, outputs;
  PointBuilder point;
  /// The outputs' value before the loops (a reduction's identity); null: the
  /// loops write every output element without reading it.
  TypedAttr init;
  /// The element type the loops accumulate the outputs in, when wider than
  /// theirs (f32 sums add in f64: a sequential f32 sum of 50176 losses is
  /// 1e-4 off, of 6.4M squares 1%); null: the outputs' own. `init`, the
  /// point's accumulators and `finish` are of this type; the outputs get the
  /// finished values rounded to theirs.
  Type accumulator;
  FinishBuilder finish;
  /// A name for the kernel: the gm op it computes.
  std::string name;
  /// Per input: the output it is read through (-1: none). An input the plan
  /// put where an output goes, indexed alike (an update in place), is read
  /// from that output, so that the kernel holds one pointer to those bytes
  /// and LLVM's vectorizer sees no possible overlap to check at run time.
  SmallVector<int64_t> readThroughOutput;

  /// The total number of points.
  int64_t points() const;
  /// The output input `i` is read through, or -1.
  int64_t outputReadThrough(size_t i) const;
  /// Whether input `i` is a buffer of its own to the kernel (not a scalar,
  /// not read through an output).
  bool inputHasAddress(size_t i) const;
  /// The values whose addresses the kernel takes, in its order: those
  /// inputs, then the outputs.
  SmallVector<Value> addressedValues() const;
};

/// Makes `nest`, over N x C x H x W, run on the buffers of the values
/// `blocked` says are in the blocked layout (nChw16c): it iterates over
/// N x C/16 x H x W x 16, reading those whole in memory order, and the
/// plain ones (broadcast or reduced) with their channel split in two.
void blockChannels(LoopNest &nest, llvm::function_ref<bool(Value)> blocked);

/// Merges adjacent iteration dimensions that every buffer indexes together
/// (or not at all), so that the innermost loop runs as long as memory is
/// contiguous: x + bias over 64x32x14x14 + 32x1x1 becomes 64x32x196 + 32.
void coalesce(LoopNest &nest);

/// The iteration dimension the runtime splits across threads: the outermost
/// parallel one. -1 when there is none (a full reduction runs as one unit).
int64_t splitDimension(const LoopNest &nest);

} // namespace mlir::gm::cpu

#endif // GM_CONVERSION_GMTOCPU_LOOPNEST_H
