//===- Layers.cpp - conv2d, conv_transpose2d, linear, batch_norm ----------===//

#include "compiler/Frontend/Layers.h"

#include <cmath>

using namespace gmc;
using namespace mlir;
namespace gm = mlir::gm;
namespace shape = mlir::gm::shape;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// PyTorch's default for weights and biases: U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)).
Attribute defaultInit(Sema &s, int64_t fanIn) {
  double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
  return gm::UniformAttr::get(s.context(), -bound, bound);
}

/// The layer's name (`conv2d_0`, or `name=`).
std::optional<std::string> nameOf(Sema &s, CallSite &site,
                                  llvm::StringRef kind) {
  std::optional<std::string> explicitName;
  if (site.has("name")) {
    explicitName = site.string("name");
    if (!explicitName)
      return std::nullopt;
  }
  return s.layerName(site.callRange(), kind, explicitName);
}

/// The weight initializer: `init=` or the default.
Attribute weightInit(Sema &s, CallSite &site, int64_t fanIn) {
  if (site.has("init"))
    return initializerOf(s, site.expr("init"));
  return defaultInit(s, fanIn);
}

/// Padding as [top, left, bottom, right] from an int, [h, w] or 4 values.
std::optional<SmallVector<int64_t>> paddingOf(Sema &s, CallSite &site) {
  if (!site.has("pad"))
    return SmallVector<int64_t>{0, 0, 0, 0};
  Val v = site.value("pad");
  if (v.kind == Val::List && v.items.size() == 4) {
    std::optional<std::vector<int64_t>> four = site.intList("pad");
    if (!four)
      return std::nullopt;
    return SmallVector<int64_t>(four->begin(), four->end());
  }
  std::optional<SmallVector<int64_t>> hw = site.ints("pad", 2, 0);
  if (!hw)
    return std::nullopt;
  return SmallVector<int64_t>{(*hw)[0], (*hw)[1], (*hw)[0], (*hw)[1]};
}

/// PixelCNN masks by name, or an explicit 0/1 matrix. Null when absent.
std::optional<DenseIntElementsAttr> maskOf(Sema &s, CallSite &site, int64_t kh,
                                           int64_t kw) {
  if (!site.has("mask"))
    return DenseIntElementsAttr();
  Val v = site.value("mask");
  if (!v.valid())
    return std::nullopt;
  std::vector<bool> bits(kh * kw, false);
  int64_t ch = kh / 2, cw = kw / 2;
  if (v.kind == Val::String) {
    llvm::StringRef name = v.text;
    bool typeA = name.ends_with("A");
    llvm::StringRef family = name.drop_back();
    if (!typeA && !name.ends_with("B")) {
      family = "?";
    }
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) {
        bool on;
        if (family.empty()) // raster: above, and left of (A) / up to (B) centre
          on = i < ch || (i == ch && (typeA ? j < cw : j <= cw));
        else if (family ==
                 "v") // vertical stack: rows above (A) / to (B) centre
          on = typeA ? i < ch : i <= ch;
        else if (family == "h") // horizontal stack: the centre row, left part
          on = i == ch && (typeA ? j < cw : j <= cw);
        else {
          site.fail("mask", "unknown mask \"" + name +
                                "\"; use \"A\" or \"B\" (raster), \"vA\" or "
                                "\"vB\" (vertical stack), \"hA\" or \"hB\" "
                                "(horizontal stack), or a 0/1 matrix");
          return std::nullopt;
        }
        bits[i * kw + j] = on;
      }
  } else if (v.kind == Val::List) {
    bool ok = static_cast<int64_t>(v.items.size()) == kh;
    for (int64_t i = 0; ok && i < kh; ++i) {
      const Val &row = v.items[i];
      ok =
          row.kind == Val::List && static_cast<int64_t>(row.items.size()) == kw;
      for (int64_t j = 0; ok && j < kw; ++j) {
        ok = row.items[j].isNumber() &&
             (row.items[j].number == 0 || row.items[j].number == 1);
        if (ok)
          bits[i * kw + j] = row.items[j].number == 1;
      }
    }
    if (!ok) {
      site.fail("mask", "a mask matrix must be " + std::to_string(kh) + "x" +
                            std::to_string(kw) +
                            " zeros and ones (the kernel)");
      return std::nullopt;
    }
  } else {
    site.fail("mask", "mask must be a name (\"A\", \"B\", \"vA\", ...) or a "
                      "0/1 matrix, this is " +
                          describe(v));
    return std::nullopt;
  }
  // A mask that keeps nothing leaves the layer a bias: surely a mistake
  // (mask "A" on a 1x1 kernel).
  if (llvm::none_of(bits, [](bool on) { return on; })) {
    site.fail("mask", "this mask keeps no weight of the " + std::to_string(kh) +
                          "x" + std::to_string(kw) + " kernel");
    return std::nullopt;
  }
  auto type = RankedTensorType::get({kh, kw}, s.builder().getI1Type());
  SmallVector<bool> values(bits.begin(), bits.end());
  return cast<DenseIntElementsAttr>(DenseElementsAttr::get(type, values));
}

