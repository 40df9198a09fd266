//===- session.h - a compiled model, loaded and ready to run ----*- C++ -*-===//
//
// Owns what a compiled model runs on: the variables and arena buffers (one
// allocation each, sized by the memory plan), the library ops built from
// their descriptors, the datasets, and the reports of the last step. The
// runtime's C functions (abi.h) reach it through GmFrame::runtime.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_SESSION_H
#define GMRT_TRAINER_SESSION_H

#include "runtime/core/abi.h"
#include "runtime/core/model_info.h"
#include "runtime/core/statistics.h"
#include "runtime/cpu/library.h"
#include "runtime/io/dataset.h"
#include "runtime/io/feed.h"

#include <exception>
#include <map>
#include <memory>
#include <vector>

namespace gmrt {

/// Zeroed bytes, page-aligned, taking memory only where touched.
class AlignedBuffer {
public:
  explicit AlignedBuffer(int64_t bytes = 0);
  ~AlignedBuffer();
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  char *data() const { return data_; }
  int64_t size() const { return size_; }

private:
  char *data_ = nullptr;
  int64_t size_ = 0;
};

class Session {
public:
  using RunFunction = void (*)(int32_t, GmFrame *);
  struct Options {
    uint64_t seed = 0;
    std::string dataRoot = kDefaultDataRoot;
    /// Files that npy datasets read instead of the ones the model names
    /// (`--source samples=FILE.npy`), by dataset name (`samples` or its
    /// symbol `data.samples`).
    std::map<std::string, std::string> sources;
  };

  /// Parses the model info and builds every library op. Throws gmrt::Error.
  Session(const std::string &infoJson, RunFunction run, Options options);

  const ModelInfo &info() const { return info_; }
  uint64_t seed() const { return options_.seed; }
  void setSeed(uint64_t seed) { options_.seed = seed; }

  /// Every variable to its initializer's values (Philox, by name).
  void initializeVariables();
  /// A variable's bytes in the variables buffer.
  char *variableData(const VariableInfo &variable) const;
  /// Bytes of the arena at `offset` (a sampler's results).
  char *arenaData(int64_t offset) const;

  /// Loads the datasets `entry` draws from; training phases shuffle.
  void prepareData(const EntryInfo &entry);
  /// The feed of dataset `id`; loaded on first use.
  DataFeed &feed(int32_t id);

  /// Runs `entry` once as step `step`. Throws what a runtime call threw.
  void run(const EntryInfo &entry, uint32_t step);
  /// The last run's reports by report id (NaN where it reported none).
  const std::vector<double> &reports() const { return reports_; }
  /// Restarts the statistics of an eval (statistics.h); result() of id.
  void resetStatistics();
  double statistic(int32_t id) const;

  // The runtime functions of abi.h, on this session.
  /// `position` -1: the whole op; else gmrt_library_at's position.
  void callLibrary(int32_t id, int32_t iteration, int64_t position,
                   void *const *operands);
  void nextBatch(int32_t dataset, void *const *fields);
  void report(int32_t id, double value);
  /// One round of a report inside repeats: adds value / rounds (round 0
  /// starts the sum).
  void reportRound(int32_t id, double value, int32_t round, int32_t rounds);
  void collect(int32_t statistic, void *const *operands);

private:
  void createFeed(int32_t id, bool shuffle);

  ModelInfo info_;
  RunFunction run_;
  Options options_;
  AlignedBuffer variables_, arena_;
  GmFrame frame_;
  std::vector<std::unique_ptr<cpu::LibraryOp>> library_;
  std::vector<std::unique_ptr<DataFeed>> feeds_;
  std::vector<double> reports_;
  std::vector<std::unique_ptr<Statistic>> statistics_;
  uint32_t step_ = 0;
  /// The first error a runtime call raised during a run: generated code has
  /// no unwind tables, so the call records it and the run rethrows it.
  std::exception_ptr error_;
};

} // namespace gmrt

#endif // GMRT_TRAINER_SESSION_H
