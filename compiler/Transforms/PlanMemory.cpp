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

int64_t gm::getVariablesBytes(ModelOp model) {
  auto bytes = model->getAttrOfType<IntegerAttr>(kVariablesBytesAttr);
  return bytes ? bytes.getInt() : 0;
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
  /// The variable a `Variable` buffer reads in place.
  StringAttr variable;
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

  /// Plans the body, writes the places and returns the arena bytes.
  int64_t run();

private:
  void number();
  void formBuffers();
  void computeLiveness();
  void copyClobberedLoads();
  void addOutputSlots();
  int64_t pack();
  void writePlaces();

  /// The buffer of `value`, creating one of `kind` for a new class.
  Buffer &bufferOf(Value value);
  /// Where a use by `user` keeps a value defined at `def` live until: the
  /// end of the outermost loop around the use that does not contain `def`.
  int64_t usePosition(Operation *user, Operation *def) const;

  Block &body_;
  const llvm::StringMap<int64_t> &variableOffsets_;
  llvm::DenseMap<Operation *, int64_t> position_, endPosition_;
  int64_t lastPosition_ = 0;
  /// Values that share bytes, keyed by a representative value.
  llvm::EquivalenceClasses<Value> aliases_;
  llvm::DenseMap<Value, Buffer> buffers_; // by leader
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

void BodyPlanner::formBuffers() {
  walkOutsideFused(body_, [&](Operation *op) {
    for (Value result : op->getResults()) {
      auto type = cast<ShapedType>(result.getType());
      if (isa<ReshapeOp, StopGradientOp>(op)) {
        aliases_.unionSets(op->getOperand(0), result);
        continue;
      }
      aliases_.insert(result);
      Buffer &buffer = buffers_[result];
      buffer.bytes = storageBytes(type);
      buffer.order = static_cast<int64_t>(buffers_.size());
      if (isa<ConstantOp>(op)) {
        buffer.kind = Buffer::Constant;
      } else if (auto load = dyn_cast<LoadOp>(op)) {
        buffer.kind = Buffer::Variable;
        buffer.variable = load.getVariableAttr().getAttr();
      }
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

void BodyPlanner::copyClobberedLoads() {
  body_.walk([&](StoreOp store) {
    int64_t at = position_.lookup(store);
    StringAttr variable = store.getVariableAttr().getAttr();
    Value stored = aliases_.getLeaderValue(store.getValue());
    for (auto &[leader, buffer] : buffers_) {
      if (buffer.kind != Buffer::Variable || buffer.variable != variable)
        continue;
      // Storing a value over itself changes nothing.
      bool overwritten = buffer.begin < at && at < buffer.end;
      bool overwrittenLast = at == buffer.end && leader != stored;
      if (overwritten || overwrittenLast)
        buffer.kind = Buffer::Arena;
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
    switch (buffer.kind) {
    case Buffer::Arena:
      return PlaceAttr::get(context, Space::arena, buffer.offset);
    case Buffer::Variable:
      return PlaceAttr::get(context, Space::variables,
                            variableOffsets_.lookup(buffer.variable));
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
  copyClobberedLoads();
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

    // Variables: declaration order, aligned, never reused.
    llvm::StringMap<int64_t> variableOffsets;
    int64_t variablesBytes = 0;
    for (Operation &op : model.getBodyBlock()) {
      auto type = isa<ParamOp>(op)   ? cast<ParamOp>(op).getType()
                  : isa<StateOp>(op) ? cast<StateOp>(op).getType()
                                     : Type();
      if (!type)
        continue;
      StringRef name = SymbolTable::getSymbolName(&op).getValue();
      variableOffsets[name] = variablesBytes;
      op.setAttr(kPlaceAttr, PlaceAttr::get(model.getContext(),
                                            Space::variables, variablesBytes));
      variablesBytes += alignBuffer(storageBytes(cast<ShapedType>(type)));
    }

    int64_t arenaBytes = 0;
    for (Operation &op : model.getBodyBlock()) {
      if (!isa<PhaseOp, SamplerOp>(op))
        continue;
      Block &body = op.getRegion(0).front();
      int64_t bytes = BodyPlanner(body, variableOffsets).run();
      op.setAttr(kArenaBytesAttr, b.getI64IntegerAttr(bytes));
      arenaBytes = std::max(arenaBytes, bytes);
    }
    model->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(arenaBytes));
    model->setAttr(kVariablesBytesAttr, b.getI64IntegerAttr(variablesBytes));
  }
};

} // namespace
