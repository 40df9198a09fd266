//===- PropagateLayouts.cpp - gm-propagate-layouts ------------------------===//
//
// Chooses plain or blocked for every rank-4 activation. Ops that run on
// either layout join their values into a class with one layout: generated
// loops (their values of the loop's shape), channel windows (slices, pads,
// concats of whole channel blocks) and 1x1 convolutions (their
// activations). A class goes blocked when the reorders its library ops then
// skip outnumber the gm.reorder ops it needs at its edges. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "runtime/cpu/conv_rules.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMPROPAGATELAYOUTS
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// The operand and result positions where a library op computes on the
/// blocked layout: a plain value there costs the runtime a reorder.
struct BlockedSlots {
  SmallVector<unsigned, 2> operands, results;
};

/// How many of a kernel axis's `live` positions the runtime computes with.
int64_t keptExtent(ArrayRef<bool> live, int64_t padBefore, int64_t padAfter,
                   int64_t dilation) {
  auto [first, last] =
      gmrt::cpu::liveRange(live, padBefore, padAfter, dilation);
  return last - first + 1;
}

/// The kernel taps a convolution computes with: the runtime crops the rows
/// and columns its mask zeroes at the edges (kernels.cpp maskCrop).
template <typename ConvOpT> int64_t computedTaps(ConvOpT c, Value weight) {
  ArrayRef<int64_t> w = shapeOf(weight);
  int64_t kh = w[2], kw = w[3];
  if (!c.getMask())
    return kh * kw;
  SmallVector<bool> rows(kh, false), cols(kw, false);
  int64_t i = 0;
  for (bool live : c.getMask()->template getValues<bool>()) {
    if (live)
      rows[i / kw] = cols[i % kw] = true;
    ++i;
  }
  ArrayRef<int64_t> pad = c.getPadding(), dilation = c.getDilation();
  return keptExtent(rows, pad[0], pad[2], dilation[0]) *
         keptExtent(cols, pad[1], pad[3], dilation[1]);
}

/// The runtime's rule for a convolution pass's layouts (conv_rules.h).
gmrt::cpu::ConvLayouts convSides(int64_t inChannels, int64_t outChannels,
                                 int64_t groups, int64_t taps,
                                 bool inputGradient) {
  auto sides = gmrt::cpu::blockedSides(inChannels, outChannels, groups, taps);
  return inputGradient ? gmrt::cpu::inputGradientSides(sides) : sides;
}

/// One pass of a convolution: its x side (input or input gradient) and y
/// side (output or output gradient) as operand or result positions (-1:
/// none), and what the runtime's layout rules look at.
struct ConvPass {
  int xOperand = -1, xResult = -1, yOperand = -1, yResult = -1;
  int64_t inChannels, outChannels, groups, taps;
  /// A 1x1 convolution over whole images (kernels.cpp isPointwise): it
  /// computes in the layout its buffers are in, one for both sides.
  bool pointwise;
  bool inputGradient() const { return xResult >= 0; }
};

template <typename ConvOpT>
ConvPass convPass(ConvOpT c, Value weight, int64_t in, int64_t out) {
  ArrayRef<int64_t> w = shapeOf(weight);
  bool whole = llvm::all_of(c.getStride(), [](int64_t s) { return s == 1; }) &&
               llvm::all_of(c.getPadding(), [](int64_t p) { return p == 0; });
  ConvPass pass;
  pass.inChannels = in, pass.outChannels = out, pass.groups = c.getGroups();
  if constexpr (std::is_same_v<ConvOpT, ConvTranspose2dOp>) {
    pass.taps = w[2] * w[3];
    pass.pointwise = pass.taps == 1 && whole && pass.groups == 1;
  } else {
    pass.taps = computedTaps(c, weight);
    pass.pointwise =
        w[2] == 1 && w[3] == 1 && whole && pass.groups == 1 && !c.getMask();
  }
  return pass;
}

