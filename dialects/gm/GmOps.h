//===- GmOps.h - gm operations ---------------------------------*- C++ -*-===//
//
// Every gm op, generated from GmOps.td, plus the interfaces they implement.
//
//===----------------------------------------------------------------------===//

#ifndef GM_GMOPS_H
#define GM_GMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "gm/GmAttrs.h"
#include "gm/GmDialect.h"
#include "gm/TypeInference.h"

#include "gm/GmInterfaces.h.inc"

#define GET_OP_CLASSES
#include "gm/GmOps.h.inc"

namespace mlir::gm {

/// Whether `op` computes each result element from the operand elements at
/// the same (broadcast) index alone: the unary and binary math ops,
/// comparisons, select, casts, broadcast. These are what gm-fuse fuses and
/// what a gm.fused body may hold.
bool isElementwise(Operation *op);

} // namespace mlir::gm

#endif // GM_GMOPS_H
