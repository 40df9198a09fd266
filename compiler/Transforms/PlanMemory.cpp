//===- PlanMemory.cpp - gm-plan-memory: one arena, planned offline --------===//
//
// Lays out the variables, then, for each phase and sampler, groups values
// that must share bytes (aliases) into buffers, computes each buffer's live
// interval over the program order and packs the buffers greedily, largest
// first. See Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/MemoryPlan.h"
#include "compiler/Transforms/Passes.h"
#include "gm/RowFlow.h"

#include "llvm/ADT/EquivalenceClasses.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMPLANMEMORY
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

//===----------------------------------------------------------------------===//
// Reading the plan
//===----------------------------------------------------------------------===//

int64_t gm::elementBytes(Type elementType) {
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits <= 8 ? 1 : bits / 8;
}

int64_t gm::storageBytes(ShapedType type) {
  return type.getNumElements() * elementBytes(type.getElementType());
}

int64_t gm::alignBuffer(int64_t bytes) {
  return (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
}

PlaceAttr gm::getPlace(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto ar = dyn_cast<AutoregressiveOp>(arg.getOwner()->getParentOp()))
      return getPlace(ar.getResult());
    return {};
  }
  auto places = value.getDefiningOp()->getAttrOfType<ArrayAttr>(kPlacesAttr);
  if (!places)
    return {};
  return dyn_cast<PlaceAttr>(places[cast<OpResult>(value).getResultNumber()]);
}

PlaceAttr gm::getPlace(Operation *variable) {
  return variable->getAttrOfType<PlaceAttr>(kPlaceAttr);
}

SmallVector<PlaceAttr> gm::getReturnPlaces(ReturnOp op) {
  SmallVector<PlaceAttr> result;
  if (auto places = op->getAttrOfType<ArrayAttr>(kPlacesAttr))
    for (Attribute a : places)
      result.push_back(cast<PlaceAttr>(a));
  return result;
}

int64_t gm::getArenaBytes(Operation *op) {
  auto bytes = op->getAttrOfType<IntegerAttr>(kArenaBytesAttr);
  return bytes ? bytes.getInt() : 0;
}

int64_t gm::getNaiveArenaBytes(Operation *op) {
  auto bytes = op->getAttrOfType<IntegerAttr>(kNaiveArenaBytesAttr);
  return bytes ? bytes.getInt() : 0;
}

int64_t gm::getVariablesBytes(ModelOp model) {
  auto bytes = model->getAttrOfType<IntegerAttr>(kVariablesBytesAttr);
  return bytes ? bytes.getInt() : 0;
}

PlaceAttr gm::shiftPlace(PlaceAttr place, int64_t bytes) {
  return PlaceAttr::get(place.getContext(), place.getSpace(),
                        place.getOffset() + bytes);
}

/// The byte offset of `slice`'s first element in its input, when it takes
/// elements with unit strides.
static std::optional<int64_t> unitStrideOffset(SliceOp slice) {
  if (auto strides = slice.getStrides())
    if (llvm::any_of(*strides, [](int64_t s) { return s != 1; }))
      return std::nullopt;
  ArrayRef<int64_t> shape =
      cast<ShapedType>(slice.getInput().getType()).getShape();
  int64_t offset = 0;
  for (auto [extent, at] : llvm::zip(shape, slice.getOffsets()))
    offset = offset * extent + at;
  Type element = cast<ShapedType>(slice.getType()).getElementType();
  return offset * elementBytes(element);
}

std::optional<int64_t> gm::contiguousSliceOffset(SliceOp slice) {
  ArrayRef<int64_t> shape =
      cast<ShapedType>(slice.getInput().getType()).getShape();
  ArrayRef<int64_t> sizes = slice.getSizes();
  // Contiguous when, for some dimension d, the dimensions before d are
  // taken one index at a time and those after d whole.
  size_t rank = shape.size(), d = 0;
  while (d < rank && sizes[d] == 1)
    ++d;
  for (size_t k = d + 1; k < rank; ++k)
    if (sizes[k] != shape[k])
      return std::nullopt;
  return unitStrideOffset(slice);
}

