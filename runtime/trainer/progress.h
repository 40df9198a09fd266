//===- progress.h - what training shows while it runs -----------*- C++ -*-===//
//
// On a terminal, one line redrawn in place: a bar, the step, the reports,
// images per second and the time left. Otherwise (a log file, CI) one
// plain line every `logEvery` steps.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_PROGRESS_H
#define GMRT_TRAINER_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace gmrt {

class Progress {
public:
  Progress(std::string phase, uint64_t firstStep, uint64_t lastStep,
           int64_t examplesPerStep, uint64_t logEvery, std::FILE *out);

  /// After step `step` (1-based count of steps done) with these reports.
  void update(uint64_t step,
              const std::vector<std::pair<std::string, double>> &reports);
  /// Ends the line on a terminal.
  void finish();

  double seconds() const;
  double examplesPerSecond() const;

private:
  /// Redraws the terminal's line.
  void draw(uint64_t step,
            const std::vector<std::pair<std::string, double>> &reports);
  std::string line(uint64_t step,
                   const std::vector<std::pair<std::string, double>> &reports,
                   bool bar) const;

  std::string phase_;
  uint64_t first_, last_;
  int64_t examplesPerStep_;
  uint64_t logEvery_;
  std::FILE *out_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, lastDraw_;
  uint64_t done_ = 0;
  /// On a terminal: whether a line was drawn, and whether the latest
  /// update (kept here, its vector reused) was skipped by the redraw rate
  /// (finish() draws it).
  bool drawn_ = false, skipped_ = false;
  uint64_t skippedStep_ = 0;
  std::vector<std::pair<std::string, double>> skippedReports_;
};

/// "1m05s", "2h03m", "12s".
std::string formatDuration(double seconds);

/// A report's value for people: `0.25` (`digits` significant), `nan` (a
/// NaN's sign is noise: not `-nan`), `inf`.
std::string formatNumber(double value, int digits = 6);

} // namespace gmrt

#endif // GMRT_TRAINER_PROGRESS_H
