//===- CpuLayoutsTest.cpp - blocked buffers between library ops -----------===//
//
// gm-propagate-layouts keeps activations in oneDNN's blocked layout between
// convolutions and batch norms. Here: the reorder puts each element where
// nChw16c says; convolutions and batch norms on blocked
// buffers compute what they compute on plain ones, whatever layout they
// compute in (GMRT_LAYOUT); and descriptors that ask for blocked operands
// where the runtime has none are errors.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/kernels.h"
#include "runtime/cpu/library.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace gmrt::cpu;
using gmtest::randomVector;

namespace {

/// `x` (N x C x H x W, plain) in the blocked layout, and back.
std::vector<float> toBlocked(const std::vector<float> &x,
                             const std::vector<int64_t> &shape) {
  std::vector<float> y(x.size());
  Reorder(shape, true).run(x.data(), y.data());
  return y;
}
std::vector<float> toPlain(const std::vector<float> &x,
                           const std::vector<int64_t> &shape) {
  std::vector<float> y(x.size());
  Reorder(shape, false).run(x.data(), y.data());
  return y;
}

/// Runs `check` with the kernels' own layout rule, then forced plain, then
/// forced blocked.
template <typename F> void underEveryLayoutRule(F check) {
  for (const char *layout : {"", "plain", "blocked"}) {
    SCOPED_TRACE(*layout ? layout : "rule");
    if (*layout)
      setenv("GMRT_LAYOUT", layout, 1);
    check();
  }
  unsetenv("GMRT_LAYOUT");
}

void expectEqualish(const std::vector<float> &actual,
                    const std::vector<float> &expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    ASSERT_NEAR(actual[i], expected[i], 1e-5f * (1 + std::fabs(expected[i])))
        << "at element " << i;
}

TEST(CpuLayouts, ReorderPlacesEachElementByItsChannelBlock) {
  std::vector<int64_t> shape{2, 32, 3, 5};
  int64_t n = 2, c = 32, h = 3, w = 5, block = 16; // nChw16c
  std::vector<float> x(n * c * h * w);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i);
  std::vector<float> blocked = toBlocked(x, shape);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t i = 0; i < h * w; ++i)
        ASSERT_EQ(blocked[((b * (c / block) + k / block) * h * w + i) * block +
                          k % block],
                  x[(b * c + k) * h * w + i]);
  EXPECT_EQ(toPlain(blocked, shape), x);
}

TEST(CpuLayouts, BlockedTensorsNeedWholeChannelBlocks) {
  EXPECT_THROW(Reorder({2, 24, 3, 3}, true), std::exception);
  EXPECT_THROW(Reorder({2, 32, 9}, true), std::exception);
}

/// A convolution on blocked x-side and/or y-side buffers against the same
/// convolution on plain ones: forward, backward data and weights.
void checkBlockedConv(ConvShape s, bool blockedX, bool blockedY,
                      Precision precision = Precision::f32) {
  SCOPED_TRACE(std::string("x ") + (blockedX ? "blocked" : "plain") + ", y " +
               (blockedY ? "blocked" : "plain"));
  std::vector<int64_t> xShape{s.n, s.c, s.h, s.w}, yShape{s.n, s.o, s.oh, s.ow};
  std::vector<float> x = randomVector(s.n * s.c * s.h * s.w, 1);
  std::vector<float> w = randomVector(s.o * s.c / s.groups * s.kh * s.kw, 2);
  std::vector<float> dy = randomVector(s.n * s.o * s.oh * s.ow, 3);
  std::vector<float> bias = randomVector(s.o, 4);
  const float *b = s.epilogue.bias ? bias.data() : nullptr;
  Conv2d plain(s, precision);
  std::vector<float> y(dy.size()), dx(x.size()), dw(w.size());
  plain.forward(x.data(), w.data(), y.data(), b);
  plain.backwardData(dy.data(), w.data(), dx.data());
  plain.backwardWeights(x.data(), dy.data(), dw.data());

  s.blockedX = blockedX, s.blockedY = blockedY;
  Conv2d conv(s, precision);
  auto xIn = blockedX ? toBlocked(x, xShape) : x;
  auto dyIn = blockedY ? toBlocked(dy, yShape) : dy;
  std::vector<float> y2(y.size()), dx2(dx.size()), dw2(dw.size());
  conv.forward(xIn.data(), w.data(), y2.data(), b);
  conv.backwardData(dyIn.data(), w.data(), dx2.data());
  conv.backwardWeights(xIn.data(), dyIn.data(), dw2.data());
  expectEqualish(blockedY ? toPlain(y2, yShape) : y2, y);
  expectEqualish(blockedX ? toPlain(dx2, xShape) : dx2, dx);
  expectEqualish(dw2, dw);
}

