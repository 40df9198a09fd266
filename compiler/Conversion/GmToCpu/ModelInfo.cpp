//===- ModelInfo.cpp - the compiled model described for the trainer -------===//
//
// Everything the trainer needs to know about the model besides its code:
// the variables (where they live, how they start), the datasets, the
// entries `gm_run` dispatches to, the report names, the library ops and the
// buffer sizes. It is a JSON document returned by `gm_model_info()`; its
// format is docs/runtime-abi.md's.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Transforms/MemoryPlan.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

namespace json = llvm::json;

/// The version of the info's format; the trainer refuses others.
static constexpr int64_t kInfoFormat = 1;

json::Array mlir::gm::cpu::toJson(ArrayRef<int64_t> values) {
  json::Array a;
  for (int64_t v : values)
    a.push_back(v);
  return a;
}

std::string mlir::gm::cpu::typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

static json::Object tensorJson(Type type) {
  auto t = cast<RankedTensorType>(type);
  return json::Object{{"dtype", typeName(t.getElementType())},
                      {"shape", toJson(t.getShape())}};
}

static json::Object initializerJson(Attribute init) {
  return llvm::TypeSwitch<Attribute, json::Object>(init)
      .Case([](FillAttr f) {
        return json::Object{{"kind", "fill"}, {"value", double(f.getValue())}};
      })
      .Case([](UniformAttr u) {
        return json::Object{{"kind", "uniform"},
                            {"low", double(u.getLow())},
                            {"high", double(u.getHigh())}};
      })
      .Case([](NormalAttr n) {
        return json::Object{{"kind", "normal"},
                            {"mean", double(n.getMean())},
                            {"std", double(n.getStd())}};
      })
      .Default([](Attribute) {
        return json::Object{{"kind", "fill"}, {"value", 0.0}};
      });
}

/// A hash of the planned model: a checkpoint written by another model (or
/// another build of this one with different shapes) is recognized.
static std::string modelHash(ModelOp model) {
  std::string text;
  llvm::raw_string_ostream os(text);
  model->print(os, OpPrintingFlags().printGenericOpForm(false));
  return llvm::utohexstr(llvm::xxh3_64bits(text), /*LowerCase=*/true, 16);
}

