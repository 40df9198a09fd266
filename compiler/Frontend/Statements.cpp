//===- Statements.cpp - elaborating .gm statements ------------------------===//
//
// Assignments, minimize, report, repeat (a loop in train blocks, unrolled in
// nets), return, emit and param. An error in a statement is reported and
// elaboration goes on with the next one.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/SemaInternal.h"

using namespace gmc;
using namespace mlir;
namespace gm = mlir::gm;

void Sema::elaborateBlock(const Block &block) {
  for (const auto &stmt : block) {
    if (frame_->returned) {
      diags_.error(stmt->range, "this statement follows `return` and would "
                                "never run");
      return;
    }
    elaborateStatement(stmt.get());
  }
}

void Sema::elaborateStatement(const Stmt *stmt) {
  if (++statements_ > kMaxStatements) {
    if (statements_ == kMaxStatements + 1)
      diags_.error(stmt->range, "the model is too large to compile (more "
                                "than a million statements after unrolling "
                                "repeat in nets)");
    return;
  }
  switch (stmt->kind) {
  case Stmt::Assign:
    return assign(cast<AssignStmt>(stmt));
  case Stmt::Param:
    return param(cast<ParamStmt>(stmt));
  case Stmt::AssignVariable:
    return assignVariable(cast<AssignVariableStmt>(stmt));
  case Stmt::Minimize:
    return minimize(cast<MinimizeStmt>(stmt));
  case Stmt::Report:
    return report(cast<ReportStmt>(stmt));
  case Stmt::Repeat:
    return repeat(cast<RepeatStmt>(stmt));
  case Stmt::Return:
    return returnValues(cast<ReturnStmt>(stmt));
  case Stmt::Emit:
    return emit(cast<EmitStmt>(stmt));
  }
}

void Sema::assign(const AssignStmt *stmt) {
  Val value = elaborate(stmt->value.get());
  if (!value.valid()) {
    // Bind the names anyway so that later uses do not cascade into
    // "unknown name" errors.
    for (const Ident &target : stmt->targets)
      bind(target.name, Val::invalid());
    return;
  }
  if (stmt->targets.size() == 1) {
    // One value (grad of a one-element list) is that value.
    if (value.kind == Val::Tuple && value.items.size() == 1) {
      bind(stmt->targets[0].name, value.items[0]);
      return;
    }
    if (value.kind == Val::Tuple) {
      diags_.error(stmt->value->range, "this gives " +
                                           count(value.items.size(), "value") +
                                           "; assign each: a, b = ...");
      bind(stmt->targets[0].name, Val::invalid());
      return;
    }
    bind(stmt->targets[0].name, value);
    return;
  }
  size_t given = value.kind == Val::Tuple ? value.items.size() : 1;
  if (given != stmt->targets.size()) {
    diags_.error(stmt->value->range, "this gives " + count(given, "value") +
                                         " for " +
                                         count(stmt->targets.size(), "name"));
    for (const Ident &target : stmt->targets)
      bind(target.name, Val::invalid());
    return;
  }
  for (auto [target, item] : llvm::zip(stmt->targets, value.items))
    bind(target.name, item);
}

void Sema::param(const ParamStmt *stmt) {
  std::optional<std::string> name =
      layerName(stmt->range, "param", stmt->name.name);
  RankedTensorType type = typeOf(stmt->type);
  Attribute init = initializerOf(*this, stmt->init.get());
  if (!name || !type || !init) {
    bind(stmt->name.name, Val::invalid());
    return;
  }
  if (!isa<FloatType>(type.getElementType())) {
    diags_.error(stmt->type.range, "a parameter must be a float tensor");
    bind(stmt->name.name, Val::invalid()); // Its uses were reported here.
    return;
  }
  Value v = variable(stmt->name.range, *name, type, init, /*trainable=*/true);
  bind(stmt->name.name,
       v ? Val::ofTensor(v, stmt->name.range) : Val::invalid());
}

