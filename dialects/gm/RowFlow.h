//===- RowFlow.h - how rows pass through gm ops ----------------*- C++ -*-===//
//
// What the sampling passes know of row-causal ops: an op whose output row y
// reads rows y - reach..y of an operand alone. gm-window-rows computes such
// ops on the rows a step needs; gm-per-row (and the dialect, which checks
// its marks) finds those of them that are the same at every step of a row.
//
//===----------------------------------------------------------------------===//

#ifndef GM_ROWFLOW_H
#define GM_ROWFLOW_H

#include "gm/GmOps.h"

#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::gm {

/// How rows pass through an op: each result's row dimension, how many
/// rows above its own a result row reads (0: the op keeps rows), how
/// many rows above its own the nearest row it reads lies (a convolution
/// with mask A: 1; kNoRows when it reads none), and whether some values
/// are errors (an integer division by zero, a class out of range).
struct RowFlow {
  static constexpr int64_t kNoRows = int64_t(1) << 40;
  SmallVector<int64_t, 1> dims;
  int64_t reach = 0;
  int64_t lag = 0;
  bool fallible = false;
};

/// How the rows of `operand`, in its dimension `dim`, pass through `user`;
/// nothing when an output row reads other rows than the operand's own and
/// those above, or the op is not one known here.
std::optional<RowFlow> rowFlow(Operation *user, Value operand, int64_t dim);

/// The attribute gm-per-row puts on an op of a gm.autoregressive body over
/// [H, W, ...] whose value, in its rows at and above the step's row, is
/// the same at every step of a row from row N on (i64 N), and whose rows
/// below nothing the step keeps reads: the backend computes it at the
/// first step of each row, and at every step of rows 0..N-1.
constexpr llvm::StringLiteral kPerRowAttr = "gm.per_row";

/// The row N of `op`'s gm.per_row mark; nothing when it has none.
inline std::optional<int64_t> perRowMark(Operation *op) {
  if (auto from = op->getAttrOfType<IntegerAttr>(kPerRowAttr))
    return from.getInt();
  return std::nullopt;
}

/// The ops of `loop`'s body whose values are the same at every step of a
/// row, each with the first row from which they are (none when a row is
/// one step). Such an op computes from values fixed before the loop and
/// the step's row alone (from row 0), or its results' elements read the
/// canvas only in rows above their own, so their rows at and above the
/// step's read finished ones. Their rows below vary; from row 0 when what
/// the step keeps never reads them (every reader, up to the yield, keeps
/// rows or reads up and cannot fail), else only for windows
/// (gm.row_window) of R rows, from row R - 1, where no row lies below the
/// step's.
llvm::DenseMap<Operation *, int64_t> perRowOps(AutoregressiveOp loop);

} // namespace mlir::gm

#endif // GM_ROWFLOW_H
