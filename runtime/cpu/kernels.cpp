//===- kernels.cpp - oneDNN-backed library kernels ------------------------===//
//
// oneDNN 2.x: an op descriptor, then a primitive descriptor, then the
// primitive, created once per kernel object; memory objects wrap the
// caller's buffers and are re-pointed at each call.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/kernels.h"
#include "runtime/cpu/conv_rules.h"

#include "runtime/core/error.h"
#include "runtime/core/parallel.h"

#include <dnnl.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>

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

/// An epilogue's activation as a oneDNN post-op: max(x, alpha x) for relu
/// (alpha 0) and leaky relu.
dnnl::primitive_attr activationOf(const Epilogue &epilogue) {
  dnnl::primitive_attr attr;
  if (epilogue.activation != Epilogue::None) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, epilogue.alpha,
                       0.0f);
    attr.set_post_ops(ops);
  }
  return attr;
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

/// The blocked layout of activations, fixed (the compiler's generated
/// loops index it, docs/runtime-abi.md): nChw16c. oneDNN's kernels on CPUs
/// without AVX-512 compute in nChw8c; the call then reorders.
constexpr memory::format_tag blockedTag() { return tag::nChw16c; }

/// An N x C x H x W f32 tensor as the caller stores it.
memory::desc activation(const memory::dims &dims, bool blocked) {
  // So that the blocked tensor takes the plain one's bytes (the compiler
  // plans the buffer).
  if (blocked && (dims.size() != 4 || dims[1] % 16 != 0))
    throw Error("a blocked tensor has 4 dimensions and a multiple of 16 "
                "channels");
  return memory::desc(dims, dt::f32, blocked ? blockedTag() : tag::nchw);
}

} // namespace

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// Scratch slots: 0-3 for the copies of a call's operands in another
/// layout or type, one more for a 1x1 convolution's per-image weight
/// gradients.
constexpr int kOperandSlots = 4, kPartialsSlot = 4;

/// What a scratch slot holds: `source`'s bytes, laid out as `from`, staged
/// as `desc` by library call number `call`, or nothing known (source null).
struct SlotContent {
  const void *source = nullptr;
  memory::desc from, desc;
  uint64_t call = 0;
};

/// The shared scratch (library ops run one at a time; oneDNN parallelizes
/// inside them): one growing buffer per slot, what each holds, and the
/// call running now.
struct Scratch {
  std::unique_ptr<char[]> buffers[kOperandSlots + 1];
  size_t sizes[kOperandSlots + 1] = {};
  SlotContent contents[kOperandSlots + 1];
  uint64_t call = 0;
  std::vector<const void *> unchanged; // of the call running now

  char *bytes(int slot, size_t size) {
    if (sizes[slot] < size) {
      buffers[slot] = std::make_unique<char[]>(size);
      sizes[slot] = size;
    }
    return buffers[slot].get();
  }
};

Scratch &scratch() {
  static Scratch s;
  return s;
}

/// Bytes of scratch slot `slot`, to be overwritten: what it held is gone.
char *conversionScratch(int slot, size_t bytes) {
  scratch().contents[slot] = {};
  return scratch().bytes(slot, bytes);
}

/// One argument of a primitive: the caller's plain f32 buffer, and, when
/// the primitive takes another layout or type (oneDNN's blocked formats,
/// bf16), a copy in the shared scratch of its slot with the reorders
/// between the two.
struct Staged {
  Buffer plain;
  memory internal;
  dnnl::reorder toInternal, toPlain;
  int slot;

  Staged(const memory::desc &plainDesc, const memory::desc &chosen, int slot)
      : plain(plainDesc), slot(slot) {
    if (chosen == plainDesc)
      return;
    internal = memory(chosen, engine(), nullptr);
    toInternal = dnnl::reorder(plain.mem, internal);
    toPlain = dnnl::reorder(internal, plain.mem);
  }
  bool reordered() const { return bool(internal); }
  /// What the primitive takes.
  memory::desc desc() const {
    return reordered() ? internal.get_desc() : plain.mem.get_desc();
  }
  memory &scratchMemory() {
    internal.set_data_handle(
        conversionScratch(slot, internal.get_desc().get_size()));
    return internal;
  }
  /// Whether the slot holds `p` as this argument takes it, staged by the
  /// previous call, which read the same value there (beginLibraryCall).
  bool stagedBefore(const float *p) const {
    const Scratch &s = scratch();
    const SlotContent &held = s.contents[slot];
    return held.source == p && held.call + 1 == s.call &&
           held.from == plain.mem.get_desc() &&
           held.desc == internal.get_desc() &&
           std::find(s.unchanged.begin(), s.unchanged.end(), p) !=
               s.unchanged.end();
  }
  /// The memory to give the primitive for input `p` (converted in).
  memory &in(const float *p) {
    plain.at(p);
    if (!reordered())
      return plain.mem;
    Scratch &s = scratch();
    if (stagedBefore(p)) {
      internal.set_data_handle(s.bytes(slot, internal.get_desc().get_size()));
    } else {
      toInternal.execute(stream(), plain.mem, scratchMemory());
    }
    s.contents[slot] = {p, plain.mem.get_desc(), internal.get_desc(), s.call};
    return internal;
  }
  /// The memory for output `p`; finish() moves the result to `p`.
  memory &out(float *p) {
    plain.at(p);
    return reordered() ? scratchMemory() : plain.mem;
  }
  void finish() {
    if (reordered())
      toPlain.execute(stream(), internal, plain.mem);
  }
};

