//===- Builtins.cpp - the functions of the .gm language -------------------===//
//
// One entry per builtin: bind the arguments, check them with the gm shape
// rules (so a mistake is explained in the language's terms, at the call),
// then emit gm ops. Layers that create parameters are in Layers.cpp; the
// list of both is at the end of this file.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/Layers.h"
#include "compiler/Frontend/SemaInternal.h"

#include <cmath>
#include <type_traits>

using namespace gmc;
using namespace mlir;
namespace gm = mlir::gm;
namespace shape = mlir::gm::shape;

namespace {

using gm::TensorBuilder;

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// A float tensor argument, or an error naming the function.
Value floatTensor(Sema &s, CallSite &site, llvm::StringRef name) {
  Value t = site.tensor(name);
  if (t && !isa<FloatType>(typeOf(t).getElementType())) {
    site.fail(name, site.callee() + " needs a float tensor, '" + name +
                        "' is " + describe(t.getType()) +
                        " (convert it with float())");
    return nullptr;
  }
  return t;
}

/// An axis argument, negative counting from the end, checked against rank.
std::optional<int64_t> axisOf(CallSite &site, llvm::StringRef name,
                              int64_t rank, std::optional<int64_t> fallback,
                              bool allowEnd = false) {
  std::optional<int64_t> axis = site.has(name) ? site.integer(name) : fallback;
  if (!axis) {
    if (!site.has(name))
      site.fail("", site.callee() + " needs the argument '" + name + "'");
    return std::nullopt;
  }
  int64_t limit = rank + (allowEnd ? 1 : 0);
  int64_t a = *axis < 0 ? *axis + limit : *axis;
  if (a < 0 || a >= limit) {
    site.fail(name, site.callee() + ": axis " + std::to_string(*axis) +
                        " is out of range for a rank-" + std::to_string(rank) +
                        " tensor");
    return std::nullopt;
  }
  return a;
}

Val tensorResult(Value v, CallSite &site) {
  return Val::ofTensor(v, site.callRange());
}

//===----------------------------------------------------------------------===//
// Elementwise math
//===----------------------------------------------------------------------===//

/// A unary function: folds numbers, emits `OpT` on tensors.
template <typename OpT>
Val unary(Sema &s, CallSite &site, double (*fold)(double), bool floatOnly) {
  if (!site.bind({"x"}))
    return Val::invalid();
  Val v = site.value("x");
  if (!v.valid())
    return v;
  if (v.isNumber() && fold)
    return s.foldedNumber(fold(v.number), false, site.callRange());
  Value x = floatOnly ? floatTensor(s, site, "x") : site.tensor("x");
  if (!x)
    return Val::invalid();
  return tensorResult(s.math(site.callRange()).unary<OpT>(x), site);
}

double relu(double v) { return v > 0 ? v : 0; }
double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }
double softplus(double v) { return std::log1p(std::exp(v)); }
double square(double v) { return v * v; }
double rsqrt(double v) { return 1 / std::sqrt(v); }
double sign(double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }
double roundHalfEven(double v) { return std::nearbyint(v); }

#define GM_UNARY(NAME, OP, FOLD, FLOAT_ONLY)                                   \
  Val NAME(Sema &s, CallSite &site) {                                          \
    return unary<gm::OP>(s, site, FOLD, FLOAT_ONLY);                           \
  }
GM_UNARY(
    expFn, ExpOp, [](double v) { return std::exp(v); }, true)
GM_UNARY(
    logFn, LogOp, [](double v) { return std::log(v); }, true)
GM_UNARY(
    log1pFn, Log1pOp, [](double v) { return std::log1p(v); }, true)
GM_UNARY(
    sqrtFn, SqrtOp, [](double v) { return std::sqrt(v); }, true)
GM_UNARY(rsqrtFn, RsqrtOp, rsqrt, true)
GM_UNARY(
    absFn, AbsOp, [](double v) { return std::fabs(v); }, false)
GM_UNARY(signFn, SignOp, sign, false)
GM_UNARY(squareFn, SquareOp, square, false)
GM_UNARY(
    tanhFn, TanhOp, [](double v) { return std::tanh(v); }, true)
GM_UNARY(sigmoidFn, SigmoidOp, sigmoid, true)
GM_UNARY(softplusFn, SoftplusOp, softplus, true)
GM_UNARY(reluFn, ReluOp, relu, true)
GM_UNARY(
    floorFn, FloorOp, [](double v) { return std::floor(v); }, true)
