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

/// Bytes for bf16 copies of operands, shared by all kernels (library ops
/// run one at a time; oneDNN parallelizes inside them): one growing buffer
/// per operand slot of a call.
char *conversionScratch(int slot, size_t bytes) {
  static std::vector<std::unique_ptr<char[]>> buffers(3);
  static std::vector<size_t> sizes(3, 0);
  if (sizes.at(slot) < bytes) {
    buffers[slot] = std::make_unique<char[]>(bytes);
    sizes[slot] = bytes;
  }
  return buffers[slot].get();
}

/// An f32 operand given to a primitive that takes it in bf16: converted
/// (a oneDNN reorder) into the shared scratch of its slot at each call.
struct ToBf16 {
  Buffer f32;
  memory bf16;
  dnnl::reorder convert;
  int slot;

  /// `f32Desc` is a plain (strided) layout; the bf16 copy has its strides.
  ToBf16(const memory::desc &f32Desc, int slot)
      : f32(f32Desc),
        bf16(memory::desc(f32Desc.dims(), dt::bf16, stridesOf(f32Desc)),
             engine(), nullptr),
        convert(f32.mem, bf16), slot(slot) {}
  static memory::dims stridesOf(const memory::desc &d) {
    const auto &b = d.data.format_desc.blocking;
    return memory::dims(b.strides, b.strides + d.data.ndims);
  }
  memory &at(const float *p) {
    bf16.set_data_handle(
        conversionScratch(slot, bf16.get_desc().get_size()));
    convert.execute(stream(), f32.at(p), bf16);
    return bf16;
  }
};

/// An operand of a primitive: the caller's f32 buffer as it is, or
/// converted to bf16 (Precision::bf16).
struct Operand {
  Buffer direct;
  std::unique_ptr<ToBf16> converted;

  /// `slot`: the scratch slot of the bf16 copy (distinct per operand of
  /// one call).
  Operand(const memory::desc &f32Desc, bool bf16, int slot)
      : direct(f32Desc) {
    if (bf16)
      converted = std::make_unique<ToBf16>(f32Desc, slot);
  }
  /// What the primitive is created with.
  memory::desc desc() const {
    return converted ? converted->bf16.get_desc() : direct.mem.get_desc();
  }
  memory &at(const float *p) {
    return converted ? converted->at(p) : direct.at(p);
  }
};

struct Conv2d::Impl {
  ConvShape s;
  memory::desc src, weights, dst;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data bwdData;
  dnnl::convolution_backward_weights bwdWeights;
  // The operands read in bf16 under Precision::bf16 (x, w, dy); results
  // (y, dx, dw) are f32 either way.
  Operand x, w, dy;
  Buffer y, dx, dw;
  std::vector<float> masked; // weight * mask, when there is a mask

  Impl(const ConvShape &shape, Precision precision)
      : s(shape), src({s.n, s.c, s.h, s.w}, dt::f32, tag::nchw),
        weights(s.groups == 1
                    ? memory::desc({s.o, s.c, s.kh, s.kw}, dt::f32, tag::oihw)
                    : memory::desc({s.groups, s.o / s.groups, s.c / s.groups,
                                    s.kh, s.kw},
                                   dt::f32, tag::goihw)),
        dst({s.n, s.o, s.oh, s.ow}, dt::f32, tag::nchw),
        x(src, precision == Precision::bf16, 0),
        w(weights, precision == Precision::bf16, 2),
        dy(dst, precision == Precision::bf16, 1), y(dst), dx(src),
        dw(weights) {
    memory::dims strides{s.strideH, s.strideW};
    memory::dims dilates{s.dilationH - 1, s.dilationW - 1}; // 0: none
    memory::dims padL{s.padTop, s.padLeft}, padR{s.padBottom, s.padRight};
    auto algo = dnnl::algorithm::convolution_direct;
    auto fwdPd = dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo,
                                        x.desc(), w.desc(), dst, strides,
                                        dilates, padL, padR),
        engine());
    fwd = dnnl::convolution_forward(fwdPd);
    bwdData = dnnl::convolution_backward_data(
        dnnl::convolution_backward_data::primitive_desc(
            dnnl::convolution_backward_data::desc(
                algo, src, w.desc(), dy.desc(), strides, dilates, padL, padR),
            engine(), fwdPd));
    bwdWeights = dnnl::convolution_backward_weights(
        dnnl::convolution_backward_weights::primitive_desc(
            dnnl::convolution_backward_weights::desc(
                algo, x.desc(), weights, dy.desc(), strides, dilates, padL,
                padR),
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

/// Creates a primitive, turning oneDNN's refusal into a clear error.
template <typename MakeT> static auto create(const char *what, MakeT make) {
  try {
    return make();
  } catch (const dnnl::error &e) {
    throw Error(std::string("oneDNN has no ") + what +
                " for this CPU and precision (" + e.what() + ")");
  }
}

Conv2d::Conv2d(const ConvShape &shape, Precision precision)
    : impl_(create("convolution", [&] {
        return std::make_unique<Impl>(shape, precision);
      })) {}
Conv2d::~Conv2d() = default;

void Conv2d::forward(const float *x, const float *w, float *y) {
  Impl &k = *impl_;
  k.fwd.execute(stream(), {{DNNL_ARG_SRC, k.x.at(x)},
                           {DNNL_ARG_WEIGHTS, k.w.at(k.effectiveWeights(w))},
                           {DNNL_ARG_DST, k.y.at(y)}});
  stream().wait();
}

void Conv2d::backwardData(const float *dy, const float *w, float *dx) {
  Impl &k = *impl_;
  k.bwdData.execute(stream(),
                    {{DNNL_ARG_DIFF_DST, k.dy.at(dy)},
                     {DNNL_ARG_WEIGHTS, k.w.at(k.effectiveWeights(w))},
                     {DNNL_ARG_DIFF_SRC, k.dx.at(dx)}});
  stream().wait();
}

void Conv2d::backwardWeights(const float *x, const float *dy, float *dw) {
  Impl &k = *impl_;
  k.bwdWeights.execute(stream(), {{DNNL_ARG_SRC, k.x.at(x)},
                                  {DNNL_ARG_DIFF_DST, k.dy.at(dy)},
                                  {DNNL_ARG_DIFF_WEIGHTS, k.dw.at(dw)}});
  stream().wait();
  // Masked taps do not exist: their gradient is zero.
  if (!k.s.mask.empty()) {
    int64_t taps = k.s.kh * k.s.kw;
    for (size_t i = 0; i < k.masked.size(); ++i)
      if (!k.s.mask[i % taps])
        dw[i] = 0.0f;
  }
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

struct Matmul::Impl {
  dnnl::matmul prim;
  Operand a, b;
  Buffer c;

  /// A logical rows x cols matrix (per batch) stored row-major, or its
  /// transpose stored row-major.
  static memory::desc operand(int64_t batch, int64_t rows, int64_t cols,
                              bool transposed) {
    memory::dims dims{batch, rows, cols};
    memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows}
                                      : memory::dims{rows * cols, cols, 1};
    return memory::desc(dims, dt::f32, strides);
  }

  Impl(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb,
       Precision precision)
      : a(operand(batch, m, k, ta), precision == Precision::bf16, 0),
        b(operand(batch, k, n, tb), precision == Precision::bf16, 1),
        c(operand(batch, m, n, false)) {
    prim = dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(a.desc(), b.desc(), c.mem.get_desc()), engine()));
  }
};

Matmul::Matmul(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb,
               Precision precision)
    : impl_(create("matmul", [&] {
        return std::make_unique<Impl>(batch, m, k, n, ta, tb, precision);
      })) {}
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
