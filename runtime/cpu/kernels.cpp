//===- kernels.cpp - oneDNN-backed library kernels
//--------------------------===//
//
// oneDNN 2.x: an op descriptor, then a primitive descriptor, then the
// primitive, created once per kernel object; memory objects wrap the
// caller's buffers and are re-pointed at each call.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/kernels.h"

#include "runtime/core/error.h"

#include <dnnl.hpp>

#include <algorithm>

namespace gmrt::cpu {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream &stream() {
  static dnnl::stream s(engine());
  return s;
}

/// A memory object over caller buffers, re-pointed at each use.
struct Buffer {
  memory mem;
  explicit Buffer(const memory::desc &md) : mem(md, engine(), nullptr) {}
  memory &at(const float *p) {
    mem.set_data_handle(const_cast<float *>(p));
    return mem;
  }
};

memory::format_tag plainTag(size_t rank) {
  switch (rank) {
  case 1:
    return tag::a;
  case 2:
    return tag::ab;
  case 3:
    return tag::abc;
  case 4:
    return tag::abcd;
  case 5:
    return tag::abcde;
  default:
    throw Error("oneDNN kernels support ranks 1 to 5");
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

struct Conv2d::Impl {
  ConvShape s;
  memory::desc src, weights, dst;
  dnnl::convolution_forward::primitive_desc fwdPd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data bwdData;
  dnnl::convolution_backward_weights bwdWeights;
  Buffer srcBuf, weightsBuf, dstBuf;
  std::vector<float> masked; // weight * mask, when there is a mask

  explicit Impl(const ConvShape &shape)
      : s(shape), src({s.n, s.c, s.h, s.w}, dt::f32, tag::nchw),
        weights(s.groups == 1
                    ? memory::desc({s.o, s.c, s.kh, s.kw}, dt::f32, tag::oihw)
                    : memory::desc({s.groups, s.o / s.groups, s.c / s.groups,
                                    s.kh, s.kw},
                                   dt::f32, tag::goihw)),
        dst({s.n, s.o, s.oh, s.ow}, dt::f32, tag::nchw), srcBuf(src),
        weightsBuf(weights), dstBuf(dst) {
    memory::dims strides{s.strideH, s.strideW};
    memory::dims dilates{s.dilationH - 1, s.dilationW - 1}; // 0: none
    memory::dims padL{s.padTop, s.padLeft}, padR{s.padBottom, s.padRight};
    auto algo = dnnl::algorithm::convolution_direct;
    fwdPd = dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo,
                                        src, weights, dst, strides, dilates,
                                        padL, padR),
        engine());
    fwd = dnnl::convolution_forward(fwdPd);
    bwdData = dnnl::convolution_backward_data(
        dnnl::convolution_backward_data::primitive_desc(
            dnnl::convolution_backward_data::desc(algo, src, weights, dst,
                                                  strides, dilates, padL, padR),
            engine(), fwdPd));
    bwdWeights = dnnl::convolution_backward_weights(
        dnnl::convolution_backward_weights::primitive_desc(
            dnnl::convolution_backward_weights::desc(
                algo, src, weights, dst, strides, dilates, padL, padR),
            engine(), fwdPd));
    if (!s.mask.empty())
      masked.resize(weights.get_size() / sizeof(float));
  }

  /// The weight the convolution uses: w * mask when masked.
  const float *effectiveWeights(const float *w) {
    if (s.mask.empty())
      return w;
    int64_t taps = s.kh * s.kw;
    for (size_t i = 0; i < masked.size(); ++i)
      masked[i] = s.mask[i % taps] ? w[i] : 0.0f;
    return masked.data();
  }
};

Conv2d::Conv2d(const ConvShape &shape) : impl_(std::make_unique<Impl>(shape)) {}
Conv2d::~Conv2d() = default;

void Conv2d::forward(const float *x, const float *w, float *y) {
  impl_->fwd.execute(
      stream(),
      {{DNNL_ARG_SRC, impl_->srcBuf.at(x)},
       {DNNL_ARG_WEIGHTS, impl_->weightsBuf.at(impl_->effectiveWeights(w))},
       {DNNL_ARG_DST, impl_->dstBuf.at(y)}});
  stream().wait();
}

void Conv2d::backwardData(const float *dy, const float *w, float *dx) {
  impl_->bwdData.execute(
      stream(),
      {{DNNL_ARG_DIFF_DST, impl_->dstBuf.at(dy)},
       {DNNL_ARG_WEIGHTS, impl_->weightsBuf.at(impl_->effectiveWeights(w))},
       {DNNL_ARG_DIFF_SRC, impl_->srcBuf.at(dx)}});
  stream().wait();
}

void Conv2d::backwardWeights(const float *x, const float *dy, float *dw) {
  impl_->bwdWeights.execute(
      stream(), {{DNNL_ARG_SRC, impl_->srcBuf.at(x)},
                 {DNNL_ARG_DIFF_DST, impl_->dstBuf.at(dy)},
                 {DNNL_ARG_DIFF_WEIGHTS, impl_->weightsBuf.at(dw)}});
  stream().wait();
  // Masked taps do not exist: their gradient is zero.
  if (!impl_->s.mask.empty()) {
    int64_t taps = impl_->s.kh * impl_->s.kw;
    for (size_t i = 0; i < impl_->masked.size(); ++i)
      if (!impl_->s.mask[i % taps])
        dw[i] = 0.0f;
  }
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

struct Matmul::Impl {
  dnnl::matmul prim;
  Buffer a, b, c;

  /// A logical rows x cols matrix (per batch) stored row-major, or its
  /// transpose stored row-major.
  static memory::desc operand(int64_t batch, int64_t rows, int64_t cols,
                              bool transposed) {
    memory::dims dims{batch, rows, cols};
    memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows}
                                      : memory::dims{rows * cols, cols, 1};
    return memory::desc(dims, dt::f32, strides);
  }

  Impl(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb)
      : a(operand(batch, m, k, ta)), b(operand(batch, k, n, tb)),
        c(operand(batch, m, n, false)) {
    prim = dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(a.mem.get_desc(), b.mem.get_desc(),
                           c.mem.get_desc()),
        engine()));
  }
};