GM_UNARY(roundFn, RoundOp, roundHalfEven, true)
GM_UNARY(stopGradientFn, StopGradientOp, nullptr, false)
#undef GM_UNARY

Val leakyReluFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "alpha"}))
    return Val::invalid();
  Value x = floatTensor(s, site, "x");
  std::optional<double> alpha = site.numberOr("alpha", 0.01);
  if (!x || !alpha)
    return Val::invalid();
  return tensorResult(
      s.create<gm::LeakyReluOp>(site.callRange(), x,
                                s.builder().getF64FloatAttr(*alpha)),
      site);
}

/// maximum/minimum: numbers fold, tensors broadcast.
Val extremum(Sema &s, CallSite &site, bool isMax) {
  if (!site.bind({"a", "b"}))
    return Val::invalid();
  Val a = site.value("a"), b = site.value("b");
  if (!a.valid() || !b.valid())
    return Val::invalid();
  if (a.isNumber() && b.isNumber())
    return Val::ofNumber(
        isMax ? std::max(a.number, b.number) : std::min(a.number, b.number),
        a.kind == Val::Int && b.kind == Val::Int, site.callRange());
  Type element = (a.isTensor() ? a : b).type().getElementType();
  Value x = s.tensorOf(a, "maximum's argument", element);
  Value y = s.tensorOf(b, "maximum's argument", element);
  if (!x || !y)
    return Val::invalid();
  shape::ShapeResult r =
      shape::broadcast(typeOf(x).getShape(), typeOf(y).getShape());
  if (!r || typeOf(x).getElementType() != typeOf(y).getElementType()) {
    site.fail("",
              site.callee() + " of " + describe(x.getType()) + " and " +
                  describe(y.getType()) + ": " +
                  (r ? std::string("the element types differ") : r.message()));
    return Val::invalid();
  }
  TensorBuilder t = s.math(site.callRange());
  return tensorResult(isMax ? t.maximum(x, y) : t.minimum(x, y), site);
}
Val maximumFn(Sema &s, CallSite &site) { return extremum(s, site, true); }
Val minimumFn(Sema &s, CallSite &site) { return extremum(s, site, false); }

Val whereFn(Sema &s, CallSite &site) {
  if (!site.bind({"condition", "a", "b"}))
    return Val::invalid();
  Value c = site.tensor("condition");
  Val a = site.value("a"), b = site.value("b");
  if (!c || !a.valid() || !b.valid())
    return Val::invalid();
  if (!typeOf(c).getElementType().isInteger(1)) {
    site.fail("condition", "where's condition must be a comparison (a "
                           "boolean tensor), this is " +
                               describe(c.getType()));
    return Val::invalid();
  }
  Type element = (a.isTensor()   ? a
                  : b.isTensor() ? b
                                 : Val())
                         .valid()
                     ? (a.isTensor() ? a : b).type().getElementType()
                     : s.builder().getF32Type();
  Value x = s.tensorOf(a, "where's argument", element);
  Value y = s.tensorOf(b, "where's argument", element);
  if (!x || !y)
    return Val::invalid();
  shape::ShapeResult r1 =
      shape::broadcast(typeOf(c).getShape(), typeOf(x).getShape());
  shape::ShapeResult r2 =
      r1 ? shape::broadcast(r1.shape(), typeOf(y).getShape()) : r1;
  if (!r2 || typeOf(x).getElementType() != typeOf(y).getElementType()) {
    site.fail(
        "", "where(" + describe(c.getType()) + ", " + describe(x.getType()) +
                ", " + describe(y.getType()) + "): " +
                (r2 ? std::string("the element types differ") : r2.message()));
    return Val::invalid();
  }
  return tensorResult(s.math(site.callRange()).select(c, x, y), site);
}

