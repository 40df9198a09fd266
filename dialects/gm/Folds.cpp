//===- Folds.cpp - folders and canonicalization patterns of gm ops --------===//
//
// Identity folds (x + 0, x * 1, reshape to the same type, ...), splat-constant
// folding, and the few canonical rewrites. Nothing here changes a value's
// gradient: stop_gradient is never removed before autodiff has run.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::gm;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Whether `attr` is a splat whose every element equals `value`.
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type element = splat.getElementType();
  if (isa<FloatType>(element))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  if (element.isSignlessInteger() && element.getIntOrFloatBitWidth() > 1)
    return splat.getSplatValue<APInt>().getSExtValue() ==
           static_cast<int64_t>(value);
  return false;
}

/// Folds a binary op of two splat constants to a splat of the result type.
static Attribute
foldSplats(Attribute lhs, Attribute rhs, Type resultType,
           function_ref<std::optional<APFloat>(APFloat, APFloat)> onFloats,
           function_ref<std::optional<APInt>(APInt, APInt)> onInts) {
  auto a = dyn_cast_or_null<SplatElementsAttr>(lhs);
  auto b = dyn_cast_or_null<SplatElementsAttr>(rhs);
  auto type = dyn_cast<ShapedType>(resultType);
  if (!a || !b || !type)
    return {};
  if (isa<FloatType>(type.getElementType())) {
    std::optional<APFloat> r =
        onFloats(a.getSplatValue<APFloat>(), b.getSplatValue<APFloat>());
    return r ? DenseElementsAttr::get(type, *r) : Attribute();
  }
  if (type.getElementType().isSignlessInteger()) {
    std::optional<APInt> r =
        onInts(a.getSplatValue<APInt>(), b.getSplatValue<APInt>());
    return r ? DenseElementsAttr::get(type, *r) : Attribute();
  }
  return {};
}

/// A splat constant re-typed to another shape (reshape, broadcast).
static Attribute reshapeSplat(Attribute input, Type resultType) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(input);
  if (!splat)
    return {};
  return splat.resizeSplat(cast<ShapedType>(resultType));
}

//===----------------------------------------------------------------------===//
// Constants and identity-like ops
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

namespace {
/// stop_gradient(stop_gradient(x)) -> stop_gradient(x): one cut suffices.
struct FoldNestedStopGradient : OpRewritePattern<StopGradientOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(StopGradientOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<StopGradientOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a stop_gradient");
    rewriter.replaceOp(op, inner.getResult());
    return success();
  }
};

/// stop_gradient(constant) -> constant: a constant has no gradient anyway.
struct FoldStopGradientOfConstant : OpRewritePattern<StopGradientOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(StopGradientOp op,
                                PatternRewriter &rewriter) const override {
    if (!matchPattern(op.getInput(), m_Constant()))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};
} // namespace

void StopGradientOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                 MLIRContext *context) {
  patterns.add<FoldNestedStopGradient, FoldStopGradientOfConstant>(context);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput())) {
    if (isa<FloatType>(splat.getElementType()))
      return DenseElementsAttr::get(getType(), -splat.getSplatValue<APFloat>());
    return DenseElementsAttr::get(getType(), -splat.getSplatValue<APInt>());
  }
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + 0 -> x (and x - 0 -> x below) for floats too, although -0.0 + 0.0
  // is +0.0: the sign of a zero, which no loss or update depends on, is
  // not kept (fast-math's "no signed zeros").
  if (isSplatOf(adaptor.getRhs(), 0) && getLhs().getType() == getType())
    return getLhs();
  return foldSplats(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APFloat a, APFloat b) -> std::optional<APFloat> { return a + b; },
      [](APInt a, APInt b) -> std::optional<APInt> { return a + b; });
}