Matmul::Matmul(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb)
    : impl_(std::make_unique<Impl>(batch, m, k, n, ta, tb)) {}
Matmul::~Matmul() = default;

void Matmul::run(const float *a, const float *b, float *c) {
  impl_->prim.execute(stream(), {{DNNL_ARG_SRC, impl_->a.at(a)},
                                 {DNNL_ARG_WEIGHTS, impl_->b.at(b)},
                                 {DNNL_ARG_DST, impl_->c.at(c)}});
  stream().wait();
}

//===----------------------------------------------------------------------===//
// Batch normalization
//===----------------------------------------------------------------------===//

struct BatchNorm::Impl {
  memory::desc data, channel;
  dnnl::batch_normalization_forward::primitive_desc trainPd;
  dnnl::batch_normalization_forward train, inference;
  dnnl::batch_normalization_backward backward;
  Buffer x, y, dy, dx, scale, shift, mean, variance, dscale, dshift;
  /// oneDNN's backward pass insists on a shift argument it does not read.
  std::vector<float> unusedShift;

  Impl(int64_t n, int64_t c, int64_t spatial, float eps)
      : data({n, c, spatial, 1}, dt::f32, tag::nchw),
        channel({c}, dt::f32, tag::a), x(data), y(data), dy(data), dx(data),
        scale(channel), shift(channel), mean(channel), variance(channel),
        dscale(channel), dshift(channel), unusedShift(c, 0.0f) {
    using flags = dnnl::normalization_flags;
    auto affine = flags::use_scale | flags::use_shift;
    trainPd = dnnl::batch_normalization_forward::primitive_desc(
        dnnl::batch_normalization_forward::desc(
            dnnl::prop_kind::forward_training, data, eps, affine),
        engine());
    train = dnnl::batch_normalization_forward(trainPd);
    inference = dnnl::batch_normalization_forward(
        dnnl::batch_normalization_forward::primitive_desc(
            dnnl::batch_normalization_forward::desc(
                dnnl::prop_kind::forward_inference, data, eps,
                affine | flags::use_global_stats),
            engine()));
    backward = dnnl::batch_normalization_backward(
        dnnl::batch_normalization_backward::primitive_desc(
            dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward,
                                                     data, data, eps, affine),
            engine(), trainPd));
  }
};

