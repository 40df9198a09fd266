//===- Sema.cpp - declarations, nets and blocks of a .gm program ----------===//
//
// The top of the elaborator: consts (with -D overrides), datasets, net
// instantiation, train/eval blocks, samplers, parameters and the final
// resolution of `minimize ... over net` into parameter groups.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/SemaInternal.h"

#include "llvm/Support/SaveAndRestore.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdlib>

using namespace gmc;
using namespace mlir;
namespace gm = mlir::gm;

//===----------------------------------------------------------------------===//
// Values in messages
//===----------------------------------------------------------------------===//

std::string gmc::describe(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return "a non-tensor";
  std::string s;
  llvm::raw_string_ostream os(s);
  Type e = tensor.getElementType();
  if (e.isF32())
    os << "f32";
  else if (e.isF64())
    os << "f64";
  else if (e.isBF16())
    os << "bf16";
  else if (e.isInteger(1))
    os << "bool";
  else if (e.isInteger(32))
    os << "i32";
  else if (e.isInteger(64))
    os << "i64";
  else
    os << e;
  os << gm::shape::format(tensor.getShape());
  return s;
}

std::string gmc::describe(const Val &v) {
  switch (v.kind) {
  case Val::Tensor:
    return describe(v.tensor.getType());
  case Val::Int:
  case Val::Float:
    if (v.number == std::floor(v.number) && std::fabs(v.number) < 1e15)
      return "the number " + std::to_string(static_cast<int64_t>(v.number));
    return "the number " + gm::formatReal(v.number);
  case Val::Bool:
    return v.boolean ? "true" : "false";
  case Val::String:
    return "the string \"" + v.text + "\"";
  case Val::List:
    return "a list of " + std::to_string(v.items.size());
  case Val::Tuple:
    return std::to_string(v.items.size()) + " values";
  case Val::Invalid:
    return "an invalid value";
  }
  return "a value";
}

//===----------------------------------------------------------------------===//
// Construction and the whole program
//===----------------------------------------------------------------------===//

Sema::Sema(MLIRContext &context, const Program &program,
           const CompileOptions &options, DiagnosticEngine &diags)
    : context_(context), program_(program), options_(options), diags_(diags),
      builder_(&context) {}

Val Sema::error(SourceRange where, const llvm::Twine &message) {
  diags_.error(where, message);
  return Val::invalid();
}

/// Whether `pred` holds for `e` or an expression inside it (operands and
/// arguments; lists, subscripts and bodies are not looked into).
static bool anySubexpr(const Expr *e,
                       llvm::function_ref<bool(const Expr *)> pred) {
  if (!e)
    return false;
  if (pred(e))
    return true;
  if (auto *unary = dyn_cast<UnaryExpr>(e))
    return anySubexpr(unary->operand.get(), pred);
  if (auto *binary = dyn_cast<BinaryExpr>(e))
    return anySubexpr(binary->lhs.get(), pred) ||
           anySubexpr(binary->rhs.get(), pred);
  if (auto *call = dyn_cast<CallExpr>(e))
    return llvm::any_of(call->args, [&](const Arg &a) {
      return anySubexpr(a.value.get(), pred);
    });
  return false;
}

Val Sema::foldedNumber(double value, bool isInt, SourceRange range) {
  auto quoted = [&] {
    // The expression on one line, however it was written.
    std::string text;
    for (char c : sourceText(range).str())
      if (!std::isspace(static_cast<unsigned char>(c)))
        text += c;
      else if (!text.empty() && text.back() != ' ')
        text += ' ';
    return "'" + text + "'";
  };
  if (!std::isfinite(value))
    return error(range, quoted() + " is " +
                            (std::isnan(value) ? "nan"
                             : value < 0       ? "-inf"
                                               : "inf") +
                            ": numbers computed at compile time must be "
                            "finite");
  if (isInt && std::fabs(value) > double(kMaxExactInteger))
    return error(range, quoted() + " is too large to be exact (at most 2^53)");
  return Val::ofNumber(value, isInt, range);
}