std::optional<SmallVector<int64_t>>
gm::contiguousConcatOffsets(ConcatOp concat) {
  auto type = cast<ShapedType>(concat.getType());
  // Contiguous when the dimensions before the axis are all 1.
  for (int64_t k = 0; k < int64_t(concat.getAxis()); ++k)
    if (type.getDimSize(k) != 1)
      return std::nullopt;
  SmallVector<int64_t> offsets;
  int64_t at = 0;
  for (Value input : concat.getInputs()) {
    offsets.push_back(at);
    at += storageBytes(cast<ShapedType>(input.getType()));
  }
  return offsets;
}

std::optional<int64_t> gm::stridedSliceOffset(SliceOp slice) {
  if (contiguousSliceOffset(slice))
    return std::nullopt;
  ArrayRef<int64_t> shape =
      cast<ShapedType>(slice.getInput().getType()).getShape();
  ArrayRef<int64_t> sizes = slice.getSizes();
  // The innermost dimension narrowed; those after it are whole.
  int64_t axis = static_cast<int64_t>(shape.size()) - 1;
  while (axis > 0 && sizes[axis] == shape[axis])
    --axis;
  if (sizes[axis] == shape[axis])
    return std::nullopt;
  return unitStrideOffset(slice);
}

std::optional<SmallVector<int64_t>> gm::stridedConcatOffsets(ConcatOp concat) {
  if (contiguousConcatOffsets(concat))
    return std::nullopt;
  auto type = cast<ShapedType>(concat.getType());
  int64_t inner = 1;
  for (int64_t k = concat.getAxis() + 1; k < type.getRank(); ++k)
    inner *= type.getDimSize(k);
  SmallVector<int64_t> offsets;
  int64_t at = 0, bytes = elementBytes(type.getElementType());
  for (Value input : concat.getInputs()) {
    offsets.push_back(at * inner * bytes);
    at += cast<ShapedType>(input.getType()).getDimSize(concat.getAxis());
  }
  return offsets;
}

// Not gm::loopShape: a reduction of its own reads its input whole
// (reductionNest), not through a window; only a gm.fused's reduction
// reads its inputs as the fused chain's.
std::optional<ArrayRef<int64_t>> gm::loopShapeOf(Operation *op) {
  auto shapeOf = [](Value v) {
    return cast<ShapedType>(v.getType()).getShape();
  };
  if (isElementwise(op))
    return shapeOf(op->getResult(0));
  auto fused = dyn_cast<FusedOp>(op);
  if (!fused || fused.getLibraryOp())
    return std::nullopt;
  if (Operation *reduction = fused.getReduction())
    return shapeOf(reduction->getOperand(0));
  return shapeOf(fused.getResult(0));
}