namespace {
/// Where a zero-padded tensor's input lies along the one axis it is padded
/// on: [low, low + size) of the result. None when it is padded with
/// another value, between elements, or along more than one axis.
struct PaddedSpan {
  PadOp pad;
  int64_t axis = -1, low = 0, size = 0;
};

std::optional<PaddedSpan> paddedSpan(Value v) {
  auto pad = v.getDefiningOp<PadOp>();
  if (!pad || pad.getValue().convertToDouble() != 0.0)
    return std::nullopt;
  if (pad.getInterior() &&
      llvm::any_of(*pad.getInterior(), [](int64_t i) { return i != 0; }))
    return std::nullopt;
  PaddedSpan span{pad};
  for (auto [d, low, high] : llvm::enumerate(pad.getLow(), pad.getHigh())) {
    if (low == 0 && high == 0)
      continue;
    if (span.axis >= 0)
      return std::nullopt;
    span.axis = d;
    span.low = low;
    span.size = cast<RankedTensorType>(pad.getInput().getType()).getDimSize(d);
  }
  if (span.axis < 0)
    return std::nullopt;
  return span;
}

/// pad(a) + pad(b), where a and b lie side by side along the axis both are
/// zero-padded on -> pad(concat(a, b)), or concat(a, b) when they fill it:
/// the gradient of channel slices (PixelCNN's gates) without zero-filled
/// copies and an add. Three or more pieces fold pairwise.
struct AddOfAdjacentPads : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (op.getLhs().getType() != type || op.getRhs().getType() != type)
      return failure();
    std::optional<PaddedSpan> a = paddedSpan(op.getLhs()),
                              b = paddedSpan(op.getRhs());
    if (!a || !b || a->axis != b->axis)
      return failure();
    if (b->low + b->size == a->low)
      std::swap(a, b);
    if (a->low + a->size != b->low)
      return failure();
    int64_t axis = a->axis;
    Value joined = ConcatOp::create(
        rewriter, op.getLoc(), ValueRange{a->pad.getInput(), b->pad.getInput()},
        uint64_t(axis));
    int64_t low = a->low, high = type.getDimSize(axis) - b->low - b->size;
    if (low == 0 && high == 0) {
      rewriter.replaceOp(op, joined);
      return success();
    }
    SmallVector<int64_t> lows(type.getRank(), 0), highs(type.getRank(), 0);
    lows[axis] = low, highs[axis] = high;
    rewriter.replaceOpWithNewOp<PadOp>(
        op, joined, rewriter.getDenseI64ArrayAttr(lows),
        rewriter.getDenseI64ArrayAttr(highs), DenseI64ArrayAttr(),
        rewriter.getF64FloatAttr(0.0));
    return success();
  }
};
} // namespace

void AddOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<AddOfAdjacentPads>(context);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0) && getLhs().getType() == getType())
    return getLhs();
  return foldSplats(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APFloat a, APFloat b) -> std::optional<APFloat> { return a - b; },
      [](APInt a, APInt b) -> std::optional<APInt> { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && getLhs().getType() == getType())
    return getLhs();
  return foldSplats(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APFloat a, APFloat b) -> std::optional<APFloat> { return a * b; },
      [](APInt a, APInt b) -> std::optional<APInt> { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && getLhs().getType() == getType())
    return getLhs();
  return foldSplats(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](APFloat a, APFloat b) -> std::optional<APFloat> { return a / b; },
      [](APInt a, APInt b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt; // Division by zero stays for the runtime.
        return a.sdiv(b);
      });
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    // reshape(reshape(x)) -> reshape(x): only the final shape matters.
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return reshapeSplat(adaptor.getInput(), getType());
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return reshapeSplat(adaptor.getInput(), getType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    // transpose(transpose(x, p), q) = transpose(x, p[q[i]]).
    SmallVector<int64_t> composed;
    for (int64_t q : getPerm())
      composed.push_back(inner.getPerm()[q]);
    setPerm(composed);
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // A window as large as the input can only be the whole input.
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  // No element added: no padding.
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
