//===- NNKernels.cpp - reference semantics of the library ops -------------===//
//
// Matmul, the convolutions (direct loops over every output and tap), batch
// normalization, softmax and the vector-quantization helpers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Reference/Kernels.h"

#include "gm/GmOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

static void matmul(MatmulOp op, const RefTensor &a, const RefTensor &b,
                   RefTensor &y) {
  bool ta = op.getTransposeLhs(), tb = op.getTransposeRhs();
  size_t r = a.shape.size();
  int64_t batch = r == 3 ? a.shape[0] : 1;
  int64_t ar = a.shape[r - 2], ac = a.shape[r - 1];
  int64_t br = b.shape[r - 2], bc = b.shape[r - 1];
  int64_t m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        for (int64_t q = 0; q < k; ++q) {
          double av = a.data[p * ar * ac + (ta ? q * ac + i : i * ac + q)];
          double bv = b.data[p * br * bc + (tb ? j * bc + q : q * bc + j)];
          sum += av * bv;
        }
        y.data[(p * m + i) * n + j] = sum;
      }
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

namespace {
/// One convolution's geometry: input [N, C, H, W], weight [O, C/g, KH, KW],
/// output [N, O, OH, OW], and the mask (1 everywhere when absent).
struct Conv {
  int64_t n, c, h, w, o, kh, kw, oh, ow;
  int64_t sh, sw, pt, pl, dh, dw, groups;
  std::vector<double> mask;

  /// Visits every (input element, weight element, output element) triple
  /// that the convolution multiplies, as linear indices and the mask value.
  void forEachTap(function_ref<void(int64_t x, int64_t wt, int64_t y, double m)>
                      visit) const {
    int64_t cg = c / groups, og = o / groups;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oc = 0; oc < o; ++oc) {
        int64_t g = oc / og;
        for (int64_t y0 = 0; y0 < oh; ++y0)
          for (int64_t x0 = 0; x0 < ow; ++x0)
            for (int64_t cl = 0; cl < cg; ++cl)
              for (int64_t i = 0; i < kh; ++i) {
                int64_t ih = y0 * sh - pt + i * dh;
                if (ih < 0 || ih >= h)
                  continue;
                for (int64_t j = 0; j < kw; ++j) {
                  int64_t iw = x0 * sw - pl + j * dw;
                  if (iw < 0 || iw >= w)
                    continue;
                  int64_t ic = g * cg + cl;
                  visit(((b * c + ic) * h + ih) * w + iw,
                        ((oc * cg + cl) * kh + i) * kw + j,
                        ((b * o + oc) * oh + y0) * ow + x0, mask[i * kw + j]);
                }
              }
      }
  }
};

/// The geometry of a conv-family op given its input, weight and output shapes.
template <typename OpT>
Conv geometry(OpT op, ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
              ArrayRef<int64_t> output,
              std::optional<DenseIntElementsAttr> mask) {
  Conv c{input[0],
         input[1],
         input[2],
         input[3],
         weight[0],
         weight[2],
         weight[3],
         output[2],
         output[3],
         op.getStride()[0],
         op.getStride()[1],
         op.getPadding()[0],
         op.getPadding()[1],
         op.getDilation()[0],
         op.getDilation()[1],
         static_cast<int64_t>(op.getGroups()),
         {}};
  c.mask.assign(weight[2] * weight[3], 1.0);
  if (mask) {
    int64_t i = 0;
    for (bool v : mask->getValues<bool>())
      c.mask[i++] = v;
  }
  return c;
}
} // namespace

//===----------------------------------------------------------------------===//
// Batch norm and softmax helpers
//===----------------------------------------------------------------------===//

/// Per-channel statistics over every dimension but 1.
static void channelMoments(const RefTensor &x, std::vector<double> &mean,
                           std::vector<double> &var) {
  int64_t n = x.shape[0], c = x.shape[1], spatial = x.size() / (n * c);
  mean.assign(c, 0);
  var.assign(c, 0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t s = 0; s < spatial; ++s)
        mean[k] += x.data[(b * c + k) * spatial + s];
  for (double &m : mean)
    m /= n * spatial;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t s = 0; s < spatial; ++s) {
        double d = x.data[(b * c + k) * spatial + s] - mean[k];
        var[k] += d * d;
      }
  for (double &v : var)
    v /= n * spatial;
}