OwningOpRef<ModuleOp> Sema::run() {
  // MLIR's own diagnostics (attribute verifiers, the final verification)
  // are reported like ours, at the source position of their location.
  bool verifying = false;
  ScopedDiagnosticHandler handler(&context_, [&](Diagnostic &d) {
    diags_.report(d, verifying
                         ? "internal error: the generated IR does not verify: "
                         : "");
    return success();
  });
  Location where = loc(program_.model.range);
  module_ = ModuleOp::create(where);
  builder_.setInsertionPointToEnd(module_->getBody());
  std::string name =
      program_.model.name.empty() ? "model" : program_.model.name;
  if (program_.model.name.empty())
    diags_.error({}, "the file declares no model: start it with `model NAME`");
  model_ = gm::ModelOp::create(builder_, where, name);
  symbols_ = std::make_unique<SymbolTable>(model_);

  Scope global;
  ScopeGuard globalScope(*this, global);
  declareConsts();
  for (const NetDecl &net : program_.nets) {
    auto [it, inserted] = nets_.try_emplace(net.name.name, &net);
    if (!inserted) {
      diags_.error(net.name.range,
                   "net '" + net.name.name + "' is declared twice");
      diags_.note(it->second->name.range, "first declared here");
      continue;
    }
    if (findBuiltin(net.name.name) || net.name.name == "next")
      diags_.warning(net.name.range, "net '" + net.name.name +
                                         "' hides the builtin " +
                                         net.name.name + "(): calls of " +
                                         net.name.name + " call the net");
    // Element types are checked once here; calls of a net with a broken
    // signature fail quietly.
    bool ok = true;
    for (const auto *list : {&net.args, &net.results})
      for (const TypedName &t : *list)
        ok &= static_cast<bool>(elementType(t.type.element));
    if (!ok)
      brokenNets_.insert(&net);
  }
  for (const DataDecl &data : program_.data)
    declareData(data);
  for (const PhaseDecl &phase : program_.phases)
    elaboratePhase(phase);
  for (const SampleDecl &sampler : program_.samplers)
    elaborateSampler(sampler);
  finishMinimizes();
  checkUncalledNets();

  if (diags_.hasErrors())
    return nullptr;
  // A verifier failure here is a front-end bug; say so rather than crash.
  verifying = true;
  if (failed(verify(*module_)))
    return nullptr;
  return std::move(module_);
}

OwningOpRef<ModuleOp> gmc::generateModel(MLIRContext &context,
                                         const Program &program,
                                         const CompileOptions &options,
                                         DiagnosticEngine &diags) {
  context.loadDialect<gm::GmDialect>();
  Sema sema(context, program, options, diags);
  return sema.run();
}

bool Sema::unparsedNet(llvm::StringRef name) const {
  return llvm::any_of(program_.unparsedNets,
                      [&](const Ident &net) { return net.name == name; });
}

//===----------------------------------------------------------------------===//
// Consts
//===----------------------------------------------------------------------===//

void Sema::declareConsts() {
  llvm::StringMap<std::string> overrides;
  for (const auto &[name, value] : options_.defines)
    if (auto [it, fresh] = overrides.try_emplace(name, value); !fresh)
      diags_.error({}, "-D " + name + " is given twice ('" + it->second +
                           "', then '" + value + "'); give it once");
  for (const ConstDecl &c : program_.consts) {
    if (consts_.count(c.name.name)) {
      diags_.error(c.name.range,
                   "const '" + c.name.name + "' is declared twice");
      auto first = llvm::find_if(program_.consts, [&](const ConstDecl &d) {
        return d.name.name == c.name.name;
      });
      diags_.note(first->name.range, "first declared here");
      continue;
    }
    // A const whose value is wrong is still declared (invalid), so that its
    // uses do not cascade into "unknown name" errors.
    auto declare = [&](Val value) {
      consts_[c.name.name] = value;
      bind(c.name.name, value);
    };
    Val value;
    auto it = overrides.find(c.name.name);
    if (it != overrides.end()) {
      // -D NAME=VALUE replaces the written value, of the written kind.
      value = overrideValue(c, it->second);
      if (value.valid()) {
        // The file's value, when it parsed (-D may mend a broken one).
        std::string written;
        if (c.value)
          written = " (the file says " + sourceText(c.value->range).str() + ")";
        diags_.explainName(c.name.name, c.name.range,
                           "'" + c.name.name + "' is " + it->second +
                               ", set by -D " + c.name.name + "=" + it->second +
                               written);
      }
      overrides.erase(it);
    } else {
      value = elaborate(c.value.get());
      if (value.valid() && !value.isNumber() && value.kind != Val::Bool &&
          value.kind != Val::String) {
        diags_.error(c.value->range, "a const must be a number, a boolean or "
                                     "a string; this is " +
                                         describe(value));
        value = Val::invalid();
      }
    }
    declare(value);
  }
  std::vector<std::string> constNames;
  for (const ConstDecl &c : program_.consts)
    constNames.push_back(c.name.name);
  for (const auto &entry : overrides)
    diags_.error({}, "-D " + entry.getKey() + "=" + entry.getValue() +
                         ": the model has no const named '" + entry.getKey() +
                         "'" + suggest(entry.getKey(), constNames));
}

