//===- ReverseMode.h - reverse-mode differentiation ----------*- C++ -*-===//
//
// The engine of gm-autodiff: the gradient of one scalar with respect to any
// values it depends on, built from the ops' GradientOpInterface rules. It
// knows no op by name.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TRANSFORMS_REVERSEMODE_H
#define GM_TRANSFORMS_REVERSEMODE_H

#include "gm/GmOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::gm {

class ReverseMode {
public:
  /// Records the ops `target` depends on, in topological order: through
  /// operands, and through the outside values a body uses.
  explicit ReverseMode(Value target);

  /// The ops the target depends on, producers first.
  ArrayRef<Operation *> tape() const { return tape_; }

  /// Builds d target / d x for each x of `wrt` at the builder's insertion
  /// point, which every value involved must dominate. An entry is null when
  /// no gradient reaches x (zero): ops marked GradientStops pass none.
  /// Fails, with an error, when the gradient reaches an op with neither a
  /// rule nor that mark, or flows into a body, and when a rule fails.
  FailureOr<SmallVector<Value>> gradients(OpBuilder &builder,
                                          ArrayRef<Value> wrt);

  /// When the target depends on `x` only through GradientStops ops, the
  /// first such op on the way; null otherwise.
  Operation *blockingOp(Value x) const;

  /// Whether the target depends on `x` at all (through any ops).
  bool dependsOn(Value x) const;

private:
  enum class Reach { None, Differentiable, Blocked };
  struct Dependence {
    llvm::DenseMap<Value, Reach> reach;
    llvm::DenseMap<Value, Operation *> blocker;
    /// Ops whose body yields a value that depends differentiably on `wrt`.
    llvm::DenseSet<Operation *> activeBodies;
  };
  /// How an op's inputs depend on `wrt`: the strongest reach among them,
  /// with the op that blocked it.
  struct Meet {
    Reach reach = Reach::None;
    Operation *blocker = nullptr;
    /// The stronger of the two (Differentiable over Blocked over None).
    void join(const Meet &other);
    void add(const Dependence &d, Value v);
  };
  /// Propagates dependence on `wrt` forward along the tape.
  Dependence propagate(ArrayRef<Value> wrt) const;
  /// Sets the reach of `op`'s results (and of its body's values).
  void step(Operation *op, Dependence &d,
            const llvm::DenseSet<Value> &sources) const;

  Value target_;
  SmallVector<Operation *> tape_;
};

} // namespace mlir::gm

#endif // GM_TRANSFORMS_REVERSEMODE_H
