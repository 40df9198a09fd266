//===- GmDialect.cpp - the gm dialect -------------------------------------===//
//
// Registers the gm ops and attributes and materializes folded constants.
//
//===----------------------------------------------------------------------===//

#include "gm/GmDialect.h"
#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

#include "gm/GmDialect.cpp.inc"

void GmDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "gm/GmOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *GmDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