void Sema::assignVariable(const AssignVariableStmt *stmt) {
  if (frame_->kind != Frame::Train) {
    diags_.error(stmt->range, "assign belongs in a train block (it changes "
                              "the model's variables)");
    return;
  }
  std::string name = stmt->net.name + "." + stmt->name.name;
  Val v = elaborate(stmt->value.get());
  // An invalid value was reported where it failed; whatever made it fail
  // (a failed net call) may also have kept the variable from existing.
  if (!v.valid())
    return;
  if (!nets_.count(stmt->net.name)) {
    if (unparsedNet(stmt->net.name))
      return;
    std::vector<std::string> nets;
    for (const auto &entry : nets_)
      nets.push_back(entry.getKey().str());
    diags_.error(stmt->net.range, "'" + stmt->net.name + "' is not a net" +
                                      suggest(stmt->net.name, nets));
    return;
  }
  auto variable = variables_.find(name);
  if (variable == variables_.end()) {
    std::vector<std::string> known;
    for (const auto &entry : variables_)
      if (entry.getKey().starts_with(stmt->net.name + "."))
        known.push_back(entry.getKey().str());
    diags_.error(stmt->name.range,
                 "net '" + stmt->net.name + "' has no parameter or state '" +
                     stmt->name.name + "'" +
                     (known.empty() ? std::string(" (it has none: call it "
                                                  "before assigning)")
                                    : suggest(name, known)));
    return;
  }
  if (!v.valid())
    return;
  auto type = cast<RankedTensorType>(variable->second.second);
  Value value = tensorOf(v, "the new value", type.getElementType());
  if (!value)
    return;
  if (value.getType() != type) {
    diags_.error(stmt->value->range, "'" + name + "' is " + describe(type) +
                                         "; the new value is " +
                                         describe(value.getType()));
    return;
  }
  gm::StoreOp::create(builder_, loc(stmt->range), value,
                      FlatSymbolRefAttr::get(&context_, name));
}

/// How to make a float scalar of what `type` is (losses and reports).
static std::string toFloatScalar(RankedTensorType type) {
  if (type.getRank() == 0)
    return " (make it a float with float())";
  return isa<FloatType>(type.getElementType())
             ? " (reduce it with sum() or mean())"
             : " (reduce it with sum() or mean() of float(...))";
}

/// The optimizer attribute of `sgd(...)`, `adam(...)` or `adamw(...)`.
static Attribute optimizerOf(Sema &sema, const CallExpr *call) {
  CallSite site(sema, call);
  MLIRContext *ctx = sema.context();
  // What the attribute's verifier finds beyond the arguments' own checks
  // (nesterov without momentum) is said at the call.
  auto emitError = [&]() { return mlir::emitError(sema.loc(call->range)); };
  llvm::StringRef name = call->callee.name;
  // An argument the attribute would refuse is said where it is written.
  auto valid = [&](const char *parameter, std::optional<double> value) {
    if (!value || !site.has(parameter))
      return;
    std::string problem = gm::optimizerParameterProblem(parameter, *value);
    if (!problem.empty())
      site.fail(parameter, name + " needs " + problem);
  };
  if (name == "sgd") {
    if (!site.bind({"lr", "momentum", "nesterov", "weight_decay"}))
      return {};
    std::optional<double> lr = site.number("lr");
    std::optional<double> momentum = site.numberOr("momentum", 0);
    bool nesterov = site.boolOr("nesterov", false);
    std::optional<double> wd = site.numberOr("weight_decay", 0);
    for (auto [parameter, value] :
         {std::pair{"lr", lr}, {"momentum", momentum}, {"weight_decay", wd}})
      valid(parameter, value);
    if (!lr || !momentum || !wd || !site.finish())
      return {};
    return gm::SGDAttr::getChecked(emitError, ctx, gm::Real(*lr),
                                   gm::Real(*momentum), nesterov,
                                   gm::Real(*wd));
  }
  if (name == "adam" || name == "adamw") {
    if (!site.bind({"lr", "beta1", "beta2", "eps", "weight_decay"}))
      return {};
    bool decoupled = name == "adamw";
    std::optional<double> lr = site.numberOr("lr", 1e-3);
    std::optional<double> b1 = site.numberOr("beta1", 0.9);
    std::optional<double> b2 = site.numberOr("beta2", 0.999);
    std::optional<double> eps = site.numberOr("eps", 1e-8);
    std::optional<double> wd =
        site.numberOr("weight_decay", decoupled ? 0.01 : 0);
    for (auto [parameter, value] : {std::pair{"lr", lr},
                                    {"beta1", b1},
                                    {"beta2", b2},
                                    {"eps", eps},
                                    {"weight_decay", wd}})
      valid(parameter, value);
    if (!lr || !b1 || !b2 || !eps || !wd || !site.finish())
      return {};
    return gm::AdamAttr::getChecked(emitError, ctx, gm::Real(*lr),
                                    gm::Real(*b1), gm::Real(*b2),
                                    gm::Real(*eps), gm::Real(*wd), decoupled);
  }
  sema.diags().error(call->callee.range,
                     "unknown optimizer '" + name +
                         "'; use sgd(lr=...), adam(...) or adamw(...)" +
                         sema.suggest(name, {"sgd", "adam", "adamw"}));
  return {};
}