bool gm::sharesBytes(Value part, Value whole, int64_t offset) {
  PlaceAttr partPlace = getPlace(part), wholePlace = getPlace(whole);
  return partPlace && wholePlace && partPlace == shiftPlace(wholePlace, offset);
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

namespace {

/// Visits the ops of `block` and of nested regions, but not the bodies of
/// gm.fused ops (their values have no buffers).
void walkOutsideFused(Block &block, function_ref<void(Operation *)> visit) {
  for (Operation &op : block) {
    visit(&op);
    if (!isa<FusedOp>(op))
      for (Region &region : op.getRegions())
        for (Block &inner : region)
          walkOutsideFused(inner, visit);
  }
}

/// Bytes that some values share for an interval of the program.
struct Buffer {
  enum Kind { Arena, Variable, Constant };
  Kind kind = Arena;
  int64_t bytes = 0;
  /// Live from the op at `begin` to the op at `end` (positions in program
  /// order), inclusive.
  int64_t begin = 0, end = 0;
  /// Where a `Variable` buffer's bytes start in the variables buffer.
  int64_t variableOffset = 0;
  /// Offset in the arena (`Arena`) once packed.
  int64_t offset = -1;
  /// Creation order: the last tie-break when packing, so that plans do not
  /// depend on where values happen to be allocated.
  int64_t order = 0;
};

/// The plan of one phase or sampler body.
class BodyPlanner {
public:
  BodyPlanner(Block &body, const llvm::StringMap<int64_t> &variableOffsets)
      : body_(body), variableOffsets_(variableOffsets) {}

  /// The variables whose loads `concat` joins, in order, when it is
  /// contiguous and joins nothing else.
  static std::optional<SmallVector<StringAttr>>
  joinedVariables(ConcatOp concat);

  /// Plans the body, writes the places and returns the arena bytes.
  int64_t run();
  /// After run(): the arena bytes without reuse (each buffer its own).
  int64_t naiveBytes() const { return naiveBytes_; }

private:
  void number();
  void formBuffers();
  void computeLiveness();
  void collectStores();
  bool clobbered(Value leader, const Buffer &buffer) const;
  void copyClobberedLoads();
  void viewConcatsOfVariables();
  void updateVariablesInPlace();
  bool updatesInPlace(Operation *op, Value result, Value input) const;
  void addOutputSlots();
  int64_t pack();
  void writePlaces();

  /// The buffer of `value`, creating one of `kind` for a new class.
  Buffer &bufferOf(Value value);
  /// Where a use by `user` keeps a value defined at `def` live until: the
  /// end of the outermost loop around the use that does not contain `def`.
  int64_t usePosition(Operation *user, Operation *def) const;
  /// Makes `part` share the bytes of `whole` from byte `offset` on.
  void alias(Value part, Value whole, int64_t offset);
  /// Computes `part` (and everything sharing its bytes) at byte `offset` of
  /// `whole` instead of in bytes of its own, when it owns its bytes outright.
  void placeInside(Value part, Value whole, int64_t offset);

  /// A store: where it runs, the variable bytes it writes, what it writes.
  struct Store {
    int64_t at, begin, end;
    Value value;
  };

  Block &body_;
  const llvm::StringMap<int64_t> &variableOffsets_;
  llvm::DenseMap<Operation *, int64_t> position_, endPosition_;
  int64_t lastPosition_ = 0;
  /// Values that share bytes, keyed by a representative value.
  llvm::EquivalenceClasses<Value> aliases_;
  llvm::DenseMap<Value, Buffer> buffers_; // by leader
  /// Where each value starts within its buffer (0 unless it is a part).
  llvm::DenseMap<Value, int64_t> offsetInBuffer_;
  SmallVector<Store> stores_;
  int64_t naiveBytes_ = 0;
  SmallVector<Buffer> outputs_;
  ReturnOp return_;
};

} // namespace

void BodyPlanner::number() {
  int64_t next = 0;
  std::function<void(Block &)> visit = [&](Block &block) {
    for (Operation &op : block) {
      position_[&op] = next++;
      // A fused body's values live in registers, not in buffers.
      if (!isa<FusedOp>(op))
        for (Region &region : op.getRegions())
          for (Block &inner : region)
            visit(inner);
      endPosition_[&op] = next - 1;
    }
  };
  visit(body_);
  lastPosition_ = next - 1;
}

Buffer &BodyPlanner::bufferOf(Value value) {
  return buffers_[aliases_.getLeaderValue(value)];
}

void BodyPlanner::alias(Value part, Value whole, int64_t offset) {
  aliases_.unionSets(whole, part);
  offsetInBuffer_[part] = offsetInBuffer_.lookup(whole) + offset;
}

void BodyPlanner::placeInside(Value part, Value whole, int64_t offset) {
  if (offsetInBuffer_.lookup(part) != 0)
    return;
  // The class's own buffer is keyed by the value that created it.
  Value root;
  for (Value member : aliases_.members(part)) {
    if (isa<BlockArgument>(member))
      return; // a loop's canvas: written in place
    if (buffers_.count(member))
      root = member;
  }
  if (!root)
    return;
  const Buffer &buffer = buffers_[root];
  if (buffer.kind != Buffer::Arena ||
      buffer.bytes != storageBytes(cast<ShapedType>(part.getType())))
    return;
  int64_t at = offsetInBuffer_.lookup(whole) + offset;
  for (Value member : aliases_.members(part))
    offsetInBuffer_[member] += at;
  buffers_.erase(root);
  aliases_.unionSets(whole, part);
}

/// Whether only loop nests over `value`'s own shape read it (no broadcast):
/// they can index it as a window of another buffer.
static bool readOnlyByLoops(Value value) {
  auto shape = cast<ShapedType>(value.getType()).getShape();
  return !value.use_empty() &&
         llvm::all_of(value.getUsers(), [&](Operation *user) {
           std::optional<ArrayRef<int64_t>> loop = loopShapeOf(user);
           return loop && *loop == shape;
         });
}

/// Whether `input` of `concat` is a result a loop nest over its shape makes
/// for the concat alone: the loop can write it into a window of the concat.
static bool writtenByLoopFor(Value input, ConcatOp concat) {
  Operation *def = input.getDefiningOp();
  std::optional<ArrayRef<int64_t>> loop = def ? loopShapeOf(def) : std::nullopt;
  return loop && input.hasOneUse() &&
         *loop == cast<ShapedType>(input.getType()).getShape() &&
         !(isa<FusedOp>(def) && cast<FusedOp>(def).getReduction());
}

/// Whether a window `op` (a slice or concat) takes of or gives to `part`
/// is the same bytes in the layout they share: any window in the plain
/// layout, whole channel blocks of whole images in the blocked one.
static bool windowKeepsLayout(Operation *op, Value part) {
  StringRef layout = layoutOf(op->getResult(0));
  if (layoutOf(part) != layout)
    return false;
  return layout != layout::blocked || isChannelWindow(op);
}

/// The value whose bytes `value` shares, through views, or null for
/// constants and block arguments (no bytes of their own to share).
static Value viewedRoot(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<ConstantOp>(def))
      return {};
    if (!isa<ReshapeOp, StopGradientOp, SliceOp>(def))
      return value;
    value = def->getOperand(0);
  }
  return {};
}