/// int(x) and float(x): casts (numbers convert at compile time).
Val convert(Sema &s, CallSite &site, Type to, bool toInt) {
  if (!site.bind({"x"}))
    return Val::invalid();
  Val v = site.value("x");
  if (!v.valid())
    return v;
  if (v.isNumber())
    return s.foldedNumber(toInt ? std::trunc(v.number) : v.number, toInt,
                          site.callRange());
  Value x = site.tensor("x");
  if (!x)
    return Val::invalid();
  return tensorResult(s.math(site.callRange()).cast(x, to), site);
}
Val intFn(Sema &s, CallSite &site) {
  return convert(s, site, s.builder().getI32Type(), true);
}
Val floatFn(Sema &s, CallSite &site) {
  return convert(s, site, s.builder().getF32Type(), false);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// sum/mean/max over `axis` (an int, a list, or all dimensions).
template <typename OpT> Val reduction(Sema &s, CallSite &site) {
  if (!site.bind({"x", "axis", "keepdim"}))
    return Val::invalid();
  Value x = site.tensor("x");
  if (!x)
    return Val::invalid();
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> dims;
  if (!site.has("axis")) {
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
  } else {
    Val axis = site.value("axis");
    std::vector<int64_t> list;
    if (axis.kind == Val::List) {
      auto l = site.intList("axis");
      if (!l)
        return Val::invalid();
      list = *l;
    } else if (auto one = site.integer("axis")) {
      list.push_back(*one);
    } else {
      return Val::invalid();
    }
    for (int64_t a : list)
      dims.push_back(a < 0 ? a + rank : a);
  }
  bool keepdim = site.boolOr("keepdim", false);
  if (!site.finish())
    return Val::invalid();
  // As in NumPy, a sum counts booleans and a mean of booleans or integers
  // is a fraction: reduce them as f32, not in their own type.
  Type element = typeOf(x).getElementType();
  bool counts = std::is_same_v<OpT, gm::ReduceSumOp> && element.isInteger(1);
  bool fraction =
      std::is_same_v<OpT, gm::ReduceMeanOp> && isa<IntegerType>(element);
  if (counts || fraction)
    x = s.math(site.callRange()).cast(x, s.builder().getF32Type());
  if (rank == 0)
    return tensorResult(x, site);
  shape::ShapeResult r = shape::reduce(typeOf(x).getShape(), dims, keepdim);
  if (!r) {
    site.fail("axis", site.callee() + " over " + describe(x.getType()) + ": " +
                          r.message());
    return Val::invalid();
  }
  return tensorResult(s.create<OpT>(site.callRange(), x, dims, keepdim), site);
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

Val reshapeFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "shape"}))
    return Val::invalid();
  Value x = site.tensor("x");
  std::optional<std::vector<int64_t>> target = site.intList("shape");
  if (!x || !target)
    return Val::invalid();
  // One -1 takes what the others leave.
  int64_t known = 1, inferred = -1;
  if (!sizeAcceptable(llvm::to_vector(llvm::map_range(
          *target, [](int64_t d) { return d == -1 ? int64_t(1) : d; })))) {
    site.fail("shape", "reshape: the shape is too large");
    return Val::invalid();
  }
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == -1 && inferred < 0)
      inferred = i;
    else if (d < 1) {
      site.fail("shape", "reshape: dimension " + std::to_string(d) +
                             " is not positive (one -1 may stand for the "
                             "rest)");
      return Val::invalid();
    } else
      known *= d;
  }
  int64_t total = typeOf(x).getNumElements();
  if (inferred >= 0) {
    if (total % known != 0) {
      site.fail("shape", "reshape: " + describe(x.getType()) + " has " +
                             std::to_string(total) +
                             " elements, which the other dimensions (" +
                             std::to_string(known) + ") do not divide");
      return Val::invalid();
    }
    (*target)[inferred] = total / known;
  }
  std::string e = shape::checkReshape(typeOf(x).getShape(), *target);
  if (!e.empty()) {
    site.fail("shape", "reshape: " + e);
    return Val::invalid();
  }
  return tensorResult(s.math(site.callRange()).reshape(x, *target), site);
}

Val flattenFn(Sema &s, CallSite &site) {
  if (!site.bind({"x"}))
    return Val::invalid();
  Value x = site.tensor("x");
  if (!x)
    return Val::invalid();
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  if (shape.empty()) {
    site.fail("x", "flatten needs a batch dimension, this is a scalar");
    return Val::invalid();
  }
  int64_t rest = 1;
  for (int64_t d : shape.drop_front())
    rest *= d;
  return tensorResult(s.math(site.callRange()).reshape(x, {shape[0], rest}),
                      site);
}

Val transposeFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "perm"}))
    return Val::invalid();
  Value x = site.tensor("x");
  std::optional<std::vector<int64_t>> perm = site.intList("perm");
  if (!x || !perm)
    return Val::invalid();
  shape::ShapeResult r = shape::transpose(typeOf(x).getShape(), *perm);
  if (!r) {
    site.fail("perm", "transpose: " + r.message());
    return Val::invalid();
  }
  return tensorResult(s.math(site.callRange()).transpose(x, *perm), site);
}

