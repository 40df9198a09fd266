//===- Evaluator.h - the reference evaluator of gm IR ----------*- C++ -*-===//
//
// A slow, obviously-correct interpreter of gm IR: the oracle every backend is
// tested against. It holds the model's variables, runs phases step by step,
// calls nets and samplers, and draws random numbers and initial values from
// the same Philox streams as the runtime. Results are rounded to their
// element types after every op, unless all floats are promoted to f64.
//
//===----------------------------------------------------------------------===//

#ifndef GM_REFERENCE_EVALUATOR_H
#define GM_REFERENCE_EVALUATOR_H

#include "compiler/Reference/Kernels.h"
#include "compiler/Reference/RefTensor.h"

#include "gm/GmOps.h"

#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace mlir::gm::reference {

/// Where gm.next gets its batches.
class DataSource {
public:
  virtual ~DataSource() = default;
  /// The next batch of `dataset`: one tensor per result type of the gm.next.
  virtual FailureOr<SmallVector<RefTensor>> next(DatasetOp dataset,
                                                 TypeRange batchTypes) = 0;
};

/// Seeded stand-in data: float fields uniform in [0, 1), integer fields
/// uniform in [0, 10). Each batch differs.
class SyntheticData : public DataSource {
public:
  explicit SyntheticData(uint64_t seed) : seed_(seed) {}
  FailureOr<SmallVector<RefTensor>> next(DatasetOp dataset,
                                         TypeRange batchTypes) override;

private:
  uint64_t seed_;
  uint32_t batch_ = 0;
};

struct EvaluatorOptions {
  uint64_t seed = 0;
  /// Computes every float in f64 without rounding (gradient checks).
  bool promoteToF64 = false;
};

/// A scalar reported by a phase step.
struct Report {
  std::string name;
  double value;
};

class Evaluator {
public:
  Evaluator(ModelOp model, EvaluatorOptions options);

  /// Sets every gm.param and gm.state to its initializer's values.
  void initializeVariables();
  /// The current value of a variable; null if there is none of that name.
  RefTensor *variable(StringRef name);

  /// Runs one step of `phase` (its reports are appended to `reports`; one
  /// inside a repeat is the mean of its rounds, as the trainer's).
  LogicalResult runPhase(PhaseOp phase, uint32_t step, DataSource &data,
                         std::vector<Report> &reports);
  /// Calls a net or sampler with `args`.
  FailureOr<SmallVector<RefTensor>> call(FunctionOpInterface function,
                                         ArrayRef<RefTensor> args,
                                         uint32_t step = 0);

private:
  struct Frame;
  LogicalResult runBlock(Block &block, Frame &frame);
  LogicalResult runOp(Operation &op, Frame &frame);
  void round(RefTensor &t) const;

  ModelOp model_;
  EvaluatorOptions options_;
  SymbolTable symbols_;
  llvm::StringMap<RefTensor> variables_;
};

} // namespace mlir::gm::reference

#endif // GM_REFERENCE_EVALUATOR_H
