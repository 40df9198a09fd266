//===- Expressions.cpp - elaborating .gm expressions ----------------------===//
//
// Names, numbers, lists, arithmetic with broadcasting, slicing, calls and
// autoregressive loops. Numbers fold at compile time; tensors are checked
// with the gm shape rules and emitted at their source location.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/SemaInternal.h"

#include "llvm/Support/SaveAndRestore.h"

#include <cmath>

using namespace gmc;
using namespace mlir;
namespace gm = mlir::gm;
namespace shape = mlir::gm::shape;

Val Sema::elaborate(const Expr *expr) {
  if (!expr)
    return Val::invalid();
  switch (expr->kind) {
  case Expr::Number: {
    auto *n = cast<NumberExpr>(expr);
    return Val::ofNumber(n->value, n->isInt, n->range);
  }
  case Expr::String:
    return Val::ofString(cast<StringExpr>(expr)->value, expr->range);
  case Expr::Bool:
    return Val::ofBool(cast<BoolExpr>(expr)->value, expr->range);
  case Expr::Name:
    return lookup(cast<NameExpr>(expr));
  case Expr::List:
    return list(cast<ListExpr>(expr));
  case Expr::Call:
    return callExpr(cast<CallExpr>(expr));
  case Expr::Unary:
    return unaryMinus(cast<UnaryExpr>(expr));
  case Expr::Binary:
    return binary(cast<BinaryExpr>(expr));
  case Expr::Index:
    return index(cast<IndexExpr>(expr));
  case Expr::Autoregressive:
    return autoregressive(cast<AutoregressiveExpr>(expr));
  }
  return Val::invalid();
}

void Sema::bind(const std::string &name, Val value) {
  scope_->vars[name] = std::move(value);
}

Val Sema::lookup(const NameExpr *name) {
  for (Scope *s = scope_; s; s = s->parent) {
    auto it = s->vars.find(name->name);
    if (it != s->vars.end()) {
      Val v = it->second;
      v.range = name->range;
      return v;
    }
  }
  if (datasets_.count(name->name))
    return error(name->range, "'" + name->name +
                                  "' is a dataset; draw a "
                                  "batch with next(" +
                                  name->name + ")");
  if (nets_.count(name->name))
    return error(name->range, "'" + name->name + "' is a net; call it: " +
                                  name->name + "(...)");
  std::vector<std::string> known;
  for (Scope *s = scope_; s; s = s->parent)
    for (const auto &entry : s->vars)
      if (!inDimension_ || entry.getValue().isNumber())
        known.push_back(entry.getKey().str());
  std::string close = suggest(name->name, known);
  if (inDimension_)
    return error(name->range,
                 "unknown name '" + name->name + "' in a dimension" +
                     (close.empty()
                          ? ": a dimension is a number, a const or a shape "
                            "variable, which a net argument binds as a "
                            "whole dimension (N in x: f32[N, 4])"
                          : close));
  return error(name->range, "unknown name '" + name->name + "'" + close);
}

