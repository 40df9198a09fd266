//===- ShapeKernels.cpp - reference semantics of the shape ops ------------===//

#include "compiler/Reference/Kernels.h"

#include "gm/GmOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

/// Calls f(output linear index, input linear index) for a strided window:
/// output position p reads input position offsets + p * strides.
static void forEachWindowElement(ArrayRef<int64_t> inShape,
                                 ArrayRef<int64_t> outShape,
                                 ArrayRef<int64_t> offsets,
                                 ArrayRef<int64_t> strides,
                                 function_ref<void(int64_t, int64_t)> f) {
  SmallVector<int64_t, 4> inStrides = stridesOf(inShape);
  SmallVector<int64_t, 4> outStrides = stridesOf(outShape);
  int64_t n = 1;
  for (int64_t d : outShape)
    n *= d;
  for (int64_t linear = 0; linear < n; ++linear) {
    int64_t source = 0;
    for (size_t d = 0; d < outShape.size(); ++d) {
      int64_t p = linear / outStrides[d] % outShape[d];
      source +=
          (offsets[d] + p * (strides.empty() ? 1 : strides[d])) * inStrides[d];
    }
    f(linear, source);
  }
}

LogicalResult
mlir::gm::reference::evaluateShape(Operation *op, Operands in,
                                   SmallVectorImpl<RefTensor> &out) {
  SmallVector<RefTensor> results = resultsOf(op);
  RefTensor &y = results.front();
  bool handled = true;
  llvm::TypeSwitch<Operation *>(op)
      // A layout is the CPU backend's order in memory: the value is the same.
      .Case<ReshapeOp, ReorderOp>([&](Operation *) { y.data = in[0]->data; })
      .Case([&](BroadcastOp) {
        std::vector<int64_t> source = broadcastIndices(in[0]->shape, y.shape);
        for (int64_t i = 0; i < y.size(); ++i)
          y.data[i] = in[0]->data[source[i]];
      })
      .Case([&](TransposeOp t) {
        SmallVector<int64_t, 4> inStrides = stridesOf(in[0]->shape);
        SmallVector<int64_t, 4> outStrides = stridesOf(y.shape);
        for (int64_t linear = 0; linear < y.size(); ++linear) {
          int64_t source = 0;
          for (auto [d, p] : llvm::enumerate(t.getPerm()))
            source += linear / outStrides[d] % y.shape[d] * inStrides[p];
          y.data[linear] = in[0]->data[source];
        }
      })
      .Case([&](ConcatOp c) {
        // Each input is a window of the output starting at its offset.
        int64_t axis = c.getAxis(), offset = 0;
        for (const RefTensor *input : in) {
          SmallVector<int64_t, 4> offsets(y.shape.size(), 0);
          offsets[axis] = offset;
          forEachWindowElement(
              y.shape, input->shape, offsets, {},
              [&](int64_t i, int64_t o) { y.data[o] = input->data[i]; });
          offset += input->shape[axis];
        }
      })
      .Case([&](SliceOp s) {
        ArrayRef<int64_t> strides;
        if (s.getStrides())
          strides = *s.getStrides();
        forEachWindowElement(
            in[0]->shape, y.shape, s.getOffsets(), strides,
            [&](int64_t o, int64_t i) { y.data[o] = in[0]->data[i]; });
      })
      .Case([&](PadOp p) {
        // The input is a strided window of the output (stride interior + 1).
        std::fill(y.data.begin(), y.data.end(), p.getValue().convertToDouble());
        SmallVector<int64_t, 4> strides;
        for (size_t d = 0; d < y.shape.size(); ++d)
          strides.push_back(p.getInterior() ? (*p.getInterior())[d] + 1 : 1);
        forEachWindowElement(
            y.shape, in[0]->shape, p.getLow(), strides,
            [&](int64_t i, int64_t o) { y.data[o] = in[0]->data[i]; });
      })
      .Case([&](UpsampleOp u) {
        int64_t sh = u.getScale()[0], sw = u.getScale()[1];
        int64_t h = in[0]->shape[2], w = in[0]->shape[3];
        int64_t planes = in[0]->shape[0] * in[0]->shape[1];
        for (int64_t p = 0; p < planes; ++p)
          for (int64_t i = 0; i < h * sh; ++i)
            for (int64_t j = 0; j < w * sw; ++j)
              y.data[(p * h * sh + i) * w * sw + j] =
                  in[0]->data[(p * h + i / sh) * w + j / sw];
      })
      .Default([&](Operation *) { handled = false; });
  if (!handled)
    return failure();
  out.append(results.begin(), results.end());
  return success();
}
