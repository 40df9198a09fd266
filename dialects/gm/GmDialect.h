//===- GmDialect.h - the gm dialect ----------------------------*- C++ -*-===//
//
// Declares the gm dialect and the side-effect resources its ops use.
//
//===----------------------------------------------------------------------===//

#ifndef GM_GMDIALECT_H
#define GM_GMDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::gm {

/// Parameters and state, read by gm.load and written by gm.store.
struct VariableResource : SideEffects::Resource::Base<VariableResource> {
  StringRef getName() final { return "gm.variable"; }
};

/// The cursor of each dataset, advanced by gm.next.
struct DataResource : SideEffects::Resource::Base<DataResource> {
  StringRef getName() final { return "gm.data"; }
};

/// The counter-based random streams (read by random ops).
struct RandomResource : SideEffects::Resource::Base<RandomResource> {
  StringRef getName() final { return "gm.random"; }
};

/// What the trainer observes (gm.report).
struct OutputResource : SideEffects::Resource::Base<OutputResource> {
  StringRef getName() final { return "gm.output"; }
};

} // namespace mlir::gm

#include "gm/GmDialect.h.inc"

#endif // GM_GMDIALECT_H