Val Sema::list(const ListExpr *expr) {
  std::vector<Val> items;
  for (const ExprPtr &item : expr->items) {
    Val v = elaborate(item.get());
    if (!v.valid())
      return v;
    items.push_back(std::move(v));
  }
  return Val::ofList(std::move(items), Val::List, expr->range);
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

Type Sema::elementType(const Ident &name) {
  Type t = llvm::StringSwitch<Type>(name.name)
               .Case("f32", builder_.getF32Type())
               .Case("f64", builder_.getF64Type())
               .Case("bf16", builder_.getBF16Type())
               .Case("i32", builder_.getI32Type())
               .Case("i64", builder_.getI64Type())
               .Default(Type());
  if (!t)
    diags_.error(name.range, "unknown element type '" + name.name +
                                 "'; use f32, f64, bf16, i32 or i64");
  return t;
}

RankedTensorType Sema::typeOf(const TypeSpec &spec) {
  Type element = elementType(spec.element);
  if (!element)
    return nullptr;
  SmallVector<int64_t> shape;
  for (const ExprPtr &dim : spec.dims) {
    std::optional<int64_t> size = dimensionOf(dim.get());
    if (!size)
      return nullptr;
    shape.push_back(*size);
  }
  if (!sizeAcceptable(shape)) {
    diags_.error(spec.range, "the type " + sourceText(spec.range) +
                                 " is too large (at most 2^40 elements of at "
                                 "most 2^24 per dimension)");
    return nullptr;
  }
  return RankedTensorType::get(shape, element);
}

std::optional<int64_t> Sema::dimensionOf(const Expr *dim) {
  llvm::SaveAndRestore inDimension(inDimension_, true);
  std::optional<int64_t> size = intOf(elaborate(dim), "a dimension");
  if (size && *size < 1) {
    diags_.error(dim->range, "a dimension must be positive, this is " +
                                 std::to_string(*size));
    return std::nullopt;
  }
  return size;
}

Value Sema::tensorOf(const Val &v, const llvm::Twine &what, Type numberType) {
  if (v.isTensor())
    return v.tensor;
  if (v.isNumber()) {
    Type t = numberType ? numberType : builder_.getF32Type();
    return math(v.range).scalar(v.number, t);
  }
  if (v.valid())
    diags_.error(v.range, what + " must be a tensor, this is " + describe(v));
  return nullptr;
}

std::optional<double> Sema::numberOf(const Val &v, const llvm::Twine &what) {
  if (v.isNumber())
    return v.number;
  if (v.valid())
    diags_.error(v.range, what +
                              " must be a number known at compile time, "
                              "this is " +
                              describe(v));
  return std::nullopt;
}

std::optional<int64_t> Sema::intOf(const Val &v, const llvm::Twine &what) {
  std::optional<double> n = numberOf(v, what);
  if (!n)
    return std::nullopt;
  if (*n != std::floor(*n) || std::fabs(*n) > 1e15) {
    diags_.error(v.range, what + " must be an integer, this is " + describe(v));
    return std::nullopt;
  }
  return static_cast<int64_t>(*n);
}

std::optional<std::vector<int64_t>> Sema::intListOf(const Val &v,
                                                    const llvm::Twine &what) {
  if (v.kind != Val::List) {
    if (v.valid())
      diags_.error(v.range, what +
                                " must be a list of integers such as "
                                "[64, 20], this is " +
                                describe(v));
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (const Val &item : v.items) {
    std::optional<int64_t> n = intOf(item, what);
    if (!n)
      return std::nullopt;
    out.push_back(*n);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

static std::optional<double> fold(Tok op, double a, double b) {
  switch (op) {
  case Tok::Plus:
    return a + b;
  case Tok::Minus:
    return a - b;
  case Tok::Star:
    return a * b;
  case Tok::Slash:
    return a / b;
  case Tok::Caret:
    return std::pow(a, b);
  default:
    return std::nullopt;
  }
}

static std::optional<gm::ComparePredicate> predicateOf(Tok op) {
  switch (op) {
  case Tok::Lt:
    return gm::ComparePredicate::lt;
  case Tok::Le:
    return gm::ComparePredicate::le;
  case Tok::Gt:
    return gm::ComparePredicate::gt;
  case Tok::Ge:
    return gm::ComparePredicate::ge;
  case Tok::EqEq:
    return gm::ComparePredicate::eq;
  case Tok::NotEq:
    return gm::ComparePredicate::ne;
  default:
    return std::nullopt;
  }
}

Val Sema::arithmetic(Tok op, const Val &lhs, const Val &rhs, SourceRange range,
                     SourceRange opRange) {
  if (!lhs.valid() || !rhs.valid())
    return Val::invalid();
  std::string opText = spell(op).trim("'").str();
  // Numbers fold.
  if (lhs.isNumber() && rhs.isNumber()) {
    if (std::optional<gm::ComparePredicate> p = predicateOf(op)) {
      double a = lhs.number, b = rhs.number;
      bool r = op == Tok::Lt     ? a < b
               : op == Tok::Le   ? a <= b
               : op == Tok::Gt   ? a > b
               : op == Tok::Ge   ? a >= b
               : op == Tok::EqEq ? a == b
                                 : a != b;
      return Val::ofBool(r, range);
    }
    double value = *fold(op, lhs.number, rhs.number);
    bool isInt = lhs.kind == Val::Int && rhs.kind == Val::Int &&
                 op != Tok::Slash && value == std::floor(value);
    return foldedNumber(value, isInt, range);
  }
  if (!lhs.isTensor() && !lhs.isNumber())
    return error(lhs.range, "'" + opText +
                                "' needs numbers or tensors, the "
                                "left side is " +
                                describe(lhs));
  if (!rhs.isTensor() && !rhs.isNumber())
    return error(rhs.range, "'" + opText +
                                "' needs numbers or tensors, the "
                                "right side is " +
                                describe(rhs));
  // A number takes the element type of the tensor it meets.
  Type element = (lhs.isTensor() ? lhs : rhs).type().getElementType();
  gm::TensorBuilder t = math(opRange);
  // x ^ 2 is a square, x ^ 0.5 a square root.
  if (op == Tok::Caret && lhs.isTensor() && rhs.isNumber()) {
    if (rhs.number == 2)
      return Val::ofTensor(t.square(lhs.tensor), range);
    if (rhs.number == 0.5)
      return Val::ofTensor(t.sqrt(lhs.tensor), range);
  }
  Value a = tensorOf(lhs, "", element), b = tensorOf(rhs, "", element);
  auto ta = cast<RankedTensorType>(a.getType());
  auto tb = cast<RankedTensorType>(b.getType());
  if (ta.getElementType() != tb.getElementType())
    return error(opRange, "'" + opText + "' of " + describe(ta) + " and " +
                              describe(tb) +
                              ": the element types differ; convert one "
                              "with float() or int()");
  shape::ShapeResult shaped = shape::broadcast(ta.getShape(), tb.getShape());
  if (!shaped) {
    error(opRange, "'" + opText + "' cannot broadcast " + describe(ta) +
                       " (left) with " + describe(tb) +
                       " (right): " + shaped.message());
    return Val::invalid();
  }
  bool isFloat = isa<FloatType>(ta.getElementType());
  if (op == Tok::Caret && !isFloat)
    return error(opRange,
                 "'^' needs float operands, these are " + describe(ta));
  if (std::optional<gm::ComparePredicate> p = predicateOf(op))
    return Val::ofTensor(t.compare(*p, a, b), range);
  switch (op) {
  case Tok::Plus:
    return Val::ofTensor(t.add(a, b), range);
  case Tok::Minus:
    return Val::ofTensor(t.sub(a, b), range);
  case Tok::Star:
    return Val::ofTensor(t.mul(a, b), range);
  case Tok::Slash:
    return Val::ofTensor(t.div(a, b), range);
  case Tok::Caret:
    return Val::ofTensor(t.pow(a, b), range);
  default:
    return error(opRange, "unsupported operator '" + opText + "'");
  }
}

Val Sema::binary(const BinaryExpr *expr) {
  Val lhs = elaborate(expr->lhs.get());
  Val rhs = elaborate(expr->rhs.get());
  return arithmetic(expr->op, lhs, rhs, expr->range, expr->opRange);
}

Val Sema::unaryMinus(const UnaryExpr *expr) {
  Val v = elaborate(expr->operand.get());
  if (!v.valid())
    return v;
  if (v.isNumber())
    return Val::ofNumber(-v.number, v.kind == Val::Int, expr->range);
  Value t = tensorOf(v, "the operand of '-'");
  if (!t)
    return Val::invalid();
  return Val::ofTensor(math(expr->range).neg(t), expr->range);
}

//===----------------------------------------------------------------------===//
// Slicing
//===----------------------------------------------------------------------===//

Val Sema::index(const IndexExpr *expr) {
  Val base = elaborate(expr->base.get());
  if (!base.valid())
    return base;
  if (base.kind == Val::List || base.kind == Val::Tuple) {
    // list[i]: a compile-time element (shape(x)[0]).
    if (expr->subscripts.size() != 1 || expr->subscripts[0].isRange)
      return error(expr->range, "a list takes one integer index");
    std::optional<int64_t> i =
        intOf(elaborate(expr->subscripts[0].start.get()), "an index");
    if (!i)
      return Val::invalid();
    int64_t n = base.items.size();
    if (*i < -n || *i >= n)
      return error(expr->subscripts[0].range, "index " + std::to_string(*i) +
                                                  " is out of range for " +
                                                  describe(base));
    return base.items[*i < 0 ? *i + n : *i];
  }
  Value t = tensorOf(base, "the indexed value");
  if (!t)
    return Val::invalid();
  auto type = cast<RankedTensorType>(t.getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (expr->subscripts.size() > shape.size())
    return error(expr->range, describe(type) + " has " +
                                  count(shape.size(), "dimension") + ", not " +
                                  std::to_string(expr->subscripts.size()));
  SmallVector<int64_t> offsets, sizes, strides, kept;
  bool strided = false;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t dim = shape[d];
    if (d >= expr->subscripts.size()) {
      offsets.push_back(0);
      sizes.push_back(dim);
      strides.push_back(1);
      kept.push_back(dim);
      continue;
    }
    const Subscript &s = expr->subscripts[d];
    auto bound = [&](const ExprPtr &e,
                     int64_t fallback) -> std::optional<int64_t> {
      if (!e)
        return fallback;
      std::optional<int64_t> v = intOf(elaborate(e.get()), "a subscript");
      if (v && *v < 0)
        *v += dim; // From the end, as in Python.
      return v;
    };
    std::optional<int64_t> start = bound(s.start, 0);
    if (!start)
      return Val::invalid();
    if (!s.isRange) {
      if (*start < 0 || *start >= dim)
        return error(s.range, "index " + sourceText(s.range) +
                                  " is out of range for dimension " +
                                  std::to_string(d) + " of " + describe(type));
      offsets.push_back(*start);
      sizes.push_back(1);
      strides.push_back(1);
      continue; // The dimension is dropped.
    }
    std::optional<int64_t> stop = bound(s.stop, dim);
    std::optional<int64_t> step = s.step
                                      ? intOf(elaborate(s.step.get()), "a step")
                                      : std::optional<int64_t>(1);
    if (!stop || !step)
      return Val::invalid();
    if (*step < 1)
      return error(s.range, "a slice step must be positive");
    *start = std::clamp<int64_t>(*start, 0, dim);
    *stop = std::clamp<int64_t>(*stop, 0, dim);
    int64_t size = (*stop - *start + *step - 1) / *step;
    if (size < 1)
      return error(s.range, "the slice " + sourceText(s.range) +
                                " of dimension " + std::to_string(d) + " of " +
                                describe(type) + " is empty");
    offsets.push_back(*start);
    sizes.push_back(size);
    strides.push_back(*step);
    strided |= *step != 1;
    kept.push_back(size);
  }
  Value sliced = gm::SliceOp::create(
      builder_, loc(expr->range), t, builder_.getDenseI64ArrayAttr(offsets),
      builder_.getDenseI64ArrayAttr(sizes),
      strided ? builder_.getDenseI64ArrayAttr(strides) : DenseI64ArrayAttr());
  return Val::ofTensor(math(expr->range).reshape(sliced, kept), expr->range);
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::vector<std::string> Sema::callableNames() const {
  std::vector<std::string> names = builtinNames();
  names.push_back("next");
  for (const auto &entry : nets_)
    names.push_back(entry.getKey().str());
  return names;
}

Val Sema::callExpr(const CallExpr *call) {
  const std::string &name = call->callee.name;
  if (const NetDecl *net = findNet(name))
    return callNet(call, *net);
  if (name == "next") {
    if (call->args.size() != 1 || call->args[0].keyword ||
        !isa<NameExpr>(call->args[0].value.get()))
      return error(call->range, "next() takes the name of a dataset: "
                                "next(train)");
    auto *ds = cast<NameExpr>(call->args[0].value.get());
    return nextBatch(call, Ident{ds->name, ds->range});
  }
  if (BuiltinFn fn = findBuiltin(name)) {
    CallSite site(*this, call);
    return fn(*this, site);
  }
  if (consts_.count(name))
    return error(call->callee.range, "'" + name +
                                         "' is a const, not a "
                                         "function");
  if (unparsedNet(name))
    return Val::invalid();
  return error(call->callee.range, "unknown function '" + name + "'" +
                                       suggest(name, callableNames()));
}

//===----------------------------------------------------------------------===//
// autoregressive
//===----------------------------------------------------------------------===//

Val Sema::autoregressive(const AutoregressiveExpr *expr) {
  RankedTensorType type = typeOf(expr->type);
  std::optional<std::vector<int64_t>> over =
      intListOf(elaborate(expr->over.get()), "the filled dimensions");
  if (!type || !over)
    return Val::invalid();
  ArrayRef<int64_t> shape = type.getShape();
  if (over->empty() || over->size() > shape.size() ||
      shape.take_back(over->size()) != ArrayRef<int64_t>(*over))
    return error(expr->over->range,
                 "autoregressive fills " + shape::format(*over) +
                     ", which must be the trailing dimensions of the canvas " +
                     describe(type));
  Value init = math(expr->range).splat(0, type);
  auto op = gm::AutoregressiveOp::create(builder_, loc(expr->range), type, init,
                                         builder_.getDenseI64ArrayAttr(*over));
  mlir::Block *body = new mlir::Block;
  op.getBody().push_back(body);
  Value canvas = body->addArgument(type, loc(expr->var.range));

  OpBuilder::InsertionGuard guard(builder_);
  builder_.setInsertionPointToEnd(body);
  Frame frame = *frame_;
  frame.emitted.reset();
  frame.returned.reset();
  frame.inAutoregressive = true;
  FrameGuard frameGuard(*this, frame);
  Scope scope;
  ScopeGuard scopeGuard(*this, scope);
  bind(expr->var.name, Val::ofTensor(canvas, expr->var.range));
  unsigned errors = diags_.errorCount();
  elaborateBlock(expr->body);
  if (diags_.errorCount() != errors || frame.resultInvalid)
    return Val::invalid();
  if (!frame.emitted)
    return error(expr->range, "an autoregressive body must `emit` the next "
                              "canvas");
  Value next =
      tensorOf(*frame.emitted, "the emitted value", type.getElementType());
  if (!next)
    return Val::invalid();
  if (next.getType() != type)
    return error(frame.emitted->range,
                 "emit gives " + describe(next.getType()) +
                     ", but the canvas is " + describe(type));
  gm::YieldOp::create(builder_, loc(frame.emitted->range), next);
  return Val::ofTensor(op.getResult(), expr->range);
}