BatchNorm::BatchNorm(int64_t n, int64_t c, int64_t spatial, float epsilon)
    : impl_(std::make_unique<Impl>(n, c, spatial, epsilon)) {}
BatchNorm::~BatchNorm() = default;

void BatchNorm::forwardTraining(const float *x, const float *scale,
                                const float *shift, float *y, float *mean,
                                float *variance) {
  Impl &i = *impl_;
  i.train.execute(stream(), {{DNNL_ARG_SRC, i.x.at(x)},
                             {DNNL_ARG_SCALE, i.scale.at(scale)},
                             {DNNL_ARG_SHIFT, i.shift.at(shift)},
                             {DNNL_ARG_DST, i.y.at(y)},
                             {DNNL_ARG_MEAN, i.mean.at(mean)},
                             {DNNL_ARG_VARIANCE, i.variance.at(variance)}});
  stream().wait();
}

void BatchNorm::forwardInference(const float *x, const float *scale,
                                 const float *shift, const float *mean,
                                 const float *variance, float *y) {
  Impl &i = *impl_;
  i.inference.execute(stream(), {{DNNL_ARG_SRC, i.x.at(x)},
                                 {DNNL_ARG_SCALE, i.scale.at(scale)},
                                 {DNNL_ARG_SHIFT, i.shift.at(shift)},
                                 {DNNL_ARG_MEAN, i.mean.at(mean)},
                                 {DNNL_ARG_VARIANCE, i.variance.at(variance)},
                                 {DNNL_ARG_DST, i.y.at(y)}});
  stream().wait();
}

void BatchNorm::backward(const float *dy, const float *x, const float *scale,
                         const float *mean, const float *variance, float *dx,
                         float *dscale, float *dshift) {
  Impl &i = *impl_;
  i.backward.execute(stream(),
                     {{DNNL_ARG_SRC, i.x.at(x)},
                      {DNNL_ARG_DIFF_DST, i.dy.at(dy)},
                      {DNNL_ARG_SCALE, i.scale.at(scale)},
                      {DNNL_ARG_SHIFT, i.shift.at(i.unusedShift.data())},
                      {DNNL_ARG_MEAN, i.mean.at(mean)},
                      {DNNL_ARG_VARIANCE, i.variance.at(variance)},
                      {DNNL_ARG_DIFF_SRC, i.dx.at(dx)},
                      {DNNL_ARG_DIFF_SCALE, i.dscale.at(dscale)},
                      {DNNL_ARG_DIFF_SHIFT, i.dshift.at(dshift)}});
  stream().wait();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

struct Softmax::Impl {
  dnnl::primitive prim;
  Buffer x, y;
  Impl(const std::vector<int64_t> &shape, int axis, bool logarithm)
      : x(memory::desc(shape, dt::f32, plainTag(shape.size()))),
        y(memory::desc(shape, dt::f32, plainTag(shape.size()))) {
    memory::desc md = x.mem.get_desc();
    if (logarithm)
      prim = dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(
          dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_inference, md,
                                         axis),
          engine()));
    else
      prim = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
          dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, md,
                                      axis),
          engine()));
  }
};

Softmax::Softmax(const std::vector<int64_t> &shape, int axis, bool logarithm)
    : impl_(std::make_unique<Impl>(shape, axis, logarithm)) {}
Softmax::~Softmax() = default;

void Softmax::run(const float *x, float *y) {
  impl_->prim.execute(stream(), {{DNNL_ARG_SRC, impl_->x.at(x)},
                                 {DNNL_ARG_DST, impl_->y.at(y)}});
  stream().wait();
}

} // namespace gmrt::cpu
