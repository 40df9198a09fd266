//===- ExpandOptimizers.cpp - gm-expand-optimizers ------------------------===//
//
// Replaces each gm.apply_gradients by its optimizer's update in gm ops, with
// the optimizer's moments and step count as zero-initialized gm.state. The
// formulas are PyTorch's (torch.optim.SGD, Adam, AdamW, clip_grad_norm_), so
// results compare step for step.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "gm/TensorBuilder.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::gm {
#define GEN_PASS_DEF_GMEXPANDOPTIMIZERS
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// One update's view of the model: creating state, loading, storing.
class UpdateBuilder {
public:
  UpdateBuilder(ApplyGradientsOp op, SymbolTable &symbols)
      : op_(op), symbols_(symbols), builder_(op), t_(builder_, op.getLoc()) {}

  TensorBuilder &math() { return t_; }

  /// A new zero-initialized gm.state named `name` (uniqued if taken), placed
  /// at `where` in the model.
  FlatSymbolRefAttr createState(StringRef name, RankedTensorType type,
                                Block::iterator where) {
    OpBuilder b(op_.getContext());
    auto state = StateOp::create(b, op_.getLoc(), name, type,
                                 FillAttr::get(b.getContext(), 0.0));
    symbols_.insert(state, where);
    return FlatSymbolRefAttr::get(state.getSymNameAttr());
  }

  Value load(FlatSymbolRefAttr variable, RankedTensorType type) {
    return LoadOp::create(builder_, op_.getLoc(), type, variable);
  }
  void store(Value value, FlatSymbolRefAttr variable) {
    StoreOp::create(builder_, op_.getLoc(), value, variable);
  }

  /// A per-parameter state slot (`<param>.<slot>`), zero-initialized and
  /// placed after the parameter and its earlier slots.
  FlatSymbolRefAttr slot(FlatSymbolRefAttr param, StringRef slotName) {
    ParamOp def = symbols_.lookup<ParamOp>(param.getValue());
    std::string prefix = (param.getValue() + ".").str();
    Block::iterator where = std::next(Block::iterator(def));
    for (auto end = def->getBlock()->end(); where != end; ++where) {
      auto state = dyn_cast<StateOp>(*where);
      if (!state || !state.getSymName().starts_with(prefix))
        break;
    }
    return createState(prefix + slotName.str(),
                       cast<RankedTensorType>(def.getType()), where);
  }

  ApplyGradientsOp op() { return op_; }

private:
  ApplyGradientsOp op_;
  SymbolTable &symbols_;
  OpBuilder builder_;
  TensorBuilder t_;
};

/// clip_grad_norm_: scales all gradients by min(1, clip / (norm + 1e-6)).
/// The norm is summed in the widest element type of the group (a group may
/// mix f32 and f64 parameters).
SmallVector<Value> clipGradients(TensorBuilder &t, ArrayRef<Value> grads,
                                 double clipNorm) {
  Type widest = t.elementTypeOf(grads.front());
  for (Value g : grads)
    if (t.elementTypeOf(g).getIntOrFloatBitWidth() >
        widest.getIntOrFloatBitWidth())
      widest = t.elementTypeOf(g);
  Value sumSq;
  for (Value g : grads) {
    Value s = t.cast(t.reduceSumAll(t.square(g)), widest);
    sumSq = sumSq ? t.add(sumSq, s) : s;
  }
  Value norm = t.sqrt(sumSq);
  Value padded = t.add(norm, t.scalarLike(1e-6, norm));
  Value shrink = t.div(t.scalarLike(clipNorm, norm), padded);
  Value coef = t.minimum(t.scalarLike(1.0, norm), shrink);
  SmallVector<Value> clipped;
  for (Value g : grads)
    clipped.push_back(t.mul(g, t.cast(coef, t.elementTypeOf(g))));
  return clipped;
}

/// The parameters of one update with one element type, seen as one flat
/// tensor: the update is then one pass over all of them (one fused loop),
/// not one per parameter. gm-plan-memory lays the parameters (and each
/// state slot) out back to back so that joining them copies nothing.
struct FlatGroup {
  SmallVector<FlatSymbolRefAttr> params;
  SmallVector<Value> grads;
  SmallVector<Type> types;

  /// Loads the variables `refs` (one per parameter) as one flat tensor.
  Value load(UpdateBuilder &u, ArrayRef<FlatSymbolRefAttr> refs) const {
    SmallVector<Value> loaded;
    for (auto [ref, type] : llvm::zip(refs, types))
      loaded.push_back(u.load(ref, cast<RankedTensorType>(type)));
    return u.math().flattenJoin(loaded);
  }
  /// Stores flat tensor `flat` back to the variables `refs`.
  void store(UpdateBuilder &u, Value flat,
             ArrayRef<FlatSymbolRefAttr> refs) const {
    for (auto [piece, ref] : llvm::zip(u.math().splitFlat(flat, types), refs))
      u.store(piece, ref);
  }
  /// The per-parameter slot `name` of every parameter.
  SmallVector<FlatSymbolRefAttr> slots(UpdateBuilder &u, StringRef name) const {
    SmallVector<FlatSymbolRefAttr> refs;
    for (FlatSymbolRefAttr param : params)
      refs.push_back(u.slot(param, name));
    return refs;
  }
};

/// The update's parameters grouped by element type, in order.
static SmallVector<FlatGroup> flatGroups(UpdateBuilder &u,
                                         ArrayRef<Value> grads) {
  SmallVector<FlatGroup> groups;
  for (auto [param, grad] : llvm::zip(u.op().getParams(), grads)) {
    Type element = TensorBuilder::elementTypeOf(grad);
    auto it = llvm::find_if(groups, [&](const FlatGroup &g) {
      return TensorBuilder::elementTypeOf(g.grads.front()) == element;
    });
    if (it == groups.end())
      it = groups.insert(groups.end(), FlatGroup());
    it->params.push_back(cast<FlatSymbolRefAttr>(param));
    it->grads.push_back(grad);
    it->types.push_back(grad.getType());
  }
  return groups;
}