void beginLibraryCall(const std::vector<const void *> &unchanged) {
  Scratch &s = scratch();
  ++s.call;
  s.unchanged.assign(unchanged.begin(), unchanged.end());
}

/// `plain` with its strides and another element type.
static memory::desc retyped(const memory::desc &plain, dt type) {
  const auto &b = plain.data.format_desc.blocking;
  return memory::desc(plain.dims(), type,
                      memory::dims(b.strides, b.strides + plain.data.ndims));
}

/// One direction of a convolution (forward, backward data or weights): a
/// primitive and its two inputs and one output, as Staged arguments.
struct ConvPass {
  dnnl::primitive primitive;
  /// oneDNN's name for the kernel it chose (gemm, jit:...).
  std::string implementation;
  int inArgs[2], outArg;
  std::unique_ptr<Staged> in[2], out;
  /// The forward pass's bias (an epilogue), if any.
  std::unique_ptr<Staged> bias;
  /// Its activation as a pass of its own over the result, where the
  /// convolution would apply it as a post-op slowly.
  std::optional<dnnl::eltwise_forward> activation;

  void run(const float *a, const float *b, float *c,
           const float *biasData = nullptr) {
    std::unordered_map<int, memory> args{{inArgs[0], in[0]->in(a)},
                                         {inArgs[1], in[1]->in(b)},
                                         {outArg, out->out(c)}};
    if (bias)
      args[DNNL_ARG_BIAS] = bias->in(biasData);
    primitive.execute(stream(), args);
    out->finish();
    if (activation)
      activation->execute(stream(), {{DNNL_ARG_SRC, out->plain.mem},
                                     {DNNL_ARG_DST, out->plain.mem}});
    stream().wait();
  }
};

/// GMRT_LAYOUT=plain|blocked: the layout every convolution and batch norm
/// runs in, overriding the rules below (tests, experiments); none if unset.
static std::optional<bool> forcedBlockedLayout() {
  const char *forced = std::getenv("GMRT_LAYOUT");
  if (!forced)
    return std::nullopt;
  std::string layout = forced;
  if (layout == "plain" || layout == "blocked")
    return layout == "blocked";
  throw Error("GMRT_LAYOUT must be plain or blocked, not '" + layout + "'");
}

/// Whether `s` is a 1x1 convolution over whole images (no stride, padding
/// or groups): per image a matrix product, dY_n = W X_n over the pixels.
static bool isPointwise(const ConvShape &s) {
  return s.kh == 1 && s.kw == 1 && s.strideH == 1 && s.strideW == 1 &&
         s.padTop == 0 && s.padLeft == 0 && s.padBottom == 0 &&
         s.padRight == 0 && s.groups == 1 && (s.mask.empty() || s.mask[0]);
}

/// The layouts a convolution runs in (conv_rules.h blockedSides). A 1x1
/// convolution computes in the layout of the caller's buffers: oneDNN's jit
/// 1x1 kernel on blocked buffers is as fast as gemm on plain ones, its
/// weight gradient 1.5-2x faster (PixelCNN's 128 -> 128 over 28x28: 3.1
/// against 4.8 ms).
static ConvLayouts convLayouts(const ConvShape &s) {
  if (std::optional<bool> forced = forcedBlockedLayout())
    return {*forced, *forced};
  if (isPointwise(s))
    return {s.blockedX || s.blockedY, s.blockedX || s.blockedY};
  return blockedSides(s.c, s.o, s.groups, s.kh * s.kw);
}

/// What a convolution's weight-gradient pass computes on. Without AMX,
/// oneDNN 2.6's bf16 weight gradient of a strided convolution takes 1.2-3.1x
/// as long as the f32 one once its operands' conversions are counted (k4
/// s2 over 14x14: 32 -> 32 channels 0.73 against 0.23 ms, 64 -> 128 2.27
/// against 1.88), while at stride 1 bf16 is 1.2-1.8x faster
/// (bench/RESULTS.md). So there it runs in f32, on the f32 activations the
/// caller keeps anyway: faster and no less exact. A fixed rule, like the
/// layout's.
static Precision gradientPrecisionFor(const ConvShape &s, Precision precision) {
  if (precision == Precision::f32 || (s.strideH == 1 && s.strideW == 1))
    return precision;
  bool amx = dnnl::get_effective_cpu_isa() == dnnl::cpu_isa::avx512_core_amx;
  return amx ? precision : Precision::f32;
}