void BodyPlanner::formBuffers() {
  walkOutsideFused(body_, [&](Operation *op) {
    for (Value result : op->getResults()) {
      auto type = cast<ShapedType>(result.getType());
      if (isa<ReshapeOp, StopGradientOp>(op)) {
        alias(result, op->getOperand(0), 0);
        continue;
      }
      // A contiguous slice of a buffer is a view of it; so is a strided
      // one that only loops read, as a window.
      if (auto slice = dyn_cast<SliceOp>(op)) {
        std::optional<int64_t> offset = contiguousSliceOffset(slice);
        if (!offset && readOnlyByLoops(result) &&
            windowKeepsLayout(slice, slice.getInput()))
          offset = stridedSliceOffset(slice);
        if (offset && viewedRoot(slice.getInput())) {
          alias(result, slice.getInput(), *offset);
          continue;
        }
      }
      aliases_.insert(result);
      Buffer &buffer = buffers_[result];
      buffer.bytes = storageBytes(type);
      buffer.order = static_cast<int64_t>(buffers_.size());
      if (isa<ConstantOp>(op)) {
        buffer.kind = Buffer::Constant;
      } else if (auto load = dyn_cast<LoadOp>(op)) {
        buffer.kind = Buffer::Variable;
        buffer.variableOffset =
            variableOffsets_.lookup(load.getVariableAttr().getValue());
      }
    }
    // The inputs of a contiguous concat are computed where it needs them;
    // of a strided one, those a loop makes for it alone, into a window.
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      if (std::optional<SmallVector<int64_t>> runs =
              contiguousConcatOffsets(concat))
        for (auto [input, run] : llvm::zip(concat.getInputs(), *runs))
          placeInside(input, concat.getResult(), run);
      if (std::optional<SmallVector<int64_t>> runs =
              stridedConcatOffsets(concat))
        for (auto [input, run] : llvm::zip(concat.getInputs(), *runs))
          if (writtenByLoopFor(input, concat) &&
              windowKeepsLayout(concat, input))
            placeInside(input, concat.getResult(), run);
    }
    // The canvas of an autoregressive loop is its result's buffer.
    if (auto ar = dyn_cast<AutoregressiveOp>(op))
      aliases_.unionSets(ar.getResult(), ar.getBody().getArgument(0));
  });
  // Union may have changed leaders: re-key each buffer by its class leader.
  llvm::DenseMap<Value, Buffer> byLeader;
  for (auto &[value, buffer] : buffers_)
    byLeader[aliases_.getLeaderValue(value)] = buffer;
  buffers_ = std::move(byLeader);
}

