//===- model_info.h - the compiled model, seen by the runtime - -*- C++ -*-===//
//
// Parsed from the JSON that `gm_model_info()` returns (docs/runtime-abi.md):
// variables and where they live, datasets, entry points, report names and
// the descriptors of the library ops.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_MODEL_INFO_H
#define GMRT_CORE_MODEL_INFO_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gmrt {

/// An element type and a shape. Element types are MLIR's names: f32, f64,
/// bf16, i32, i64, i1 (one byte).
struct TensorSpec {
  std::string dtype;
  std::vector<int64_t> shape;

  int64_t elements() const;
  int64_t bytes() const;
  std::string str() const; // "f32[64, 1, 28, 28]"
};

/// Bytes of one element of `dtype`; throws gmrt::Error for unknown ones.
int64_t elementBytes(const std::string &dtype);

struct VariableInfo {
  std::string name;
  bool isParam = true; // else optimizer or batch-norm state
  TensorSpec tensor;
  int64_t offset = 0; // in the variables buffer
  nlohmann::json init;
};

struct DatasetInfo {
  std::string name, source, split;
  std::vector<TensorSpec> fields; // one example
  int64_t batch = 0;
};

/// A metric of a whole eval split (statistics.h): its report name, kind
/// and the operands the phase passes per batch.
struct StatisticInfo {
  std::string name, kind;
  std::vector<TensorSpec> operands;
};

struct EntryInfo {
  std::string kind; // "phase" or "sampler"
  std::string name;
  std::string phaseKind; // "train" or "eval" for phases
  int32_t index = 0;
  int64_t arenaBytes = 0;
  /// What the arena would take without reuse (every value its own bytes).
  int64_t naiveArenaBytes = 0;
  int64_t flops = 0;
  std::vector<int32_t> datasets;
  /// Batches of each of `datasets` one step reads (its gm.next ops, repeats
  /// counted).
  std::vector<int64_t> reads;
  std::vector<std::string> reports;
  /// Ids of the statistics an eval phase computes.
  std::vector<int32_t> statistics;
  /// Sampler results and their offsets in the arena.
  std::vector<std::pair<TensorSpec, int64_t>> results;

  bool isTrain() const { return kind == "phase" && phaseKind == "train"; }
};

struct ModelInfo {
  std::string model, hash;
  int64_t arenaBytes = 0, variablesBytes = 0;
  std::vector<VariableInfo> variables;
  std::vector<DatasetInfo> datasets;
  std::vector<EntryInfo> entries;
  std::vector<std::string> reports;
  std::vector<StatisticInfo> statistics;
  nlohmann::json library;

  /// Throws gmrt::Error when `json` is not a model info this runtime reads.
  static ModelInfo parse(const std::string &json);

  /// The entry of `kind` named `name`; null if none.
  const EntryInfo *find(const std::string &kind, const std::string &name) const;
  /// Entries of one kind ("phase" with phaseKind, or "sampler").
  std::vector<const EntryInfo *>
  entriesOf(const std::string &kind, const std::string &phaseKind = "") const;
  int64_t parameterCount() const;

private:
  void validate() const;
};

} // namespace gmrt

#endif // GMRT_CORE_MODEL_INFO_H
