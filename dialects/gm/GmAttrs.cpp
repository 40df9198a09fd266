//===- GmAttrs.cpp - gm attributes: initializers, optimizers, enums ---------===//
//
// Parsing helpers for double and bool parameters and the attributes'
// verifiers: an invalid hyper-parameter is an error where it is written.
//
//===----------------------------------------------------------------------===//

#include "gm/GmAttrs.h"
#include "gm/GmDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::gm;

FailureOr<Real> gm::parseDoubleParameter(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return Real(value);
}

void gm::printDoubleParameter(AsmPrinter &printer, double value) {
  // The shortest %g form that reads back exactly: `0.001`, not `1.000000e-03`.
  if (std::isfinite(value)) {
    for (int precision = 1; precision <= 17; ++precision) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
      std::string text = buffer;
      if (std::strtod(text.c_str(), nullptr) != value)
        continue;
      // MLIR float literals need a dot: `1.0`, `1.0e-20`, never `1e-20`.
      if (text.find('.') == std::string::npos)
        text.insert(std::min(text.find('e'), text.size()), ".0");
      printer.getStream() << text;
      return;
    }
  }
  printer.printFloat(llvm::APFloat(value));
}

FailureOr<bool> gm::parseBoolParameter(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("true")))
    return true;
  if (succeeded(parser.parseOptionalKeyword("false")))
    return false;
  return parser.emitError(parser.getCurrentLocation(),
                          "expected 'true' or 'false'");
}

#include "gm/GmEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "gm/GmAttrs.cpp.inc"

void GmDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "gm/GmAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult UniformAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  Real low, Real high) {
  if (!(low <= high))
    return emitError() << "uniform initializer needs low <= high, got ["
                       << low.value << ", " << high.value << ")";
  return success();
}

LogicalResult NormalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Real mean, Real std) {
  if (!(std >= 0))
    return emitError() << "normal initializer needs std >= 0, got "
                       << std.value;
  return success();
}

/// The checks every optimizer shares: a positive learning rate and a
/// non-negative weight decay.
static LogicalResult verifyCommon(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef name, double lr,
                                  double weightDecay) {
  if (!(lr > 0))
    return emitError() << name << " needs a positive learning rate, got " << lr;
  if (!(weightDecay >= 0))
    return emitError() << name << " needs weight_decay >= 0, got "
                       << weightDecay;
  return success();
}

LogicalResult SGDAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              Real lr, Real momentum, bool nesterov,
                              Real weightDecay) {
  if (failed(verifyCommon(emitError, "sgd", lr, weightDecay)))
    return failure();
  if (!(momentum >= 0 && momentum < 1))
    return emitError() << "sgd needs 0 <= momentum < 1, got " << momentum.value;
  if (nesterov && momentum == 0)
    return emitError() << "sgd with nesterov = true needs a momentum > 0";
  return success();
}

LogicalResult AdamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               Real lr, Real beta1, Real beta2, Real eps,
                               Real weightDecay, bool decoupled) {
  if (failed(verifyCommon(emitError, "adam", lr, weightDecay)))
    return failure();
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
    return emitError() << "adam needs betas in [0, 1), got (" << beta1.value
                       << ", " << beta2.value << ")";
  if (!(eps > 0))
    return emitError() << "adam needs eps > 0, got " << eps.value;
  return success();
}
