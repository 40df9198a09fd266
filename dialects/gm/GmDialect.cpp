//===- GmDialect.cpp - the gm dialect -------------------------------------===//
//
// Registers the gm ops and attributes and materializes folded constants.
//
//===----------------------------------------------------------------------===//

#include "gm/GmDialect.h"
#include "gm/GmOps.h"
#include "gm/RowFlow.h"

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

/// The discardable attributes are an interface between passes (planned IR
/// is what gm-to-cpu's tests are written in): a malformed one is an error
/// here, not a crash in the pass that reads it.
LogicalResult GmDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  Attribute value = attribute.getValue();
  auto arrayOf = [&](unsigned count, llvm::function_ref<bool(Attribute)> ok,
                     const Twine &what) -> LogicalResult {
    auto array = dyn_cast<ArrayAttr>(value);
    if (array && array.size() == count && llvm::all_of(array, ok))
      return success();
    return op->emitOpError()
           << "attribute '" << name << "' must be an array of " << count << " "
           << what;
  };
  if (name == kPlacesAttr) {
    bool returns = isa<ReturnOp>(op);
    return arrayOf(
        returns ? op->getNumOperands() : op->getNumResults(),
        [](Attribute a) { return isa<PlaceAttr>(a); },
        returns ? "#gm.place (one per returned value)"
                : "#gm.place (one per result)");
  }
  if (name == kPlaceAttr) {
    if (isa<PlaceAttr>(value))
      return success();
    return op->emitOpError()
           << "attribute '" << name << "' must be a #gm.place";
  }
  if (name == layout::attrName)
    return arrayOf(
        op->getNumResults(),
        [](Attribute a) {
          auto s = dyn_cast<StringAttr>(a);
          return s && (s.getValue() == layout::plain ||
                       s.getValue() == layout::blocked);
        },
        "layouts, \"plain\" or \"blocked\" (one per result)");
  if (name == kArenaBytesAttr || name == kNaiveArenaBytesAttr ||
      name == kVariablesBytesAttr) {
    auto bytes = dyn_cast<IntegerAttr>(value);
    if (bytes && !bytes.getValue().isNegative())
      return success();
    return op->emitOpError() << "attribute '" << name
                             << "' must be a byte count (an integer >= 0)";
  }
  if (name == kAtPositionAttr) {
    if (!isa<UnitAttr>(value))
      return op->emitOpError()
             << "attribute '" << name << "' must be a unit attribute";
    auto loop = dyn_cast_if_present<AutoregressiveOp>(op->getParentOp());
    if (!isa<RandomOpInterface>(op) || !loop)
      return op->emitOpError()
             << "attribute '" << name
             << "' belongs on a random op of a gm.autoregressive body";
    // The backend leaves the other elements undrawn: they must not matter.
    if (!loop.drawnOnlyAtPosition(op))
      return op->emitOpError()
             << "attribute '" << name
             << "' marks a draw whose values are read at other positions "
                "than the step's (or that is not a whole number of lines)";
    return success();
  }
  if (name == kPerRowAttr) {
    auto from = dyn_cast<IntegerAttr>(value);
    if (!from || from.getValue().isNegative())
      return op->emitOpError()
             << "attribute '" << name << "' must be a row (an integer >= 0)";
    if (!isa_and_present<AutoregressiveOp>(op->getParentOp()))
      return op->emitOpError() << "attribute '" << name
                               << "' belongs on an op of a gm.autoregressive "
                                  "body";
    return success(); // the loop checks the row (AutoregressiveOp)
  }
  return op->emitOpError() << "has an unknown gm attribute '" << name << "'";
}

Operation *GmDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