void expandSGD(UpdateBuilder &u, SGDAttr sgd, ArrayRef<Value> grads) {
  TensorBuilder &t = u.math();
  for (const FlatGroup &group : flatGroups(u, grads)) {
    Value p = group.load(u, group.params);
    Value g = t.flattenJoin(group.grads);
    if (sgd.getWeightDecay() != 0)
      g = t.add(g, t.scale(p, sgd.getWeightDecay()));
    if (sgd.getMomentum() != 0) {
      // buf = momentum * buf + g (zero-initialized, so the first step is g).
      SmallVector<FlatSymbolRefAttr> bufRefs =
          group.slots(u, "momentum_buffer");
      Value buf = t.add(t.scale(group.load(u, bufRefs), sgd.getMomentum()), g);
      group.store(u, buf, bufRefs);
      g = sgd.getNesterov() ? t.add(g, t.scale(buf, sgd.getMomentum())) : buf;
    }
    group.store(u, t.sub(p, t.scale(g, sgd.getLr())), group.params);
  }
}

void expandAdam(UpdateBuilder &u, AdamAttr adam, ArrayRef<Value> grads,
                Block::iterator stepWhere, StringRef stepName) {
  TensorBuilder &t = u.math();
  // One step count per update; bias corrections 1 - beta^t. In f64, as
  // PyTorch computes them: an f32 count stops at 2^24 steps, and 1 - beta2
  // in f32 is 1.3e-5 off (0.999 rounds), which scales the first steps.
  Type element = Float64Type::get(grads.front().getContext());
  FlatSymbolRefAttr stepRef =
      u.createState(stepName, RankedTensorType::get({}, element), stepWhere);
  Value one = t.scalar(1.0, element);
  Value step = t.add(u.load(stepRef, RankedTensorType::get({}, element)), one);
  u.store(step, stepRef);
  auto biasCorrection = [&](double beta) {
    Value power = t.pow(t.scalar(beta, element), step);
    return t.sub(t.scalar(1.0, element), power);
  };
  Value bc1 = biasCorrection(adam.getBeta1());
  Value bc2 = biasCorrection(adam.getBeta2());
  Value stepSize = t.div(t.scalar(adam.getLr(), element), bc1);
  Value bc2Sqrt = t.sqrt(bc2);

  for (const FlatGroup &group : flatGroups(u, grads)) {
    // Slots first, so that each parameter's slots follow it.
    SmallVector<FlatSymbolRefAttr> mRefs = group.slots(u, "exp_avg");
    SmallVector<FlatSymbolRefAttr> vRefs = group.slots(u, "exp_avg_sq");
    Value p = group.load(u, group.params);
    Value g = t.flattenJoin(group.grads);
    if (adam.getWeightDecay() != 0) {
      if (adam.getDecoupled()) // AdamW: p *= 1 - lr * wd
        p = t.scale(p, 1.0 - adam.getLr() * adam.getWeightDecay());
      else // Adam: L2 penalty in the gradient
        g = t.add(g, t.scale(p, adam.getWeightDecay()));
    }
    Value mFresh = t.scale(g, 1.0 - adam.getBeta1());
    Value m = t.add(t.scale(group.load(u, mRefs), adam.getBeta1()), mFresh);
    Value vFresh = t.scale(t.square(g), 1.0 - adam.getBeta2());
    Value v = t.add(t.scale(group.load(u, vRefs), adam.getBeta2()), vFresh);
    // p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
    Type type = t.elementTypeOf(v);
    Value eps = t.scalar(adam.getEps(), type);
    Value bc2SqrtAsV = t.cast(bc2Sqrt, type);
    Value denom = t.add(t.div(t.sqrt(v), bc2SqrtAsV), eps);
    Value direction = t.div(m, denom);
    Value newP = t.sub(p, t.mul(t.cast(stepSize, type), direction));
    // The stores last: nothing between the update's ops, so that gm-fuse
    // makes them one loop.
    group.store(u, m, mRefs);
    group.store(u, v, vRefs);
    group.store(u, newP, group.params);
  }
}

struct GmExpandOptimizers
    : gm::impl::GmExpandOptimizersBase<GmExpandOptimizers> {
  void runOnOperation() override {
    ModelOp model = getOperation();
    SymbolTable symbols(model);
    SmallVector<ApplyGradientsOp> updates;
    model.walk([&](ApplyGradientsOp op) { updates.push_back(op); });
    llvm::DenseMap<Operation *, unsigned> perPhase;
    for (ApplyGradientsOp op : updates) {
      auto phase = op->getParentOfType<PhaseOp>();
      unsigned index = perPhase[phase]++;
      UpdateBuilder u(op, symbols);
      SmallVector<Value> grads(op.getGradients());
      if (std::optional<APFloat> clip = op.getClipNorm())
        grads = clipGradients(u.math(), grads, clip->convertToDouble());
      std::string stepName =
          (phase.getSymName() + ".update_" + Twine(index) + ".step").str();
      llvm::TypeSwitch<Attribute>(op.getOptimizer())
          .Case([&](SGDAttr sgd) { expandSGD(u, sgd, grads); })
          .Case([&](AdamAttr adam) {
            expandAdam(u, adam, grads, Block::iterator(phase), stepName);
          });
      op.erase();
    }
  }
};

} // namespace