int64_t BodyPlanner::usePosition(Operation *user, Operation *def) const {
  int64_t at = position_.lookup(user);
  for (Operation *loop = user->getParentOp(); loop && loop != def;
       loop = loop->getParentOp()) {
    if (!position_.count(loop))
      break; // left the body
    if (loop->isAncestor(def))
      break;
    at = endPosition_.lookup(loop);
  }
  return at;
}

/// Whether `value`, a result of `def`, is read at steps of a row where
/// `def` does not run: `def` runs at a row's first step and at every step
/// of the rows before its gm.per_row, so a reader that runs at more steps
/// (no mark, or a later row) may find it computed a step before.
static bool keptAlongRows(Value value, Operation *def) {
  std::optional<int64_t> from = perRowMark(def);
  if (!from)
    return false;
  return llvm::any_of(value.getUsers(), [&](Operation *user) {
    // A reader in a nested loop runs when that loop does: at every step.
    Operation *reader = def->getBlock()->findAncestorOpInBlock(*user);
    std::optional<int64_t> readerFrom =
        reader ? perRowMark(reader) : std::nullopt;
    return !readerFrom || *readerFrom > *from;
  });
}

void BodyPlanner::computeLiveness() {
  for (auto &entry : buffers_) {
    entry.second.begin = INT64_MAX;
    entry.second.end = -1;
  }
  auto visitValue = [&](Value value, Operation *def) {
    Buffer &buffer = bufferOf(value);
    buffer.begin = std::min(buffer.begin, position_.lookup(def));
    buffer.end = std::max(buffer.end, position_.lookup(def));
    for (Operation *user : value.getUsers())
      buffer.end = std::max(buffer.end, usePosition(user, def));
    // A value computed once per row (gm-per-row) that a reader may need at
    // a step where it is not computed keeps its bytes through the loop.
    if (keptAlongRows(value, def)) {
      Operation *loop = def->getParentOp();
      buffer.begin = std::min(buffer.begin, position_.lookup(loop));
      buffer.end = std::max(buffer.end, endPosition_.lookup(loop));
    }
  };
  walkOutsideFused(body_, [&](Operation *op) {
    for (Value result : op->getResults())
      visitValue(result, op);
    // Loop bodies' arguments alias buffers (the autoregressive canvas); a
    // fused body's are registers.
    if (!isa<FusedOp>(op))
      for (Region &region : op->getRegions())
        for (BlockArgument arg : region.getArguments())
          visitValue(arg, op);
  });
}

void BodyPlanner::collectStores() {
  body_.walk([&](StoreOp store) {
    int64_t begin = variableOffsets_.lookup(store.getVariable());
    int64_t bytes = storageBytes(cast<ShapedType>(store.getValue().getType()));
    stores_.push_back(
        {position_.lookup(store), begin, begin + bytes, store.getValue()});
  });
}

bool BodyPlanner::clobbered(Value leader, const Buffer &buffer) const {
  int64_t begin = buffer.variableOffset, end = begin + buffer.bytes;
  for (const Store &store : stores_) {
    if (store.end <= begin || end <= store.begin)
      continue;
    // Storing a value over its own bytes changes nothing.
    if (aliases_.getLeaderValue(store.value) == leader &&
        begin + offsetInBuffer_.lookup(store.value) == store.begin)
      continue;
    if (buffer.begin < store.at && store.at <= buffer.end)
      return true;
  }
  return false;
}

