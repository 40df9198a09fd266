//===- RuntimeTrainerTest.cpp - the trainer's runtime: session, checkpoints -===//
//
// Placeholder; the suite is being written.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>