/// Adds a per-channel bias of `channels` to an N x C (x H x W) tensor.
Value addBias(Sema &s, CallSite &site, Value y, llvm::StringRef layer,
              int64_t channels, Attribute init) {
  auto type = RankedTensorType::get({channels}, typeOf(y).getElementType());
  Value bias = s.variable(site.callRange(), (layer + ".bias").str(), type, init,
                          /*trainable=*/true);
  if (!bias)
    return nullptr;
  gm::TensorBuilder t = s.math(site.callRange());
  return t.add(y, t.perChannel(bias, typeOf(y).getRank()));
}

/// A layer's trainable weight, `<layer>.weight`.
Value addWeight(Sema &s, CallSite &site, llvm::StringRef layer,
                ArrayRef<int64_t> shape, Type element, Attribute init) {
  return s.variable(site.callRange(), (layer + ".weight").str(),
                    RankedTensorType::get(shape, element), init,
                    /*trainable=*/true);
}

/// A layer's result: `y`, plus a bias of `channels` if the layer has one
/// (initialized from the weight's fan-in, as PyTorch does).
Val withBias(Sema &s, CallSite &site, Value y, bool bias, llvm::StringRef layer,
             int64_t channels, int64_t fanIn) {
  if (bias)
    y = addBias(s, site, y, layer, channels, defaultInit(s, fanIn));
  return y ? Val::ofTensor(y, site.callRange()) : Val::invalid();
}

/// What conv2d and conv_transpose2d share: the input, the output channels
/// and the geometry, parsed and checked.
struct ConvArgs {
  Value x;
  RankedTensorType type;
  int64_t inChannels, outChannels;
  SmallVector<int64_t> kernel;
  shape::ConvGeometry geometry;
  bool bias;
};

std::optional<ConvArgs> convArgs(Sema &s, CallSite &site) {
  Value x = site.tensor("x");
  std::optional<int64_t> out = site.positiveInt("out_channels");
  std::optional<SmallVector<int64_t>> kernel = site.ints("kernel", 2, 0, 1);
  std::optional<SmallVector<int64_t>> stride = site.ints("stride", 2, 1, 1);
  std::optional<SmallVector<int64_t>> dilation = site.ints("dilation", 2, 1, 1);
  std::optional<SmallVector<int64_t>> pad = paddingOf(s, site);
  std::optional<int64_t> groups = site.intOr("groups", 1);
  bool bias = site.boolOr("bias", true);
  if (!x || !out || !kernel || !stride || !dilation || !pad || !groups ||
      !site.finish())
    return std::nullopt;
  if (!site.has("kernel")) {
    site.fail("", site.callee() + " needs a kernel size: " + site.callee() +
                      "(x, 32, kernel=4)");
    return std::nullopt;
  }
  RankedTensorType xt = typeOf(x);
  if (!isa<FloatType>(xt.getElementType()) || xt.getRank() != 4) {
    site.fail("x", site.callee() +
                       " needs an N x C x H x W float tensor, "
                       "this is " +
                       describe(xt));
    return std::nullopt;
  }
  int64_t cin = xt.getDimSize(1);
  if (*groups < 1 || cin % *groups || *out % *groups) {
    site.fail("groups", site.callee() + ": groups=" + std::to_string(*groups) +
                            " must divide the input channels (" +
                            std::to_string(cin) + ") and out_channels (" +
                            std::to_string(*out) + ")");
    return std::nullopt;
  }
  ConvArgs a{x, xt, cin, *out, *kernel, {}, bias};
  a.geometry.stride.assign(stride->begin(), stride->end());
  a.geometry.padding.assign(pad->begin(), pad->end());
  a.geometry.dilation.assign(dilation->begin(), dilation->end());
  a.geometry.groups = *groups;
  return a;
}

} // namespace