/// Where the kernel a convolution computes with lies in its full kernel
/// (`full` rows x columns): rows `top` to `bottom`, columns `left` to
/// `right`.
struct KernelCrop {
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  int64_t fullKh = 0, fullKw = 0;
};

/// `s` (masked) computed on the rows and columns of its kernel that `crop`
/// keeps, with the padding less by the rows and columns dropped: the same
/// output when they hold no live tap.
static ConvShape cropTo(const ConvShape &s, const KernelCrop &crop) {
  ConvShape c = s;
  if (s.mask.empty())
    return c;
  c.kh = crop.bottom - crop.top + 1, c.kw = crop.right - crop.left + 1;
  c.padTop -= crop.top * s.dilationH;
  c.padBottom -= (s.kh - 1 - crop.bottom) * s.dilationH;
  c.padLeft -= crop.left * s.dilationW;
  c.padRight -= (s.kw - 1 - crop.right) * s.dilationW;
  c.mask.clear();
  for (int64_t i = crop.top; i <= crop.bottom; ++i)
    for (int64_t j = crop.left; j <= crop.right; ++j)
      c.mask.push_back(s.mask[i * s.kw + j]);
  return c;
}

/// The crop of `s`'s kernel without the rows and columns its mask zeroes at
/// the edges: the same output from a smaller kernel and less padding
/// (PixelCNN's masks keep 6 of 9 taps of a 3x3 kernel in 2 rows, the
/// top-left half of a 7x7 in 4 rows): oneDNN then skips the zero taps'
/// arithmetic.
static KernelCrop maskCrop(const ConvShape &s) {
  if (s.mask.empty())
    return {0, 0, s.kh - 1, s.kw - 1, s.kh, s.kw};
  std::vector<bool> rows(s.kh, false), cols(s.kw, false);
  for (int64_t i = 0; i < s.kh; ++i)
    for (int64_t j = 0; j < s.kw; ++j)
      if (s.mask[i * s.kw + j])
        rows[i] = cols[j] = true;
  auto [top, bottom] = liveRange(rows, s.padTop, s.padBottom, s.dilationH);
  auto [left, right] = liveRange(cols, s.padLeft, s.padRight, s.dilationW);
  return {top, left, bottom, right, s.kh, s.kw};
}

/// `crop` one row (or, with all rows back, one column) closer to the full
/// kernel: below, else above; right, else left. False at the full kernel.
static bool growCrop(KernelCrop &crop) {
  if (crop.bottom + 1 < crop.fullKh)
    ++crop.bottom;
  else if (crop.top > 0)
    --crop.top;
  else if (crop.right + 1 < crop.fullKw)
    ++crop.right;
  else if (crop.left > 0)
    --crop.left;
  else
    return false;
  return true;
}

/// Calls `f(full, cropped)` with the index of every tap of `computed` (`s`
/// cropped by `crop`) that the mask keeps, in the full and in the cropped
/// weight.
template <typename F>
static void forEachLiveTap(const ConvShape &computed, const KernelCrop &crop,
                           int64_t weightCount, F f) {
  int64_t taps = computed.kh * computed.kw,
          fullTaps = crop.fullKh * crop.fullKw;
  int64_t kernels = weightCount / taps; // output x input channels
  for (int64_t k = 0; k < kernels; ++k)
    for (int64_t i = 0; i < computed.kh; ++i)
      for (int64_t j = 0; j < computed.kw; ++j)
        if (computed.mask[i * computed.kw + j])
          f(k * fullTaps + (crop.top + i) * crop.fullKw + crop.left + j,
            k * taps + i * computed.kw + j);
}

/// A 1x1 convolution's weight gradient, sum over images of dY_n X_n^T, as
/// one batched matmul into per-image partials and a sum over them: oneDNN's
/// gemm convolution computes it 1.5x slower on 2 cores (PixelCNN's
/// 128 -> 128: 6.5 ms against 4.1 + 0.3; bench/RESULTS.md).
class PointwiseWeightGradient {
public:
  PointwiseWeightGradient(const ConvShape &s, Precision precision)
      : images_(s.n), weights_(s.o * s.c),
        perImage_(s.n, s.o, s.h * s.w, s.c, false, true, precision) {}

