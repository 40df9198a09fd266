//===- ElementwiseKernels.cpp - reference semantics of the math ops -------===//
//
// Constants, casts, elementwise unary/binary ops with broadcasting,
// comparisons, select and reductions.
//
//===----------------------------------------------------------------------===//

#include "compiler/Reference/Kernels.h"

#include "gm/GmOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

SmallVector<RefTensor> mlir::gm::reference::resultsOf(Operation *op) {
  SmallVector<RefTensor> results;
  for (Type type : op->getResultTypes())
    results.push_back(RefTensor::zeros(cast<RankedTensorType>(type)));
  return results;
}

std::vector<int64_t>
mlir::gm::reference::broadcastIndices(ArrayRef<int64_t> inShape,
                                      ArrayRef<int64_t> outShape) {
  size_t rank = outShape.size(), lead = rank - inShape.size();
  SmallVector<int64_t, 4> inStrides = stridesOf(inShape);
  // The input stride per output dimension; 0 where the input broadcasts.
  SmallVector<int64_t, 4> strides(rank, 0);
  for (size_t i = lead; i < rank; ++i)
    if (inShape[i - lead] != 1)
      strides[i] = inStrides[i - lead];
  int64_t n = 1;
  for (int64_t d : outShape)
    n *= d;
  std::vector<int64_t> indices(n);
  SmallVector<int64_t, 4> pos(rank, 0);
  int64_t offset = 0;
  for (int64_t linear = 0; linear < n; ++linear) {
    indices[linear] = offset;
    // Advance the multi-index like an odometer.
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      offset += strides[d];
      if (++pos[d] < outShape[d])
        break;
      offset -= strides[d] * outShape[d];
      pos[d] = 0;
    }
  }
  return indices;
}

/// y = f(x) elementwise.
static void mapUnary(const RefTensor &x, RefTensor &y,
                     function_ref<double(double)> f) {
  for (int64_t i = 0; i < x.size(); ++i)
    y.data[i] = f(x.data[i]);
}

/// y = f(a, b) with broadcasting.
static void mapBinary(const RefTensor &a, const RefTensor &b, RefTensor &y,
                      function_ref<double(double, double)> f) {
  std::vector<int64_t> ia = broadcastIndices(a.shape, y.shape);
  std::vector<int64_t> ib = broadcastIndices(b.shape, y.shape);
  for (int64_t i = 0; i < y.size(); ++i)
    y.data[i] = f(a.data[ia[i]], b.data[ib[i]]);
}

/// Sums, means or maxima over `dims`.
static void reduce(const RefTensor &x, ArrayRef<int64_t> dims, RefTensor &y,
                   double init, function_ref<double(double, double)> combine) {
  // Map each input element to its output element: reduced dims collapse.
  SmallVector<int64_t, 4> keptShape(x.shape);
  for (int64_t d : dims)
    keptShape[d] = 1;
  SmallVector<int64_t, 4> keptStrides = stridesOf(keptShape);
  SmallVector<int64_t, 4> inStrides = stridesOf(x.shape);
  std::fill(y.data.begin(), y.data.end(), init);
  for (int64_t linear = 0; linear < x.size(); ++linear) {
    int64_t out = 0;
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (keptShape[d] != 1)
        out += (linear / inStrides[d] % x.shape[d]) * keptStrides[d];
    y.data[out] = combine(y.data[out], x.data[linear]);
  }
}

static double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }
static double softplus(double v) {
  return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
}
static double sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

