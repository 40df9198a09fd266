//===- LibraryOps.cpp - library ops as calls into the runtime -------------===//
//
// Convolutions, matmul, batch norm and softmax run on oneDNN; random draws,
// nearest-codebook search, lookups, one-hot and argmax run on the runtime's
// own loops. Each op instance gets a descriptor in the model info (its kind
// and geometry), from which the trainer builds the primitive once when it
// starts, and a call `gmrt_library(frame, id, iteration, operands)` passing
// the addresses of its inputs then its outputs. docs/runtime-abi.md lists
// the kinds, their fields and their operands.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

namespace json = llvm::json;

static std::string dtypeOf(Value v) {
  return typeName(cast<RankedTensorType>(v.getType()).getElementType());
}

static int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The geometry every conv-family descriptor shares: the convolution's
/// input x [N, C, H, W], weight w [O, C/g, KH, KW] and output y.
template <typename OpT>
static json::Object convDescriptor(StringRef kind, OpT op, ArrayRef<int64_t> x,
                                   ArrayRef<int64_t> w, ArrayRef<int64_t> y) {
  json::Object d{{"kind", kind},
                 {"x", toJson(x)},
                 {"w", toJson(w)},
                 {"y", toJson(y)},
                 {"stride", toJson(op.getStride())},
                 {"padding", toJson(op.getPadding())},
                 {"dilation", toJson(op.getDilation())},
                 {"groups", static_cast<int64_t>(op.getGroups())}};
  // Multiply-adds of the convolution (each gradient does as many).
  d["flops"] = 2 * product(y) * (w[1] * w[2] * w[3]);
  return d;
}

/// A masked convolution's mask; its FLOPs count the taps the mask keeps
/// (the runtime does not compute the rest: kernels.cpp maskCrop).
static void addMask(json::Object &d, std::optional<DenseIntElementsAttr> mask) {
  if (!mask)
    return;
  json::Array bits;
  int64_t live = 0;
  for (bool v : mask->getValues<bool>()) {
    bits.push_back(v ? 1 : 0);
    live += v;
  }
  int64_t flops = *d.getInteger("flops");
  d["flops"] = flops / static_cast<int64_t>(bits.size()) * live;
  d["mask"] = std::move(bits);
}

static json::Object matmulDescriptor(MatmulOp m) {
  ArrayRef<int64_t> a = shapeOf(m.getLhs()), b = shapeOf(m.getRhs());
  size_t r = a.size();
  bool ta = m.getTransposeLhs(), tb = m.getTransposeRhs();
  int64_t batch = r == 3 ? a[0] : 1;
  int64_t rows = ta ? a[r - 1] : a[r - 2];
  int64_t inner = ta ? a[r - 2] : a[r - 1];
  int64_t cols = tb ? b[r - 2] : b[r - 1];
  return json::Object{
      {"kind", "matmul"},  {"batch", batch},
      {"m", rows},         {"k", inner},
      {"n", cols},         {"transpose_a", ta},
      {"transpose_b", tb}, {"flops", 2 * batch * rows * inner * cols}};
}

/// The epilogue fields of a gm.fused starting with a library op (gm-fuse):
/// a bias, then the chain's activation, if any.
static void addEpilogue(json::Object &d, FusedOp f) {
  d["bias"] = true;
  d["activation"] = "none";
  Block &body = f.getBody().front();
  Operation *last = body.getTerminator()->getOperand(0).getDefiningOp();
  if (isa<ReluOp>(last))
    d["activation"] = "relu";
  if (auto leaky = dyn_cast<LeakyReluOp>(last)) {
    d["activation"] = "leaky_relu";
    d["alpha"] = leaky.getAlpha().convertToDouble();
  }
}