Val concatFn(Sema &s, CallSite &site) {
  if (!site.bind({"tensors", "axis"}))
    return Val::invalid();
  Val list = site.value("tensors");
  if (!list.valid())
    return list;
  if (list.kind != Val::List || list.items.empty()) {
    site.fail("tensors", "concat takes a list of tensors: concat([a, b], "
                         "axis=1)");
    return Val::invalid();
  }
  SmallVector<Value> inputs;
  SmallVector<shape::Shape> shapes;
  for (const Val &item : list.items) {
    Value t = s.tensorOf(item, "a concatenated value");
    if (!t)
      return Val::invalid();
    inputs.push_back(t);
    shapes.emplace_back(typeOf(t).getShape());
    if (typeOf(t).getElementType() != typeOf(inputs.front()).getElementType()) {
      site.fail("tensors", "concat: " + describe(t.getType()) + " and " +
                               describe(inputs.front().getType()) +
                               " differ in element type");
      return Val::invalid();
    }
  }
  std::optional<int64_t> axis =
      axisOf(site, "axis", typeOf(inputs.front()).getRank(), std::nullopt);
  if (!axis)
    return Val::invalid();
  shape::ShapeResult r = shape::concat(shapes, *axis);
  if (!r) {
    site.fail("tensors", "concat: " + r.message());
    return Val::invalid();
  }
  return tensorResult(s.create<gm::ConcatOp>(site.callRange(), inputs, *axis),
                      site);
}

Val padFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "low", "high", "value"}))
    return Val::invalid();
  Value x = site.tensor("x");
  std::optional<std::vector<int64_t>> low = site.intList("low");
  std::optional<std::vector<int64_t>> high = site.intList("high");
  std::optional<double> value = site.numberOr("value", 0);
  if (!x || !low || !high || !value)
    return Val::invalid();
  shape::ShapeResult r = shape::pad(typeOf(x).getShape(), *low, *high, {});
  if (!r) {
    site.fail("", "pad of " + describe(x.getType()) + ": " + r.message());
    return Val::invalid();
  }
  auto &b = s.builder();
  return tensorResult(
      s.create<gm::PadOp>(site.callRange(), x, b.getDenseI64ArrayAttr(*low),
                          b.getDenseI64ArrayAttr(*high), DenseI64ArrayAttr(),
                          b.getF64FloatAttr(*value)),
      site);
}

Val upsampleFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "factor"}))
    return Val::invalid();
  Value x = floatTensor(s, site, "x");
  std::optional<SmallVector<int64_t>> factor = site.ints("factor", 2, 2, 1);
  if (!x || !factor)
    return Val::invalid();
  shape::ShapeResult r = shape::upsample(typeOf(x).getShape(), *factor);
  if (!r) {
    site.fail("", "upsample: " + r.message());
    return Val::invalid();
  }
  return tensorResult(s.create<gm::UpsampleOp>(site.callRange(), x, *factor),
                      site);
}

Val shapeFn(Sema &s, CallSite &site) {
  if (!site.bind({"x"}))
    return Val::invalid();
  Value x = site.tensor("x");
  if (!x)
    return Val::invalid();
  std::vector<Val> dims;
  for (int64_t d : typeOf(x).getShape())
    dims.push_back(Val::ofNumber(d, true, site.callRange()));
  return Val::ofList(std::move(dims), Val::List, site.callRange());
}

/// zeros(shape), ones(shape), full(shape, value).
Val filled(Sema &s, CallSite &site, std::optional<double> fixed) {
  if (!site.bind(fixed ? std::initializer_list<const char *>{"shape"}
                       : std::initializer_list<const char *>{"shape", "value"}))
    return Val::invalid();
  std::optional<std::vector<int64_t>> shape = site.intList("shape");
  std::optional<double> value = fixed ? fixed : site.number("value");
  if (!shape || !value)
    return Val::invalid();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 1; }) ||
      !sizeAcceptable(*shape)) {
    site.fail("shape", site.callee() + ": dimensions must be positive and "
                                       "the shape not too large");
    return Val::invalid();
  }
  return tensorResult(s.math(site.callRange())
                          .splat(*value, RankedTensorType::get(
                                             *shape, s.builder().getF32Type())),
                      site);
}
Val zerosFn(Sema &s, CallSite &site) { return filled(s, site, 0.0); }
Val onesFn(Sema &s, CallSite &site) { return filled(s, site, 1.0); }
Val fullFn(Sema &s, CallSite &site) { return filled(s, site, std::nullopt); }