void Sema::minimize(const MinimizeStmt *stmt) {
  if (frame_->kind != Frame::Train) {
    diags_.error(stmt->range, "minimize belongs in a train block");
    return;
  }
  std::vector<std::string> netNames;
  for (const auto &entry : nets_)
    netNames.push_back(entry.getKey().str());
  bool netsOk = true;
  for (const Ident &net : stmt->nets)
    if (!nets_.count(net.name)) {
      if (!unparsedNet(net.name))
        diags_.error(net.range, "'" + net.name + "' is not a net" +
                                    suggest(net.name, netNames));
      netsOk = false;
    }
  Val loss = elaborate(stmt->loss.get());
  Attribute optimizer = optimizerOf(*this, stmt->optimizer.get());
  std::optional<double> clip;
  for (const Arg &option : stmt->options) {
    if (!option.keyword || option.keyword->name != "clip_norm") {
      diags_.error(option.keyword ? option.keyword->range : option.value->range,
                   "minimize takes one option after the optimizer: "
                   "clip_norm=<number>");
      return;
    }
    clip = numberOf(elaborate(option.value.get()), "clip_norm");
    if (!clip)
      return;
    if (*clip <= 0) {
      diags_.error(option.value->range, "clip_norm must be positive");
      return;
    }
  }
  if (!loss.valid() || !optimizer || !netsOk)
    return;
  Value l = tensorOf(loss, "the loss");
  if (!l)
    return;
  auto type = cast<RankedTensorType>(l.getType());
  if (type.getRank() != 0 || !isa<FloatType>(type.getElementType())) {
    // An integer loss has no gradient: float() of it would train nothing.
    diags_.error(stmt->loss->range,
                 "the loss must be a float scalar; this is " + describe(type) +
                     (isa<FloatType>(type.getElementType())
                          ? toFloatScalar(type)
                          : " (an integer has no gradient: compute the loss "
                            "from the nets' float outputs)"));
    return;
  }
  auto op = gm::MinimizeOp::create(
      builder_, loc(stmt->range), l, builder_.getArrayAttr({}), optimizer,
      clip ? builder_.getF64FloatAttr(*clip) : FloatAttr());
  minimizes_.push_back({op, stmt->nets});
}

/// Where the phase being elaborated already uses `name`: a report, a
/// statistic, or nothing.
static Operation *reportNamed(OpBuilder &builder, llvm::StringRef name) {
  Operation *where = builder.getInsertionBlock()->getParentOp();
  auto phase = isa<gm::PhaseOp>(where) ? cast<gm::PhaseOp>(where)
                                       : where->getParentOfType<gm::PhaseOp>();
  Operation *found = nullptr;
  if (phase)
    phase.walk([&](Operation *op) {
      auto report = dyn_cast<gm::ReportOp>(op);
      auto statistic = dyn_cast<gm::StatisticOp>(op);
      if ((report && report.getName() == name) ||
          (statistic && statistic.getName() == name))
        found = op;
    });
  return found;
}