/// The value of `-D NAME=TEXT` for const `c`: of the kind of the value the
/// file gives it (a boolean, a string, else a number, read by the rules of
/// literals), or invalid (reported).
Val Sema::overrideValue(const ConstDecl &c, llvm::StringRef text) {
  std::string option = ("-D " + c.name.name + "=" + text).str();
  // The written value, for its kind only: its errors are the file's, and
  // they do not matter once it is replaced.
  Val::Kind kind = Val::Invalid;
  // Calls give neither booleans nor strings, and a net instantiated here
  // would be remembered as failed without a word.
  if (!anySubexpr(c.value.get(),
                  [](const Expr *e) { return isa<CallExpr>(e); })) {
    DiagnosticEngine::Quiet quiet(diags_);
    kind = elaborate(c.value.get()).kind;
  }
  if (kind == Val::Bool) {
    if (text == "true" || text == "false")
      return Val::ofBool(text == "true", c.name.range);
    diags_.error(c.name.range, option + ": '" + c.name.name +
                                   "' is a boolean; give true or false");
    return Val::invalid();
  }
  if (kind == Val::String) {
    // Quotes are optional: the shell keeps them only when they are escaped.
    if (text.size() >= 2 && text.starts_with("\"") && text.ends_with("\""))
      text = text.drop_front().drop_back();
    return Val::ofString(text.str(), c.name.range);
  }
  double number;
  bool isInt;
  std::string problem = readNumber(text, number, isInt);
  if (!problem.empty()) {
    diags_.error(c.name.range, option + problem);
    return Val::invalid();
  }
  return Val::ofNumber(number, isInt, c.name.range);
}

//===----------------------------------------------------------------------===//
// Datasets
//===----------------------------------------------------------------------===//

void Sema::declareData(const DataDecl &decl) {
  if (auto it = datasets_.find(decl.name.name); it != datasets_.end()) {
    diags_.error(decl.name.range,
                 "dataset '" + decl.name.name + "' is declared twice");
    diags_.note(it->second.range, "first declared here");
    return;
  }
  // Declared before it is checked: a dataset whose declaration is wrong
  // stays known (without an op), so that next() of it adds no error.
  datasets_[decl.name.name] = {nullptr, {}, decl.name.range};
  CallSite site(*this, decl.source.get());
  llvm::StringRef kind = decl.source->callee.name;
  std::vector<RankedTensorType> fields;
  std::string source, split = "train";
  Type f32 = builder_.getF32Type();
  if (kind == "images") {
    if (!site.bind({"source", "split", "batch", "labels"}))
      return;
    std::optional<std::string> name = site.string("source");
    if (!name)
      return;
    if (*name != "fashion-mnist" && *name != "mnist") {
      diags_.error(site.range("source"),
                   "unknown image dataset \"" + *name +
                       "\"; known: \"fashion-mnist\", \"mnist\" (or "
                       "npy(\"file.npy\", ...) for your own data)");
      return;
    }
    source = *name;
    fields.push_back(RankedTensorType::get({1, 28, 28}, f32));
    if (site.boolOr("labels", false))
      fields.push_back(RankedTensorType::get({}, builder_.getI32Type()));
  } else if (kind == "npy") {
    if (!site.bind({"path", "shape", "batch", "split"}))
      return;
    // Accepted only to say so: a file is one split.
    if (site.has("split")) {
      diags_.error(site.range("split"),
                   "npy reads one file whatever block reads it, so it takes "
                   "no split; declare the test data as its own dataset");
      return;
    }
    std::optional<std::string> path = site.string("path");
    std::optional<std::vector<int64_t>> shape = site.intList("shape");
    if (!path || !shape)
      return;
    source = *path;
    fields.push_back(RankedTensorType::get(*shape, f32));
  } else {
    diags_.error(decl.source->callee.range,
                 "unknown dataset source '" + kind +
                     "'; use images(\"fashion-mnist\", split=\"train\", "
                     "batch=B) or npy(\"file.npy\", shape=[...], batch=B)");
    return;
  }
  if (site.has("split")) {
    std::optional<std::string> s = site.string("split");
    if (!s)
      return;
    if (*s != "train" && *s != "test") {
      diags_.error(site.range("split"),
                   "split must be \"train\" or \"test\", got \"" + *s + "\"");
      return;
    }
    split = *s;
  }
  std::optional<int64_t> batch = site.positiveInt("batch");
  if (!batch || !site.finish())
    return;

  OpBuilder::InsertionGuard guard(builder_);
  builder_.setInsertionPoint(&model_.getBodyBlock(), declPoint());
  SmallVector<Attribute> fieldAttrs;
  std::vector<RankedTensorType> batchTypes;
  for (RankedTensorType field : fields) {
    fieldAttrs.push_back(TypeAttr::get(field));
    SmallVector<int64_t> shape{*batch};
    shape.append(field.getShape().begin(), field.getShape().end());
    batchTypes.push_back(RankedTensorType::get(shape, field.getElementType()));
  }
  auto op = gm::DatasetOp::create(builder_, loc(decl.name.range),
                                  "data." + decl.name.name, source, split,
                                  builder_.getArrayAttr(fieldAttrs));
  datasets_[decl.name.name] = {op, batchTypes, decl.name.range};
}

