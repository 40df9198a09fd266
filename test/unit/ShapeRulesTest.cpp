//===- ShapeRulesTest.cpp - shape arithmetic of the gm ops ----------------===//
//
// The rules the dialect and the front end share: each rule on shapes from the
// reference models, and each failure with the facts its message must name.
//
//===----------------------------------------------------------------------===//

#include "gm/ShapeRules.h"

#include <gtest/gtest.h>

using namespace mlir::gm::shape;

namespace {

Shape S(std::initializer_list<int64_t> dims) { return Shape(dims); }

TEST(ShapeRules, FormatsShapes) {
  EXPECT_EQ(format(S({64, 1, 28, 28})), "[64, 1, 28, 28]");
  EXPECT_EQ(format(S({})), "[]");
  EXPECT_EQ(numElements(S({64, 1, 28, 28})), 50176);
  EXPECT_EQ(numElements(S({})), 1);
}

TEST(ShapeRules, BroadcastAlignsTrailingDimensions) {
  EXPECT_EQ(broadcast(S({64, 256}), S({256})).shape(), S({64, 256}));
  EXPECT_EQ(broadcast(S({64, 32, 14, 14}), S({32, 1, 1})).shape(),
            S({64, 32, 14, 14}));
  EXPECT_EQ(broadcast(S({}), S({3, 4})).shape(), S({3, 4}));
  EXPECT_EQ(broadcast(S({4, 1}), S({1, 5})).shape(), S({4, 5}));
}

TEST(ShapeRules, BroadcastMismatchNamesBothShapes) {
  ShapeResult r = broadcast(S({2, 3}), S({4, 3}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("[2, 3]"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("[4, 3]"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("2 vs 4"), std::string::npos) << r.message();
}

TEST(ShapeRules, BroadcastsTo) {
  EXPECT_TRUE(broadcastsTo(S({32, 1, 1}), S({64, 32, 14, 14})));
  EXPECT_TRUE(broadcastsTo(S({}), S({3})));
  EXPECT_FALSE(broadcastsTo(S({3}), S({4})));
  EXPECT_FALSE(broadcastsTo(S({2, 3}), S({3})));
}

TEST(ShapeRules, Reduce) {
  EXPECT_EQ(reduce(S({64, 1, 28, 28}), {1, 2, 3}, false).shape(), S({64}));
  EXPECT_EQ(reduce(S({64, 10}), {1}, true).shape(), S({64, 1}));
  EXPECT_EQ(reduce(S({64}), {0}, false).shape(), S({}));
  EXPECT_FALSE(reduce(S({64, 10}), {2}, false).ok());
  EXPECT_FALSE(reduce(S({64, 10}), {1, 1}, false).ok());
  EXPECT_FALSE(reduce(S({64, 10}), {}, false).ok());
}

TEST(ShapeRules, Matmul) {
  EXPECT_EQ(matmul(S({64, 3136}), S({256, 3136}), false, true).shape(),
            S({64, 256}));
  EXPECT_EQ(matmul(S({3136, 64}), S({64, 256}), true, true).ok(), false);
  EXPECT_EQ(matmul(S({64, 20}), S({64, 256}), true, false).shape(),
            S({20, 256}));
  EXPECT_EQ(matmul(S({8, 4, 5}), S({8, 5, 6}), false, false).shape(),
            S({8, 4, 6}));
  ShapeResult r = matmul(S({64, 4096}), S({256, 3136}), false, true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("4096"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("3136"), std::string::npos) << r.message();
  EXPECT_FALSE(matmul(S({8, 4, 5}), S({7, 5, 6}), false, false).ok());
  EXPECT_FALSE(matmul(S({4}), S({4, 5}), false, false).ok());
}

TEST(ShapeRules, Conv2dGeometryOfTheVAE) {
  ConvGeometry g;
  g.stride = {2, 2};
  g.padding = {1, 1, 1, 1};
  EXPECT_EQ(conv2d(S({64, 1, 28, 28}), S({32, 1, 4, 4}), g).shape(),
            S({64, 32, 14, 14}));
  EXPECT_EQ(conv2d(S({64, 32, 14, 14}), S({64, 32, 4, 4}), g).shape(),
            S({64, 64, 7, 7}));
}

TEST(ShapeRules, Conv2dDilationGroupsAndAsymmetricPadding) {
  ConvGeometry g;
  g.dilation = {2, 2};
  g.padding = {2, 2, 2, 2};
  EXPECT_EQ(conv2d(S({1, 4, 8, 8}), S({6, 4, 3, 3}), g).shape(),
            S({1, 6, 8, 8}));
  ConvGeometry grouped;
  grouped.groups = 2;
  EXPECT_EQ(conv2d(S({1, 4, 5, 5}), S({6, 2, 3, 3}), grouped).shape(),
            S({1, 6, 3, 3}));
  ConvGeometry asym;
  asym.padding = {1, 0, 0, 0};
  EXPECT_EQ(conv2d(S({1, 1, 4, 4}), S({1, 1, 2, 2}), asym).shape(),
            S({1, 1, 4, 3}));
}

TEST(ShapeRules, Conv2dErrors) {
  ConvGeometry g;
  ShapeResult channels = conv2d(S({64, 3, 28, 28}), S({32, 1, 4, 4}), g);
  ASSERT_FALSE(channels.ok());
  EXPECT_NE(channels.message().find("input channels"), std::string::npos);
  EXPECT_FALSE(conv2d(S({64, 1, 2, 2}), S({32, 1, 4, 4}), g).ok());
  EXPECT_FALSE(conv2d(S({64, 28, 28}), S({32, 1, 4, 4}), g).ok());
  ConvGeometry badStride;
  badStride.stride = {0, 1};
  EXPECT_FALSE(conv2d(S({1, 1, 4, 4}), S({1, 1, 2, 2}), badStride).ok());
  ConvGeometry badGroups;
  badGroups.groups = 3;
  EXPECT_FALSE(conv2d(S({1, 4, 4, 4}), S({6, 2, 2, 2}), badGroups).ok());
  // A kernel of no extent: an empty weight.
  ShapeResult empty = conv2d(S({1, 1, 4, 4}), S({1, 1, 0, 3}), g);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.message(), "the kernel must be at least 1x1, got 0x3");
  EXPECT_FALSE(
      convTranspose2d(S({1, 1, 4, 4}), S({1, 1, 3, 0}), g, {0, 0}).ok());
}

TEST(ShapeRules, ConvTranspose2d) {
  ConvGeometry g;
  g.stride = {2, 2};
  g.padding = {1, 1, 1, 1};
  EXPECT_EQ(
      convTranspose2d(S({64, 64, 7, 7}), S({64, 32, 4, 4}), g, {0, 0}).shape(),
      S({64, 32, 14, 14}));
  EXPECT_EQ(
      convTranspose2d(S({64, 32, 14, 14}), S({32, 1, 4, 4}), g, {0, 0}).shape(),
      S({64, 1, 28, 28}));
  ConvGeometry s2;
  s2.stride = {2, 2};
  s2.padding = {1, 1, 1, 1};
  EXPECT_EQ(
      convTranspose2d(S({1, 1, 4, 4}), S({1, 1, 3, 3}), s2, {1, 1}).shape(),
      S({1, 1, 8, 8}));
  EXPECT_FALSE(
      convTranspose2d(S({1, 1, 4, 4}), S({1, 1, 3, 3}), s2, {2, 0}).ok());
  EXPECT_FALSE(
      convTranspose2d(S({1, 2, 4, 4}), S({1, 1, 3, 3}), s2, {0, 0}).ok());
  // output_padding at or past the stride, even below the dilation.
  ConvGeometry dilated;
  dilated.dilation = {2, 2};
  EXPECT_FALSE(
      convTranspose2d(S({1, 1, 4, 4}), S({1, 1, 1, 1}), dilated, {1, 1}).ok());
}

TEST(ShapeRules, PerChannel) {
  EXPECT_EQ(checkPerChannel(S({64, 128, 7, 7}), S({128}), "scale"), "");
  EXPECT_EQ(checkPerChannel(S({64, 128}), S({128}), "scale"), "");
  EXPECT_NE(checkPerChannel(S({64, 128, 7, 7}), S({64}), "scale"), "");
  EXPECT_NE(checkPerChannel(S({64, 128, 7}), S({128}), "scale"), "");
}

TEST(ShapeRules, TransposeConcatSlicePad) {
  EXPECT_EQ(transpose(S({64, 32, 7, 5}), {0, 2, 3, 1}).shape(),
            S({64, 7, 5, 32}));
  EXPECT_FALSE(transpose(S({2, 3}), {0, 0}).ok());
  EXPECT_FALSE(transpose(S({2, 3}), {0}).ok());

  EXPECT_EQ(concat({S({64, 64, 14, 14}), S({64, 32, 14, 14})}, 1).shape(),
            S({64, 96, 14, 14}));
  EXPECT_FALSE(concat({S({64, 64, 14, 14}), S({64, 32, 7, 7})}, 1).ok());
  EXPECT_FALSE(concat({S({2})}, 1).ok());

  EXPECT_EQ(slice(S({10, 10}), {1, 2}, {3, 4}, {}).shape(), S({3, 4}));
  EXPECT_EQ(slice(S({10}), {1}, {5}, {2}).shape(), S({5}));
  EXPECT_FALSE(slice(S({10}), {1}, {6}, {2}).ok());
  EXPECT_FALSE(slice(S({10}), {-1}, {2}, {}).ok());

  EXPECT_EQ(pad(S({5}), {1}, {2}, {}).shape(), S({8}));
  EXPECT_EQ(pad(S({5}), {1}, {0}, {1}).shape(), S({10}));
  EXPECT_FALSE(pad(S({5}), {-1}, {0}, {}).ok());
}

TEST(ShapeRules, ReshapeUpsample) {
  EXPECT_EQ(checkReshape(S({64, 3136}), S({64, 64, 7, 7})), "");
  EXPECT_NE(checkReshape(S({64, 3136}), S({64, 64, 7, 8})), "");
  EXPECT_EQ(upsample(S({1, 2, 3, 4}), {2, 3}).shape(), S({1, 2, 6, 12}));
  EXPECT_FALSE(upsample(S({1, 2, 3}), {2, 2}).ok());
}

TEST(ShapeRules, VectorQuantizationAndIndices) {
  EXPECT_EQ(nearest(S({3136, 32}), S({64, 32})).shape(), S({3136}));
  EXPECT_EQ(nearest(S({64, 7, 7, 32}), S({64, 32})).shape(), S({64, 7, 7}));
  EXPECT_FALSE(nearest(S({3136, 16}), S({64, 32})).ok());
  EXPECT_EQ(lookup(S({64, 32}), S({64, 7, 7})).shape(), S({64, 7, 7, 32}));
  EXPECT_FALSE(lookup(S({64}), S({3})).ok());
  EXPECT_EQ(oneHot(S({64}), 10, std::nullopt).shape(), S({64, 10}));
  EXPECT_EQ(oneHot(S({64, 28, 28}), 256, 1).shape(), S({64, 256, 28, 28}));
  EXPECT_FALSE(oneHot(S({64}), 10, 3).ok());
  EXPECT_FALSE(oneHot(S({64}), 0, std::nullopt).ok());
  EXPECT_EQ(dropAxis(S({64, 10}), 1).shape(), S({64}));
  EXPECT_FALSE(dropAxis(S({64, 10}), 2).ok());
}

} // namespace
