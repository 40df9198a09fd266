//===- GradientCheck.h - autodiff against finite differences ---*- C++ -*-===//
//
// Checks the gradient gm-autodiff builds for a net against central finite
// differences of the reference evaluator in f64.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TOOLS_GRADIENTCHECK_H
#define GM_TOOLS_GRADIENTCHECK_H

#include "gm/GmOps.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::gm {

struct GradientCheckOptions {
  uint64_t seed = 0;
  /// Central-difference step, relative to max(1, |x|).
  double step = 1e-6;
  /// Pass when |analytic - numeric| <= absTolerance + relTolerance |numeric|.
  double absTolerance = 1e-6;
  double relTolerance = 1e-5;
  /// Also differentiate by the parameters the net reads (gm.load of a
  /// gm.param, in the net or the nets it calls), at their initial values.
  bool variables = false;
  /// Check at most this many elements of each tensor, evenly spaced (0:
  /// all): each element costs two evaluations of the net.
  int64_t elementsPerTensor = 0;
};

/// Checks d<f(x), w>/dx for the net `netName` of `model`, w a fixed random
/// tensor shaped like f's first result, with respect to every float
/// argument (random normal values) and, with `variables`, every parameter
/// the net reads. Prints a summary line per tensor and returns failure when
/// an element is outside the tolerance.
LogicalResult checkGradients(ModelOp model, StringRef netName,
                             const GradientCheckOptions &options,
                             llvm::raw_ostream &os);

} // namespace mlir::gm

#endif // GM_TOOLS_GRADIENTCHECK_H
