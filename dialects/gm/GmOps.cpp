//===- GmOps.cpp - generated op definitions ------------------------------===//
//
// The ODS-generated half of every op. The hand-written halves (verifiers,
// type inference, folders) live in one file per op family: StructureOps.cpp,
// MathOps.cpp, NNOps.cpp, ShapeOps.cpp, RandomOps.cpp, Folds.cpp.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace mlir::gm;

#include "gm/GmInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "gm/GmOps.cpp.inc"
