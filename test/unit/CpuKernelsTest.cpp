//===- CpuKernelsTest.cpp - oneDNN kernels against naive loops ------------===//
//
// Each kernel on random inputs against the obvious loops of its definition
// (in double), within 1e-4 relative to the largest magnitude: strides,
// asymmetric padding, dilation, groups and masks for the convolutions;
// transposes and batches for matmul; all three batch-norm entry points;
// softmax and log-softmax along inner and outer axes. In bf16, convolutions
// and matmuls must equal the same loops on the operands rounded to bf16
// (to nearest even), within f32 accumulation error; a convolution's weight
// gradient on the operands of the precision it reports (f32 where strided).
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/kernels.h"

#include "TestSupport.h"

#include <dnnl.hpp>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace gmrt::cpu;
using gmtest::randomVector;

namespace {

/// `x` rounded to bfloat16 (to nearest, ties to even), back in f32.
float roundBf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  bits &= 0xffff0000u;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// The operand values a kernel of `precision` computes with.
std::vector<float> asComputed(std::vector<float> v, Precision precision) {
  if (precision == Precision::bf16)
    for (float &x : v)
      x = roundBf16(x);
  return v;
}

void expectClose(const std::vector<float> &actual,
                 const std::vector<double> &expected) {
  ASSERT_EQ(actual.size(), expected.size());
  double scale = 1e-6;
  for (double e : expected)
    scale = std::max(scale, std::fabs(e));
  for (size_t i = 0; i < actual.size(); ++i)
    ASSERT_NEAR(actual[i], expected[i], 1e-4 * scale) << "at element " << i;
}

/// Visits every (input, weight, output) index triple of a convolution.
template <typename F> void forEachTap(const ConvShape &s, F f) {
  int64_t cg = s.c / s.groups, og = s.o / s.groups;
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t o = 0; o < s.o; ++o)
      for (int64_t y = 0; y < s.oh; ++y)
        for (int64_t x = 0; x < s.ow; ++x)
          for (int64_t cl = 0; cl < cg; ++cl)
            for (int64_t i = 0; i < s.kh; ++i)
              for (int64_t j = 0; j < s.kw; ++j) {
                int64_t ih = y * s.strideH - s.padTop + i * s.dilationH;
                int64_t iw = x * s.strideW - s.padLeft + j * s.dilationW;
                if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w)
                  continue;
                if (!s.mask.empty() && !s.mask[i * s.kw + j])
                  continue;
                int64_t c = (o / og) * cg + cl;
                f(((n * s.c + c) * s.h + ih) * s.w + iw,
                  ((o * cg + cl) * s.kh + i) * s.kw + j,
                  ((n * s.o + o) * s.oh + y) * s.ow + x);
              }
}

void checkConv(const ConvShape &s, Precision precision = Precision::f32) {
  std::vector<float> x = randomVector(s.n * s.c * s.h * s.w, 1);
  std::vector<float> w = randomVector(s.o * s.c / s.groups * s.kh * s.kw, 2);
  std::vector<float> dy = randomVector(s.n * s.o * s.oh * s.ow, 3);
  Conv2d conv(s, precision);
  std::vector<float> xc = asComputed(x, precision),
                     wc = asComputed(w, precision),
                     dyc = asComputed(dy, precision);

  std::vector<float> y(dy.size());
  conv.forward(x.data(), w.data(), y.data());
  std::vector<double> yRef(y.size(), 0);
  forEachTap(s, [&](int64_t xi, int64_t wi, int64_t yi) {
    yRef[yi] += double(xc[xi]) * wc[wi];
  });
  expectClose(y, yRef);

  std::vector<float> dx(x.size());
  conv.backwardData(dy.data(), w.data(), dx.data());
  std::vector<double> dxRef(x.size(), 0);
  forEachTap(s, [&](int64_t xi, int64_t wi, int64_t yi) {
    dxRef[xi] += double(dyc[yi]) * wc[wi];
  });
  expectClose(dx, dxRef);

  // The weight gradient may compute in f32 under bf16 (strided, no AMX).
  std::vector<float> xg = asComputed(x, conv.weightGradientPrecision()),
                     dyg = asComputed(dy, conv.weightGradientPrecision());
  std::vector<float> dw(w.size());
  conv.backwardWeights(x.data(), dy.data(), dw.data());
  std::vector<double> dwRef(w.size(), 0);
  forEachTap(s, [&](int64_t xi, int64_t wi, int64_t yi) {
    dwRef[wi] += double(xg[xi]) * dyg[yi];
  });
  expectClose(dw, dwRef);
}