std::optional<ConvPass> convPassOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<ConvPass>>(op)
      .Case([&](Conv2dOp c) {
        ConvPass p = convPass(c, c.getWeight(), shapeOf(c.getInput())[1],
                              shapeOf(c.getWeight())[0]);
        p.xOperand = 0, p.yResult = 0;
        return p;
      })
      .Case([&](FusedOp f) -> std::optional<ConvPass> {
        // A convolution with its epilogue: x is the body argument the
        // convolution reads, y the one result.
        auto c = dyn_cast_or_null<Conv2dOp>(f.getLibraryOp());
        auto x = c ? dyn_cast<BlockArgument>(c.getInput()) : nullptr;
        if (!x || f->getNumResults() != 1)
          return std::nullopt;
        ConvPass p = convPass(c, c.getWeight(), shapeOf(c.getInput())[1],
                              shapeOf(c.getWeight())[0]);
        p.xOperand = x.getArgNumber(), p.yResult = 0;
        return p;
      })
      .Case([&](Conv2dBackwardDataOp c) {
        ConvPass p = convPass(c, c.getWeight(), shapeOf(c.getResult())[1],
                              shapeOf(c.getWeight())[0]);
        p.xResult = 0, p.yOperand = 0;
        return p;
      })
      .Case([&](Conv2dBackwardWeightsOp c) {
        ConvPass p = convPass(c, c.getResult(), shapeOf(c.getInput())[1],
                              shapeOf(c.getResult())[0]);
        p.xOperand = 0, p.yOperand = 1;
        return p;
      })
      .Case([&](ConvTranspose2dOp c) {
        // The input gradient of the convolution from its result to its
        // input (LibraryOps.cpp): x is the result, y the input.
        ConvPass p = convPass(c, c.getWeight(), shapeOf(c.getResult())[1],
                              shapeOf(c.getWeight())[0]);
        p.xResult = 0, p.yOperand = 0;
        return p;
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// The activations a pointwise convolution pass reads and writes, which
/// share one layout; none for other ops, or where one cannot be blocked.
SmallVector<Value, 2> pointwiseActivations(Operation *op) {
  std::optional<ConvPass> pass = convPassOf(op);
  if (!pass || !pass->pointwise)
    return {};
  SmallVector<Value, 2> values;
  for (int i : {pass->xOperand, pass->yOperand})
    if (i >= 0)
      values.push_back(op->getOperand(i));
  for (int i : {pass->xResult, pass->yResult})
    if (i >= 0)
      values.push_back(op->getResult(i));
  if (!llvm::all_of(values, [](Value v) {
        return layout::hasBlockableShape(v.getType());
      }))
    return {};
  return values;
}

/// Where `op` computes on the blocked layout; none for ops that compute on
/// plain buffers (their blocked operands must be reordered first), and for
/// pointwise convolutions (either layout: pointwiseActivations).
BlockedSlots blockedSlots(Operation *op) {
  if (std::optional<ConvPass> pass = convPassOf(op)) {
    BlockedSlots slots;
    if (pass->pointwise)
      return slots;
    gmrt::cpu::ConvLayouts sides =
        convSides(pass->inChannels, pass->outChannels, pass->groups, pass->taps,
                  pass->inputGradient());
    for (auto [blocked, operand, result] :
         {std::tuple{sides.x, pass->xOperand, pass->xResult},
          std::tuple{sides.y, pass->yOperand, pass->yResult}}) {
      if (blocked && operand >= 0)
        slots.operands.push_back(operand);
      if (blocked && result >= 0)
        slots.results.push_back(result);
    }
    return slots;
  }
  // Batch norm over images (not over N x C) computes blocked.
  auto spatial = [](Value x) {
    ArrayRef<int64_t> s = shapeOf(x);
    return s.size() == 4 && s[2] * s[3] > 1;
  };
  return llvm::TypeSwitch<Operation *, BlockedSlots>(op)
      .Case([&](BatchNormOp b) {
        return spatial(b.getInput()) ? BlockedSlots{{0}, {0}} : BlockedSlots();
      })
      .Case([&](BatchNormInferenceOp b) {
        return spatial(b.getInput()) ? BlockedSlots{{0}, {0}} : BlockedSlots();
      })
      .Case([&](BatchNormBackwardOp b) {
        return spatial(b.getInput()) ? BlockedSlots{{0, 1}, {0}}
                                     : BlockedSlots();
      })
      .Default([](Operation *) { return BlockedSlots(); });
}

/// How a value is made or read, as far as its layout goes.
enum class Access { Either, Blocked, Plain };

/// The operands and results `op` reads and writes in either layout, one for
/// all: a generated loop's values of its loop shape, a channel window's, a
/// pointwise convolution's activations.
SmallVector<Value> sharedLayoutValues(Operation *op) {
  bool window = isChannelWindow(op), loop = loopShape(op).has_value();
  if (!window && !loop)
    return llvm::to_vector(pointwiseActivations(op));
  SmallVector<Value> values;
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
    if (window || (layout::hasBlockableShape(v.getType()) && isLoopWide(op, v)))
      values.push_back(v);
  return values;
}

Access producedAs(Value v) {
  auto result = dyn_cast<OpResult>(v);
  if (!result)
    return Access::Plain;
  Operation *op = result.getOwner();
  // One value repeated: blocked without a reorder (a mean's gradient seed).
  if (isSplatConstant(op))
    return Access::Either;
  // An op that runs on either layout: its other values are plain (it has
  // no blocked slots).
  if (SmallVector<Value> shared = sharedLayoutValues(op); !shared.empty())
    return llvm::is_contained(shared, v) ? Access::Either : Access::Plain;
  return llvm::is_contained(blockedSlots(op).results, result.getResultNumber())
             ? Access::Blocked
             : Access::Plain;
}

Access readAs(OpOperand &use) {
  Operation *op = use.getOwner();
  if (SmallVector<Value> shared = sharedLayoutValues(op); !shared.empty())
    return llvm::is_contained(shared, use.get()) ? Access::Either
                                                 : Access::Plain;
  return llvm::is_contained(blockedSlots(op).operands, use.getOperandNumber())
             ? Access::Blocked
             : Access::Plain;
}

class LayoutPropagator {
public:
  explicit LayoutPropagator(ModelOp model) : model_(model) {}

  void run() {
    // Layouts already chosen (the pass ran before): nothing to do.
    bool chosen =
        model_
            .walk([](Operation *op) {
              return isa<ReorderOp>(op) || op->hasAttr(layout::attrName)
                         ? WalkResult::interrupt()
                         : WalkResult::advance();
            })
            .wasInterrupted();
    if (chosen)
      return;
    collectClasses();
    for (auto it = classes_.begin(); it != classes_.end(); ++it) {
      if (!(*it)->isLeader())
        continue;
      SmallVector<Value> members(classes_.member_begin(**it),
                                 classes_.member_end());
      // A comparison's i1 result shares its operands' layout (a mask a
      // double backward keeps): the class may go blocked when no value the
      // runtime cannot reorder (not f32) would need a reorder.
      if (llvm::all_of(members, reorderableOrInside) && savings(members) > 0)
        block(members);
    }
  }

private:
  /// Every value of a shape that may be blocked, joined with the values that
  /// loops relate it to.
  void collectClasses() {
    model_.walk<WalkOrder::PreOrder>([&](Operation *op) {
      for (Value v : op->getResults())
        if (layout::hasBlockableShape(v.getType()))
          classes_.insert(v);
      joinOperandsAndResults(op);
      // A fused body is one loop's element code: no layouts inside.
      if (isa<FusedOp>(op))
        return WalkResult::skip();
      for (Region &region : op->getRegions())
        for (BlockArgument arg : region.getArguments())
          if (layout::hasBlockableShape(arg.getType()))
            classes_.insert(arg);
      return WalkResult::advance();
    });
  }

  void joinOperandsAndResults(Operation *op) {
    SmallVector<Value> joined = sharedLayoutValues(op);
    for (Value v : joined)
      classes_.unionSets(joined.front(), v);
  }

  /// Whether `v` can be reordered (f32), or needs no reorder in a blocked
  /// class: made and read only by ops that run on either layout.
  static bool reorderableOrInside(Value v) {
    if (layout::canBlock(v.getType()))
      return true;
    return producedAs(v) == Access::Either &&
           llvm::all_of(v.getUses(), [](OpOperand &use) {
             return readAs(use) == Access::Either;
           });
  }

  /// Reorders saved minus reorders added if the class goes blocked.
  static int64_t savings(ArrayRef<Value> members) {
    int64_t saved = 0, added = 0;
    for (Value v : members) {
      Access made = producedAs(v);
      saved += made == Access::Blocked;
      bool plainReader = false;
      for (OpOperand &use : v.getUses()) {
        Access read = readAs(use);
        saved += read == Access::Blocked;
        plainReader |= read == Access::Plain;
      }
      // A plain-made value is reordered to blocked once and its plain
      // readers keep it; a blocked-made one is reordered to plain once for
      // all its plain readers.
      added += made == Access::Plain || plainReader;
    }
    return saved - added;
  }

  /// Makes the class blocked: its ops record it, and gm.reorder ops join it
  /// to the plain code around.
  void block(ArrayRef<Value> members) {
    for (Value v : members) {
      OpBuilder b(model_.getContext());
      if (auto result = dyn_cast<OpResult>(v))
        b.setInsertionPointAfter(result.getOwner());
      else
        b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
      SmallVector<OpOperand *> plainUses, blockedUses;
      for (OpOperand &use : v.getUses())
        (readAs(use) == Access::Plain ? plainUses : blockedUses)
            .push_back(&use);
      if (producedAs(v) == Access::Plain) {
        if (blockedUses.empty())
          continue;
        Value blocked = ReorderOp::create(b, v.getLoc(), v, layout::blocked);
        for (OpOperand *use : blockedUses)
          use->set(blocked);
        continue;
      }
      setLayout(cast<OpResult>(v), layout::blocked);
      if (plainUses.empty())
        continue;
      Value plain = ReorderOp::create(b, v.getLoc(), v, layout::plain);
      for (OpOperand *use : plainUses)
        use->set(plain);
    }
  }

  ModelOp model_;
  llvm::EquivalenceClasses<Value> classes_;
};

struct PropagateLayoutsPass
    : public gm::impl::GmPropagateLayoutsBase<PropagateLayoutsPass> {
  void runOnOperation() override { LayoutPropagator(getOperation()).run(); }
};

} // namespace