void Sema::report(const ReportStmt *stmt) {
  if (frame_->kind != Frame::Train && frame_->kind != Frame::Eval) {
    diags_.error(stmt->range, "report belongs in a train or eval block");
    return;
  }
  for (const ReportStmt::Item &item : stmt->items) {
    // The trainer's metrics.jsonl records carry these beside the reports.
    static const char *const kRecordKeys[] = {"phase", "step", "img_per_s",
                                              "step_ms", "examples"};
    if (llvm::is_contained(kRecordKeys, item.name.name)) {
      diags_.error(item.name.range,
                   "'" + item.name.name +
                       "' is a field of the trainer's metrics records "
                       "(phase, step, img_per_s, step_ms, examples); report "
                       "it under another name");
      continue;
    }
    auto *call = dyn_cast_if_present<CallExpr>(item.value.get());
    if (call && isStatistic(call->callee.name)) {
      if (frame_->kind != Frame::Eval) {
        diags_.error(call->range, call->callee.name +
                                      " is computed over a whole eval "
                                      "split; it belongs in an eval block");
        continue;
      }
      if (builder_.getInsertionBlock()
              ->getParentOp()
              ->getParentOfType<gm::RepeatOp>() ||
          isa<gm::RepeatOp>(builder_.getInsertionBlock()->getParentOp())) {
        diags_.error(call->range, call->callee.name +
                                      " takes each batch once: it cannot "
                                      "be inside a repeat");
        continue;
      }
      if (reportNamed(builder_, item.name.name)) {
        diags_.error(item.name.range,
                     "'" + item.name.name +
                         "' is reported already; a statistic needs a name "
                         "of its own (it is one number, not averaged)");
        continue;
      }
      // The statistic's builtin emits gm.statistic under this name (and
      // takes the name, so that a statistic among its arguments fails).
      statisticReport_ = &item.name.name;
      (void)elaborate(call);
      statisticReport_ = nullptr;
      continue;
    }
    Val v = item.value ? elaborate(item.value.get())
                       : lookup(&*std::make_unique<NameExpr>(item.name.range,
                                                             item.name.name));
    if (!v.valid())
      continue;
    Value t = tensorOf(v, "a report");
    if (!t)
      continue;
    auto type = cast<RankedTensorType>(t.getType());
    if (type.getRank() != 0 || !isa<FloatType>(type.getElementType())) {
      diags_.error(v.range, "report '" + item.name.name +
                                "' needs a float scalar; this is " +
                                describe(type) + toFloatScalar(type));
      continue;
    }
    Operation *earlier = reportNamed(builder_, item.name.name);
    if (isa_and_present<gm::StatisticOp>(earlier)) {
      diags_.error(item.name.range, "'" + item.name.name +
                                        "' is a statistic of this block "
                                        "already; the report needs another "
                                        "name");
      continue;
    }
    // One value per name and step (a repeat's rounds are averaged).
    if (earlier) {
      diags_.error(item.name.range,
                   "'" + item.name.name +
                       "' is reported already; each report of a block "
                       "needs a name of its own");
      diags_.note({diags_.locate(earlier->getLoc()), {}},
                  "first reported here");
      continue;
    }
    gm::ReportOp::create(builder_, loc(item.name.range), item.name.name, t);
  }
}

void Sema::repeat(const RepeatStmt *stmt) {
  std::optional<int64_t> count =
      intOf(elaborate(stmt->count.get()), "the repeat count");
  if (!count)
    return;
  if (*count < 1) {
    diags_.error(stmt->count->range, "repeat needs a positive count");
    return;
  }
  if (frame_->kind == Frame::Train || frame_->kind == Frame::Eval) {
    if (frame_->inAutoregressive) {
      diags_.error(stmt->range, "repeat cannot appear in an autoregressive "
                                "body");
      return;
    }
    // A loop of the step: fresh batches and random numbers per round.
    auto op = gm::RepeatOp::create(builder_, loc(stmt->range), *count);
    OpBuilder::InsertionGuard guard(builder_);
    builder_.setInsertionPointToEnd(&op.getBodyBlock());
    Scope scope;
    ScopeGuard scopeGuard(*this, scope);
    elaborateBlock(stmt->body);
    return;
  }
  // In nets and samplers: unrolled; each round creates its own layers.
  if (*count > 4096) {
    diags_.error(stmt->count->range,
                 "repeat in a net unrolls at compile time: at most 4096 "
                 "rounds, not " +
                     std::to_string(*count));
    return;
  }
  for (int64_t i = 0; i < *count && !frame_->returned; ++i) {
    unsigned errors = diags_.errorCount();
    elaborateBlock(stmt->body);
    if (diags_.errorCount() != errors)
      return; // Report each error once, not per round.
  }
}

void Sema::returnValues(const ReturnStmt *stmt) {
  if (frame_->kind != Frame::NetBody && frame_->kind != Frame::Sample) {
    diags_.error(stmt->range, "return belongs in a net or a sample block");
    return;
  }
  if (frame_->inAutoregressive) {
    diags_.error(stmt->range, "an autoregressive body ends with `emit`, not "
                              "`return`");
    return;
  }
  std::vector<Val> values;
  for (const ExprPtr &e : stmt->values) {
    Val v = elaborate(e.get());
    Value t;
    if (v.valid() && v.kind == Val::Tuple)
      values.insert(values.end(), v.items.begin(), v.items.end());
    else if (v.valid() && (t = tensorOf(v, "a returned value")))
      values.push_back(Val::ofTensor(t, v.range));
    else {
      frame_->resultInvalid = true;
      return;
    }
  }
  frame_->returned = std::move(values);
}

void Sema::emit(const EmitStmt *stmt) {
  if (!frame_->inAutoregressive) {
    diags_.error(stmt->range, "emit belongs in an autoregressive body");
    return;
  }
  Val v = elaborate(stmt->value.get());
  if (v.valid())
    frame_->emitted = v;
  else
    frame_->resultInvalid = true;
}