Val Sema::nextBatch(const CallExpr *call, const Ident &dataset) {
  auto it = datasets_.find(dataset.name);
  if (it == datasets_.end()) {
    std::vector<std::string> names;
    for (const auto &entry : datasets_)
      names.push_back(entry.getKey().str());
    return error(dataset.range, "'" + dataset.name + "' is not a dataset" +
                                    suggest(dataset.name, names));
  }
  if (frame_->kind == Frame::NetBody || frame_->kind == Frame::Sample)
    return error(call->range, "next() reads data, which only train and eval "
                              "blocks do");
  if (!it->second.op)
    return Val::invalid(); // its declaration was reported
  SmallVector<Type> types(it->second.batchTypes.begin(),
                          it->second.batchTypes.end());
  auto next = gm::NextOp::create(
      builder_, loc(call->range), types,
      FlatSymbolRefAttr::get(it->second.op.getSymNameAttr()));
  return Val::ofResults(next.getResults(), call->range);
}

//===----------------------------------------------------------------------===//
// Blocks
//===----------------------------------------------------------------------===//

void Sema::elaboratePhase(const PhaseDecl &phase) {
  for (const PhaseDecl &other : program_.phases) {
    if (&other == &phase)
      break;
    if (other.name.name == phase.name.name) {
      diags_.error(
          phase.name.range,
          "block '" + phase.name.name + "' is declared twice; name it: `" +
              (phase.isTrain ? "train stage2" : "eval other") + " { ... }`");
      diags_.note(other.name.range, "first declared here");
      return;
    }
  }
  OpBuilder::InsertionGuard guard(builder_);
  builder_.setInsertionPointToEnd(&model_.getBodyBlock());
  auto op = gm::PhaseOp::create(builder_, loc(phase.name.range),
                                phase.isTrain ? gm::PhaseKind::train
                                              : gm::PhaseKind::eval,
                                phase.name.name);
  builder_.setInsertionPointToEnd(&op.getBodyBlock());
  Frame frame;
  frame.kind = phase.isTrain ? Frame::Train : Frame::Eval;
  frame.training = phase.isTrain;
  FrameGuard frameGuard(*this, frame);
  Scope scope;
  ScopeGuard scopeGuard(*this, scope);
  elaborateBlock(phase.body);
}

void Sema::elaborateSampler(const SampleDecl &decl) {
  int64_t batch = 64;
  if (decl.batchSize) {
    std::optional<int64_t> n =
        intOf(elaborate(decl.batchSize.get()), "the sample batch size");
    if (!n)
      return;
    if (*n < 1) {
      diags_.error(decl.batchSize->range, "the sample batch size must be "
                                          "positive");
      return;
    }
    batch = *n;
  }
  std::string name = "sample";
  for (int k = 1; symbols_->lookup(name); ++k)
    name = "sample_" + std::to_string(k);
  OpBuilder::InsertionGuard guard(builder_);
  builder_.setInsertionPointToEnd(&model_.getBodyBlock());
  auto op = gm::SamplerOp::create(builder_, loc(decl.range), name, TypeRange{});
  symbols_->insert(op);
  builder_.setInsertionPointToEnd(&op.getBody().front());
  Frame frame;
  frame.kind = Frame::Sample;
  frame.training = false;
  FrameGuard frameGuard(*this, frame);
  Scope scope;
  ScopeGuard scopeGuard(*this, scope);
  bind(decl.batch.name, Val::ofNumber(batch, true, decl.batch.range));
  unsigned errors = diags_.errorCount();
  elaborateBlock(decl.body);
  if (!frame.returned) {
    if (diags_.errorCount() == errors && !frame.resultInvalid)
      diags_.error(decl.range, "a sample block must end with `return` of the "
                               "samples");
    return;
  }
  SmallVector<Type> types;
  SmallVector<Value> values;
  for (const Val &v : *frame.returned) {
    values.push_back(v.tensor);
    types.push_back(v.tensor.getType());
  }
  gm::ReturnOp::create(builder_, loc(decl.range), values);
  op.setFunctionType(builder_.getFunctionType({}, types));
}

//===----------------------------------------------------------------------===//
// Nets
//===----------------------------------------------------------------------===//

const NetDecl *Sema::findNet(llvm::StringRef name) const {
  return nets_.lookup(name);
}

