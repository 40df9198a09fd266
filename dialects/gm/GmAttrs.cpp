//===- GmAttrs.cpp - gm attributes: initializers, optimizers, enums ------===//
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

std::string gm::formatReal(double value) {
  if (!std::isfinite(value))
    return value != value ? "nan" : (value > 0 ? "inf" : "-inf");
  // The shortest %g form that reads back exactly: `0.001`, not `1.000000e-03`.
  std::string text;
  for (int precision = 1; precision <= 17; ++precision) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    text = buffer;
    if (std::strtod(buffer, nullptr) == value)
      break;
  }
  // MLIR float literals need a dot: `1.0`, `1.0e-20`, never `1e-20`.
  if (text.find('.') == std::string::npos)
    text.insert(std::min(text.find('e'), text.size()), ".0");
  return text;
}

void gm::printDoubleParameter(AsmPrinter &printer, double value) {
  if (std::isfinite(value))
    printer.getStream() << formatReal(value);
  else
    printer.printFloat(llvm::APFloat(value)); // The hex form reads back.
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
                       << formatReal(low) << ", " << formatReal(high) << ")";
  return success();
}

LogicalResult NormalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Real mean, Real std) {
  if (!(std >= 0))
    return emitError() << "normal initializer needs std >= 0, got "
                       << formatReal(std);
  return success();
}

std::string gm::optimizerParameterProblem(StringRef name, double value) {
  auto got = [&] { return ", got " + formatReal(value); };
  if (name == "lr")
    return value > 0 ? "" : "a positive learning rate" + got();
  if (name == "weight_decay")
    return value >= 0 ? "" : "weight_decay >= 0" + got();
  if (name == "eps")
    return value > 0 ? "" : "eps > 0" + got();
  // momentum, beta1, beta2: a decay of past steps.
  return value >= 0 && value < 1 ? "" : "0 <= " + name.str() + " < 1" + got();
}

/// Verifies hyper-parameters by optimizerParameterProblem.
static LogicalResult
verifyParameters(function_ref<InFlightDiagnostic()> emitError,
                 StringRef optimizer,
                 std::initializer_list<std::pair<StringRef, double>> values) {
  for (auto [name, value] : values)
    if (std::string problem = optimizerParameterProblem(name, value);
        !problem.empty())
      return emitError() << optimizer << " needs " << problem;
  return success();
}

LogicalResult SGDAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              Real lr, Real momentum, bool nesterov,
                              Real weightDecay) {
  if (failed(verifyParameters(
          emitError, "sgd",
          {{"lr", lr}, {"momentum", momentum}, {"weight_decay", weightDecay}})))
    return failure();
  if (nesterov && momentum == 0)
    return emitError() << "sgd with nesterov = true needs a momentum > 0";
  return success();
}

LogicalResult AdamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               Real lr, Real beta1, Real beta2, Real eps,
                               Real weightDecay, bool decoupled) {
  // The front end's adamw(...) is adam with decoupled decay: say its name.
  return verifyParameters(emitError, decoupled ? "adamw" : "adam",
                          {{"lr", lr},
                           {"beta1", beta1},
                           {"beta2", beta2},
                           {"eps", eps},
                           {"weight_decay", weightDecay}});
}