/// Calls f(channel, linear index) for every element of an N x C x ... tensor.
static void forEachChannelElement(const RefTensor &x,
                                  function_ref<void(int64_t, int64_t)> f) {
  int64_t n = x.shape[0], c = x.shape[1], spatial = x.size() / (n * c);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t s = 0; s < spatial; ++s)
        f(k, (b * c + k) * spatial + s);
}

/// Calls f(base, stride, length) for every line along `axis`.
static void forEachLine(ArrayRef<int64_t> shape, int64_t axis,
                        function_ref<void(int64_t, int64_t, int64_t)> f) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      f(o * shape[axis] * inner + i, inner, shape[axis]);
}

static void softmax(const RefTensor &x, int64_t axis, bool logarithm,
                    RefTensor &y) {
  forEachLine(x.shape, axis, [&](int64_t base, int64_t stride, int64_t len) {
    double max = -INFINITY;
    for (int64_t k = 0; k < len; ++k)
      max = std::max(max, x.data[base + k * stride]);
    double sum = 0;
    for (int64_t k = 0; k < len; ++k)
      sum += std::exp(x.data[base + k * stride] - max);
    for (int64_t k = 0; k < len; ++k) {
      double shifted = x.data[base + k * stride] - max;
      y.data[base + k * stride] =
          logarithm ? shifted - std::log(sum) : std::exp(shifted) / sum;
    }
  });
}

