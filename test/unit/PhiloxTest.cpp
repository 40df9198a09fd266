//===- PhiloxTest.cpp - Philox4x32-10 and gmc's random streams ------------===//

#include "runtime/core/philox.h"
#include "runtime/core/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace {

// Known-answer vectors of the Random123 distribution (kat_vectors).
TEST(Philox, KnownAnswers) {
  EXPECT_EQ(
      gmrt::philox4x32({0, 0, 0, 0}, {0, 0}),
      (gmrt::PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      gmrt::philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                       {0xffffffff, 0xffffffff}),
      (gmrt::PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      gmrt::philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                       {0xa4093822, 0x299f31d0}),
      (gmrt::PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Random, StreamsAreIndependentAndDeterministic) {
  gmrt::Stream a{1, 0, 0}, b{2, 0, 0}, c{1, 1, 0}, d{1, 0, 1};
  std::set<uint32_t> draws;
  for (gmrt::Stream s : {a, b, c, d})
    draws.insert(gmrt::randomBits(42, s, 0));
  EXPECT_EQ(draws.size(), 4u);
  EXPECT_EQ(gmrt::randomBits(42, a, 7), gmrt::randomBits(42, a, 7));
  EXPECT_NE(gmrt::randomBits(42, a, 7), gmrt::randomBits(43, a, 7));
}

TEST(Random, DistributionsHaveTheirMoments) {
  const int n = 200000;
  double sum = 0, sumSq = 0, usum = 0, umin = 1, umax = 0;
  for (int e = 0; e < n; ++e) {
    double z = gmrt::normalAt(7, {3, 0, 0}, e);
    sum += z;
    sumSq += z * z;
    double u = gmrt::uniformAt(7, {4, 0, 0}, e, -1.0, 3.0);
    usum += u;
    umin = std::min(umin, u);
    umax = std::max(umax, u);
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sumSq / n, 1.0, 0.01);
  EXPECT_NEAR(usum / n, 1.0, 0.01);
  EXPECT_GT(umin, -1.0);
  EXPECT_LT(umax, 3.0);
}

TEST(Random, InitStreamIdsDependOnTheName) {
  EXPECT_NE(gmrt::initStreamId("encoder.conv2d_0.weight"),
            gmrt::initStreamId("encoder.conv2d_0.bias"));
  EXPECT_EQ(gmrt::initStreamId(""), 2166136261u);
}

} // namespace