Val Sema::callNet(const CallExpr *call, const NetDecl &net) {
  if (brokenNets_.contains(&net))
    return Val::invalid();
  auto wrongCall = [&](SourceRange where, const std::string &message) {
    error(where, message);
    diags_.note(net.name.range, "net '" + net.name.name + "' declared here");
    return Val::invalid();
  };
  auto keyword =
      llvm::find_if(call->args, [](const Arg &a) { return a.keyword; });
  if (keyword != call->args.end())
    return wrongCall({keyword->keyword->range.begin, keyword->value->range.end},
                     "net '" + net.name.name +
                         "' takes its arguments by position: drop '" +
                         keyword->keyword->name + "='");
  if (call->args.size() != net.args.size())
    return wrongCall(call->range, "net '" + net.name.name + "' takes " +
                                      count(net.args.size(), "argument") +
                                      ", got " +
                                      std::to_string(call->args.size()));
  // Arguments, then the shapes they bind.
  SmallVector<Value> args;
  std::vector<RankedTensorType> types;
  bool ok = true;
  for (const Arg &arg : call->args) {
    Val v = elaborate(arg.value.get());
    Value t = v.valid() ? tensorOf(v, "a net argument") : Value();
    ok &= static_cast<bool>(t);
    args.push_back(t);
    types.push_back(t ? cast<RankedTensorType>(t.getType())
                      : RankedTensorType());
  }
  if (!ok)
    return Val::invalid();
  NetInstance *instance = instantiate(net, types, call);
  if (!instance || !instance->ok)
    return placeholderResults(net, types, call);
  if (frame_->owner.size())
    netCallees_[frame_->owner].push_back(net.name.name);
  auto callOp =
      gm::CallOp::create(builder_, loc(call->range), instance->resultTypes,
                         FlatSymbolRefAttr::get(&context_, instance->symbol),
                         args, nullptr, nullptr);
  return Val::ofResults(callOp.getResults(), call->range);
}

/// Matches the declared argument types against the actual ones, binding
/// shape variables (dimension names that are not consts) in `scope`.
bool Sema::bindShapes(const NetDecl &net,
                      llvm::ArrayRef<RankedTensorType> types,
                      const CallExpr *call, bool report) {
  for (size_t k = 0; k < net.args.size(); ++k) {
    const TypedName &decl = net.args[k];
    RankedTensorType actual = types[k];
    auto fail = [&](const llvm::Twine &why) {
      if (!report)
        return false;
      diags_.error(call ? call->args[k].value->range : decl.name.range,
                   "net '" + net.name.name + "' expects argument '" +
                       decl.name.name + "' of type " + spellType(decl.type) +
                       ", got " + describe(actual) + ": " + why);
      diags_.note(decl.name.range, "argument declared here");
      return false;
    };
    Type element = elementType(decl.type.element);
    if (!element)
      return false;
    if (element != actual.getElementType())
      return fail("the element types differ");
    if (decl.type.dims.size() != static_cast<size_t>(actual.getRank()))
      return fail("the ranks differ");
    for (auto [i, dim] : llvm::enumerate(decl.type.dims)) {
      int64_t size = actual.getDimSize(i);
      if (auto *name = dyn_cast<NameExpr>(dim.get());
          name && !consts_.count(name->name) &&
          !scope_->vars.count(name->name)) {
        bind(name->name, Val::ofNumber(size, true, name->range));
        continue;
      }
      // A bad dimension is the declaration's error, unless it depends on
      // the shapes this call binds (`N - 2` with N = 1).
      std::optional<int64_t> expected;
      if (namesShapes(dim.get())) {
        llvm::SaveAndRestore inDimension(inDimension_, true);
        expected = intOf(elaborate(dim.get()), "a dimension");
        if (expected && *expected < 1)
          return fail("dimension " + std::to_string(i) + " would be " +
                      std::to_string(*expected));
      } else {
        expected = dimensionOf(dim.get());
      }
      if (!expected)
        return false;
      if (*expected != size)
        return fail("dimension " + std::to_string(i) + " should be " +
                    std::to_string(*expected));
    }
  }
  return true;
}

bool Sema::namesShapes(const Expr *e) const {
  return anySubexpr(e, [&](const Expr *sub) {
    auto *name = dyn_cast<NameExpr>(sub);
    return name && !consts_.count(name->name);
  });
}

/// After a failed call, zeros of the net's declared result types stand for
/// its results, so that the statements using them are still checked (the
/// module is discarded anyway).
Val Sema::placeholderResults(const NetDecl &net,
                             llvm::ArrayRef<RankedTensorType> types,
                             const CallExpr *call) {
  unsigned errors = diags_.errorCount();
  Scope scope;
  ScopeGuard scopeGuard(*this, scope, /*isolated=*/true);
  // The mismatch (if any) is reported already; bind what can be bound. A
  // result type that needs what could not be bound gives no placeholder,
  // and no error of its own.
  DiagnosticEngine::Quiet quiet(diags_);
  (void)bindShapes(net, types, call, /*report=*/false);
  std::vector<Val> results;
  for (const TypedName &r : net.results) {
    RankedTensorType type = typeOf(r.type);
    if (!type || diags_.errorCount() != errors)
      return Val::invalid();
    results.push_back(
        Val::ofTensor(math(call->range).splat(0, type), call->range));
  }
  return Val::ofResults(std::move(results), call->range);
}