void BodyPlanner::copyClobberedLoads() {
  for (auto &[leader, buffer] : buffers_)
    if (buffer.kind == Buffer::Variable && clobbered(leader, buffer))
      buffer.kind = Buffer::Arena;
}

std::optional<SmallVector<StringAttr>>
BodyPlanner::joinedVariables(ConcatOp concat) {
  if (!contiguousConcatOffsets(concat))
    return std::nullopt;
  SmallVector<StringAttr> names;
  for (Value input : concat.getInputs()) {
    while (isa_and_nonnull<ReshapeOp, StopGradientOp>(input.getDefiningOp()))
      input = input.getDefiningOp()->getOperand(0);
    auto load = input.getDefiningOp<LoadOp>();
    if (!load || llvm::is_contained(names, load.getVariableAttr().getAttr()))
      return std::nullopt;
    names.push_back(load.getVariableAttr().getAttr());
  }
  return names;
}

void BodyPlanner::viewConcatsOfVariables() {
  // A concat of variables that lie back to back, each read in place, reads
  // them in place too (the optimizers' flat view of a model's parameters).
  walkOutsideFused(body_, [&](Operation *op) {
    auto concat = dyn_cast<ConcatOp>(op);
    if (!concat)
      return;
    std::optional<SmallVector<int64_t>> offsets =
        contiguousConcatOffsets(concat);
    if (!offsets)
      return;
    Value leader = aliases_.getLeaderValue(concat.getResult());
    Buffer &buffer = buffers_[leader];
    if (buffer.kind != Buffer::Arena)
      return;
    std::optional<int64_t> start;
    for (auto [input, offset] : llvm::zip(concat.getInputs(), *offsets)) {
      const Buffer &in = bufferOf(input);
      if (in.kind != Buffer::Variable)
        return;
      int64_t at = in.variableOffset + offsetInBuffer_.lookup(input);
      if (!start)
        start = at - offset;
      if (at != *start + offset)
        return;
    }
    Buffer view = buffer;
    view.kind = Buffer::Variable;
    view.variableOffset = *start;
    if (!clobbered(leader, view))
      buffer = view;
  });
}

bool BodyPlanner::updatesInPlace(Operation *op, Value result,
                                 Value input) const {
  Value leader = aliases_.getLeaderValue(result);
  auto outIt = buffers_.find(leader);
  auto inIt = buffers_.find(aliases_.getLeaderValue(input));
  if (outIt == buffers_.end() || inIt == buffers_.end())
    return false;
  const Buffer &out = outIt->second, &in = inIt->second;
  int64_t at = position_.lookup(op);
  // The input: a variable's bytes read for the last time here, element i
  // for element i (same type, so no broadcast; contiguous, not a strided
  // view). The result's buffer: first written here (a concat's other
  // inputs computed inside it earlier would overwrite what this op reads).
  auto slice = input.getDefiningOp<SliceOp>();
  if (out.kind != Buffer::Arena || in.kind != Buffer::Variable ||
      input.getType() != result.getType() || in.end != at || out.begin != at ||
      offsetInBuffer_.lookup(result) != 0 ||
      (slice && stridedSliceOffset(slice)))
    return false;
  int64_t begin = in.variableOffset + offsetInBuffer_.lookup(input);
  int64_t end = begin + out.bytes;
  // The result's bytes all go back there, piece by piece, and nothing
  // else writes those bytes or reads their old value meanwhile.
  int64_t stored = 0, lastStore = at;
  for (const Store &store : stores_) {
    if (store.end <= begin || end <= store.begin || store.at < at)
      continue;
    if (aliases_.getLeaderValue(store.value) != leader ||
        store.begin != begin + offsetInBuffer_.lookup(store.value))
      return false;
    stored += store.end - store.begin;
    lastStore = std::max(lastStore, store.at);
  }
  if (stored != out.bytes)
    return false;
  for (const auto &[other, buffer] : buffers_)
    if (other != leader && buffer.kind == Buffer::Variable &&
        buffer.variableOffset < end &&
        begin < buffer.variableOffset + buffer.bytes && buffer.end > at &&
        buffer.begin <= lastStore)
      return false;
  return true;
}

