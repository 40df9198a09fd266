//===- main.cpp - main() of a compiled trainer ----------------------------===//
//
// Linked with the model's object file, which defines gm_model_info and
// gm_run (runtime/core/abi.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/trainer/trainer.h"

int main(int argc, char **argv) {
  return gmrt::trainerMain(argc, argv, gm_model_info(), gm_run);
}