Val gmc::conv2dLayer(Sema &s, CallSite &site) {
  if (!site.bind({"x", "out_channels", "kernel", "stride", "pad", "dilation",
                  "groups", "bias", "mask", "init", "name"}))
    return Val::invalid();
  std::optional<ConvArgs> a = convArgs(s, site);
  if (!a)
    return Val::invalid();
  int64_t groups = a->geometry.groups;
  SmallVector<int64_t> wshape{a->outChannels, a->inChannels / groups,
                              a->kernel[0], a->kernel[1]};
  shape::ShapeResult r = shape::conv2d(a->type.getShape(), wshape, a->geometry);
  if (!r) {
    site.fail("", "conv2d of " + describe(a->type) + ": " + r.message());
    return Val::invalid();
  }
  std::optional<DenseIntElementsAttr> mask =
      maskOf(s, site, a->kernel[0], a->kernel[1]);
  std::optional<std::string> name = nameOf(s, site, "conv2d");
  int64_t fanIn = a->inChannels / groups * a->kernel[0] * a->kernel[1];
  Attribute init = weightInit(s, site, fanIn);
  if (!mask || !name || !init)
    return Val::invalid();
  Value w = addWeight(s, site, *name, wshape, a->type.getElementType(), init);
  if (!w)
    return Val::invalid();
  auto &b = s.builder();
  const shape::ConvGeometry &g = a->geometry;
  Value y = s.create<gm::Conv2dOp>(
      site.callRange(), a->x, w, b.getDenseI64ArrayAttr(g.stride),
      b.getDenseI64ArrayAttr(g.padding), b.getDenseI64ArrayAttr(g.dilation),
      b.getI64IntegerAttr(groups), *mask);
  return withBias(s, site, y, a->bias, *name, a->outChannels, fanIn);
}

Val gmc::convTranspose2dLayer(Sema &s, CallSite &site) {
  if (!site.bind({"x", "out_channels", "kernel", "stride", "pad",
                  "output_padding", "dilation", "groups", "bias", "init",
                  "name"}))
    return Val::invalid();
  std::optional<SmallVector<int64_t>> outputPadding =
      site.ints("output_padding", 2, 0);
  std::optional<ConvArgs> a = convArgs(s, site);
  if (!a || !outputPadding)
    return Val::invalid();
  int64_t groups = a->geometry.groups;
  SmallVector<int64_t> wshape{a->inChannels, a->outChannels / groups,
                              a->kernel[0], a->kernel[1]};
  shape::ShapeResult r = shape::convTranspose2d(a->type.getShape(), wshape,
                                                a->geometry, *outputPadding);
  if (!r) {
    site.fail("",
              "conv_transpose2d of " + describe(a->type) + ": " + r.message());
    return Val::invalid();
  }
  std::optional<std::string> name = nameOf(s, site, "conv_transpose2d");
  // PyTorch computes fan_in from the weight's dimension 1 (C_out / groups).
  int64_t fanIn = a->outChannels / groups * a->kernel[0] * a->kernel[1];
  Attribute init = weightInit(s, site, fanIn);
  if (!name || !init)
    return Val::invalid();
  Value w = addWeight(s, site, *name, wshape, a->type.getElementType(), init);
  if (!w)
    return Val::invalid();
  auto &b = s.builder();
  const shape::ConvGeometry &g = a->geometry;
  Value y = s.create<gm::ConvTranspose2dOp>(
      site.callRange(), a->x, w, b.getDenseI64ArrayAttr(g.stride),
      b.getDenseI64ArrayAttr(g.padding), b.getDenseI64ArrayAttr(*outputPadding),
      b.getDenseI64ArrayAttr(g.dilation), b.getI64IntegerAttr(groups));
  return withBias(s, site, y, a->bias, *name, a->outChannels, fanIn);
}

Val gmc::linearLayer(Sema &s, CallSite &site) {
  if (!site.bind({"x", "out_features", "bias", "init", "name"}))
    return Val::invalid();
  Value x = site.tensor("x");
  std::optional<int64_t> out = site.positiveInt("out_features");
  bool bias = site.boolOr("bias", true);
  if (!x || !out || !site.finish())
    return Val::invalid();
  RankedTensorType xt = typeOf(x);
  if (!isa<FloatType>(xt.getElementType()) || xt.getRank() != 2) {
    site.fail("x", "linear needs an N x features float tensor, this is " +
                       describe(xt) +
                       (xt.getRank() > 2 ? " (flatten it first)" : ""));
    return Val::invalid();
  }
  int64_t in = xt.getDimSize(1);
  std::optional<std::string> name = nameOf(s, site, "linear");
  Attribute init = weightInit(s, site, in);
  if (!name || !init)
    return Val::invalid();
  Value w = addWeight(s, site, *name, {*out, in}, xt.getElementType(), init);
  if (!w)
    return Val::invalid();
  Value y = s.create<gm::MatmulOp>(site.callRange(), x, w, false, true);
  return withBias(s, site, y, bias, *name, *out, in);
}