LogicalResult mlir::gm::reference::evaluateNN(Operation *op, Operands in,
                                              SmallVectorImpl<RefTensor> &out) {
  SmallVector<RefTensor> results = resultsOf(op);
  RefTensor &y = results.front();
  bool handled = true;
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](MatmulOp m) { matmul(m, *in[0], *in[1], y); })
      .Case([&](Conv2dOp c) {
        Conv g = geometry(c, in[0]->shape, in[1]->shape, y.shape, c.getMask());
        g.forEachTap([&](int64_t x, int64_t w, int64_t o, double mask) {
          y.data[o] += in[0]->data[x] * in[1]->data[w] * mask;
        });
      })
      .Case([&](Conv2dBackwardDataOp c) {
        Conv g = geometry(c, y.shape, in[1]->shape, in[0]->shape, c.getMask());
        g.forEachTap([&](int64_t x, int64_t w, int64_t o, double mask) {
          y.data[x] += in[0]->data[o] * in[1]->data[w] * mask;
        });
      })
      .Case([&](Conv2dBackwardWeightsOp c) {
        Conv g = geometry(c, in[0]->shape, y.shape, in[1]->shape, c.getMask());
        g.forEachTap([&](int64_t x, int64_t w, int64_t o, double mask) {
          y.data[w] += in[0]->data[x] * in[1]->data[o] * mask;
        });
      })
      .Case([&](ConvTranspose2dOp c) {
        // conv_transpose(x, w) is the input gradient of conv(y, w).
        Conv g = geometry(c, y.shape, in[1]->shape, in[0]->shape, std::nullopt);
        g.forEachTap([&](int64_t x, int64_t w, int64_t o, double) {
          y.data[x] += in[0]->data[o] * in[1]->data[w];
        });
      })
      .Case([&](BatchNormOp b) {
        std::vector<double> mean, var;
        channelMoments(*in[0], mean, var);
        double eps = b.getEpsilon().convertToDouble();
        forEachChannelElement(*in[0], [&](int64_t k, int64_t i) {
          y.data[i] = (in[0]->data[i] - mean[k]) / std::sqrt(var[k] + eps) *
                          in[1]->data[k] +
                      in[2]->data[k];
        });
        results[1].data = mean;
        results[2].data = var;
      })
      .Case([&](BatchNormInferenceOp b) {
        double eps = b.getEpsilon().convertToDouble();
        forEachChannelElement(*in[0], [&](int64_t k, int64_t i) {
          y.data[i] = (in[0]->data[i] - in[3]->data[k]) /
                          std::sqrt(in[4]->data[k] + eps) * in[1]->data[k] +
                      in[2]->data[k];
        });
      })
      .Case([&](BatchNormBackwardOp b) {
        // dx = scale * rstd / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))
        const RefTensor &dy = *in[0], &x = *in[1];
        double eps = b.getEpsilon().convertToDouble();
        int64_t c = x.shape[1];
        double m = static_cast<double>(x.size()) / c;
        std::vector<double> sumDy(c, 0), sumDyXhat(c, 0), rstd(c);
        for (int64_t k = 0; k < c; ++k)
          rstd[k] = 1.0 / std::sqrt(in[4]->data[k] + eps);
        auto xhat = [&](int64_t k, int64_t i) {
          return (x.data[i] - in[3]->data[k]) * rstd[k];
        };
        forEachChannelElement(x, [&](int64_t k, int64_t i) {
          sumDy[k] += dy.data[i];
          sumDyXhat[k] += dy.data[i] * xhat(k, i);
        });
        forEachChannelElement(x, [&](int64_t k, int64_t i) {
          y.data[i] = in[2]->data[k] * rstd[k] / m *
                      (m * dy.data[i] - sumDy[k] - xhat(k, i) * sumDyXhat[k]);
        });
        results[1].data = sumDyXhat;
        results[2].data = sumDy;
      })
      .Case([&](SoftmaxOp s) { softmax(*in[0], s.getAxis(), false, y); })
      .Case([&](LogSoftmaxOp s) { softmax(*in[0], s.getAxis(), true, y); })
      .Case([&](NearestOp) {
        const RefTensor &z = *in[0], &book = *in[1];
        int64_t k = book.shape[0], d = book.shape[1];
        for (int64_t v = 0; v < y.size(); ++v) {
          double best = INFINITY;
          for (int64_t e = 0; e < k; ++e) {
            double dist = 0;
            for (int64_t j = 0; j < d; ++j) {
              double diff = z.data[v * d + j] - book.data[e * d + j];
              dist += diff * diff;
            }
            if (dist < best) { // Strict: the lowest index wins ties.
              best = dist;
              y.data[v] = e;
            }
          }
        }
      })
      .Case([&](LookupOp) {
        int64_t d = in[0]->shape[1];
        for (int64_t v = 0; v < in[1]->size(); ++v) {
          int64_t row = static_cast<int64_t>(in[1]->data[v]);
          for (int64_t j = 0; j < d; ++j)
            y.data[v * d + j] = in[0]->data[row * d + j];
        }
      })
      .Case([&](OneHotOp o) {
        int64_t rank = in[0]->shape.size();
        int64_t axis = o.getAxis().value_or(rank);
        int64_t classes = o.getClasses();
        forEachLine(y.shape, axis, [&](int64_t base, int64_t stride, int64_t) {
          // The line's position without the class axis indexes the labels.
          int64_t inner = stride, outerIndex = base / (classes * inner);
          int64_t label = static_cast<int64_t>(
              in[0]->data[outerIndex * inner + base % inner]);
          if (label >= 0 && label < classes)
            y.data[base + label * stride] = 1.0;
        });
      })
      .Case([&](ArgmaxOp a) {
        int64_t line = 0;
        forEachLine(in[0]->shape, a.getAxis(),
                    [&](int64_t base, int64_t stride, int64_t len) {
                      int64_t best = 0;
                      for (int64_t k = 1; k < len; ++k)
                        if (in[0]->data[base + k * stride] >
                            in[0]->data[base + best * stride])
                          best = k;
                      y.data[line++] = best;
                    });
      })
      .Default([&](Operation *) { handled = false; });
  if (!handled)
    return failure();
  out.append(results.begin(), results.end());
  return success();
}
