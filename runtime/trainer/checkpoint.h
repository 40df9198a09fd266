//===- checkpoint.h - training state in safetensors files -------*- C++ -*-===//
//
// A checkpoint holds every variable (parameters and optimizer state) as a
// tensor under its gm name, and in its metadata the model, its hash, the
// seed, each phase's step count, each dataset's position and the metrics
// interval in progress: all a resumed run needs to continue exactly where
// the first one stopped. Written
// atomically (temp file, fsync, rename).
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_CHECKPOINT_H
#define GMRT_TRAINER_CHECKPOINT_H

#include "runtime/trainer/session.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gmrt {

struct TrainingState {
  uint64_t seed = 0;
  /// Steps each phase has run.
  std::map<std::string, uint64_t> steps;
  /// Batches drawn from each training dataset.
  std::map<std::string, uint64_t> dataPositions;
  std::string lastPhase;
  /// The last phase's reports summed over the steps since its last
  /// metrics record, and those steps: a resumed run's next record then
  /// averages the same steps as the run that was not interrupted.
  std::vector<std::pair<std::string, double>> logSums;
  uint64_t logSteps = 0;
};

void saveCheckpoint(const std::string &path, const Session &session,
                    const TrainingState &state);

/// The first variable holding an inf or nan, with the count (`w (3 of
/// 3136 values)`); empty when all are finite.
std::string nonFiniteVariable(const Session &session);

/// Reads `path` into the session's variables. Throws gmrt::Error when the
/// file is damaged or holds another model's variables; warns (on stderr)
/// when it was written by another build of this model.
TrainingState loadCheckpoint(const std::string &path, Session &session);

} // namespace gmrt

#endif // GMRT_TRAINER_CHECKPOINT_H