Sema::NetInstance *Sema::instantiate(const NetDecl &net,
                                     llvm::ArrayRef<RankedTensorType> types,
                                     const CallExpr *call) {
  if (auto first = llvm::find(stack_, &net); first != stack_.end()) {
    // Name the cycle: f -> g -> f.
    std::string cycle;
    for (auto it = first; it != stack_.end(); ++it)
      cycle += (*it)->name.name + " -> ";
    error(call ? call->range : net.name.range,
          "net '" + net.name.name + "' calls itself (" + cycle + net.name.name +
              "); nets cannot recurse");
    return nullptr;
  }
  for (auto &instance : instances_)
    if (instance->decl == &net &&
        llvm::ArrayRef<RankedTensorType>(instance->argTypes) == types &&
        (instance->training == training() || !instance->modeDependent))
      return instance.get();
  auto instance = std::make_unique<NetInstance>();
  instance->decl = &net;
  instance->argTypes.assign(types.begin(), types.end());
  instance->training = training();
  instance->symbol = net.name.name;
  for (int k = 1; symbols_->lookup(instance->symbol); ++k)
    instance->symbol = net.name.name + "_" + std::to_string(k);
  NetInstance *result = instance.get();
  instances_.push_back(std::move(instance));

  OpBuilder::InsertionGuard guard(builder_);
  Scope scope;
  ScopeGuard scopeGuard(*this, scope, /*isolated=*/true);
  if (!bindShapes(net, types, call)) {
    result->ok = false;
    return result;
  }
  builder_.setInsertionPointToEnd(&model_.getBodyBlock());
  SmallVector<Type> argTypes(types.begin(), types.end());
  auto op = gm::NetOp::create(builder_, loc(net.name.range), result->symbol,
                              builder_.getFunctionType(argTypes, {}));
  symbols_->insert(op);
  result->op = op;
  mlir::Block &body = op.getBody().front();
  for (auto [arg, decl] : llvm::zip(body.getArguments(), net.args))
    bind(decl.name.name, Val::ofTensor(arg, decl.name.range));
  builder_.setInsertionPointToEnd(&body);

  Frame frame;
  frame.kind = Frame::NetBody;
  frame.training = frame_->training;
  frame.owner = net.name.name;
  frame.instance = result;
  FrameGuard frameGuard(*this, frame);
  stack_.push_back(&net);
  result->bodyChecked = true;
  unsigned errorsBefore = diags_.errorCount();
  elaborateBlock(net.body);
  stack_.pop_back();
  result->modeDependent = frame.modeDependent;
  // After errors in the body, its results are still checked where they are
  // known, but the instance is not used.
  bool bodyFailed = diags_.errorCount() != errorsBefore || frame.resultInvalid;
  if (bodyFailed)
    result->ok = false;

  // Results: the named result variables, or the returned values.
  std::vector<Val> values;
  if (!net.results.empty() && !net.results.front().name.name.empty()) {
    for (const TypedName &r : net.results) {
      auto it = scope.vars.find(r.name.name);
      if (it == scope.vars.end()) {
        if (!bodyFailed)
          diags_.error(r.name.range, "net '" + net.name.name +
                                         "' never assigns its result '" +
                                         r.name.name + "'");
        result->ok = false;
        return result;
      }
      values.push_back(it->second);
    }
  } else if (frame.returned) {
    values = *frame.returned;
  }
  if (values.size() != net.results.size()) {
    if (!bodyFailed)
      diags_.error(net.name.range,
                   "net '" + net.name.name + "' declares " +
                       count(net.results.size(), "result") + " but " +
                       (frame.returned
                            ? "returns " + std::to_string(values.size())
                            : std::string("has no return")));
    result->ok = false;
    return result;
  }
  SmallVector<Value> returned;
  for (auto [decl, v] : llvm::zip(net.results, values)) {
    if (!v.valid()) {
      result->ok = false;
      return result;
    }
    Value t = tensorOf(v, "a net result");
    RankedTensorType declared = typeOf(decl.type);
    if (!t || !declared) {
      result->ok = false;
      return result;
    }
    if (t.getType() != declared) {
      diags_.error(v.range,
                   "net '" + net.name.name + "' declares result " +
                       (decl.name.name.empty() ? std::string()
                                               : "'" + decl.name.name + "' ") +
                       "of type " + describe(declared) + ", but this is " +
                       describe(t.getType()));
      diags_.note(decl.type.range, "declared here");
      result->ok = false;
      return result;
    }
    returned.push_back(t);
    result->resultTypes.push_back(t.getType());
  }
  if (bodyFailed)
    return result;
  gm::ReturnOp::create(builder_, loc(net.range), returned);
  op.setFunctionType(builder_.getFunctionType(argTypes, result->resultTypes));
  return result;
}