void BodyPlanner::updateVariablesInPlace() {
  // An elementwise update of a variable whose result is stored back (an
  // optimizer step, running statistics) writes the variable directly: the
  // stores then copy nothing and the new value needs no arena bytes.
  walkOutsideFused(body_, [&](Operation *op) {
    auto fused = dyn_cast<FusedOp>(op);
    if (!fused && !isElementwise(op))
      return;
    // A convolution or matmul reads more than element i for element i.
    if (fused && fused.getLibraryOp())
      return;
    for (Value result : op->getResults())
      for (Value input : op->getOperands())
        if (updatesInPlace(op, result, input)) {
          Buffer &out = buffers_[aliases_.getLeaderValue(result)];
          const Buffer &in = bufferOf(input);
          out.kind = Buffer::Variable;
          out.variableOffset =
              in.variableOffset + offsetInBuffer_.lookup(input);
          break;
        }
  });
}

void BodyPlanner::addOutputSlots() {
  if (body_.empty())
    return;
  return_ = dyn_cast<ReturnOp>(body_.back());
  if (!return_)
    return;
  // Sampler results outlive the call: the caller reads them afterwards.
  for (Value v : return_.getOperands()) {
    Buffer slot;
    slot.bytes = storageBytes(cast<ShapedType>(v.getType()));
    slot.begin = position_.lookup(return_);
    slot.end = lastPosition_ + 1;
    slot.order = static_cast<int64_t>(buffers_.size() + outputs_.size()) + 1;
    outputs_.push_back(slot);
  }
}

int64_t BodyPlanner::pack() {
  SmallVector<Buffer *> order;
  for (auto &entry : buffers_)
    if (entry.second.kind == Buffer::Arena)
      order.push_back(&entry.second);
  for (Buffer &slot : outputs_)
    order.push_back(&slot);
  llvm::stable_sort(order, [](const Buffer *a, const Buffer *b) {
    if (a->bytes != b->bytes)
      return a->bytes > b->bytes;
    if (a->begin != b->begin)
      return a->begin < b->begin;
    return a->order < b->order;
  });
  int64_t arenaBytes = 0;
  SmallVector<Buffer *> placed;
  for (Buffer *buffer : order)
    naiveBytes_ += alignBuffer(buffer->bytes);
  for (Buffer *buffer : order) {
    // The byte ranges of placed buffers alive at the same time, by offset.
    SmallVector<std::pair<int64_t, int64_t>> taken;
    for (Buffer *other : placed)
      if (other->begin <= buffer->end && buffer->begin <= other->end)
        taken.push_back(
            {other->offset, other->offset + alignBuffer(other->bytes)});
    llvm::sort(taken);
    int64_t offset = 0, size = alignBuffer(buffer->bytes);
    for (auto [from, to] : taken) {
      if (offset + size <= from)
        break;
      offset = std::max(offset, to);
    }
    buffer->offset = offset;
    arenaBytes = std::max(arenaBytes, offset + size);
    placed.push_back(buffer);
  }
  return arenaBytes;
}

