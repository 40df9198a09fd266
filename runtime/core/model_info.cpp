//===- model_info.cpp - parsing the compiled model's description ----------===//

#include "runtime/core/model_info.h"

#include "runtime/core/error.h"

namespace gmrt {

/// The info format this runtime reads (the compiler's kInfoFormat).
constexpr int64_t kInfoFormat = 1;

int64_t elementBytes(const std::string &dtype) {
  if (dtype == "f32" || dtype == "i32")
    return 4;
  if (dtype == "f64" || dtype == "i64")
    return 8;
  if (dtype == "bf16")
    return 2;
  if (dtype == "i1" || dtype == "i8")
    return 1;
  throw Error("unknown element type '" + dtype + "'");
}

int64_t TensorSpec::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t TensorSpec::bytes() const { return elements() * elementBytes(dtype); }

std::string TensorSpec::str() const {
  std::string s = dtype + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

static TensorSpec tensorOf(const nlohmann::json &j) {
  return {j.at("dtype").get<std::string>(),
          j.at("shape").get<std::vector<int64_t>>()};
}

ModelInfo ModelInfo::parse(const std::string &text) {
  ModelInfo info;
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (!j.at("format").is_number_integer() ||
        j.at("format").get<int64_t>() != kInfoFormat)
      throw Error("the model was compiled for model-info format " +
                  j.at("format").dump() + "; this runtime reads format " +
                  std::to_string(kInfoFormat) +
                  " (recompile it with this gmc)");
    info.model = j.at("model");
    info.hash = j.at("hash");
    info.arenaBytes = j.at("arena_bytes");
    info.variablesBytes = j.at("variables_bytes");
    for (const auto &v : j.at("variables")) {
      VariableInfo var;
      var.name = v.at("name");
      var.isParam = v.at("kind") == "param";
      var.tensor = tensorOf(v);
      var.offset = v.at("offset");
      var.init = v.at("init");
      info.variables.push_back(std::move(var));
    }
    for (const auto &d : j.at("datasets")) {
      DatasetInfo data;
      data.name = d.at("name");
      data.source = d.at("source");
      data.split = d.at("split");
      for (const auto &f : d.at("fields"))
        data.fields.push_back(tensorOf(f));
      data.batch = d.at("batch");
      info.datasets.push_back(std::move(data));
    }
    for (const auto &e : j.at("entries")) {
      EntryInfo entry;
      entry.kind = e.at("kind");
      entry.name = e.at("name");
      entry.index = e.at("index");
      entry.arenaBytes = e.at("arena_bytes");
      entry.naiveArenaBytes = e.value("naive_arena_bytes", entry.arenaBytes);
      entry.flops = e.at("flops");
      if (e.contains("phase_kind"))
        entry.phaseKind = e.at("phase_kind");
      if (e.contains("datasets")) {
        entry.datasets = e.at("datasets").get<std::vector<int32_t>>();
        // One batch of each per step unless it says otherwise.
        entry.reads = e.contains("reads")
                          ? e.at("reads").get<std::vector<int64_t>>()
                          : std::vector<int64_t>(entry.datasets.size(), 1);
      }
      if (e.contains("reports"))
        entry.reports = e.at("reports").get<std::vector<std::string>>();
      if (e.contains("statistics"))
        entry.statistics = e.at("statistics").get<std::vector<int32_t>>();
      if (e.contains("results"))
        for (const auto &r : e.at("results"))
          entry.results.push_back({tensorOf(r), r.at("offset").get<int64_t>()});
      info.entries.push_back(std::move(entry));
    }
    info.reports = j.at("reports").get<std::vector<std::string>>();
    for (const auto &st : j.value("statistics", nlohmann::json::array())) {
      StatisticInfo statistic{st.at("name"), st.at("kind"), {}};
      for (const auto &operand : st.at("operands"))
        statistic.operands.push_back(tensorOf(operand));
      info.statistics.push_back(std::move(statistic));
    }
    info.library = j.at("library");
    info.validate();
  } catch (const nlohmann::json::exception &e) {
    throw Error(std::string("the compiled model's description is malformed: ") +
                e.what());
  }
  return info;
}

/// A malformed description would make the runtime write out of bounds:
/// every offset, index and initializer is checked once, here.
void ModelInfo::validate() const {
  auto fail = [](const std::string &what) {
    throw Error("the compiled model's description is malformed: " + what);
  };
  for (const VariableInfo &v : variables) {
    if (v.offset < 0 || v.offset + v.tensor.bytes() > variablesBytes)
      fail("variable " + v.name + " lies outside the variables buffer");
    std::string kind = v.init.value("kind", "");
    auto number = [&](const char *field) {
      if (!v.init.contains(field) || !v.init.at(field).is_number())
        fail("variable " + v.name + ": initializer " + kind + " lacks " +
             field);
    };
    if (kind == "fill") {
      number("value");
    } else if (kind == "uniform") {
      number("low");
      number("high");
    } else if (kind == "normal") {
      number("mean");
      number("std");
    } else {
      fail("variable " + v.name + ": unknown initializer '" + kind + "'");
    }
  }
  for (const EntryInfo &e : entries) {
    for (int32_t id : e.datasets)
      if (id < 0 || static_cast<size_t>(id) >= datasets.size())
        fail("entry " + e.name + " reads dataset " + std::to_string(id) +
             " of " + std::to_string(datasets.size()));
    if (e.reads.size() != e.datasets.size())
      fail("entry " + e.name + " gives " + count(e.reads.size(), "read count") +
           " for " + count(e.datasets.size(), "dataset"));
    for (int64_t n : e.reads)
      if (n < 1)
        fail("entry " + e.name + " reads " + std::to_string(n) +
             " batches of a dataset per step");
    for (int32_t id : e.statistics)
      if (id < 0 || static_cast<size_t>(id) >= statistics.size())
        fail("entry " + e.name + " computes statistic " + std::to_string(id) +
             " of " + std::to_string(statistics.size()));
    for (const auto &[spec, offset] : e.results)
      if (offset < 0 || offset + spec.bytes() > arenaBytes)
        fail("a result of " + e.name + " lies outside the arena");
  }
  if (!library.is_array())
    fail("\"library\" is not a list");
}

const EntryInfo *ModelInfo::find(const std::string &kind,
                                 const std::string &name) const {
  for (const EntryInfo &e : entries)
    if (e.kind == kind && e.name == name)
      return &e;
  return nullptr;
}

std::vector<const EntryInfo *>
ModelInfo::entriesOf(const std::string &kind,
                     const std::string &phaseKind) const {
  std::vector<const EntryInfo *> result;
  for (const EntryInfo &e : entries)
    if (e.kind == kind && (phaseKind.empty() || e.phaseKind == phaseKind))
      result.push_back(&e);
  return result;
}

int64_t ModelInfo::parameterCount() const {
  int64_t n = 0;
  for (const VariableInfo &v : variables)
    if (v.isParam)
      n += v.tensor.elements();
  return n;
}

} // namespace gmrt
