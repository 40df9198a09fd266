//===- GmOps.h - gm operations ---------------------------------*- C++ -*-===//
//
// Every gm op, generated from GmOps.td, plus the interfaces they implement.
//
//===----------------------------------------------------------------------===//

#ifndef GM_GMOPS_H
#define GM_GMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "gm/GmAttrs.h"
#include "gm/GmDialect.h"
#include "gm/TypeInference.h"

#include "gm/GmInterfaces.h.inc"

namespace mlir::gm {
/// The trait of Gm_GradientStops (GmBase.td): no gradient flows through.
template <typename ConcreteType>
class GradientStops
    : public mlir::OpTrait::TraitBase<ConcreteType, GradientStops> {};
/// The trait of Gm_BroadcastingElementwise (GmBase.td): see isElementwise.
template <typename ConcreteType>
class BroadcastingElementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastingElementwise> {};
} // namespace mlir::gm

#define GET_OP_CLASSES
#include "gm/GmOps.h.inc"

namespace mlir::gm {

/// Whether `op` computes each result element from the operand elements at
/// the same (broadcast) index alone (the Gm_BroadcastingElementwise trait:
/// the unary and binary math ops, comparisons, select, casts, broadcast).
/// These are what gm-fuse fuses and what a gm.fused body may hold.
bool isElementwise(Operation *op);

/// The shape of `value`, a ranked tensor (every gm tensor is).
inline ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// Whether elementwise `op` traps on a zero operand (integer division): it
/// may not run on elements whose values nobody reads, which may be zero
/// (gm-narrow-autoregressive, gm-window-rows).
bool trapsOnZero(Operation *op);

/// The shape of the bias a backend adds inside library op `library` (a
/// gm.fused epilogue, gm-fuse): one per output channel of a convolution
/// ([C, 1, 1]), one per column of a matmul ([N]).
SmallVector<int64_t> epilogueBiasShape(Operation *library);

/// How often `op` runs in a step: the product of the counts of the
/// gm.repeat ops around it (1 outside any).
int64_t repeatRounds(Operation *op);

/// The discardable attributes gm-plan-memory writes (MemoryPlan.h reads
/// them); the dialect verifies their form.
constexpr llvm::StringLiteral kPlacesAttr = "gm.places";
constexpr llvm::StringLiteral kPlaceAttr = "gm.place";
constexpr llvm::StringLiteral kArenaBytesAttr = "gm.arena_bytes";
constexpr llvm::StringLiteral kNaiveArenaBytesAttr = "gm.naive_arena_bytes";
constexpr llvm::StringLiteral kVariablesBytesAttr = "gm.variables_bytes";

/// gm-narrow-autoregressive's mark on a random op of a gm.autoregressive
/// body whose values matter only at the step's position: the backend draws
/// only the elements there (unit attribute; verified by
/// AutoregressiveOp::drawnOnlyAtPosition).
constexpr llvm::StringLiteral kAtPositionAttr = "gm.at_position";

/// Memory layouts of activation tensors (gm.reorder): row-major, or
/// oneDNN's channel-blocked nChw16c.
namespace layout {
constexpr llvm::StringLiteral plain = "plain", blocked = "blocked";
/// The attribute on an op listing its results' layouts.
constexpr llvm::StringLiteral attrName = "gm.layouts";
/// Channels of a blocked tensor are a multiple of this (so it takes the
/// bytes of the plain one).
constexpr int64_t channelMultiple = 16;
/// Whether a tensor of `type` has a shape that may be blocked: rank 4,
/// channels a multiple of channelMultiple.
bool hasBlockableShape(Type type);
/// Whether a tensor of `type` may be blocked: such a shape, f32 (what the
/// runtime's kernels read and write).
bool canBlock(Type type);
} // namespace layout

/// The shape `op`'s generated loop iterates over, if it is one: an
/// elementwise op's or gm.fused's result shape (its reduction's input shape
/// when it ends in one), a reduction's input shape; stop_gradient (an
/// alias) counts as one. Its operands and results of that shape ("loop
/// wide") share one layout, and the loop runs on either (blocked: over
/// N x C/16 x H x W x 16); the others, broadcast or reduced, are plain.
std::optional<ArrayRef<int64_t>> loopShape(Operation *op);
/// Whether `v`, an operand or result of `op`, has `op`'s loop shape.
bool isLoopWide(Operation *op, Value v);
/// Whether `op` is a library op that reads and writes activations in the
/// blocked layout (convolutions, batch norms; runtime-abi.md "layouts").
bool takesBlockedLayouts(Operation *op);
/// Whether `op` is a slice, pad or concat of rank-4 tensors that moves
/// whole blocks of channels (offsets and extents on the channel axis
/// multiples of layout::channelMultiple) of whole rows and columns. Such a
/// window is the same run of bytes per image in the blocked layout as in
/// the plain one, so its copy loop, which indexes plain, computes the same
/// on blocked operands and results (all of one layout).
bool isChannelWindow(Operation *op);
/// Whether `op` is a constant of one repeated value: the same bytes in
/// either layout.
bool isSplatConstant(Operation *op);

/// The layout `value` is stored in: a gm.reorder's, or what its op's
/// gm.layouts says (plain when absent).
StringRef layoutOf(Value value);
/// Records `result`'s layout in its op's gm.layouts.
void setLayout(OpResult result, StringRef layout);

} // namespace mlir::gm

#endif // GM_GMOPS_H