bool Sema::training() const { return frame_->training; }

mlir::Block::iterator Sema::declPoint() {
  mlir::Block &body = model_.getBodyBlock();
  return llvm::find_if(body, [](Operation &op) {
    return isa<gm::NetOp, gm::PhaseOp, gm::SamplerOp>(op);
  });
}

void Sema::markModeDependent() {
  for (Frame *f = frame_; f; f = f->parent)
    f->modeDependent = true;
}

/// The argument types of `net` with its shape variables set to `guess`, or
/// none. A dimension computed from them (`N - 2`) that is not positive at
/// this guess is no error of the net's (`computedFailed`); other errors of
/// the argument types are reported.
std::optional<std::vector<RankedTensorType>>
Sema::guessArgumentTypes(const NetDecl &net, int64_t guess,
                         bool &computedFailed) {
  computedFailed = false;
  Scope scope;
  ScopeGuard scopeGuard(*this, scope, /*isolated=*/true);
  std::vector<RankedTensorType> types;
  bool known = true;
  for (const TypedName &arg : net.args) {
    for (const ExprPtr &dim : arg.type.dims)
      if (auto *name = dyn_cast<NameExpr>(dim.get());
          name && !consts_.count(name->name) && !scope.vars.count(name->name))
        bind(name->name, Val::ofNumber(guess, true, name->range));
    bool computed = llvm::any_of(arg.type.dims, [&](const ExprPtr &dim) {
      return !isa<NameExpr>(dim.get()) && namesShapes(dim.get());
    });
    std::optional<DiagnosticEngine::Quiet> quiet;
    if (computed)
      quiet.emplace(diags_);
    RankedTensorType type = typeOf(arg.type);
    quiet.reset();
    if (!type && computed) {
      computedFailed = true;
      (void)elementType(arg.type.element); // its own error, if any
    }
    known &= static_cast<bool>(type);
    types.push_back(type);
  }
  if (!known)
    return std::nullopt;
  return types;
}

/// Nets no block calls are still checked: each shape variable is bound to 2
/// (16, 64, 256 or 1024 where a dimension computed from them needs more)
/// and the net is elaborated into a scratch instance that creates no
/// parameters and is erased afterwards.
void Sema::checkUncalledNets() {
  for (const NetDecl &net : program_.nets) {
    if (llvm::any_of(instances_, [&](const auto &i) {
          return i->decl == &net && i->bodyChecked;
        }))
      continue;
    if (nets_.lookup(net.name.name) != &net || brokenNets_.contains(&net))
      continue; // A duplicate or a broken signature, already reported.
    // Shape variables set to 2, or larger where a computed dimension needs
    // more (`N - 2`, `N - 20`).
    static constexpr int64_t kGuesses[] = {2, 16, 64, 256, 1024};
    std::optional<std::vector<RankedTensorType>> types;
    int64_t guess = 0;
    bool computedFailed = false;
    for (int64_t g : kGuesses) {
      guess = g;
      types = guessArgumentTypes(net, guess, computedFailed);
      if (types || !computedFailed)
        break;
    }
    if (!types) {
      // Unchecked, said: silence would read as "no errors".
      if (computedFailed)
        diags_.warning(net.name.range,
                       "net '" + net.name.name +
                           "' is not checked: no block calls it, and no "
                           "shape variables up to " +
                           std::to_string(guess) +
                           " make its argument types valid; call it to "
                           "check it");
      continue;
    }
    unsigned errors = diags_.errorCount();
    Frame frame;
    frame.kind = Frame::Train;
    frame.training = true;
    FrameGuard frameGuard(*this, frame);
    scratch_ = true;
    NetInstance *instance = instantiate(net, *types, nullptr);
    scratch_ = false;
    if (instance && instance->op)
      instance->op->erase();
    bool variables = llvm::any_of(net.args, [&](const TypedName &arg) {
      return llvm::any_of(arg.type.dims, [&](const ExprPtr &dim) {
        return namesShapes(dim.get());
      });
    });
    if (diags_.errorCount() != errors && variables)
      diags_.note(net.name.range,
                  "no block calls net '" + net.name.name +
                      "' with valid arguments, so it was checked with its "
                      "shape variables set to " +
                      std::to_string(guess));
  }
}

//===----------------------------------------------------------------------===//
// Parameters and state
//===----------------------------------------------------------------------===//

std::optional<std::string>
Sema::layerName(SourceRange where, llvm::StringRef kind,
                std::optional<std::string> explicitName) {
  if (frame_->owner.empty()) {
    diags_.error(where, kind + " creates parameters, so it belongs in a net; "
                               "move it into one and call the net here");
    return std::nullopt;
  }
  if (explicitName)
    return *explicitName;
  return (kind + "_" + llvm::Twine(frame_->layerCounts[kind.str()]++)).str();
}