  void run(const float *x, const float *dy, float *dw) {
    auto *partials = reinterpret_cast<float *>(conversionScratch(
        kPartialsSlot, size_t(images_ * weights_) * sizeof(float)));
    perImage_.run(dy, x, partials);
    parallelFor(weights_, 1 << 10, [&](int64_t begin, int64_t end) {
      std::copy(partials + begin, partials + end, dw + begin);
      for (int64_t n = 1; n < images_; ++n) {
        const float *p = partials + n * weights_;
        for (int64_t i = begin; i < end; ++i)
          dw[i] += p[i];
      }
    });
  }

private:
  int64_t images_, weights_;
  Matmul perImage_;
};

static dt typeOf(Precision p) {
  return p == Precision::bf16 ? dt::bf16 : dt::f32;
}

/// Whether oneDNN chose its gemm-based kernel (`impl_info_str`).
static bool isGemm(const std::string &implementation) {
  return implementation.find("gemm") != std::string::npos;
}

/// The plain layout of `s`'s weights (OIHW, GOIHW with groups).
static memory::desc weightsDesc(const ConvShape &s) {
  return s.groups == 1
             ? memory::desc({s.o, s.c, s.kh, s.kw}, dt::f32, tag::oihw)
             : memory::desc(
                   {s.groups, s.o / s.groups, s.c / s.groups, s.kh, s.kw},
                   dt::f32, tag::goihw);
}

/// What a primitive is asked to take: the plain layout, or any. Not the
/// caller's blocked layout: oneDNN's choice can be another (8-channel blocks
/// for PixelCNN's 4x7 weight gradient), and forced, the pass may fall back
/// to a reference loop 1000x slower. A blocked buffer in another layout
/// than the chosen one is reordered at the call.
static memory::desc ask(const memory::desc &plain, dt type, bool side) {
  return side ? memory::desc(plain.dims(), type, tag::any)
              : retyped(plain, type);
}

/// A convolution's geometry as oneDNN's descriptors take it, and its
/// operands' plain layouts.
struct ConvGeometry {
  memory::dims strides, dilates, padL, padR;
  memory::desc src, weights, dst;
  ConvLayouts blocked;

  ConvGeometry(const ConvShape &s, ConvLayouts blocked)
      : strides{s.strideH, s.strideW}, dilates{s.dilationH - 1,
                                               s.dilationW - 1}, // 0: none
        padL{s.padTop, s.padLeft}, padR{s.padBottom, s.padRight},
        src({s.n, s.c, s.h, s.w}, dt::f32, tag::nchw), weights(weightsDesc(s)),
        dst({s.n, s.o, s.oh, s.ow}, dt::f32, tag::nchw), blocked(blocked) {}

  memory::desc askX(dt type) const { return ask(src, type, blocked.x); }
  memory::desc askWeights(dt type) const {
    return ask(weights, type, blocked.y);
  }
  memory::desc askY(dt type) const { return ask(dst, type, blocked.y); }
  /// The forward pass without an epilogue on `type` operands: the backward
  /// passes' hint.
  dnnl::convolution_forward::primitive_desc plainForward(dt type) const {
    return dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(
            dnnl::prop_kind::forward_training,
            dnnl::algorithm::convolution_direct, askX(type), askWeights(type),
            askY(dt::f32), strides, dilates, padL, padR),
        engine());
  }
};

/// One argument of a pass: its id, plain layout, chosen layout and scratch
/// slot.
struct PassArg {
  int id;
  const memory::desc &plain;
  memory::desc chosen;
  int slot;
};

static void assemble(ConvPass &pass, dnnl::primitive primitive,
                     const char *implementation, PassArg a, PassArg b,
                     PassArg out) {
  pass.primitive = std::move(primitive);
  pass.implementation = implementation;
  pass.inArgs[0] = a.id, pass.inArgs[1] = b.id, pass.outArg = out.id;
  pass.in[0] = std::make_unique<Staged>(a.plain, a.chosen, a.slot);
  pass.in[1] = std::make_unique<Staged>(b.plain, b.chosen, b.slot);
  pass.out = std::make_unique<Staged>(out.plain, out.chosen, out.slot);
}

struct Conv2d::Impl {
  ConvShape declared;
  size_t declaredWeights; // elements of the full (uncropped) weight
  /// The forward and input gradient compute `s`, `declared` cropped by
  /// `crop` to its mask; the weight gradient computes `g`, cropped by
  /// `gradientCrop` (see buildWeightGradient).
  KernelCrop crop, gradientCrop;
  ConvShape s, g;
  memory::desc srcBuffer, dstBuffer; // as the caller stores them
  ConvPass fwd, bwdData, bwdWeights;
  // With a mask: weight * mask on `s`'s kernel, the weight gradient on `g`'s.
  std::vector<float> masked, maskedGrad;
  std::unique_ptr<PointwiseWeightGradient> pointwise; // 1x1 convolutions
  Precision gradientPrecision;                        // of the weight gradient