/// The descriptor of a library op, and its operands in call order (inputs,
/// then outputs); nullopt for ops of other families.
static std::optional<std::pair<json::Object, SmallVector<Value>>>
describe(Operation *op) {
  using Result = std::optional<std::pair<json::Object, SmallVector<Value>>>;
  auto with = [&](json::Object d) -> Result {
    SmallVector<Value> operands(op->getOperands());
    operands.append(op->result_begin(), op->result_end());
    return std::make_pair(std::move(d), operands);
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](FusedOp f) -> Result {
        // A convolution or matmul with its epilogue (gm-fuse): one oneDNN
        // primitive with a bias and an activation post-op.
        Operation *library = f.getLibraryOp();
        if (!library)
          return std::nullopt;
        json::Object d;
        if (auto c = dyn_cast<Conv2dOp>(library)) {
          d = convDescriptor("conv2d", c, shapeOf(c.getInput()),
                             shapeOf(c.getWeight()), shapeOf(c.getResult()));
          addMask(d, c.getMask());
        } else {
          d = matmulDescriptor(cast<MatmulOp>(library));
        }
        addEpilogue(d, f);
        return with(std::move(d));
      })
      .Case([&](Conv2dOp c) {
        json::Object d =
            convDescriptor("conv2d", c, shapeOf(c.getInput()),
                           shapeOf(c.getWeight()), shapeOf(c.getResult()));
        addMask(d, c.getMask());
        return with(std::move(d));
      })
      .Case([&](Conv2dBackwardDataOp c) {
        json::Object d =
            convDescriptor("conv2d_backward_data", c, shapeOf(c.getResult()),
                           shapeOf(c.getWeight()), shapeOf(c.getOutputGrad()));
        addMask(d, c.getMask());
        return with(std::move(d));
      })
      .Case([&](Conv2dBackwardWeightsOp c) {
        json::Object d =
            convDescriptor("conv2d_backward_weights", c, shapeOf(c.getInput()),
                           shapeOf(c.getResult()), shapeOf(c.getOutputGrad()));
        addMask(d, c.getMask());
        return with(std::move(d));
      })
      .Case([&](ConvTranspose2dOp c) {
        // The input gradient of the convolution from the result back to
        // the input: that convolution's x is our result, its y our input.
        json::Object d{{"kind", "conv2d_backward_data"},
                       {"x", toJson(shapeOf(c.getResult()))},
                       {"w", toJson(shapeOf(c.getWeight()))},
                       {"y", toJson(shapeOf(c.getInput()))},
                       {"stride", toJson(c.getStride())},
                       {"padding", toJson(c.getPadding())},
                       {"dilation", toJson(c.getDilation())},
                       {"groups", static_cast<int64_t>(c.getGroups())}};
        ArrayRef<int64_t> w = shapeOf(c.getWeight());
        d["flops"] = 2 * product(shapeOf(c.getInput())) * w[1] * w[2] * w[3];
        return with(std::move(d));
      })
      .Case([&](ReorderOp r) {
        return with(json::Object{{"kind", "reorder"},
                                 {"x", toJson(shapeOf(r.getResult()))},
                                 {"layout", r.getLayout()}});
      })
      .Case([&](MatmulOp m) { return with(matmulDescriptor(m)); })
      .Case([&](BatchNormOp b) {
        ArrayRef<int64_t> x = shapeOf(b.getInput());
        return with(json::Object{{"kind", "batch_norm"},
                                 {"x", toJson(x)},
                                 {"epsilon", b.getEpsilon().convertToDouble()},
                                 {"flops", 8 * product(x)}});
      })
      .Case([&](BatchNormInferenceOp b) {
        ArrayRef<int64_t> x = shapeOf(b.getInput());
        return with(json::Object{{"kind", "batch_norm_inference"},
                                 {"x", toJson(x)},
                                 {"epsilon", b.getEpsilon().convertToDouble()},
                                 {"flops", 4 * product(x)}});
      })
      .Case([&](BatchNormBackwardOp b) {
        ArrayRef<int64_t> x = shapeOf(b.getInput());
        return with(json::Object{{"kind", "batch_norm_backward"},
                                 {"x", toJson(x)},
                                 {"epsilon", b.getEpsilon().convertToDouble()},
                                 {"flops", 12 * product(x)}});
      })
      .Case<SoftmaxOp, LogSoftmaxOp>([&](auto s) {
        ArrayRef<int64_t> x = shapeOf(s.getInput());
        return with(json::Object{
            {"kind", isa<SoftmaxOp>(s) ? "softmax" : "log_softmax"},
            {"x", toJson(x)},
            {"axis", s.getAxis()},
            {"flops", 5 * product(x)}});
      })
      .Case([&](NormalOp r) {
        return with(json::Object{{"kind", "normal"},
                                 {"stream", r.getId()},
                                 {"y", toJson(shapeOf(r.getResult()))},
                                 {"dtype", dtypeOf(r.getResult())}});
      })
      .Case([&](UniformOp r) {
        return with(json::Object{{"kind", "uniform"},
                                 {"stream", r.getId()},
                                 {"y", toJson(shapeOf(r.getResult()))},
                                 {"dtype", dtypeOf(r.getResult())},
                                 {"low", r.getLow().convertToDouble()},
                                 {"high", r.getHigh().convertToDouble()}});
      })
      .Case([&](BernoulliOp r) {
        return with(json::Object{{"kind", "bernoulli"},
                                 {"stream", r.getId()},
                                 {"y", toJson(shapeOf(r.getResult()))},
                                 {"dtype", dtypeOf(r.getResult())}});
      })
      .Case([&](CategoricalOp r) {
        return with(json::Object{{"kind", "categorical"},
                                 {"stream", r.getId()},
                                 {"x", toJson(shapeOf(r.getLogits()))},
                                 {"dtype", dtypeOf(r.getLogits())},
                                 {"axis", r.getAxis()}});
      })
      .Case([&](NearestOp n) {
        ArrayRef<int64_t> book = shapeOf(n.getCodebook());
        int64_t rows = product(shapeOf(n.getResult()));
        return with(json::Object{{"kind", "nearest"},
                                 {"rows", rows},
                                 {"codes", book[0]},
                                 {"width", book[1]},
                                 {"flops", 3 * rows * book[0] * book[1]}});
      })
      .Case([&](LookupOp l) {
        ArrayRef<int64_t> table = shapeOf(l.getTable());
        return with(json::Object{{"kind", "lookup"},
                                 {"rows", product(shapeOf(l.getIndices()))},
                                 {"codes", table[0]},
                                 {"width", table[1]},
                                 {"index_dtype", dtypeOf(l.getIndices())}});
      })
      .Case([&](OneHotOp o) {
        ArrayRef<int64_t> in = shapeOf(o.getIndices());
        return with(json::Object{
            {"kind", "one_hot"},
            {"x", toJson(in)},
            {"classes", o.getClasses()},
            {"axis", o.getAxis().value_or(static_cast<int64_t>(in.size()))},
            {"index_dtype", dtypeOf(o.getIndices())},
            {"dtype", dtypeOf(o.getResult())}});
      })
      .Case([&](ArgmaxOp a) {
        return with(json::Object{{"kind", "argmax"},
                                 {"x", toJson(shapeOf(a.getInput()))},
                                 {"axis", a.getAxis()},
                                 {"dtype", dtypeOf(a.getInput())}});
      })
      .Default([](Operation *) -> Result { return std::nullopt; });
}

