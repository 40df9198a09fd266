//===- statistics.h - metrics of a whole eval split ------------*- C++ -*-===//
//
// Reports are averaged batch by batch; a statistic (gm.statistic, `report
// fid = frechet_distance(a, b)` in an eval block) sees every batch's values
// and gives one number for the whole split: the Fréchet distance between
// two sets of features (FID with a classifier's features), or the number of
// distinct values (the classes a classifier finds among samples; values
// arrive as f32, exact for integers up to 2^24).
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_STATISTICS_H
#define GMRT_CORE_STATISTICS_H

#include "runtime/core/model_info.h"

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

namespace gmrt {

/// Mean and covariance of rows of D features, accumulated batch by batch in
/// double precision.
class FeatureMoments {
public:
  explicit FeatureMoments(int64_t dimensions);
  void add(const float *rows, int64_t count);
  int64_t count() const { return count_; }
  int64_t dimensions() const { return d_; }
  std::vector<double> mean() const;
  /// The unbiased covariance (divided by count - 1), D x D row-major.
  std::vector<double> covariance() const;

private:
  int64_t d_, count_ = 0;
  std::vector<double> sum_, outer_; // Σx and Σxxᵀ (upper triangle)
};

/// The Fréchet distance between N(mean1, cov1) and N(mean2, cov2):
/// |m1 - m2|² + tr(C1 + C2 - 2 (C1^½ C2 C1^½)^½). Covariances are D x D
/// row-major; tiny negative eigenvalues from rounding count as zero.
double frechetDistance(const std::vector<double> &mean1,
                       const std::vector<double> &cov1,
                       const std::vector<double> &mean2,
                       const std::vector<double> &cov2);

/// One statistic of an eval phase, fed the operands of each batch.
class Statistic {
public:
  virtual ~Statistic() = default;
  /// One batch: the operands' buffers, f32, of the descriptor's shapes.
  virtual void add(void *const *operands) = 0;
  /// The value over every batch added; throws gmrt::Error when undefined
  /// (fewer than two rows for a covariance).
  virtual double result() const = 0;

  /// The statistic `info` describes (kinds: frechet_distance, distinct).
  static std::unique_ptr<Statistic> create(const StatisticInfo &info);
};

} // namespace gmrt

#endif // GMRT_CORE_STATISTICS_H