  Impl(const ConvShape &shape, Precision precision)
      : declared(shape),
        declaredWeights(weightsDesc(shape).get_size() / sizeof(float)),
        crop(maskCrop(shape)), gradientCrop(crop), s(cropTo(shape, crop)), g(s),
        srcBuffer(activation({s.n, s.c, s.h, s.w}, s.blockedX)),
        dstBuffer(activation({s.n, s.o, s.oh, s.ow}, s.blockedY)),
        gradientPrecision(gradientPrecisionFor(s, precision)) {
    ConvLayouts blocked = convLayouts(s);
    build(precision, ConvGeometry(s, blocked), fwd, bwdData);
    if (isPointwise(s) && !s.blockedX && !s.blockedY)
      pointwise = std::make_unique<PointwiseWeightGradient>(s, precision);
    else
      buildWeightGradient(blocked);
    if (!s.mask.empty()) {
      masked.resize(weightsDesc(s).get_size() / sizeof(float));
      maskedGrad.resize(weightsDesc(g).get_size() / sizeof(float));
    }
  }

  /// The weight gradient of the computed (cropped) kernel.
  void weightGradient(const float *x, const float *dy, float *dw) {
    if (pointwise)
      pointwise->run(x, dy, dw);
    else
      bwdWeights.run(x, dy, dw);
  }

