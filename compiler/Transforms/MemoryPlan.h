//===- MemoryPlan.h - reading the places gm-plan-memory assigns -*- C++ -*-===//
//
// gm-plan-memory writes a `#gm.place` for every value that needs bytes; the
// backends read them back through these helpers rather than through
// attribute names.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TRANSFORMS_MEMORYPLAN_H
#define GM_TRANSFORMS_MEMORYPLAN_H

#include "gm/GmOps.h"

namespace mlir::gm {

/// Every planned buffer starts at a multiple of this many bytes (a cache
/// line; what the widest vector loads like).
constexpr int64_t kBufferAlignment = 64;

/// Bytes of one element of a gm tensor (i1 is stored as one byte).
int64_t elementBytes(Type elementType);
/// Bytes of a whole tensor of `type`.
int64_t storageBytes(ShapedType type);
/// `bytes` rounded up to kBufferAlignment.
int64_t alignBuffer(int64_t bytes);

/// The place of a value: from its op's `gm.places`, or, for the body
/// argument of a gm.autoregressive, the place of the op's result. Null for
/// values that live in no buffer (constants and their aliases).
PlaceAttr getPlace(Value value);
/// `place` moved `bytes` further into its space.
PlaceAttr shiftPlace(PlaceAttr place, int64_t bytes);
/// When `slice` takes a contiguous run of its input's elements: the byte
/// offset of the run. gm-plan-memory makes such slices views.
std::optional<int64_t> contiguousSliceOffset(SliceOp slice);
/// When each input of `concat` is a contiguous run of its result: the runs'
/// byte offsets. gm-plan-memory may then place the inputs there.
std::optional<SmallVector<int64_t>> contiguousConcatOffsets(ConcatOp concat);
/// When `slice` takes its input's elements with unit strides, every
/// dimension after some axis whole, but not as one contiguous run (a
/// channel half of a batch of images): the byte offset of its first
/// element. gm-plan-memory makes such a slice a view when only loops read
/// it (loopShapeOf), and those loops index it as a window of the input.
std::optional<int64_t> stridedSliceOffset(SliceOp slice);
/// When `concat`'s inputs are not contiguous runs of its result (a concat
/// of channel halves): the byte offset of each input's first element in
/// the result. gm-plan-memory may compute an input that one loop makes for
/// the concat alone there, the loop writing a window of the result.
std::optional<SmallVector<int64_t>> stridedConcatOffsets(ConcatOp concat);
/// The iteration shape of the loop nest computing `op`, an elementwise op
/// or a gm.fused without a library op (its reduction's input shape, if it
/// reduces); nullopt for other ops.
std::optional<ArrayRef<int64_t>> loopShapeOf(Operation *op);
/// Whether the plan put `part` at byte `offset` of `whole` (so copying one
/// to the other is nothing to do).
bool sharesBytes(Value part, Value whole, int64_t offset);
/// The place of a gm.param or gm.state; null before planning.
PlaceAttr getPlace(Operation *variable);
/// The places a planned gm.return copies its operands to.
SmallVector<PlaceAttr> getReturnPlaces(ReturnOp op);
/// Arena bytes of a planned phase, sampler or model (0 when unplanned).
int64_t getArenaBytes(Operation *op);
/// Arena bytes a phase or sampler would need without reuse: every buffer
/// its own bytes (what the plan saves is the difference).
int64_t getNaiveArenaBytes(Operation *op);
/// Bytes of all variables of a planned model (0 when unplanned).
int64_t getVariablesBytes(ModelOp model);

} // namespace mlir::gm

#endif // GM_TRANSFORMS_MEMORYPLAN_H
