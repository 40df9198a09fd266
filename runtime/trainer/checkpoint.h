//===- checkpoint.h - training state in safetensors files -------*- C++ -*-===//
//
// A checkpoint holds every variable (parameters and optimizer state) as a
// tensor under its gm name, and in its metadata the model, its hash, the
// seed, each phase's step count and each dataset's position: all a resumed
// run needs to continue exactly where the first one stopped. Written
// atomically (temp file, fsync, rename).
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_CHECKPOINT_H
#define GMRT_TRAINER_CHECKPOINT_H

#include "runtime/trainer/session.h"

#include <map>
#include <string>

namespace gmrt {

struct TrainingState {
  uint64_t seed = 0;
  /// Steps each phase has run.
  std::map<std::string, uint64_t> steps;
  /// Batches drawn from each training dataset.
  std::map<std::string, uint64_t> dataPositions;
  std::string lastPhase;
};

void saveCheckpoint(const std::string &path, const Session &session,
                    const TrainingState &state);

/// Reads `path` into the session's variables. Throws gmrt::Error when the
/// file is damaged or holds another model's variables; warns (on stderr)
/// when it was written by another build of this model.
TrainingState loadCheckpoint(const std::string &path, Session &session);

} // namespace gmrt

#endif // GMRT_TRAINER_CHECKPOINT_H
