//===- metrics.h - the metrics log (metrics.jsonl) -------------*- C++ -*-===//

#ifndef GMRT_IO_METRICS_H
#define GMRT_IO_METRICS_H

#include "runtime/io/file.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gmrt {

/// One JSON object per line: {"phase": ..., "step": ..., "<report>": value,
/// ...}, written at each line so that a crash loses nothing logged; a line
/// the disk refuses is not left half written.
class MetricsLog {
public:
  /// Appends to `path` (created if needed), or with `startOver` replaces
  /// what it held; throws gmrt::Error on failure.
  explicit MetricsLog(const std::string &path, bool startOver = false);

  void write(const std::string &phase, uint64_t step,
             const std::vector<std::pair<std::string, double>> &values,
             const std::vector<std::pair<std::string, double>> &extra = {});

private:
  AppendFile file_;
};

/// Drops from the log at `path` (if any) the records of a phase past the
/// step `steps` holds for it: a run resumed from a checkpoint logs those
/// steps again. Other records (eval phases, malformed lines) stay; the log
/// is replaced atomically. (A last line cut short goes when the log is
/// next opened: AppendFile.)
void forgetMetricsAfter(const std::string &path,
                        const std::map<std::string, uint64_t> &steps);

} // namespace gmrt

#endif // GMRT_IO_METRICS_H
