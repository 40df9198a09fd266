//===- trainer.h - the main of every compiled trainer -----------*- C++ -*-===//

#ifndef GMRT_TRAINER_TRAINER_H
#define GMRT_TRAINER_TRAINER_H

#include "runtime/core/abi.h"

namespace gmrt {

/// `./model train|sample|eval|info [options]` for the model described by
/// `infoJson` whose entries `run` runs. Returns the exit status.
int trainerMain(int argc, char **argv, const char *infoJson,
                void (*run)(int32_t, GmFrame *));

} // namespace gmrt

#endif // GMRT_TRAINER_TRAINER_H
