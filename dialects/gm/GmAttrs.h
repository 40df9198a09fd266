//===- GmAttrs.h - gm attributes -------------------------------*- C++ -*-===//
//
// Initializer and optimizer attributes and the dialect's enums.
//
//===----------------------------------------------------------------------===//

#ifndef GM_GMATTRS_H
#define GM_GMATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/bit.h"

namespace mlir::gm {

/// A real-valued attribute parameter (a learning rate, an initializer bound).
/// Attribute storage hashes its parameters and LLVM has no hash for double;
/// this wrapper provides one and converts to double wherever one is expected.
struct Real {
  double value = 0;
  Real(double value = 0) : value(value) {}
  operator double() const { return value; }
};
/// Hashes the bits, like the comparator compares them (so -0.0 and 0.0 differ).
inline llvm::hash_code hash_value(Real r) {
  return llvm::hash_value(llvm::bit_cast<uint64_t>(r.value));
}
inline bool sameBits(Real a, Real b) {
  return llvm::bit_cast<uint64_t>(a.value) == llvm::bit_cast<uint64_t>(b.value);
}

/// Parses a float written as a float or integer literal (`1e-3`, `0.5`, `2`).
FailureOr<Real> parseDoubleParameter(AsmParser &parser);
/// The shortest text that reads back as `value`, always with a dot (`1.0`,
/// `0.001`, `1.0e-20`): how hyper-parameters print in IR and diagnostics.
std::string formatReal(double value);
/// Prints a double in a form that parses back to the same value.
void printDoubleParameter(AsmPrinter &printer, double value);
/// Parses the keyword `true` or `false`.
FailureOr<bool> parseBoolParameter(AsmParser &parser);

/// What an optimizer needs of its hyper-parameter `name` (`lr`, `momentum`,
/// `beta1`, `beta2`, `eps`, `weight_decay`) that `value` is not, as
/// `a positive learning rate, got -1.0`; empty when the value is valid. The
/// optimizer attributes verify with it, and front ends check each argument
/// with it where the argument is written.
std::string optimizerParameterProblem(llvm::StringRef name, double value);

} // namespace mlir::gm

#include "gm/GmEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "gm/GmAttrs.h.inc"

#endif // GM_GMATTRS_H