void BodyPlanner::writePlaces() {
  MLIRContext *context = body_.getParentOp()->getContext();
  auto placeOf = [&](Value value) -> Attribute {
    const Buffer &buffer = bufferOf(value);
    int64_t within = offsetInBuffer_.lookup(value);
    switch (buffer.kind) {
    case Buffer::Arena:
      return PlaceAttr::get(context, Space::arena, buffer.offset + within);
    case Buffer::Variable:
      return PlaceAttr::get(context, Space::variables,
                            buffer.variableOffset + within);
    case Buffer::Constant:
      return {};
    }
    return {};
  };
  walkOutsideFused(body_, [&](Operation *op) {
    SmallVector<Attribute> places;
    for (Value result : op->getResults())
      if (Attribute place = placeOf(result))
        places.push_back(place);
    // An op's results are all placed or all constants.
    assert(places.empty() || places.size() == op->getNumResults());
    if (!places.empty())
      op->setAttr(kPlacesAttr, ArrayAttr::get(context, places));
  });
  if (return_ && !outputs_.empty()) {
    SmallVector<Attribute> places;
    for (const Buffer &slot : outputs_)
      places.push_back(PlaceAttr::get(context, Space::arena, slot.offset));
    return_->setAttr(kPlacesAttr, ArrayAttr::get(context, places));
  }
}

int64_t BodyPlanner::run() {
  number();
  formBuffers();
  computeLiveness();
  collectStores();
  copyClobberedLoads();
  viewConcatsOfVariables();
  updateVariablesInPlace();
  addOutputSlots();
  int64_t bytes = pack();
  writePlaces();
  return bytes;
}

namespace {

struct PlanMemoryPass : public gm::impl::GmPlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModelOp model = getOperation();
    Builder b(model.getContext());

    // Ops that later passes remove must be gone: their buffers are unknown.
    WalkResult unexpanded = model.walk([&](Operation *op) {
      if (isa<NetOp, CallOp, GradOp, MinimizeOp, ApplyGradientsOp>(op)) {
        op->emitOpError() << "must be expanded before memory planning (run "
                             "gm-train-pipeline first)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unexpanded.wasInterrupted())
      return signalPassFailure();

    // Variables: never reused. Those a concat joins (an optimizer's flat
    // view) back to back, in the concat's order, so that the concat reads
    // them in place; then the rest in declaration order, each aligned.
    llvm::StringMap<int64_t> variableOffsets;
    int64_t variablesBytes = 0;
    auto place = [&](StringAttr name, bool aligned) {
      Operation *op = SymbolTable::lookupSymbolIn(model, name);
      auto type =
          cast<ShapedType>(isa<ParamOp>(op) ? cast<ParamOp>(op).getType()
                                            : cast<StateOp>(op).getType());
      if (aligned)
        variablesBytes = alignBuffer(variablesBytes);
      variableOffsets[name] = variablesBytes;
      op->setAttr(kPlaceAttr, PlaceAttr::get(model.getContext(),
                                             Space::variables, variablesBytes));
      variablesBytes += storageBytes(type);
    };
    model.walk([&](ConcatOp concat) {
      std::optional<SmallVector<StringAttr>> joined =
          BodyPlanner::joinedVariables(concat);
      if (!joined || llvm::any_of(*joined, [&](StringAttr name) {
            return variableOffsets.count(name.getValue());
          }))
        return;
      for (auto [i, name] : llvm::enumerate(*joined))
        place(name, /*aligned=*/i == 0);
    });
    for (Operation &op : model.getBodyBlock())
      if (isa<ParamOp, StateOp>(op) &&
          !variableOffsets.count(SymbolTable::getSymbolName(&op).getValue()))
        place(SymbolTable::getSymbolName(&op), /*aligned=*/true);
    variablesBytes = alignBuffer(variablesBytes);

    int64_t arenaBytes = 0;
    for (Operation &op : model.getBodyBlock()) {
      if (!isa<PhaseOp, SamplerOp>(op))
        continue;
      Block &body = op.getRegion(0).front();
      BodyPlanner planner(body, variableOffsets);
      int64_t bytes = planner.run();
      op.setAttr(kArenaBytesAttr, b.getI64IntegerAttr(bytes));
      op.setAttr(kNaiveArenaBytesAttr,
                 b.getI64IntegerAttr(planner.naiveBytes()));
      arenaBytes = std::max(arenaBytes, bytes);
    }
    model->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(arenaBytes));
    model->setAttr(kVariablesBytesAttr, b.getI64IntegerAttr(variablesBytes));
  }
};

} // namespace
