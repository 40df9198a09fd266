//===- Kernels.h - per-op semantics of the reference evaluator -*- C++ -*-===//
//
// Each family of gm math ops evaluated with plain loops in double, the
// obviously-correct way (no blocking, no vectorization). A family function
// returns failure when the op is not one of its own; the evaluator tries the
// families in turn.
//
//===----------------------------------------------------------------------===//

#ifndef GM_REFERENCE_KERNELS_H
#define GM_REFERENCE_KERNELS_H

#include "compiler/Reference/RefTensor.h"

#include "mlir/IR/Operation.h"

namespace mlir::gm::reference {

/// What random ops draw from: the run's seed, the step and the flattened
/// iteration of the enclosing gm.repeat ops.
struct RandomContext {
  uint64_t seed = 0;
  uint32_t step = 0;
  uint32_t iteration = 0;
};

using Operands = ArrayRef<const RefTensor *>;

/// The results of `op`, created zero-filled with the op's result types.
SmallVector<RefTensor> resultsOf(Operation *op);

/// For each linear index of `outShape`, the linear index of `inShape`
/// broadcast to it (numpy rules).
std::vector<int64_t> broadcastIndices(ArrayRef<int64_t> inShape,
                                      ArrayRef<int64_t> outShape);

LogicalResult evaluateElementwise(Operation *op, Operands in,
                                  SmallVectorImpl<RefTensor> &out);
LogicalResult evaluateNN(Operation *op, Operands in,
                         SmallVectorImpl<RefTensor> &out);
LogicalResult evaluateShape(Operation *op, Operands in,
                            SmallVectorImpl<RefTensor> &out);
LogicalResult evaluateRandom(Operation *op, Operands in,
                             const RandomContext &random,
                             SmallVectorImpl<RefTensor> &out);

} // namespace mlir::gm::reference

#endif // GM_REFERENCE_KERNELS_H
