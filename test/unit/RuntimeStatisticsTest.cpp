//===- RuntimeStatisticsTest.cpp - metrics of a whole eval split ----------===//
//
// The Fréchet distance against closed forms (1-D Gaussians, commuting and
// non-commuting 2x2 covariances), moments accumulated batch by batch, the
// distinct count, and malformed descriptors.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/error.h"
#include "runtime/core/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace gmrt;

namespace {

TEST(FrechetDistance, IdenticalGaussiansAreZeroApart) {
  std::vector<double> mean{1, -2}, cov{2, 0.5, 0.5, 1};
  EXPECT_NEAR(frechetDistance(mean, cov, mean, cov), 0.0, 1e-12);
}

TEST(FrechetDistance, OneDimensionIsMeanAndDeviationGaps) {
  // N(m1, s1^2) vs N(m2, s2^2): (m1 - m2)^2 + (s1 - s2)^2.
  EXPECT_NEAR(frechetDistance({3}, {4}, {1}, {9}), 4.0 + 1.0, 1e-12);
}

TEST(FrechetDistance, NonCommutingCovariancesMatchTheTwoByTwoFormula) {
  // For 2x2 M with positive eigenvalues, tr sqrt(M) = sqrt(tr M + 2 sqrt(det
  // M)); with M = C1 C2 that is the trace term of the distance.
  std::vector<double> c1{2, 0.7, 0.7, 1}, c2{1, -0.4, -0.4, 3};
  double m[4] = {c1[0] * c2[0] + c1[1] * c2[2], c1[0] * c2[1] + c1[1] * c2[3],
                 c1[2] * c2[0] + c1[3] * c2[2], c1[2] * c2[1] + c1[3] * c2[3]};
  double traceRoot =
      std::sqrt(m[0] + m[3] + 2 * std::sqrt(m[0] * m[3] - m[1] * m[2]));
  double expected = (0.5 * 0.5 + 1.0) + (2 + 1) + (1 + 3) - 2 * traceRoot;
  EXPECT_NEAR(frechetDistance({0.5, 1}, c1, {0, 0}, c2), expected, 1e-10);
}

TEST(FrechetDistance, SingularCovariancesAreFine) {
  // All features on one line: a rank-1 covariance, roots of ~0 eigenvalues.
  std::vector<double> c{1, 1, 1, 1};
  EXPECT_NEAR(frechetDistance({0, 0}, c, {0, 0}, c), 0.0, 1e-7);
}

TEST(FeatureMoments, BatchesAccumulateToTheWholeSetsMoments) {
  FeatureMoments moments(2);
  float first[] = {1, 2, 3, 6}, second[] = {5, 4};
  moments.add(first, 2);
  moments.add(second, 1);
  EXPECT_EQ(moments.count(), 3);
  std::vector<double> mean = moments.mean(), cov = moments.covariance();
  EXPECT_DOUBLE_EQ(mean[0], 3);
  EXPECT_DOUBLE_EQ(mean[1], 4);
  // Unbiased: x = (1, 3, 5), y = (2, 6, 4).
  EXPECT_NEAR(cov[0], 4.0, 1e-12);
  EXPECT_NEAR(cov[3], 4.0, 1e-12);
  EXPECT_NEAR(cov[1], 2.0, 1e-12);
  EXPECT_NEAR(cov[2], 2.0, 1e-12);
}

TEST(FeatureMoments, OneRowHasNoCovariance) {
  FeatureMoments moments(1);
  float x = 1;
  moments.add(&x, 1);
  EXPECT_THROW(moments.covariance(), Error);
}

TEST(Statistic, FrechetDistanceOfShiftedSamplesIsTheShiftSquared) {
  // Same covariance, means 1 apart in each of 3 features: distance 3.
  StatisticInfo info{
      "fid", "frechet_distance", {{"f32", {50, 3}}, {"f32", {50, 3}}}};
  auto fid = Statistic::create(info);
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;
  for (int batch = 0; batch < 40; ++batch) {
    std::vector<float> a(150), b(150);
    for (int i = 0; i < 150; ++i) {
      a[i] = normal(rng);
      b[i] = a[i] + 1;
    }
    void *operands[] = {a.data(), b.data()};
    fid->add(operands);
  }
  EXPECT_NEAR(fid->result(), 3.0, 1e-6);
}

TEST(Statistic, DistinctCountsValuesOverEveryBatch) {
  auto distinct = Statistic::create({"classes", "distinct", {{"f32", {4}}}});
  float first[] = {1, 1, 2, 2}, second[] = {2, 7, 7, 1};
  void *a[] = {first}, *b[] = {second};
  distinct->add(a);
  distinct->add(b);
  EXPECT_EQ(distinct->result(), 3.0);
}

TEST(Statistic, DistinctComparesAsNumbers) {
  // 0 and -0 are one value; NaNs count once.
  auto distinct = Statistic::create({"values", "distinct", {{"f32", {4}}}});
  float nan = std::nanf("");
  float x[] = {0.0f, -0.0f, nan, nan};
  void *operands[] = {x};
  distinct->add(operands);
  EXPECT_EQ(distinct->result(), 2.0);
}

TEST(FrechetDistance, NeverNegative) {
  // Equal covariances whose trace term rounds a hair below the rest.
  std::vector<double> mean{0.1, 0.2, 0.3},
      cov{1e-3, 2e-4, 0, 2e-4, 3e-3, 1e-5, 0, 1e-5, 7e-2};
  EXPECT_GE(frechetDistance(mean, cov, mean, cov), 0.0);
}

TEST(Statistic, MalformedDescriptorsAreErrors) {
  EXPECT_THROW(Statistic::create({"x", "median", {{"f32", {4}}}}), Error);
  EXPECT_THROW(Statistic::create({"x", "distinct", {{"i32", {4}}}}), Error);
  EXPECT_THROW(Statistic::create({"x", "distinct", {{"f32", {4, 2}}}}), Error);
  EXPECT_THROW(
      Statistic::create(
          {"x", "frechet_distance", {{"f32", {4, 2}}, {"f32", {4, 3}}}}),
      Error);
}

} // namespace