  /// The forward and input-gradient passes with the layouts oneDNN chooses
  /// (the `blocked` sides) or the plain ones; operands in bf16 under
  /// Precision::bf16.
  void build(Precision precision, const ConvGeometry &geo, ConvPass &f,
             ConvPass &d) {
    auto algo = dnnl::algorithm::convolution_direct;
    dt operand = typeOf(precision);
    auto fwdPd = geo.plainForward(operand);
    if (s.epilogue.bias) {
      // + bias[o] inside the convolution, then the activation.
      memory::desc biasDesc({s.o}, dt::f32, tag::a);
      auto withBias = [&](const dnnl::primitive_attr &attr) {
        return dnnl::convolution_forward::primitive_desc(
            dnnl::convolution_forward::desc(
                dnnl::prop_kind::forward_training, algo, geo.askX(operand),
                geo.askWeights(operand), biasDesc, geo.askY(dt::f32),
                geo.strides, geo.dilates, geo.padL, geo.padR),
            attr, engine());
      };
      auto withEpilogue = withBias(activationOf(s.epilogue));
      // oneDNN's gemm convolution (the plain layout) with an eltwise
      // post-op takes 2-30x as long as with the bias alone (VAE's 1 -> 32
      // k4 s2: 0.13-0.23 ms, with relu 0.39-4.2; bench/RESULTS.md): there
      // the activation runs as a pass of its own (jit, about 0.02 ms).
      if (s.epilogue.activation != Epilogue::None &&
          isGemm(withEpilogue.impl_info_str())) {
        withEpilogue = withBias(dnnl::primitive_attr());
        f.activation =
            dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
                dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference,
                                            dnnl::algorithm::eltwise_relu,
                                            dstBuffer, s.epilogue.alpha, 0.0f),
                engine()));
      }
      assemble(f, dnnl::convolution_forward(withEpilogue),
               withEpilogue.impl_info_str(),
               {DNNL_ARG_SRC, srcBuffer, withEpilogue.src_desc(), 0},
               {DNNL_ARG_WEIGHTS, geo.weights, withEpilogue.weights_desc(), 2},
               {DNNL_ARG_DST, dstBuffer, withEpilogue.dst_desc(), 3});
      f.bias = std::make_unique<Staged>(biasDesc, withEpilogue.bias_desc(), 1);
    } else {
      assemble(f, dnnl::convolution_forward(fwdPd), fwdPd.impl_info_str(),
               {DNNL_ARG_SRC, srcBuffer, fwdPd.src_desc(), 0},
               {DNNL_ARG_WEIGHTS, geo.weights, fwdPd.weights_desc(), 2},
               {DNNL_ARG_DST, dstBuffer, fwdPd.dst_desc(), 3});
    }

    ConvLayouts data = inputGradientSides(geo.blocked);
    auto dataPd = dnnl::convolution_backward_data::primitive_desc(
        dnnl::convolution_backward_data::desc(
            algo, ask(geo.src, dt::f32, data.x),
            ask(geo.weights, operand, data.y), ask(geo.dst, operand, data.y),
            geo.strides, geo.dilates, geo.padL, geo.padR),
        engine(), fwdPd);
    assemble(d, dnnl::convolution_backward_data(dataPd), dataPd.impl_info_str(),
             {DNNL_ARG_DIFF_DST, dstBuffer, dataPd.diff_dst_desc(), 1},
             {DNNL_ARG_WEIGHTS, geo.weights, dataPd.weights_desc(), 2},
             {DNNL_ARG_DIFF_SRC, srcBuffer, dataPd.diff_src_desc(), 3});
  }

  /// The weight-gradient pass of `shape` (s cropped otherwise).
  void buildWeightPass(const ConvShape &shape, ConvLayouts blocked,
                       ConvPass &w) {
    ConvGeometry geo(shape, blocked);
    dt operand = typeOf(gradientPrecision);
    auto weightsPd = dnnl::convolution_backward_weights::primitive_desc(
        dnnl::convolution_backward_weights::desc(
            dnnl::algorithm::convolution_direct, geo.askX(operand),
            geo.askWeights(dt::f32), geo.askY(operand), geo.strides,
            geo.dilates, geo.padL, geo.padR),
        engine(), geo.plainForward(operand));
    assemble(
        w, dnnl::convolution_backward_weights(weightsPd),
        weightsPd.impl_info_str(),
        {DNNL_ARG_SRC, srcBuffer, weightsPd.src_desc(), 0},
        {DNNL_ARG_DIFF_DST, dstBuffer, weightsPd.diff_dst_desc(), 1},
        {DNNL_ARG_DIFF_WEIGHTS, geo.weights, weightsPd.diff_weights_desc(), 3});
  }

  /// The weight gradient on the mask's crop, or, where oneDNN computes that
  /// one with gemm, on the crop grown back
  /// toward the full kernel, a row (then a column) at a time, until it has
  /// one too. oneDNN 2.6's jit weight gradient rejects PixelCNN's first
  /// layer cropped to 4x7 (3 rows of padding above, none below), not 6x7:
  /// over 1 -> 128 channels at 28x28 2.1 ms against gemm's 3.7 alone, 14 in
  /// the trainer (bench/RESULTS.md). A fixed rule, like the layouts'.
  void buildWeightGradient(ConvLayouts blocked) {
    buildWeightPass(s, blocked, bwdWeights);
    if (s.mask.empty() || !isGemm(bwdWeights.implementation))
      return;
    for (KernelCrop grown = crop; growCrop(grown);) {
      ConvShape candidate = cropTo(declared, grown);
      ConvPass pass;
      buildWeightPass(candidate, blocked, pass);
      // A jit kernel, not gemm nor a reference loop.
      if (pass.implementation.rfind("jit", 0) == 0) {
        bwdWeights = std::move(pass);
        gradientCrop = grown;
        g = candidate;
        return;
      }
    }
  }

  /// The weight the convolution uses: w * mask, cropped, when masked.
  const float *effectiveWeights(const float *w) {
    if (s.mask.empty())
      return w;
    std::fill(masked.begin(), masked.end(), 0.0f);
    forEachLiveTap(s, crop, masked.size(), [&](int64_t full, int64_t cropped) {
      masked[cropped] = w[full];
    });
    return masked.data();
  }

  void backwardWeights(const float *x, const float *dy, float *dw) {
    if (s.mask.empty())
      return weightGradient(x, dy, dw);
    weightGradient(x, dy, maskedGrad.data());
    // Masked taps do not exist: their gradient is zero.
    std::fill(dw, dw + declaredWeights, 0.0f);
    forEachLiveTap(g, gradientCrop, maskedGrad.size(),
                   [&](int64_t full, int64_t computed) {
                     dw[full] = maskedGrad[computed];
                   });
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
    : impl_(create("convolution",
                   [&] { return std::make_unique<Impl>(shape, precision); })) {}
Conv2d::~Conv2d() = default;

void Conv2d::forward(const float *x, const float *w, float *y,
                     const float *bias) {
  if (bool(bias) != impl_->s.epilogue.bias)
    throw Error(bias ? "convolution: a bias without a bias epilogue"
                     : "convolution: its bias epilogue needs a bias");
  impl_->fwd.run(x, impl_->effectiveWeights(w), y, bias);
}

void Conv2d::backwardData(const float *dy, const float *w, float *dx) {
  impl_->bwdData.run(dy, impl_->effectiveWeights(w), dx);
}

void Conv2d::backwardWeights(const float *x, const float *dy, float *dw) {
  impl_->backwardWeights(x, dy, dw);
}

std::pair<int64_t, int64_t> Conv2d::computedKernel() const {
  return {impl_->s.kh, impl_->s.kw};
}

std::pair<int64_t, int64_t> Conv2d::weightGradientKernel() const {
  return {impl_->g.kh, impl_->g.kw};
}

Precision Conv2d::weightGradientPrecision() const {
  return impl_->gradientPrecision;
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

struct Matmul::Impl {
  dnnl::matmul prim;
  Staged a, b; // converted to bf16 under Precision::bf16
  Buffer c;
  std::optional<Buffer> bias; // [1, 1, N], with a bias epilogue

  /// A logical rows x cols matrix (per batch) stored row-major, or its
  /// transpose stored row-major.
  /// Operand `plain` as the primitive takes it: in bf16 under
  /// Precision::bf16.
  static Staged staged(const memory::desc &plain, Precision precision,
                       int slot) {
    return Staged(
        plain, precision == Precision::bf16 ? retyped(plain, dt::bf16) : plain,
        slot);
  }

  static memory::desc operand(int64_t batch, int64_t rows, int64_t cols,
                              bool transposed) {
    memory::dims dims{batch, rows, cols};
    memory::dims strides = transposed ? memory::dims{rows * cols, 1, rows}
                                      : memory::dims{rows * cols, cols, 1};
    return memory::desc(dims, dt::f32, strides);
  }

  Impl(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb,
       Precision precision, const Epilogue &epilogue)
      : a(staged(operand(batch, m, k, ta), precision, 0)),
        b(staged(operand(batch, k, n, tb), precision, 1)),
        c(operand(batch, m, n, false)) {
    if (!epilogue.bias) {
      prim = dnnl::matmul(dnnl::matmul::primitive_desc(
          dnnl::matmul::desc(a.desc(), b.desc(), c.mem.get_desc()), engine()));
      return;
    }
    // + bias[n] on every row of every batch, then the activation.
    bias.emplace(memory::desc({1, 1, n}, dt::f32, tag::abc));
    prim = dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(a.desc(), b.desc(), bias->mem.get_desc(),
                           c.mem.get_desc()),
        activationOf(epilogue), engine()));
  }
};