/// The layouts of the operands in call order, when one is blocked
/// (gm-propagate-layouts); a gm.reorder's are implied by its "layout".
static void addLayouts(json::Object &d, ArrayRef<Value> operands) {
  json::Array layouts;
  bool blocked = false;
  for (Value v : operands) {
    StringRef name = layoutOf(v);
    blocked |= name == layout::blocked;
    layouts.push_back(name);
  }
  if (blocked && *d.getString("kind") != "reorder")
    d["layouts"] = std::move(layouts);
}

/// The float types each kind computes in: oneDNN kernels in f32 here, the
/// runtime's own loops in f32 or f64.
static LogicalResult checkTypes(Operation *op, StringRef kind) {
  bool oneDnn = kind.starts_with("conv") || kind == "matmul" ||
                kind.starts_with("batch_norm") || kind.contains("softmax") ||
                kind == "reorder" || kind == "nearest" || kind == "lookup";
  SmallVector<Type> types(op->getOperandTypes());
  types.append(op->result_type_begin(), op->result_type_end());
  for (Type type : types) {
    Type t = cast<RankedTensorType>(type).getElementType();
    if (!isa<FloatType>(t) || t.isF32() || (!oneDnn && t.isF64()))
      continue;
    return op->emitOpError()
           << "on " << typeName(t) << " is not supported by the CPU backend ("
           << (oneDnn ? "f32 only" : "f32 or f64") << ")";
  }
  return success();
}

FailureOr<bool> mlir::gm::cpu::emitLibraryOp(ModelEmitter &emitter,
                                             OpBuilder &b, Operation *op,
                                             FunctionState &fs) {
  auto described = describe(op);
  if (!described)
    return false;
  auto &[descriptor, operands] = *described;
  if (failed(checkTypes(op, *descriptor.getString("kind"))))
    return failure();
  // Where in the program the op came from, for the runtime's errors.
  std::string where;
  llvm::raw_string_ostream os(where);
  op->getLoc().print(os);
  descriptor["loc"] = where;
  addLayouts(descriptor, operands);
  StringRef kind = *descriptor.getString("kind");
  if (emitter.precision() != "f32" &&
      (kind.starts_with("conv") || kind == "matmul"))
    descriptor["precision"] = emitter.precision();
  // Operands are the inputs, then the results.
  SmallVector<int64_t> unchanged = emitter.noteLibraryCall(
      op->getBlock(), ArrayRef<Value>(operands).drop_back(op->getNumResults()));
  if (!unchanged.empty())
    descriptor["unchanged"] = toJson(unchanged);
  // A draw gm-narrow-autoregressive marked: the step's position alone.
  Value position;
  if (op->hasAttr(kAtPositionAttr)) {
    auto loop = cast<AutoregressiveOp>(op->getParentOp());
    descriptor["period"] = loop.getPositions();
    position = fs.position;
  }
  int32_t id = emitter.addLibraryOp(std::move(descriptor));
  if (failed(
          emitter.emitLibraryCall(b, op->getLoc(), fs, id, operands, position)))
    return failure();
  return true;
}