//===----------------------------------------------------------------------===//
// Softmax, classification, quantization
//===----------------------------------------------------------------------===//

template <typename OpT> Val softmaxLike(Sema &s, CallSite &site) {
  if (!site.bind({"x", "axis"}))
    return Val::invalid();
  Value x = floatTensor(s, site, "x");
  if (!x)
    return Val::invalid();
  std::optional<int64_t> axis = axisOf(site, "axis", typeOf(x).getRank(), 1);
  if (!axis)
    return Val::invalid();
  return tensorResult(
      s.create<OpT>(site.callRange(), x, s.builder().getI64IntegerAttr(*axis)),
      site);
}

/// Indices must be integer tensors.
Value indexTensor(Sema &s, CallSite &site, llvm::StringRef name) {
  Value t = site.tensor(name, s.builder().getI32Type());
  if (t && !isa<IntegerType>(typeOf(t).getElementType())) {
    site.fail(name, site.callee() + "'s '" + name +
                        "' must be integer indices, this is " +
                        describe(t.getType()) + " (convert it with int())");
    return nullptr;
  }
  return t;
}

Value oneHot(Sema &s, CallSite &site, Value indices, int64_t classes,
             std::optional<int64_t> axis) {
  shape::ShapeResult r =
      shape::oneHot(typeOf(indices).getShape(), classes, axis);
  if (!r) {
    site.fail("", "one_hot: " + r.message());
    return nullptr;
  }
  auto type = RankedTensorType::get(r.shape(), s.builder().getF32Type());
  return s.create<gm::OneHotOp>(
      site.callRange(), type, indices, s.builder().getI64IntegerAttr(classes),
      axis ? s.builder().getI64IntegerAttr(*axis) : IntegerAttr());
}

Val oneHotFn(Sema &s, CallSite &site) {
  if (!site.bind({"indices", "classes", "axis"}))
    return Val::invalid();
  Value indices = indexTensor(s, site, "indices");
  std::optional<int64_t> classes = site.positiveInt("classes");
  if (!indices || !classes)
    return Val::invalid();
  std::optional<int64_t> axis;
  if (site.has("axis")) {
    axis = axisOf(site, "axis", typeOf(indices).getRank(), std::nullopt,
                  /*allowEnd=*/true);
    if (!axis)
      return Val::invalid();
  }
  Value r = oneHot(s, site, indices, *classes, axis);
  return r ? tensorResult(r, site) : Val::invalid();
}

Val argmaxFn(Sema &s, CallSite &site) {
  if (!site.bind({"x", "axis"}))
    return Val::invalid();
  Value x = site.tensor("x");
  if (!x)
    return Val::invalid();
  std::optional<int64_t> axis =
      axisOf(site, "axis", typeOf(x).getRank(), std::nullopt);
  if (!axis)
    return Val::invalid();
  return tensorResult(
      s.create<gm::ArgmaxOp>(site.callRange(), x,
                             s.builder().getI64IntegerAttr(*axis)),
      site);
}

Val nearestFn(Sema &s, CallSite &site) {
  if (!site.bind({"vectors", "codebook"}))
    return Val::invalid();
  Value z = floatTensor(s, site, "vectors");
  Value book = floatTensor(s, site, "codebook");
  if (!z || !book)
    return Val::invalid();
  shape::ShapeResult r =
      shape::nearest(typeOf(z).getShape(), typeOf(book).getShape());
  if (!r || typeOf(z).getElementType() != typeOf(book).getElementType()) {
    site.fail("",
              "nearest(" + describe(z.getType()) + ", " +
                  describe(book.getType()) + "): " +
                  (r ? std::string("the element types differ") : r.message()));
    return Val::invalid();
  }
  return tensorResult(s.create<gm::NearestOp>(site.callRange(), z, book), site);
}