Matmul::Matmul(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta, bool tb,
               Precision precision, Epilogue epilogue)
    : impl_(create("matmul", [&] {
        return std::make_unique<Impl>(batch, m, k, n, ta, tb, precision,
                                      epilogue);
      })) {}
Matmul::~Matmul() = default;

void Matmul::run(const float *a, const float *b, float *c, const float *bias) {
  if (bool(bias) != bool(impl_->bias))
    throw Error(bias ? "matmul: a bias without a bias epilogue"
                     : "matmul: its bias epilogue needs a bias");
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, impl_->a.in(a)},
                                       {DNNL_ARG_WEIGHTS, impl_->b.in(b)},
                                       {DNNL_ARG_DST, impl_->c.at(c)}};
  if (bias)
    args.emplace(DNNL_ARG_BIAS, impl_->bias->at(bias));
  impl_->prim.execute(stream(), args);
  stream().wait();
}

//===----------------------------------------------------------------------===//
// Batch normalization
//===----------------------------------------------------------------------===//

/// The layout batch normalization runs in: oneDNN's blocked one (nChw16c,
/// or nChw8c without AVX-512) where oneDNN has a jit kernel for it, with
/// the data reordered from and to plain at each call; its plain-layout
/// kernel (ncsp) is a loop 5-13x slower (DCGAN's 64x128x7x7 forward: 0.54
/// ms against 0.04 + 0.07 of reorders, one thread; bench/RESULTS.md). Plain
/// for N x C (nothing to block over).
static memory::desc batchNormLayout(const memory::desc &plain, float eps,
                                    dnnl::normalization_flags flags) {
  bool spatial = plain.dims()[2] > 1;
  std::optional<bool> forced = forcedBlockedLayout();
  if (!forced.value_or(spatial))
    return plain;
  for (tag blocked : {tag::nChw16c, tag::nChw8c}) {
    memory::desc candidate(plain.dims(), dt::f32, blocked);
    auto pd = dnnl::batch_normalization_forward::primitive_desc(
        dnnl::batch_normalization_forward::desc(
            dnnl::prop_kind::forward_training, candidate, eps, flags),
        engine());
    if (forced ||
        std::string(pd.impl_info_str()).find("jit") != std::string::npos)
      return candidate;
  }
  return plain;
}

struct BatchNorm::Impl {
  memory::desc data, channel, chosen;
  dnnl::batch_normalization_forward::primitive_desc trainPd;
  dnnl::batch_normalization_forward train, inference;
  dnnl::batch_normalization_backward backward;
  Staged x, y, dy, dx; // in the chosen layout
  Buffer scale, shift, mean, variance, dscale, dshift;
  /// oneDNN's backward pass insists on a shift argument it does not read.
  std::vector<float> unusedShift;