TEST(CpuLayouts, ConvolutionsOnBlockedBuffers) {
  underEveryLayoutRule([] {
    // DCGAN's discriminator's second convolution, small: 16 -> 32 k4 s2 p1,
    // with a bias and leaky relu epilogue.
    ConvShape s{2, 16, 8, 8, 32, 4, 4, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, {}, {}};
    s.epilogue = {true, Epilogue::LeakyRelu, 0.2f};
    for (auto [bx, by] : {std::pair{true, true}, {true, false}, {false, true}})
      checkBlockedConv(s, bx, by);
    // bf16 operands converted from blocked f32 buffers.
    checkBlockedConv(s, true, true, Precision::bf16);
    // A 1x1 convolution (the runtime's own weight gradient on plain
    // buffers) and a masked one, PixelCNN's vertical stack.
    ConvShape pointwise{2, 16, 5, 5, 32, 1, 1, 5, 5,  1,
                        1, 0,  0, 0, 0,  1, 1, 1, {}, {}};
    checkBlockedConv(pointwise, true, true);
    ConvShape masked{2, 16, 6, 6, 16, 3, 3, 6, 6,  1,
                     1, 1,  1, 1, 1,  1, 1, 1, {}, {}};
    masked.mask = {1, 1, 1, 1, 1, 0, 0, 0, 0};
    checkBlockedConv(masked, true, true);
    // A first layer over one channel (its output side blocked, its input
    // gradient plain), with a relu epilogue, in f32 and bf16.
    ConvShape first{2, 1, 8, 8, 32, 4, 4, 4, 4,  2,
                    2, 1, 1, 1, 1,  1, 1, 1, {}, {}};
    first.epilogue = {true, Epilogue::Relu, 0.0f};
    checkBlockedConv(first, false, true);
    checkBlockedConv(first, false, true, Precision::bf16);
    // PixelCNN's first layer, mask A 7x7 over one channel: its weight
    // gradient on a kernel grown back from the mask's 4x7 crop.
    ConvShape maskA{2, 1, 12, 12, 16, 7, 7, 12, 12, 1,
                    1, 3, 3,  3,  3,  1, 1, 1,  {}, {}};
    maskA.mask.assign(49, 0);
    std::fill(maskA.mask.begin(), maskA.mask.begin() + 24, 1);
    checkBlockedConv(maskA, false, true);
    checkBlockedConv(maskA, false, true, Precision::bf16);
  });
}

TEST(CpuLayouts, BatchNormOnBlockedBuffers) {
  underEveryLayoutRule([] {
    int64_t n = 3, c = 32, sp = 6;
    std::vector<int64_t> shape{n, c, sp, 1};
    std::vector<float> x = randomVector(n * c * sp, 5);
    std::vector<float> dy = randomVector(x.size(), 6);
    std::vector<float> scale = randomVector(c, 7), shift = randomVector(c, 8);
    BatchNorm plain(n, c, sp, 1e-5f);
    std::vector<float> y(x.size()), yi(x.size()), dx(x.size());
    std::vector<float> mean(c), var(c), dscale(c), dshift(c);
    plain.forwardTraining(x.data(), scale.data(), shift.data(), y.data(),
                          mean.data(), var.data());
    plain.forwardInference(x.data(), scale.data(), shift.data(), mean.data(),
                           var.data(), yi.data());
    plain.backward(dy.data(), x.data(), scale.data(), mean.data(), var.data(),
                   dx.data(), dscale.data(), dshift.data());

    BatchNorm blocked(n, c, sp, 1e-5f, {true, true, true, true});
    auto xb = toBlocked(x, shape), dyb = toBlocked(dy, shape);
    std::vector<float> y2(x.size()), yi2(x.size()), dx2(x.size());
    std::vector<float> mean2(c), var2(c), dscale2(c), dshift2(c);
    blocked.forwardTraining(xb.data(), scale.data(), shift.data(), y2.data(),
                            mean2.data(), var2.data());
    blocked.forwardInference(xb.data(), scale.data(), shift.data(), mean.data(),
                             var.data(), yi2.data());
    blocked.backward(dyb.data(), xb.data(), scale.data(), mean.data(),
                     var.data(), dx2.data(), dscale2.data(), dshift2.data());
    expectEqualish(toPlain(y2, shape), y);
    expectEqualish(mean2, mean);
    expectEqualish(var2, var);
    expectEqualish(toPlain(yi2, shape), yi);
    expectEqualish(toPlain(dx2, shape), dx);
    expectEqualish(dscale2, dscale);
    expectEqualish(dshift2, dshift);
  });
}

