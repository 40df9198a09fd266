//===- ShapeOps.cpp - reshape, transpose, broadcast, concat, slice, pad ---===//

#include "gm/GmOps.h"

using namespace mlir;
using namespace mlir::gm;

static RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult ReshapeOp::verify() {
  std::string e = shape::checkReshape(tensorOf(getInput()).getShape(),
                                      getType().getShape());
  if (!e.empty())
    return emitOpError() << e;
  if (tensorOf(getInput()).getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  return pushShapeResult(getOperationName(), location,
                         shape::transpose(input.getShape(), adaptor.getPerm()),
                         input.getElementType(), types);
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  if (!shape::broadcastsTo(input.getShape(), getType().getShape()))
    return emitOpError() << "cannot broadcast "
                         << shape::format(input.getShape()) << " to "
                         << shape::format(getType().getShape());
  if (input.getElementType() != getType().getElementType())
    return emitOpError() << "cannot change the element type";
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitInferenceError(getOperationName(), location,
                              "expects at least one input");
  SmallVector<shape::Shape> shapes;
  Type element = tensorOf(inputs.front()).getElementType();
  for (Value v : inputs) {
    if (tensorOf(v).getElementType() != element)
      return emitInferenceError(getOperationName(), location,
                                "inputs must share one element type");
    shapes.emplace_back(tensorOf(v).getShape());
  }
  return pushShapeResult(getOperationName(), location,
                         shape::concat(shapes, adaptor.getAxis()), element,
                         types);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> strides;
  if (std::optional<ArrayRef<int64_t>> s = adaptor.getStrides())
    strides = *s;
  return pushShapeResult(getOperationName(), location,
                         shape::slice(input.getShape(), adaptor.getOffsets(),
                                      adaptor.getSizes(), strides),
                         input.getElementType(), types);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> interior;
  if (std::optional<ArrayRef<int64_t>> i = adaptor.getInterior())
    interior = *i;
  return pushShapeResult(getOperationName(), location,
                         shape::pad(input.getShape(), adaptor.getLow(),
                                    adaptor.getHigh(), interior),
                         input.getElementType(), types);
}

LogicalResult UpsampleOp::inferReturnTypes(MLIRContext *context,
                                           std::optional<Location> location,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  return pushShapeResult(getOperationName(), location,
                         shape::upsample(input.getShape(), adaptor.getScale()),
                         input.getElementType(), types);
}

bool mlir::gm::layout::hasBlockableShape(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getRank() == 4 &&
         tensor.getDimSize(1) % channelMultiple == 0;
}

bool mlir::gm::layout::canBlock(Type type) {
  return hasBlockableShape(type) &&
         cast<RankedTensorType>(type).getElementType().isF32();
}

LogicalResult ReorderOp::verify() {
  if (getLayout() != layout::plain && getLayout() != layout::blocked)
    return emitOpError() << "layout must be \"plain\" or \"blocked\", not \""
                         << getLayout() << "\"";
  if (!layout::canBlock(getType()))
    return emitOpError() << "reorders rank-4 f32 tensors whose channels are "
                            "a multiple of "
                         << layout::channelMultiple << ", not "
                         << shape::format(getType().getShape());
  return success();
}

StringRef mlir::gm::layoutOf(Value value) {
  if (auto reorder = value.getDefiningOp<ReorderOp>())
    return reorder.getLayout();
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return layout::plain;
  auto layouts = result.getOwner()->getAttrOfType<ArrayAttr>(layout::attrName);
  if (!layouts || layouts.size() <= result.getResultNumber())
    return layout::plain;
  auto name = dyn_cast<StringAttr>(layouts[result.getResultNumber()]);
  return name ? name.getValue() : StringRef(layout::plain);
}

void mlir::gm::setLayout(OpResult result, StringRef layout) {
  Operation *op = result.getOwner();
  SmallVector<Attribute> layouts;
  for (OpResult r : op->getResults())
    layouts.push_back(StringAttr::get(op->getContext(), layoutOf(r)));
  layouts[result.getResultNumber()] = StringAttr::get(op->getContext(), layout);
  op->setAttr(layout::attrName, ArrayAttr::get(op->getContext(), layouts));
}

std::optional<ArrayRef<int64_t>> mlir::gm::loopShape(Operation *op) {
  if (isa<StopGradientOp>(op) || isElementwise(op))
    return tensorOf(op->getResult(0)).getShape();
  if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(op))
    return tensorOf(op->getOperand(0)).getShape();
  auto fused = dyn_cast<FusedOp>(op);
  if (!fused || fused.getLibraryOp())
    return std::nullopt;
  if (Operation *reduction = fused.getReduction())
    return tensorOf(reduction->getOperand(0)).getShape();
  return tensorOf(op->getResult(0)).getShape();
}

bool mlir::gm::isLoopWide(Operation *op, Value v) {
  std::optional<ArrayRef<int64_t>> shape = loopShape(op);
  return shape && tensorOf(v).getShape() == *shape;
}

bool mlir::gm::isChannelWindow(Operation *op) {
  auto blockable = [](Value v) {
    return layout::hasBlockableShape(v.getType());
  };
  auto wholeBlocks = [](int64_t channels) {
    return channels % layout::channelMultiple == 0;
  };
  if (!llvm::all_of(op->getOperands(), blockable) ||
      !llvm::all_of(op->getResults(), blockable))
    return false;
  if (auto slice = dyn_cast<SliceOp>(op)) {
    ArrayRef<int64_t> in = tensorOf(slice.getInput()).getShape();
    ArrayRef<int64_t> offsets = slice.getOffsets(), sizes = slice.getSizes();
    auto strides = slice.getStrides();
    return (!strides ||
            llvm::all_of(*strides, [](int64_t s) { return s == 1; })) &&
           wholeBlocks(offsets[1]) && offsets[2] == 0 && offsets[3] == 0 &&
           sizes[2] == in[2] && sizes[3] == in[3];
  }
  if (auto pad = dyn_cast<PadOp>(op)) {
    ArrayRef<int64_t> low = pad.getLow(), high = pad.getHigh();
    auto interior = pad.getInterior();
    return (!interior ||
            llvm::all_of(*interior, [](int64_t s) { return s == 0; })) &&
           low[0] >= 0 && high[0] >= 0 && low[1] >= 0 && high[1] >= 0 &&
           wholeBlocks(low[1]) && low[2] == 0 && low[3] == 0 && high[2] == 0 &&
           high[3] == 0;
  }
  if (auto concat = dyn_cast<ConcatOp>(op))
    return concat.getAxis() <= 1;
  return false;
}

bool mlir::gm::isSplatConstant(Operation *op) {
  auto constant = dyn_cast<ConstantOp>(op);
  auto dense =
      constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  return dense && dense.isSplat();
}

bool mlir::gm::takesBlockedLayouts(Operation *op) {
  if (auto fused = dyn_cast<FusedOp>(op))
    return isa_and_nonnull<Conv2dOp>(fused.getLibraryOp());
  return isa<Conv2dOp, Conv2dBackwardDataOp, Conv2dBackwardWeightsOp,
             ConvTranspose2dOp, BatchNormOp, BatchNormInferenceOp,
             BatchNormBackwardOp>(op);
}