  Impl(int64_t n, int64_t c, int64_t spatial, float eps,
       const BatchNormLayouts &layouts)
      : data({n, c, spatial, 1}, dt::f32, tag::nchw),
        channel({c}, dt::f32, tag::a),
        chosen(batchNormLayout(data, eps, affine())),
        x(activation(data.dims(), layouts.x), chosen, 0),
        y(activation(data.dims(), layouts.y), chosen, 3),
        dy(activation(data.dims(), layouts.dy), chosen, 1),
        dx(activation(data.dims(), layouts.dx), chosen, 3), scale(channel),
        shift(channel), mean(channel), variance(channel), dscale(channel),
        dshift(channel), unusedShift(c, 0.0f) {
    using flags = dnnl::normalization_flags;
    trainPd = dnnl::batch_normalization_forward::primitive_desc(
        dnnl::batch_normalization_forward::desc(
            dnnl::prop_kind::forward_training, chosen, eps, affine()),
        engine());
    train = dnnl::batch_normalization_forward(trainPd);
    inference = dnnl::batch_normalization_forward(
        dnnl::batch_normalization_forward::primitive_desc(
            dnnl::batch_normalization_forward::desc(
                dnnl::prop_kind::forward_inference, chosen, eps,
                affine() | flags::use_global_stats),
            engine()));
    backward = dnnl::batch_normalization_backward(
        dnnl::batch_normalization_backward::primitive_desc(
            dnnl::batch_normalization_backward::desc(
                dnnl::prop_kind::backward, chosen, chosen, eps, affine()),
            engine(), trainPd));
  }

  static dnnl::normalization_flags affine() {
    return dnnl::normalization_flags::use_scale |
           dnnl::normalization_flags::use_shift;
  }
};

BatchNorm::BatchNorm(int64_t n, int64_t c, int64_t spatial, float epsilon,
                     BatchNormLayouts layouts)
    : impl_(std::make_unique<Impl>(n, c, spatial, epsilon, layouts)) {}
BatchNorm::~BatchNorm() = default;

void BatchNorm::forwardTraining(const float *x, const float *scale,
                                const float *shift, float *y, float *mean,
                                float *variance) {
  Impl &i = *impl_;
  i.train.execute(stream(), {{DNNL_ARG_SRC, i.x.in(x)},
                             {DNNL_ARG_SCALE, i.scale.at(scale)},
                             {DNNL_ARG_SHIFT, i.shift.at(shift)},
                             {DNNL_ARG_DST, i.y.out(y)},
                             {DNNL_ARG_MEAN, i.mean.at(mean)},
                             {DNNL_ARG_VARIANCE, i.variance.at(variance)}});
  i.y.finish();
  stream().wait();
}

void BatchNorm::forwardInference(const float *x, const float *scale,
                                 const float *shift, const float *mean,
                                 const float *variance, float *y) {
  Impl &i = *impl_;
  i.inference.execute(stream(), {{DNNL_ARG_SRC, i.x.in(x)},
                                 {DNNL_ARG_SCALE, i.scale.at(scale)},
                                 {DNNL_ARG_SHIFT, i.shift.at(shift)},
                                 {DNNL_ARG_MEAN, i.mean.at(mean)},
                                 {DNNL_ARG_VARIANCE, i.variance.at(variance)},
                                 {DNNL_ARG_DST, i.y.out(y)}});
  i.y.finish();
  stream().wait();
}

void BatchNorm::backward(const float *dy, const float *x, const float *scale,
                         const float *mean, const float *variance, float *dx,
                         float *dscale, float *dshift) {
  Impl &i = *impl_;
  i.backward.execute(stream(),
                     {{DNNL_ARG_SRC, i.x.in(x)},
                      {DNNL_ARG_DIFF_DST, i.dy.in(dy)},
                      {DNNL_ARG_SCALE, i.scale.at(scale)},
                      {DNNL_ARG_SHIFT, i.shift.at(i.unusedShift.data())},
                      {DNNL_ARG_MEAN, i.mean.at(mean)},
                      {DNNL_ARG_VARIANCE, i.variance.at(variance)},
                      {DNNL_ARG_DIFF_SRC, i.dx.out(dx)},
                      {DNNL_ARG_DIFF_SCALE, i.dscale.at(dscale)},
                      {DNNL_ARG_DIFF_SHIFT, i.dshift.at(dshift)}});
  i.dx.finish();
  stream().wait();
}

//===----------------------------------------------------------------------===//
// Layout conversion
//===----------------------------------------------------------------------===//

struct Reorder::Impl {
  Buffer x, y;
  dnnl::reorder reorder;
  Impl(const memory::dims &dims, bool toBlocked)
      : x(activation(dims, !toBlocked)), y(activation(dims, toBlocked)),
        reorder(x.mem, y.mem) {}
};

Reorder::Reorder(const std::vector<int64_t> &shape, bool toBlocked) {
  if (shape.size() != 4)
    throw Error("a layout reorder takes an N x C x H x W tensor");
  impl_ = std::make_unique<Impl>(shape, toBlocked);
}
Reorder::~Reorder() = default;

void Reorder::run(const float *x, float *y) {
  impl_->reorder.execute(stream(), impl_->x.at(x), impl_->y.at(y));
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