Value Sema::variable(SourceRange where, llvm::StringRef local,
                     RankedTensorType type, Attribute init, bool trainable) {
  std::string name = (frame_->owner + "." + local).str();
  if (scratch_)
    return math(where).splat(0, type); // Checking an uncalled net only.
  auto it = variables_.find(name);
  if (it != variables_.end()) {
    if (it->second.second != type) {
      // The same layer elaborated for other argument shapes, or another
      // layer of the same name (which shares its parameters).
      bool sameLayer = it->second.first.begin == where.begin;
      diags_.error(where,
                   "parameter '" + name + "' has type " + describe(type) +
                       " here but " + describe(it->second.second) +
                       " where it was first created (" +
                       (sameLayer ? "its shape must not depend on the net's "
                                    "argument shapes)"
                                  : "layers of one name share their "
                                    "parameters; give this one another "
                                    "name)"));
      diags_.note(it->second.first, "first created here");
      return nullptr;
    }
  } else {
    OpBuilder::InsertionGuard guard(builder_);
    builder_.setInsertionPoint(&model_.getBodyBlock(), declPoint());
    if (trainable)
      gm::ParamOp::create(builder_, loc(where), name, type, init);
    else
      gm::StateOp::create(builder_, loc(where), name, type, init);
    variables_[name] = {where, type};
    if (trainable)
      netParams_[frame_->owner].push_back(name);
  }
  return gm::LoadOp::create(builder_, loc(where), type,
                            FlatSymbolRefAttr::get(&context_, name));
}

void Sema::storeState(SourceRange where, llvm::StringRef local, Value value) {
  if (scratch_)
    return;
  std::string name = (frame_->owner + "." + local).str();
  gm::StoreOp::create(builder_, loc(where), value,
                      FlatSymbolRefAttr::get(&context_, name));
}

//===----------------------------------------------------------------------===//
// minimize ... over nets
//===----------------------------------------------------------------------===//

void Sema::finishMinimizes() {
  for (PendingMinimize &pending : minimizes_) {
    SmallVector<Attribute> params;
    // Each parameter and the listed net that brought it in.
    llvm::StringMap<std::string> listedBy;
    llvm::StringSet<> listed;
    bool ok = true;
    for (const Ident &net : pending.nets) {
      if (!nets_.count(net.name)) {
        ok = false; // Reported where the minimize was elaborated.
        continue;
      }
      if (!listed.insert(net.name).second) {
        diags_.error(net.range, "net '" + net.name + "' is listed twice");
        ok = false;
        continue;
      }
      // The net's parameters and those of the nets it calls.
      SmallVector<std::string> work{net.name};
      llvm::StringSet<> visited;
      size_t before = params.size();
      std::string trainedBy;
      while (!work.empty()) {
        std::string n = work.pop_back_val();
        if (!visited.insert(n).second)
          continue;
        for (const std::string &p : netParams_.lookup(n)) {
          auto [it, inserted] = listedBy.try_emplace(p, net.name);
          if (inserted)
            params.push_back(FlatSymbolRefAttr::get(&context_, p));
          else
            trainedBy = it->second;
        }
        for (const std::string &callee : netCallees_.lookup(n))
          work.push_back(callee);
      }
      if (params.size() != before)
        continue;
      ok = false;
      // A net whose body failed (every call of it) was reported; its
      // parameters are unknown.
      bool failed = false, elaborated = false;
      for (const auto &instance : instances_)
        if (instance->decl->name.name == net.name)
          (instance->ok ? elaborated : failed) = true;
      if (failed && !elaborated)
        continue;
      if (!trainedBy.empty())
        diags_.error(net.range, "net '" + net.name + "' adds no parameters: '" +
                                    trainedBy +
                                    "', listed before it, trains them "
                                    "already (one calls the other)");
      else
        diags_.error(net.range, "net '" + net.name +
                                    "' has no parameters to train (it is "
                                    "never called, or creates no layers)");
    }
    if (ok)
      pending.op.setParamsAttr(builder_.getArrayAttr(params));
  }
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

std::string Sema::suggest(llvm::StringRef name,
                          llvm::ArrayRef<std::string> candidates) const {
  for (const std::string &c : candidates)
    if (name.equals_insensitive(c) && name != c)
      return "; did you mean '" + c + "'?"; // b for B
  std::string best;
  unsigned bestDistance = ~0u;
  for (const std::string &c : candidates) {
    unsigned d = name.edit_distance(c, true, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  // Not for a one-letter name: any other letter would be "close".
  if (best.empty() || bestDistance >= name.size() ||
      bestDistance > std::max<size_t>(2, name.size() / 3))
    return "";
  return "; did you mean '" + best + "'?";
}