LogicalResult ModelEmitter::emitModelInfo() {
  json::Array variables;
  for (Operation &op : model_.getBodyBlock()) {
    Type type;
    Attribute init;
    StringRef kind;
    if (auto p = dyn_cast<ParamOp>(op)) {
      type = p.getType(), init = p.getInit(), kind = "param";
    } else if (auto s = dyn_cast<StateOp>(op)) {
      type = s.getType(), init = s.getInit(), kind = "state";
    } else {
      continue;
    }
    json::Object v = tensorJson(type);
    v["name"] = SymbolTable::getSymbolName(&op).getValue();
    v["kind"] = kind;
    v["offset"] = getPlace(&op).getOffset();
    v["init"] = initializerJson(init);
    variables.push_back(std::move(v));
  }

  // Datasets, with the batch size their gm.next ops draw.
  json::Array datasets;
  for (DatasetOp dataset : model_.getOps<DatasetOp>()) {
    std::optional<int64_t> batch;
    WalkResult walk = model_.walk([&](NextOp next) {
      if (next.getDataset() != dataset.getSymName())
        return WalkResult::advance();
      int64_t b =
          cast<RankedTensorType>(next.getResult(0).getType()).getDimSize(0);
      if (batch && *batch != b) {
        next.emitOpError() << "draws batches of " << b << " from @"
                           << dataset.getSymName() << ", another draws "
                           << *batch << "; the CPU backend needs one size";
        return WalkResult::interrupt();
      }
      batch = b;
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    json::Array fields;
    for (Attribute field : dataset.getFields())
      fields.push_back(tensorJson(cast<TypeAttr>(field).getValue()));
    datasets.push_back(json::Object{{"name", dataset.getSymName()},
                                    {"source", dataset.getSource()},
                                    {"split", dataset.getSplit()},
                                    {"fields", std::move(fields)},
                                    {"batch", batch.value_or(0)}});
  }

  json::Array entries;
  for (auto [index, e] : llvm::enumerate(entries_)) {
    json::Object entry{{"kind", e.kind},
                       {"name", e.name},
                       {"index", static_cast<int64_t>(index)},
                       {"arena_bytes", getArenaBytes(e.op)},
                       {"naive_arena_bytes", getNaiveArenaBytes(e.op)},
                       {"flops", e.flops}};
    if (auto phase = dyn_cast<PhaseOp>(e.op)) {
      entry["phase_kind"] = stringifyPhaseKind(phase.getKind());
      // The datasets the phase draws from, how many batches of each a step
      // reads (gm.next ops, times their repeats' counts), what it reports.
      json::Array used, reports, entryStatistics;
      llvm::SmallVector<int64_t> reads;
      llvm::StringMap<size_t> dataIndex;
      llvm::StringSet<> seenReports;
      WalkResult walk = phase.walk([&](Operation *op) {
        if (auto next = dyn_cast<NextOp>(op)) {
          auto [it, added] =
              dataIndex.try_emplace(next.getDataset(), reads.size());
          if (added) {
            used.push_back(
                static_cast<int64_t>(datasetIds_.lookup(next.getDataset())));
            reads.push_back(0);
          }
          reads[it->second] += repeatRounds(op);
        }
        if (auto report = dyn_cast<ReportOp>(op))
          if (seenReports.insert(report.getName()).second)
            reports.push_back(report.getName());
        if (auto statistic = dyn_cast<StatisticOp>(op)) {
          // One number per name: a statistic is not averaged like reports.
          if (!seenReports.insert(statistic.getName()).second) {
            statistic.emitOpError()
                << "reuses the name '" << statistic.getName()
                << "' of another report of the phase";
            return WalkResult::interrupt();
          }
          entryStatistics.push_back(
              static_cast<int64_t>(statisticIds_.lookup(op)));
        }
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return failure();
      entry["datasets"] = std::move(used);
      entry["reads"] = json::Array(reads);
      entry["reports"] = std::move(reports);
      entry["statistics"] = std::move(entryStatistics);
    }
    if (auto sampler = dyn_cast<SamplerOp>(e.op)) {
      auto ret = cast<ReturnOp>(sampler.getBody().front().getTerminator());
      json::Array results;
      for (auto [value, place] :
           llvm::zip(ret.getOperands(), getReturnPlaces(ret))) {
        json::Object r = tensorJson(value.getType());
        r["offset"] = place.getOffset();
        results.push_back(std::move(r));
      }
      entry["results"] = std::move(results);
    }
    entries.push_back(std::move(entry));
  }

  json::Array reports;
  for (const std::string &name : reportNames_)
    reports.push_back(name);
  // Statistics by id: name, kind and the operands collected per batch.
  std::vector<json::Object> statisticsById(statisticIds_.size());
  for (auto [op, id] : statisticIds_) {
    auto statistic = cast<StatisticOp>(op);
    json::Array operands;
    for (Value v : statistic.getValues())
      operands.push_back(tensorJson(v.getType()));
    statisticsById[id] = json::Object{{"name", statistic.getName()},
                                      {"kind", statistic.getKind()},
                                      {"operands", std::move(operands)}};
  }
  json::Array statistics;
  for (json::Object &o : statisticsById)
    statistics.push_back(std::move(o));
  json::Array library;
  for (json::Object &d : libraryOps_)
    library.push_back(std::move(d));

  json::Object info{{"format", kInfoFormat},
                    {"model", model_.getSymName()},
                    {"hash", modelHash(model_)},
                    {"arena_bytes", getArenaBytes(model_)},
                    {"variables_bytes", getVariablesBytes(model_)},
                    {"variables", std::move(variables)},
                    {"datasets", std::move(datasets)},
                    {"entries", std::move(entries)},
                    {"reports", std::move(reports)},
                    {"statistics", std::move(statistics)},
                    {"library", std::move(library)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << json::Value(std::move(info));
  text.push_back('\0');

  // A constant string and `const char *gm_model_info(void)` returning it.
  Location loc = model_.getLoc();
  OpBuilder &b = moduleBuilder_;
  auto ptr = LLVM::LLVMPointerType::get(context());
  auto stringType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
  LLVM::GlobalOp::create(b, loc, stringType, /*isConstant=*/true,
                         LLVM::Linkage::Internal, "gm_model_info_json",
                         b.getStringAttr(text));
  auto fn = func::FuncOp::create(b, loc, "gm_model_info",
                                 b.getFunctionType({}, {ptr}));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(fn.addEntryBlock());
  Value address = LLVM::AddressOfOp::create(b, loc, ptr, "gm_model_info_json");
  func::ReturnOp::create(b, loc, address);
  return success();
}
