//===- statistics.cpp - metrics of a whole eval split ---------------------===//

#include "runtime/core/statistics.h"

#include "runtime/core/error.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace gmrt {

FeatureMoments::FeatureMoments(int64_t dimensions)
    : d_(dimensions), sum_(dimensions), outer_(dimensions * dimensions) {}

void FeatureMoments::add(const float *rows, int64_t count) {
  for (int64_t r = 0; r < count; ++r) {
    const float *x = rows + r * d_;
    for (int64_t i = 0; i < d_; ++i) {
      sum_[i] += x[i];
      double *row = &outer_[i * d_];
      for (int64_t j = i; j < d_; ++j)
        row[j] += double(x[i]) * double(x[j]);
    }
  }
  count_ += count;
}

std::vector<double> FeatureMoments::mean() const {
  std::vector<double> m(sum_);
  for (double &v : m)
    v /= static_cast<double>(count_);
  return m;
}

std::vector<double> FeatureMoments::covariance() const {
  if (count_ < 2)
    throw Error("a covariance needs at least two rows of features, got " +
                std::to_string(count_));
  std::vector<double> m = mean(), c(d_ * d_);
  double n = static_cast<double>(count_);
  for (int64_t i = 0; i < d_; ++i)
    for (int64_t j = i; j < d_; ++j)
      c[i * d_ + j] = c[j * d_ + i] =
          (outer_[i * d_ + j] - n * m[i] * m[j]) / (n - 1);
  return c;
}

double frechetDistance(const std::vector<double> &mean1,
                       const std::vector<double> &cov1,
                       const std::vector<double> &mean2,
                       const std::vector<double> &cov2) {
  using Matrix = Eigen::MatrixXd;
  // Row-major data read as Eigen's column-major: the transpose, which for
  // symmetric covariances is the same matrix.
  auto d = static_cast<Eigen::Index>(mean1.size());
  Eigen::Map<const Matrix> c1(cov1.data(), d, d), c2(cov2.data(), d, d);
  Eigen::Map<const Eigen::VectorXd> m1(mean1.data(), d), m2(mean2.data(), d);
  // C1^½ from C1's eigenvectors; then tr((C1^½ C2 C1^½)^½) is the sum of
  // the square roots of that symmetric matrix's eigenvalues.
  Eigen::SelfAdjointEigenSolver<Matrix> first(c1);
  Eigen::VectorXd roots = first.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  Matrix sqrt1 = first.eigenvectors() * roots.asDiagonal() *
                 first.eigenvectors().transpose();
  Matrix inner = sqrt1 * c2 * sqrt1;
  Eigen::SelfAdjointEigenSolver<Matrix> second(
      0.5 * (inner + inner.transpose()), Eigen::EigenvaluesOnly);
  double traceRoot = second.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
  // Rounding can leave equal distributions a hair below zero.
  return std::max(0.0, (m1 - m2).squaredNorm() + c1.trace() + c2.trace() -
                           2 * traceRoot);
}

namespace {

class FrechetDistance : public Statistic {
public:
  FrechetDistance(int64_t rows1, int64_t rows2, int64_t dimensions)
      : rows1_(rows1), rows2_(rows2), first_(dimensions), second_(dimensions) {}
  void add(void *const *operands) override {
    first_.add(static_cast<const float *>(operands[0]), rows1_);
    second_.add(static_cast<const float *>(operands[1]), rows2_);
  }
  double result() const override {
    return frechetDistance(first_.mean(), first_.covariance(), second_.mean(),
                           second_.covariance());
  }

private:
  int64_t rows1_, rows2_;
  FeatureMoments first_, second_;
};

/// Values compared as numbers: 0 and -0 are one value, every NaN is one.
class Distinct : public Statistic {
public:
  explicit Distinct(int64_t count) : count_(count) {}
  void add(void *const *operands) override {
    const float *x = static_cast<const float *>(operands[0]);
    for (int64_t i = 0; i < count_; ++i) {
      if (std::isnan(x[i]))
        sawNan_ = true;
      else
        values_.insert(x[i] == 0 ? 0.0f : x[i]);
    }
  }
  double result() const override {
    return static_cast<double>(values_.size() + (sawNan_ ? 1 : 0));
  }

private:
  int64_t count_;
  std::set<float> values_;
  bool sawNan_ = false;
};

} // namespace

std::unique_ptr<Statistic> Statistic::create(const StatisticInfo &info) {
  auto fail = [&](const std::string &why) {
    throw Error("statistic " + info.name + " (" + info.kind + "): " + why);
  };
  for (const TensorSpec &t : info.operands)
    if (t.dtype != "f32")
      fail("operands must be f32, not " + t.str());
  if (info.kind == "frechet_distance") {
    if (info.operands.size() != 2 || info.operands[0].shape.size() != 2 ||
        info.operands[1].shape.size() != 2 ||
        info.operands[0].shape[1] != info.operands[1].shape[1])
      fail("needs two f32[N, D] operands of one D");
    return std::make_unique<FrechetDistance>(info.operands[0].shape[0],
                                             info.operands[1].shape[0],
                                             info.operands[0].shape[1]);
  }
  if (info.kind == "distinct") {
    if (info.operands.size() != 1 || info.operands[0].shape.size() != 1)
      fail("needs one f32[N] operand");
    return std::make_unique<Distinct>(info.operands[0].shape[0]);
  }
  fail("unknown kind");
  return nullptr;
}

} // namespace gmrt