Val lookupFn(Sema &s, CallSite &site) {
  if (!site.bind({"table", "indices"}))
    return Val::invalid();
  Value table = floatTensor(s, site, "table");
  Value indices = indexTensor(s, site, "indices");
  if (!table || !indices)
    return Val::invalid();
  shape::ShapeResult r =
      shape::lookup(typeOf(table).getShape(), typeOf(indices).getShape());
  if (!r) {
    site.fail("table", "lookup: " + r.message());
    return Val::invalid();
  }
  return tensorResult(s.create<gm::LookupOp>(site.callRange(), table, indices),
                      site);
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

std::optional<RankedTensorType> shapeArg(Sema &s, CallSite &site) {
  std::optional<std::vector<int64_t>> shape = site.intList("shape");
  if (!shape)
    return std::nullopt;
  if (llvm::any_of(*shape, [](int64_t d) { return d < 1; })) {
    site.fail("shape", site.callee() + ": dimensions must be positive");
    return std::nullopt;
  }
  if (!sizeAcceptable(*shape)) {
    site.fail("shape", site.callee() + ": the shape is too large");
    return std::nullopt;
  }
  return RankedTensorType::get(*shape, s.builder().getF32Type());
}

Val normalFn(Sema &s, CallSite &site) {
  if (!site.bind({"shape"}))
    return Val::invalid();
  std::optional<RankedTensorType> type = shapeArg(s, site);
  if (!type)
    return Val::invalid();
  return tensorResult(
      s.create<gm::NormalOp>(site.callRange(), *type, s.nextRandomId()), site);
}

Val uniformFn(Sema &s, CallSite &site) {
  if (!site.bind({"shape", "low", "high"}))
    return Val::invalid();
  std::optional<RankedTensorType> type = shapeArg(s, site);
  std::optional<double> low = site.numberOr("low", 0);
  std::optional<double> high = site.numberOr("high", 1);
  if (!type || !low || !high)
    return Val::invalid();
  if (!(*low < *high)) {
    site.fail("high", "uniform needs low < high");
    return Val::invalid();
  }
  auto &b = s.builder();
  return tensorResult(s.create<gm::UniformOp>(
                          site.callRange(), *type,
                          b.getI64IntegerAttr(s.nextRandomId()),
                          b.getF64FloatAttr(*low), b.getF64FloatAttr(*high)),
                      site);
}

Val bernoulliFn(Sema &s, CallSite &site) {
  if (!site.bind({"p"}))
    return Val::invalid();
  Value p = floatTensor(s, site, "p");
  if (!p)
    return Val::invalid();
  return tensorResult(
      s.create<gm::BernoulliOp>(site.callRange(), p, s.nextRandomId()), site);
}

Val categoricalFn(Sema &s, CallSite &site) {
  if (!site.bind({"logits", "axis"}))
    return Val::invalid();
  Value logits = floatTensor(s, site, "logits");
  if (!logits)
    return Val::invalid();
  std::optional<int64_t> axis =
      axisOf(site, "axis", typeOf(logits).getRank(), 1);
  if (!axis)
    return Val::invalid();
  auto &b = s.builder();
  return tensorResult(s.create<gm::CategoricalOp>(
                          site.callRange(), logits, b.getI64IntegerAttr(*axis),
                          b.getI64IntegerAttr(s.nextRandomId())),
                      site);
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

Val gradFn(Sema &s, CallSite &site) {
  if (!site.bind({"y", "x"}))
    return Val::invalid();
  Value y = floatTensor(s, site, "y");
  Val xs = site.value("x");
  if (!y || !xs.valid())
    return Val::invalid();
  if (typeOf(y).getRank() != 0) {
    site.fail("y", "grad differentiates a scalar; y is " +
                       describe(y.getType()) + " (reduce it with sum())");
    return Val::invalid();
  }
  bool many = xs.kind == Val::List;
  std::vector<Val> items = many ? xs.items : std::vector<Val>{xs};
  SmallVector<Value> wrt;
  for (const Val &item : items) {
    Value x = s.tensorOf(item, "grad's x");
    if (!x)
      return Val::invalid();
    if (typeOf(x).getElementType() != typeOf(y).getElementType()) {
      site.fail("x", "grad: " + describe(x.getType()) +
                         " and y differ in element type");
      return Val::invalid();
    }
    wrt.push_back(x);
  }
  auto op = s.create<gm::GradOp>(site.callRange(), y, wrt);
  if (!many)
    return tensorResult(op.getResult(0), site);
  return Val::tupleOf(op.getResults(), site.callRange());
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// Two float tensors of broadcast-compatible shapes.
bool pairOf(Sema &s, CallSite &site, const char *a, const char *b, Value &x,
            Value &y) {
  x = floatTensor(s, site, a);
  if (!x)
    return false;
  y = site.tensor(b, typeOf(x).getElementType());
  if (!y)
    return false;
  shape::ShapeResult r =
      shape::broadcast(typeOf(x).getShape(), typeOf(y).getShape());
  if (!r || typeOf(x).getElementType() != typeOf(y).getElementType()) {
    site.fail("",
              site.callee() + "(" + describe(x.getType()) + ", " +
                  describe(y.getType()) + "): " +
                  (r ? std::string("the element types differ") : r.message()));
    return false;
  }
  return true;
}

/// Elementwise max(l, 0) - l * t + log(1 + exp(-|l|)), stable for any l.
Val bceWithLogitsFn(Sema &s, CallSite &site) {
  Value l, t;
  if (!site.bind({"logits", "target"}) ||
      !pairOf(s, site, "logits", "target", l, t))
    return Val::invalid();
  TensorBuilder m = s.math(site.callRange());
  Value pos = m.maximum(l, m.scalarLike(0, l));
  Value softplus = m.unary<gm::Log1pOp>(m.exp(m.neg(m.unary<gm::AbsOp>(l))));
  return tensorResult(m.add(m.sub(pos, m.mul(l, t)), softplus), site);
}

/// The mean squared error over all elements.
Val mseFn(Sema &s, CallSite &site) {
  Value a, b;
  if (!site.bind({"a", "b"}) || !pairOf(s, site, "a", "b", a, b))
    return Val::invalid();
  TensorBuilder m = s.math(site.callRange());
  Value sq = m.square(m.sub(a, b));
  int64_t rank = typeOf(sq).getRank();
  if (rank == 0)
    return tensorResult(sq, site);
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d)
    dims.push_back(d);
  return tensorResult(
      s.create<gm::ReduceMeanOp>(site.callRange(), sq, dims, false), site);
}

/// The negative log-likelihood of integer targets under softmax(logits)
/// along `axis`, per element (the axis removed).
Val crossEntropyFn(Sema &s, CallSite &site) {
  if (!site.bind({"logits", "target", "axis"}))
    return Val::invalid();
  Value logits = floatTensor(s, site, "logits");
  Value target = indexTensor(s, site, "target");
  if (!logits || !target)
    return Val::invalid();
  std::optional<int64_t> axis =
      axisOf(site, "axis", typeOf(logits).getRank(), 1);
  if (!axis)
    return Val::invalid();
  shape::ShapeResult expected =
      shape::dropAxis(typeOf(logits).getShape(), *axis);
  if (!expected ||
      ArrayRef<int64_t>(expected.shape()) != typeOf(target).getShape()) {
    site.fail("target", "cross_entropy: the target " +
                            describe(target.getType()) +
                            " must have the "
                            "logits' shape " +
                            describe(logits.getType()) +
                            " without the class axis " + std::to_string(*axis));
    return Val::invalid();
  }
  int64_t classes = typeOf(logits).getDimSize(*axis);
  TensorBuilder m = s.math(site.callRange());
  Value logp = s.create<gm::LogSoftmaxOp>(site.callRange(), logits,
                                          s.builder().getI64IntegerAttr(*axis));
  Value hot = oneHot(s, site, target, classes, *axis);
  if (!hot)
    return Val::invalid();
  hot = m.cast(hot, typeOf(logits).getElementType());
  Value picked = m.reduceSum(m.mul(logp, hot), {*axis}, /*keepdim=*/false);
  return tensorResult(m.neg(picked), site);
}

//===----------------------------------------------------------------------===//
// Statistics of a whole eval split
//===----------------------------------------------------------------------===//

/// Where a statistic may be written: the value of an eval block's report.
/// Takes the report's name first, so that a statistic among the arguments
/// is an error too.
const std::string *statisticReport(Sema &s, CallSite &site) {
  const std::string *name = s.takeStatisticReport();
  if (!name)
    site.fail("", site.callee() +
                      " is computed over a whole eval split, not per batch: "
                      "write it as `report NAME = " +
                      site.callee() + "(...)` in an eval block");
  return name;
}

/// Emits the statistic `kind` of `values` (as f32) under `name`.
Val statistic(Sema &s, CallSite &site, const std::string &name,
              llvm::StringRef kind, ArrayRef<Value> values) {
  TensorBuilder m = s.math(site.callRange());
  SmallVector<Value> floats;
  for (Value v : values)
    floats.push_back(m.cast(v, s.builder().getF32Type()));
  s.create<gm::StatisticOp>(site.callRange(), name, kind, floats);
  return Val::invalid(); // Nothing to report per batch.
}

Val frechetDistanceFn(Sema &s, CallSite &site) {
  if (!site.bind({"a", "b"}))
    return Val::invalid();
  const std::string *name = statisticReport(s, site);
  Value a = floatTensor(s, site, "a"), b = floatTensor(s, site, "b");
  if (!name || !a || !b)
    return Val::invalid();
  for (auto [arg, value] : {std::pair{"a", a}, std::pair{"b", b}})
    if (typeOf(value).getRank() != 2) {
      site.fail(arg, "frechet_distance compares rows of features [N, D]; '" +
                         std::string(arg) + "' is " +
                         describe(value.getType()));
      return Val::invalid();
    }
  if (typeOf(a).getDimSize(1) != typeOf(b).getDimSize(1)) {
    site.fail("", "frechet_distance: the features " + describe(a.getType()) +
                      " and " + describe(b.getType()) + " differ in size (D)");
    return Val::invalid();
  }
  return statistic(s, site, *name, "frechet_distance", {a, b});
}

Val distinctFn(Sema &s, CallSite &site) {
  if (!site.bind({"x"}))
    return Val::invalid();
  const std::string *name = statisticReport(s, site);
  Value x = site.tensor("x");
  if (!name || !x)
    return Val::invalid();
  if (typeOf(x).getRank() != 1) {
    site.fail("x", "distinct counts the values of a rank-1 tensor; this is " +
                       describe(x.getType()) + " (flatten it with reshape)");
    return Val::invalid();
  }
  return statistic(s, site, *name, "distinct", {x});
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const llvm::StringMap<BuiltinFn> &table() {
  static const llvm::StringMap<BuiltinFn> builtins = {
      {"exp", expFn},
      {"log", logFn},
      {"log1p", log1pFn},
      {"sqrt", sqrtFn},
      {"rsqrt", rsqrtFn},
      {"abs", absFn},
      {"sign", signFn},
      {"square", squareFn},
      {"tanh", tanhFn},
      {"sigmoid", sigmoidFn},
      {"softplus", softplusFn},
      {"relu", reluFn},
      {"floor", floorFn},
      {"round", roundFn},
      {"leaky_relu", leakyReluFn},
      {"stop_gradient", stopGradientFn},
      {"maximum", maximumFn},
      {"minimum", minimumFn},
      {"where", whereFn},
      {"int", intFn},
      {"float", floatFn},
      {"sum", reduction<gm::ReduceSumOp>},
      {"mean", reduction<gm::ReduceMeanOp>},
      {"max", reduction<gm::ReduceMaxOp>},
      {"reshape", reshapeFn},
      {"flatten", flattenFn},
      {"transpose", transposeFn},
      {"concat", concatFn},
      {"pad", padFn},
      {"upsample", upsampleFn},
      {"shape", shapeFn},
      {"zeros", zerosFn},
      {"ones", onesFn},
      {"full", fullFn},
      {"softmax", softmaxLike<gm::SoftmaxOp>},
      {"log_softmax", softmaxLike<gm::LogSoftmaxOp>},
      {"one_hot", oneHotFn},
      {"argmax", argmaxFn},
      {"nearest", nearestFn},
      {"lookup", lookupFn},
      {"normal", normalFn},
      {"uniform", uniformFn},
      {"bernoulli", bernoulliFn},
      {"categorical", categoricalFn},
      {"grad", gradFn},
      {"bce_with_logits", bceWithLogitsFn},
      {"mse", mseFn},
      {"cross_entropy", crossEntropyFn},
      {"frechet_distance", frechetDistanceFn},
      {"distinct", distinctFn},
      // Layers (Layers.cpp): they create parameters.
      {"conv2d", conv2dLayer},
      {"conv_transpose2d", convTranspose2dLayer},
      {"linear", linearLayer},
      {"batch_norm", batchNormLayer},
  };
  return builtins;
}

} // namespace

BuiltinFn gmc::findBuiltin(llvm::StringRef name) {
  return table().lookup(name);
}

bool gmc::isStatistic(llvm::StringRef name) {
  BuiltinFn fn = findBuiltin(name);
  return fn == frechetDistanceFn || fn == distinctFn;
}

std::vector<std::string> gmc::builtinNames() {
  std::vector<std::string> names;
  for (const auto &entry : table())
    names.push_back(entry.getKey().str());
  return names;
}
