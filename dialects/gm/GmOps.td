//===- GmOps.td - all gm ops ---------------------------------*- tablegen -*-===//
//
// The single entry point for op generation; each family lives in its own file.
//
//===----------------------------------------------------------------------===//

#ifndef GM_OPS_TD
#define GM_OPS_TD

include "GmBase.td"
include "GmAttrs.td"
include "GmInterfaces.td"
include "GmStructureOps.td"
include "GmMathOps.td"
include "GmNNOps.td"
include "GmShapeOps.td"
include "GmRandomOps.td"

#endif // GM_OPS_TD