LogicalResult
mlir::gm::reference::evaluateElementwise(Operation *op, Operands in,
                                         SmallVectorImpl<RefTensor> &out) {
  SmallVector<RefTensor> results = resultsOf(op);
  RefTensor &y = results.front();
  bool handled = true;
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](ConstantOp c) {
        auto attr = cast<DenseElementsAttr>(c.getValue());
        int64_t i = 0;
        if (isa<FloatType>(attr.getElementType()))
          for (APFloat v : attr.getValues<APFloat>())
            y.data[i++] = v.convertToDouble();
        else if (attr.getElementType().isInteger(1))
          for (bool v : attr.getValues<bool>())
            y.data[i++] = v;
        else
          for (APInt v : attr.getValues<APInt>())
            y.data[i++] = static_cast<double>(v.getSExtValue());
      })
      .Case<StopGradientOp, CastOp>([&](Operation *) { y.data = in[0]->data; })
      .Case([&](NegOp) { mapUnary(*in[0], y, [](double v) { return -v; }); })
      .Case([&](AbsOp) {
        mapUnary(*in[0], y, [](double v) { return std::fabs(v); });
      })
      .Case([&](SignOp) { mapUnary(*in[0], y, sign); })
      .Case([&](ExpOp) {
        mapUnary(*in[0], y, [](double v) { return std::exp(v); });
      })
      .Case([&](LogOp) {
        mapUnary(*in[0], y, [](double v) { return std::log(v); });
      })
      .Case([&](Log1pOp) {
        mapUnary(*in[0], y, [](double v) { return std::log1p(v); });
      })
      .Case([&](SqrtOp) {
        mapUnary(*in[0], y, [](double v) { return std::sqrt(v); });
      })
      .Case([&](RsqrtOp) {
        mapUnary(*in[0], y, [](double v) { return 1.0 / std::sqrt(v); });
      })
      .Case([&](SquareOp) {
        mapUnary(*in[0], y, [](double v) { return v * v; });
      })
      .Case([&](ReciprocalOp) {
        mapUnary(*in[0], y, [](double v) { return 1.0 / v; });
      })
      .Case([&](TanhOp) {
        mapUnary(*in[0], y, [](double v) { return std::tanh(v); });
      })
      .Case([&](SigmoidOp) { mapUnary(*in[0], y, sigmoid); })
      .Case([&](SoftplusOp) { mapUnary(*in[0], y, softplus); })
      .Case([&](ReluOp) {
        mapUnary(*in[0], y, [](double v) { return v > 0 ? v : 0.0; });
      })
      .Case([&](FloorOp) {
        mapUnary(*in[0], y, [](double v) { return std::floor(v); });
      })
      .Case([&](RoundOp) {
        mapUnary(*in[0], y, [](double v) { return std::nearbyint(v); });
      })
      .Case([&](LeakyReluOp l) {
        double alpha = l.getAlpha().convertToDouble();
        mapUnary(*in[0], y, [&](double v) { return v > 0 ? v : alpha * v; });
      })
      .Case([&](AddOp) {
        mapBinary(*in[0], *in[1], y, [](double a, double b) { return a + b; });
      })
      .Case([&](SubOp) {
        mapBinary(*in[0], *in[1], y, [](double a, double b) { return a - b; });
      })
      .Case([&](MulOp) {
        mapBinary(*in[0], *in[1], y, [](double a, double b) { return a * b; });
      })
      .Case([&](DivOp d) {
        bool integer = !isa<FloatType>(y.elementType);
        mapBinary(*in[0], *in[1], y, [&](double a, double b) {
          return integer ? std::trunc(a / b) : a / b;
        });
      })
      .Case([&](PowOp) {
        mapBinary(*in[0], *in[1], y,
                  [](double a, double b) { return std::pow(a, b); });
      })
      .Case([&](MaximumOp) {
        mapBinary(*in[0], *in[1], y,
                  [](double a, double b) { return std::max(a, b); });
      })
      .Case([&](MinimumOp) {
        mapBinary(*in[0], *in[1], y,
                  [](double a, double b) { return std::min(a, b); });
      })
      .Case([&](CompareOp c) {
        ComparePredicate p = c.getPredicate();
        mapBinary(*in[0], *in[1], y, [p](double a, double b) -> double {
          switch (p) {
          case ComparePredicate::eq:
            return a == b;
          case ComparePredicate::ne:
            return a != b;
          case ComparePredicate::lt:
            return a < b;
          case ComparePredicate::le:
            return a <= b;
          case ComparePredicate::gt:
            return a > b;
          case ComparePredicate::ge:
            return a >= b;
          }
          return 0;
        });
      })
      .Case([&](SelectOp) {
        std::vector<int64_t> ic = broadcastIndices(in[0]->shape, y.shape);
        std::vector<int64_t> ia = broadcastIndices(in[1]->shape, y.shape);
        std::vector<int64_t> ib = broadcastIndices(in[2]->shape, y.shape);
        for (int64_t i = 0; i < y.size(); ++i)
          y.data[i] =
              in[0]->data[ic[i]] != 0 ? in[1]->data[ia[i]] : in[2]->data[ib[i]];
      })
      .Case([&](ReduceSumOp r) {
        reduce(*in[0], r.getDims(), y, 0.0,
               [](double a, double b) { return a + b; });
      })
      .Case([&](ReduceMeanOp r) {
        reduce(*in[0], r.getDims(), y, 0.0,
               [](double a, double b) { return a + b; });
        double count = static_cast<double>(in[0]->size()) / y.size();
        for (double &v : y.data)
          v /= count;
      })
      .Case([&](ReduceMaxOp r) {
        reduce(*in[0], r.getDims(), y, -INFINITY,
               [](double a, double b) { return std::max(a, b); });
      })
      .Default([&](Operation *) { handled = false; });
  if (!handled)
    return failure();
  out.append(results.begin(), results.end());
  return success();
}