/// The error building the library op `descriptor` raises ("" if none).
std::string descriptorError(const char *descriptor) {
  return gmtest::errorOf(
      [&] { makeLibraryOp(nlohmann::json::parse(descriptor)); });
}

TEST(CpuLayouts, BlockedOperandsOnlyWhereTheRuntimeHasThem) {
  const char *conv = R"({"kind": "conv2d", "loc": "m.gm:3:5",
      "x": [2, 16, 4, 4], "w": [16, 16, 3, 3], "y": [2, 16, 4, 4],
      "stride": [1, 1], "padding": [1, 1, 1, 1], "dilation": [1, 1],
      "groups": 1, "layouts": )";
  EXPECT_EQ(
      descriptorError(
          (std::string(conv) + R"(["blocked", "plain", "blocked"]})").c_str()),
      "");
  EXPECT_EQ(
      descriptorError(
          (std::string(conv) + R"(["plain", "blocked", "plain"]})").c_str()),
      "library op conv2d at m.gm:3:5: operand 1 cannot be blocked");
  EXPECT_EQ(
      descriptorError(
          (std::string(conv) + R"(["plain", "tiled", "plain"]})").c_str()),
      "library op conv2d at m.gm:3:5: unknown layout 'tiled' (plain or "
      "blocked)");
  // With a bias, y is the fourth operand; backward data reads dy first and
  // writes dx last.
  const char *withBias = R"({"kind": "conv2d", "loc": "m.gm:3:5",
      "x": [2, 16, 4, 4], "w": [16, 16, 3, 3], "y": [2, 16, 4, 4],
      "stride": [1, 1], "padding": [1, 1, 1, 1], "dilation": [1, 1],
      "groups": 1, "bias": true, "activation": "relu", "layouts": )";
  EXPECT_EQ(descriptorError((std::string(withBias) +
                             R"(["blocked", "plain", "plain", "blocked"]})")
                                .c_str()),
            "");
  EXPECT_EQ(descriptorError((std::string(withBias) +
                             R"(["plain", "plain", "blocked", "plain"]})")
                                .c_str()),
            "library op conv2d at m.gm:3:5: operand 2 cannot be blocked");
  std::string data = std::string(conv);
  data.replace(data.find("\"conv2d\""), 8, "\"conv2d_backward_data\"");
  EXPECT_EQ(
      descriptorError((data + R"(["blocked", "plain", "blocked"]})").c_str()),
      "");
  EXPECT_EQ(
      descriptorError((data + R"(["plain", "blocked", "plain"]})").c_str()),
      "library op conv2d_backward_data at m.gm:3:5: operand 1 cannot be "
      "blocked");
  EXPECT_EQ(descriptorError(R"({"kind": "matmul", "loc": "m.gm:9:1",
      "batch": 1, "m": 2, "k": 3, "n": 4, "transpose_a": false,
      "transpose_b": false, "layouts": ["blocked", "plain", "plain"]})"),
            "library op matmul at m.gm:9:1: operand 0 cannot be blocked");
  EXPECT_TRUE(gmtest::contains(
      descriptorError(R"({"kind": "batch_norm", "loc": "m.gm:4:2",
          "x": [2, 24, 3, 3], "epsilon": 1e-5,
          "layouts": ["blocked", "plain", "plain", "plain", "plain",
                      "plain"]})"),
      "multiple of 16 channels"));
  EXPECT_TRUE(gmtest::contains(
      descriptorError(
          R"({"kind": "reorder", "x": [2, 32, 3, 3], "layout": "diagonal"})"),
      "unknown layout 'diagonal'"));
}

} // namespace