Val gmc::batchNormLayer(Sema &s, CallSite &site) {
  if (!site.bind({"x", "eps", "momentum", "name"}))
    return Val::invalid();
  Value x = site.tensor("x");
  std::optional<double> eps = site.numberOr("eps", 1e-5);
  std::optional<double> momentum = site.numberOr("momentum", 0.1);
  if (!x || !eps || !momentum || !site.finish())
    return Val::invalid();
  RankedTensorType xt = typeOf(x);
  if (!isa<FloatType>(xt.getElementType()) ||
      (xt.getRank() != 2 && xt.getRank() != 4)) {
    site.fail("x", "batch_norm needs an N x C or N x C x H x W float tensor, "
                   "this is " +
                       describe(xt));
    return Val::invalid();
  }
  if (*momentum < 0 || *momentum > 1) {
    site.fail("momentum", "batch_norm's momentum must be in [0, 1]");
    return Val::invalid();
  }
  std::optional<std::string> name = nameOf(s, site, "batch_norm");
  if (!name)
    return Val::invalid();
  int64_t c = xt.getDimSize(1);
  auto channelType = RankedTensorType::get({c}, xt.getElementType());
  MLIRContext *ctx = s.context();
  SourceRange at = site.callRange();
  Value gamma = s.variable(at, *name + ".weight", channelType,
                           gm::FillAttr::get(ctx, 1.0), true);
  Value beta = s.variable(at, *name + ".bias", channelType,
                          gm::FillAttr::get(ctx, 0.0), true);
  Value runningMean = s.variable(at, *name + ".running_mean", channelType,
                                 gm::FillAttr::get(ctx, 0.0), false);
  Value runningVar = s.variable(at, *name + ".running_var", channelType,
                                gm::FillAttr::get(ctx, 1.0), false);
  if (!gamma || !beta || !runningMean || !runningVar)
    return Val::invalid();
  s.markModeDependent();
  FloatAttr epsAttr = s.builder().getF64FloatAttr(*eps);
  if (!s.training())
    return Val::ofTensor(
        s.create<gm::BatchNormInferenceOp>(at, x, gamma, beta, runningMean,
                                           runningVar, epsAttr),
        at);
  // Batch statistics; the running ones move by `momentum` (PyTorch: the
  // variance is stored unbiased).
  auto bn = s.create<gm::BatchNormOp>(at, x, gamma, beta, epsAttr);
  gm::TensorBuilder t = s.math(at);
  double n = static_cast<double>(xt.getNumElements()) / c;
  Value mean = t.unary<gm::StopGradientOp>(bn.getMean());
  Value var = t.unary<gm::StopGradientOp>(bn.getVariance());
  Value meanStep = t.scale(mean, *momentum);
  Value newMean = t.add(t.scale(runningMean, 1 - *momentum), meanStep);
  Value varStep = t.scale(var, *momentum * n / std::max(1.0, n - 1));
  Value newVar = t.add(t.scale(runningVar, 1 - *momentum), varStep);
  s.storeState(at, *name + ".running_mean", newMean);
  s.storeState(at, *name + ".running_var", newVar);
  return Val::ofTensor(bn.getResult(), at);
}

Attribute gmc::initializerOf(Sema &s, const Expr *expr) {
  auto *call = dyn_cast_or_null<CallExpr>(expr);
  if (!call) {
    s.diags().error(expr ? expr->range : SourceRange{},
                    "an initializer is a call: normal(mean, std), "
                    "uniform(low, high), zeros(), ones() or fill(value)");
    return {};
  }
  CallSite site(s, call);
  MLIRContext *ctx = s.context();
  llvm::StringRef kind = call->callee.name;
  if (kind == "normal") {
    if (!site.bind({"mean", "std"}))
      return {};
    std::optional<double> mean = site.numberOr("mean", 0);
    std::optional<double> std = site.numberOr("std", 1);
    if (!mean || !std)
      return {};
    if (*std < 0) {
      site.fail("std", "normal's std must not be negative");
      return {};
    }
    return gm::NormalAttr::get(ctx, *mean, *std);
  }
  if (kind == "uniform") {
    if (!site.bind({"low", "high"}))
      return {};
    std::optional<double> low = site.number("low");
    std::optional<double> high = site.number("high");
    if (!low || !high)
      return {};
    if (*low > *high) {
      site.fail("high", "uniform needs low <= high");
      return {};
    }
    return gm::UniformAttr::get(ctx, *low, *high);
  }
  if (kind == "zeros" || kind == "ones") {
    if (!site.bind({}))
      return {};
    return gm::FillAttr::get(ctx, kind == "ones" ? 1.0 : 0.0);
  }
  if (kind == "fill") {
    if (!site.bind({"value"}))
      return {};
    std::optional<double> v = site.number("value");
    return v ? gm::FillAttr::get(ctx, *v) : Attribute();
  }
  s.diags().error(call->callee.range,
                  "unknown initializer '" + kind +
                      "'; use normal(mean, std), uniform(low, high), zeros(), "
                      "ones() or fill(value)");
  return {};
}