TEST(CpuKernels, ConvolutionOfTheVAE) {
  // 1 -> 32, k4 s2 p1 on 28x28.
  ConvShape s{4, 1, 28, 28, 32, 4, 4, 14, 14, 1,
              1, 0, 0,  0,  0,  1, 1, 1,  {}, {}};
  s.strideH = s.strideW = 2;
  s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
  checkConv(s);
}

TEST(CpuKernels, ConvolutionWithAsymmetricPaddingDilationAndGroups) {
  ConvShape s{2, 4, 9, 8, 6, 3, 2, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
  s.strideH = 2;
  s.padTop = 1, s.padLeft = 0, s.padBottom = 2, s.padRight = 1;
  s.dilationH = 2, s.dilationW = 1;
  s.groups = 2;
  s.oh = (9 + 1 + 2 - (2 * 2 + 1)) / 2 + 1;
  s.ow = (8 + 0 + 1 - 2) / 1 + 1;
  checkConv(s);
}

TEST(CpuKernels, MaskedConvolution) {
  // PixelCNN's mask A on a 3x3 kernel.
  ConvShape s{2, 3, 6, 6, 5, 3, 3, 6, 6, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
  s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
  s.mask = {1, 1, 1, 1, 0, 0, 0, 0, 0};
  checkConv(s);
}

void checkMatmul(int64_t batch, int64_t m, int64_t k, int64_t n, bool ta,
                 bool tb, Precision precision = Precision::f32,
                 Epilogue epilogue = {}) {
  std::vector<float> a = randomVector(batch * m * k, 4);
  std::vector<float> b = randomVector(batch * k * n, 5);
  std::vector<float> bias = randomVector(n, 6);
  std::vector<float> c(batch * m * n);
  Matmul(batch, m, k, n, ta, tb, precision, epilogue)
      .run(a.data(), b.data(), c.data(), epilogue.bias ? bias.data() : nullptr);
  a = asComputed(a, precision);
  b = asComputed(b, precision);
  std::vector<double> ref(c.size(), 0);
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t q = 0; q < k; ++q) {
          double av = a[p * m * k + (ta ? q * m + i : i * k + q)];
          double bv = b[p * k * n + (tb ? j * k + q : q * n + j)];
          ref[(p * m + i) * n + j] += av * bv;
        }
  if (epilogue.bias)
    for (size_t i = 0; i < ref.size(); ++i) {
      ref[i] += bias[i % n];
      if (epilogue.activation != Epilogue::None && ref[i] < 0)
        ref[i] *= epilogue.alpha;
    }
  expectClose(c, ref);
}

/// Runs `check` with the convolution layout forced to plain, then to
/// oneDNN's blocked formats (GMRT_LAYOUT), then back to the rule.
template <typename F> void inBothLayouts(F check) {
  for (const char *layout : {"plain", "blocked"}) {
    SCOPED_TRACE(layout);
    setenv("GMRT_LAYOUT", layout, 1);
    check();
  }
  unsetenv("GMRT_LAYOUT");
}

TEST(CpuKernels, ConvolutionsInBothLayouts) {
  inBothLayouts([] {
    ConvShape s{2, 16, 9, 8, 8, 3, 2, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
    s.strideH = 2;
    s.padTop = 1, s.padLeft = 0, s.padBottom = 2, s.padRight = 1;
    s.dilationH = 2;
    s.groups = 2;
    s.oh = (9 + 1 + 2 - (2 * 2 + 1)) / 2 + 1;
    s.ow = (8 + 0 + 1 - 2) / 1 + 1;
    checkConv(s);
    ConvShape masked{2, 8, 6, 6, 16, 3, 3, 6, 6,  1,
                     1, 0, 0, 0, 0,  1, 1, 1, {}, {}};
    masked.padTop = masked.padLeft = masked.padBottom = masked.padRight = 1;
    masked.mask = {1, 1, 1, 1, 1, 0, 0, 0, 0};
    checkConv(masked);
    checkConv(masked, Precision::bf16);
  });
}

/// A stride-1 "same" convolution of PixelCNN's kind on 7x6 images:
/// kernel kh x kw, padding [top, left, bottom, right], the given mask.
ConvShape maskedShape(int64_t kh, int64_t kw, std::array<int64_t, 4> pad,
                      std::vector<uint8_t> mask, int64_t dilation = 1) {
  ConvShape s{2, 16, 7, 6, 16, kh, kw, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
  s.padTop = pad[0], s.padLeft = pad[1], s.padBottom = pad[2],
  s.padRight = pad[3];
  s.dilationH = s.dilationW = dilation;
  s.oh = s.h + pad[0] + pad[2] - dilation * (kh - 1);
  s.ow = s.w + pad[1] + pad[3] - dilation * (kw - 1);
  s.mask = std::move(mask);
  return s;
}

TEST(CpuKernels, MasksCropTheKernel) {
  // The rows and columns a mask zeroes at the kernel's edges are not
  // computed, as far as the padding covers them; the results are the full
  // masked convolution's.
  std::vector<uint8_t> maskA7(49, 0);
  for (int i = 0; i < 24; ++i)
    maskA7[i] = 1; // rows 0-2, and row 3 left of the centre
  struct Case {
    const char *what;
    ConvShape shape;
    std::pair<int64_t, int64_t> kernel;
  } cases[] = {
      {"vB 3x3",
       maskedShape(3, 3, {1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0, 0, 0}),
       {2, 3}},
      {"hB 1x3", maskedShape(1, 3, {0, 1, 0, 1}, {1, 1, 0}), {1, 2}},
      // 3 rows below the centre, but only 3 rows of padding to drop them.
      {"mask A 7x7", maskedShape(7, 7, {3, 3, 3, 3}, maskA7), {4, 7}},
      {"hA 1x7",
       maskedShape(1, 7, {0, 3, 0, 3}, {1, 1, 1, 0, 0, 0, 0}),
       {1, 4}},
      {"bottom right",
       maskedShape(3, 3, {1, 1, 1, 1}, {0, 0, 0, 0, 1, 1, 0, 1, 1}),
       {2, 2}},
      {"no padding to drop",
       maskedShape(3, 3, {0, 0, 0, 0}, {1, 1, 0, 0, 0, 0, 0, 0, 0}),
       {3, 3}},
      {"dilated",
       maskedShape(3, 3, {2, 2, 2, 2}, {1, 1, 1, 1, 1, 1, 0, 0, 0}, 2),
       {2, 3}},
      {"interior hole",
       maskedShape(3, 3, {1, 1, 1, 1}, {1, 1, 1, 1, 0, 1, 1, 1, 1}),
       {3, 3}},
  };
  inBothLayouts([&] {
    for (const Case &c : cases) {
      SCOPED_TRACE(c.what);
      EXPECT_EQ(Conv2d(c.shape).computedKernel(), c.kernel);
      checkConv(c.shape);
    }
    checkConv(cases[2].shape, Precision::bf16);
  });
}

TEST(CpuKernels, WeightGradientsGrowTheCropForJit) {
  // PixelCNN's first layer: mask A 7x7 over one input channel, cropped to
  // 4x7 with 3 rows of padding above and none below. oneDNN 2.6 computes
  // that weight gradient with gemm; grown back to 6x7 (two zero rows
  // below), with its jit kernel. The gradient is the full masked one
  // either way.
  std::vector<uint8_t> maskA7(49, 0);
  for (int i = 0; i < 24; ++i)
    maskA7[i] = 1;
  ConvShape first = maskedShape(7, 7, {3, 3, 3, 3}, maskA7);
  first.c = 1;
  first.h = first.w = first.oh = first.ow = 12;
  inBothLayouts([&] {
    Conv2d conv(first);
    EXPECT_EQ(conv.computedKernel(), std::make_pair(int64_t(4), int64_t(7)));
    checkConv(first);
    checkConv(first, Precision::bf16);
  });
  // Its output side blocked, as the trainer runs it (convLayouts; the
  // values against the plain layout's: CpuLayoutsTest).
  first.blockedY = true;
  Conv2d conv(first);
  EXPECT_EQ(conv.computedKernel(), std::make_pair(int64_t(4), int64_t(7)));
  if (dnnl::get_effective_cpu_isa() >= dnnl::cpu_isa::avx512_core) {
    EXPECT_EQ(conv.weightGradientKernel(),
              std::make_pair(int64_t(6), int64_t(7)));
  }
}

TEST(CpuKernels, PointwiseConvolutions) {
  // 1x1 convolutions (their weight gradient a batched matmul and a sum
  // over images), with a mask that keeps the tap, and one with a stride
  // (the convolution's own gradient).
  inBothLayouts([] {
    ConvShape s{3, 16, 5, 7, 24, 1, 1, 5, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
    checkConv(s);
    checkConv(s, Precision::bf16);
    ConvShape masked = s;
    masked.mask = {1};
    checkConv(masked);
    ConvShape strided = s;
    strided.strideH = strided.strideW = 2;
    strided.oh = 3, strided.ow = 4;
    checkConv(strided);
  });
}

TEST(CpuKernels, ConvolutionEpilogues) {
  // + bias[o], then relu or leaky relu, inside the forward convolution.
  inBothLayouts([] {
    for (auto [activation, alpha] : {std::pair{Epilogue::None, 0.0f},
                                     {Epilogue::Relu, 0.0f},
                                     {Epilogue::LeakyRelu, 0.2f}}) {
      ConvShape s{2, 8, 6, 6, 16, 3, 3, 6, 6,  1,
                  1, 0, 0, 0, 0,  1, 1, 1, {}, {}};
      s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
      s.epilogue = {true, activation, alpha};
      std::vector<float> x = randomVector(2 * 8 * 6 * 6, 1);
      std::vector<float> w = randomVector(16 * 8 * 3 * 3, 2);
      std::vector<float> bias = randomVector(16, 3);
      std::vector<float> y(2 * 16 * 6 * 6);
      Conv2d(s).forward(x.data(), w.data(), y.data(), bias.data());
      std::vector<double> ref(y.size(), 0);
      forEachTap(s, [&](int64_t xi, int64_t wi, int64_t yi) {
        ref[yi] += double(x[xi]) * w[wi];
      });
      for (size_t i = 0; i < ref.size(); ++i) {
        ref[i] += bias[(i / 36) % 16];
        if (activation != Epilogue::None && ref[i] < 0)
          ref[i] *= alpha;
      }
      expectClose(y, ref);
    }
  });
}

TEST(CpuKernels, ConvolutionBiasMustMatchItsEpilogue) {
  ConvShape s{1, 1, 4, 4, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
  std::vector<float> x(16), w(9), y(4), bias(1);
  Conv2d plain(s);
  EXPECT_THROW(plain.forward(x.data(), w.data(), y.data(), bias.data()),
               std::exception);
  s.epilogue.bias = true;
  Conv2d withBias(s);
  EXPECT_THROW(withBias.forward(x.data(), w.data(), y.data()), std::exception);
}

TEST(CpuKernels, BadLayoutIsAnError) {
  setenv("GMRT_LAYOUT", "diagonal", 1);
  ConvShape s{1, 1, 4, 4, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, {}, {}};
  try {
    Conv2d conv(s);
    ADD_FAILURE() << "no error";
  } catch (const std::exception &e) {
    EXPECT_STREQ(e.what(),
                 "GMRT_LAYOUT must be plain or blocked, not 'diagonal'");
  }
  EXPECT_THROW(BatchNorm(2, 4, 9, 1e-5f), std::exception);
  unsetenv("GMRT_LAYOUT");
}

TEST(CpuKernels, Bf16ConvolutionsAndMatmuls) {
  ConvShape vae{4, 1, 28, 28, 32, 4, 4, 14, 14, 1,
                1, 0, 0,  0,  0,  1, 1, 1,  {}, {}};
  vae.strideH = vae.strideW = 2;
  vae.padTop = vae.padLeft = vae.padBottom = vae.padRight = 1;
  checkConv(vae, Precision::bf16);
  ConvShape masked{2, 8, 6, 6, 16, 3, 3, 6, 6,  1,
                   1, 0, 0, 0, 0,  1, 1, 1, {}, {}};
  masked.padTop = masked.padLeft = masked.padBottom = masked.padRight = 1;
  masked.mask = {1, 1, 1, 1, 1, 0, 0, 0, 0};
  checkConv(masked, Precision::bf16);
  checkMatmul(1, 16, 3136, 32, false, true, Precision::bf16);
  checkMatmul(1, 7, 5, 3, true, false, Precision::bf16);
  checkMatmul(3, 4, 6, 2, false, true, Precision::bf16);
}

TEST(CpuKernels, StagedCopiesAreReusedOnlyForUnchangedOperands) {
  // A bf16 matmul stages its f32 operands as bf16 copies. The next call
  // reuses the copy of an operand the compiler says is unchanged since the
  // previous call; here A's bytes change anyway, so that the reuse shows.
  Matmul mm(1, 2, 3, 2, false, false, Precision::bf16);
  std::vector<float> a{1, 2, 3, 4, 5, 6}, b{1, 0, 0, 1, 1, 1}, c(4);
  auto run = [&](std::vector<const void *> unchanged) {
    beginLibraryCall(std::move(unchanged));
    mm.run(a.data(), b.data(), c.data());
    return c;
  };
  std::vector<float> first = run({});
  EXPECT_EQ(first, (std::vector<float>{4, 5, 10, 11}));
  a[0] = 100;
  // Said unchanged: the copy staged by the previous call is used.
  EXPECT_EQ(run({a.data()}), first);
  // Not said: converted again.
  EXPECT_EQ(run({}), (std::vector<float>{103, 5, 10, 11}));
  a[0] = 1;
  // Said unchanged, but no call before this one staged it (another call
  // ran in between): converted again.
  run({});
  beginLibraryCall({});
  a[0] = 7;
  beginLibraryCall({a.data()});
  mm.run(a.data(), b.data(), c.data());
  EXPECT_EQ(c, (std::vector<float>{10, 5, 10, 11}));
}

TEST(CpuKernels, Bf16WeightGradientsOfStridedConvolutionsRunInF32) {
  // oneDNN's bf16 weight gradient is slower than f32 at stride 2 without
  // AMX: there it computes on the f32 operands (checkConv checks the values
  // against the loops on the operands of the precision it reports).
  ConvShape strided{2, 16, 8, 8, 16, 4, 4, 4, 4,  1,
                    1, 0,  0, 0, 0,  1, 1, 1, {}, {}};
  strided.strideH = strided.strideW = 2;
  strided.padTop = strided.padLeft = strided.padBottom = strided.padRight = 1;
  bool amx = dnnl::get_effective_cpu_isa() == dnnl::cpu_isa::avx512_core_amx;
  EXPECT_EQ(Conv2d(strided, Precision::bf16).weightGradientPrecision(),
            amx ? Precision::bf16 : Precision::f32);
  checkConv(strided, Precision::bf16);
  ConvShape unit{2, 16, 8, 8, 16, 3, 3, 8, 8,  1,
                 1, 1,  1, 1, 1,  1, 1, 1, {}, {}};
  EXPECT_EQ(Conv2d(unit, Precision::bf16).weightGradientPrecision(),
            Precision::bf16);
  checkConv(unit, Precision::bf16);
}

TEST(CpuKernels, MatmulWithTransposesAndBatches) {
  checkMatmul(1, 16, 3136, 32, false, true); // a linear layer
  checkMatmul(1, 7, 5, 3, false, false);
  checkMatmul(1, 7, 5, 3, true, false);
  checkMatmul(1, 7, 5, 3, true, true);
  checkMatmul(3, 4, 6, 2, false, true);
}

TEST(CpuKernels, MatmulEpilogues) {
  // + bias[n] on every row, then relu or leaky relu, inside the matmul.
  for (auto [activation, alpha] : {std::pair{Epilogue::None, 0.0f},
                                   {Epilogue::Relu, 0.0f},
                                   {Epilogue::LeakyRelu, 0.2f}}) {
    Epilogue epilogue{true, activation, alpha};
    checkMatmul(1, 16, 300, 32, false, true, Precision::f32, epilogue);
    checkMatmul(3, 4, 6, 5, true, false, Precision::f32, epilogue);
    checkMatmul(1, 16, 300, 32, false, true, Precision::bf16, epilogue);
  }
}

TEST(CpuKernels, MatmulBiasMustMatchItsEpilogue) {
  std::vector<float> a(6), b(6), c(4), bias(2);
  Matmul plain(1, 2, 3, 2, false, false);
  EXPECT_THROW(plain.run(a.data(), b.data(), c.data(), bias.data()),
               std::exception);
  Matmul withBias(1, 2, 3, 2, false, false, Precision::f32, {true});
  EXPECT_THROW(withBias.run(a.data(), b.data(), c.data()), std::exception);
}

void checkBatchNorm(int64_t n, int64_t c, int64_t sp) {
  std::vector<float> x = randomVector(n * c * sp, 6);
  std::vector<float> scale = randomVector(c, 7), shift = randomVector(c, 8);
  std::vector<float> dy = randomVector(x.size(), 9);
  const float eps = 1e-5f;
  BatchNorm bn(n, c, sp, eps);
  std::vector<float> y(x.size()), mean(c), var(c);
  bn.forwardTraining(x.data(), scale.data(), shift.data(), y.data(),
                     mean.data(), var.data());
  std::vector<double> mRef(c, 0), vRef(c, 0), yRef(x.size());
  double count = n * sp;
  auto at = [&](int64_t b, int64_t k, int64_t p) {
    return (b * c + k) * sp + p;
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t p = 0; p < sp; ++p)
        mRef[k] += x[at(b, k, p)] / count;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t p = 0; p < sp; ++p)
        vRef[k] += std::pow(x[at(b, k, p)] - mRef[k], 2) / count;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t p = 0; p < sp; ++p)
        yRef[at(b, k, p)] =
            (x[at(b, k, p)] - mRef[k]) / std::sqrt(vRef[k] + eps) * scale[k] +
            shift[k];
  expectClose(mean, mRef);
  expectClose(var, vRef);
  expectClose(y, yRef);

  std::vector<float> yi(x.size());
  bn.forwardInference(x.data(), scale.data(), shift.data(), mean.data(),
                      var.data(), yi.data());
  expectClose(yi, yRef);

  // dx = scale / sqrt(var + eps) / m * (m dy - sum(dy) - xhat sum(dy xhat))
  std::vector<float> dx(x.size()), dscale(c), dshift(c);
  bn.backward(dy.data(), x.data(), scale.data(), mean.data(), var.data(),
              dx.data(), dscale.data(), dshift.data());
  std::vector<double> sdy(c, 0), sdyx(c, 0), dxRef(x.size());
  auto xhat = [&](int64_t i, int64_t k) {
    return (x[i] - mRef[k]) / std::sqrt(vRef[k] + eps);
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t p = 0; p < sp; ++p) {
        sdy[k] += dy[at(b, k, p)];
        sdyx[k] += dy[at(b, k, p)] * xhat(at(b, k, p), k);
      }
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t p = 0; p < sp; ++p) {
        int64_t i = at(b, k, p);
        dxRef[i] = scale[k] / std::sqrt(vRef[k] + eps) / count *
                   (count * dy[i] - sdy[k] - xhat(i, k) * sdyx[k]);
      }
  expectClose(dx, dxRef);
  expectClose(dscale, sdyx);
  expectClose(dshift, sdy);
}

TEST(CpuKernels, BatchNorm) {
  // Over images (blocked layouts where oneDNN has a jit kernel: 20
  // channels pad to 32 in nChw16c) and over N x C, in both layouts.
  inBothLayouts([] {
    checkBatchNorm(3, 4, 5);
    checkBatchNorm(2, 20, 6);
    checkBatchNorm(5, 4, 1);
  });
}

void checkSoftmax(std::vector<int64_t> shape, int axis, bool logarithm) {
  int64_t total = 1, outer = 1, inner = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    total *= shape[d];
    if (static_cast<int>(d) < axis)
      outer *= shape[d];
    if (static_cast<int>(d) > axis)
      inner *= shape[d];
  }
  std::vector<float> x = randomVector(total, 10), y(total);
  Softmax(shape, axis, logarithm).run(x.data(), y.data());
  std::vector<double> ref(total);
  int64_t len = shape[axis];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0;
      for (int64_t k = 0; k < len; ++k)
        sum += std::exp(x[(o * len + k) * inner + i]);
      for (int64_t k = 0; k < len; ++k) {
        double v = x[(o * len + k) * inner + i];
        ref[(o * len + k) * inner + i] =
            logarithm ? v - std::log(sum) : std::exp(v) / sum;
      }
    }
  expectClose(y, ref);
}

TEST(CpuKernels, SoftmaxAndLogSoftmax) {
  checkSoftmax({4, 10}, 1, false);
  checkSoftmax({2, 256, 3, 3}, 1, true); // PixelCNN's per-pixel classes
  checkSoftmax({3, 5}, 0, false);
}

} // namespace
