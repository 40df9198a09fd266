//===- session.cpp - a compiled model, loaded and ready to run ------------===//

#include "runtime/trainer/session.h"

#include "runtime/core/error.h"
#include "runtime/core/random.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>

#include <sys/mman.h>

namespace gmrt {

AlignedBuffer::AlignedBuffer(int64_t bytes) : size_(bytes) {
  if (bytes <= 0)
    return;
  // Fresh anonymous pages: zero, page-aligned, and only the pages an entry
  // touches take memory (the arena is sized for the busiest entry).
  void *pages =
      mmap(nullptr, static_cast<size_t>(bytes), PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED)
    throw Error("out of memory: the model needs " + std::to_string(bytes) +
                " bytes for one buffer");
  data_ = static_cast<char *>(pages);
}

AlignedBuffer::~AlignedBuffer() {
  if (data_)
    munmap(data_, static_cast<size_t>(size_));
}

Session::Session(const std::string &infoJson, RunFunction run, Options options)
    : info_(ModelInfo::parse(infoJson)), run_(run), options_(options),
      variables_(info_.variablesBytes), arena_(info_.arenaBytes) {
  frame_ = {arena_.data(), variables_.data(), this};
  for (const auto &descriptor : info_.library)
    library_.push_back(cpu::makeLibraryOp(descriptor));
  feeds_.resize(info_.datasets.size());
  reports_.assign(info_.reports.size(),
                  std::numeric_limits<double>::quiet_NaN());
  // Datasets are named as in the .gm file (`samples`) or as their symbol
  // (`data.samples`).
  auto shortName = [](const std::string &symbol) {
    return symbol.rfind("data.", 0) == 0 ? symbol.substr(5) : symbol;
  };
  std::string npyData;
  for (const DatasetInfo &d : info_.datasets)
    if (!isImageSource(d.source))
      npyData += (npyData.empty() ? "" : ", ") + shortName(d.name);
  std::map<std::string, std::string> bySymbol;
  for (const auto &[name, file] : options_.sources) {
    auto dataset = std::find_if(info_.datasets.begin(), info_.datasets.end(),
                                [&](const DatasetInfo &d) {
                                  return shortName(d.name) == shortName(name);
                                });
    if (dataset == info_.datasets.end() || isImageSource(dataset->source))
      throw Error("--source " + name + "=" + file + ": the model has " +
                  (dataset == info_.datasets.end()
                       ? "no dataset '" + name + "'"
                       : "'" + name + "' reading " + dataset->source +
                             " images, not a file") +
                  "; npy datasets: " + (npyData.empty() ? "none" : npyData));
    if (!bySymbol.emplace(dataset->name, file).second)
      throw Error("--source names dataset '" + shortName(dataset->name) +
                  "' twice");
  }
  options_.sources = std::move(bySymbol);
}

char *Session::variableData(const VariableInfo &variable) const {
  return variables_.data() + variable.offset;
}

char *Session::arenaData(int64_t offset) const {
  return arena_.data() + offset;
}

void Session::initializeVariables() {
  for (const VariableInfo &v : info_.variables) {
    Stream stream{initStreamId(v.name), kInitStep, 0};
    // The rule and the element type are read once per variable, not per
    // element (a model has millions).
    std::string kind = v.init.value("kind", "fill");
    std::function<double(int64_t)> valueAt;
    if (kind == "uniform") {
      double low = v.init.at("low"), high = v.init.at("high");
      valueAt = [&, low, high](int64_t e) {
        return uniformAt(options_.seed, stream, e, low, high);
      };
    } else if (kind == "normal") {
      double mean = v.init.at("mean"), std = v.init.at("std");
      valueAt = [&, mean, std](int64_t e) {
        return mean + std * normalAt(options_.seed, stream, e);
      };
    } else { // "fill"; ModelInfo::parse admits no other kind
      double value = v.init.at("value");
      valueAt = [value](int64_t) { return value; };
    }
    char *data = variableData(v);
    int64_t n = v.tensor.elements();
    const std::string &t = v.tensor.dtype;
    if (t == "f32")
      for (int64_t e = 0; e < n; ++e)
        reinterpret_cast<float *>(data)[e] = static_cast<float>(valueAt(e));
    else if (t == "f64")
      for (int64_t e = 0; e < n; ++e)
        reinterpret_cast<double *>(data)[e] = valueAt(e);
    else if (t == "i32")
      for (int64_t e = 0; e < n; ++e)
        reinterpret_cast<int32_t *>(data)[e] = static_cast<int32_t>(valueAt(e));
    else if (t == "i64")
      for (int64_t e = 0; e < n; ++e)
        reinterpret_cast<int64_t *>(data)[e] = static_cast<int64_t>(valueAt(e));
    else
      throw Error("variable " + v.name + ": cannot initialize " + t);
  }
}

void Session::createFeed(int32_t id, bool shuffle) {
  DatasetInfo dataset = info_.datasets.at(id);
  auto source = options_.sources.find(dataset.name);
  if (source != options_.sources.end())
    dataset.source = source->second;
  feeds_.at(id) = std::make_unique<DataFeed>(options_.dataRoot, dataset,
                                             options_.seed, shuffle);
}

void Session::prepareData(const EntryInfo &entry) {
  for (int32_t id : entry.datasets)
    if (!feeds_.at(id))
      createFeed(id, entry.isTrain());
}

DataFeed &Session::feed(int32_t id) {
  if (!feeds_.at(id))
    createFeed(id, false);
  return *feeds_[id];
}

void Session::run(const EntryInfo &entry, uint32_t step) {
  step_ = step;
  std::fill(reports_.begin(), reports_.end(),
            std::numeric_limits<double>::quiet_NaN());
  error_ = nullptr;
  run_(entry.index, &frame_);
  if (error_)
    std::rethrow_exception(error_);
}

void Session::callLibrary(int32_t id, int32_t iteration, int64_t position,
                          void *const *operands) {
  if (error_)
    return;
  try {
    library_.at(id)->run(
        {options_.seed, step_, static_cast<uint32_t>(iteration), position},
        operands);
  } catch (...) {
    error_ = std::current_exception();
  }
}

void Session::nextBatch(int32_t dataset, void *const *fields) {
  if (error_)
    return;
  try {
    feed(dataset).next(fields);
  } catch (...) {
    error_ = std::current_exception();
  }
}

void Session::report(int32_t id, double value) {
  if (id >= 0 && static_cast<size_t>(id) < reports_.size())
    reports_[id] = value;
}

void Session::reportRound(int32_t id, double value, int32_t round,
                          int32_t rounds) {
  if (id < 0 || static_cast<size_t>(id) >= reports_.size() || rounds < 1)
    return;
  double share = value / rounds;
  reports_[id] = round == 0 ? share : reports_[id] + share;
}

void Session::resetStatistics() {
  statistics_.clear();
  for (const StatisticInfo &statistic : info_.statistics)
    statistics_.push_back(Statistic::create(statistic));
}

double Session::statistic(int32_t id) const {
  const StatisticInfo &info = info_.statistics.at(id);
  try {
    return statistics_.at(id)->result();
  } catch (const Error &e) {
    throw Error("statistic " + info.name + " (" + info.kind + "): " + e.what());
  }
}

void Session::collect(int32_t id, void *const *operands) {
  if (error_)
    return;
  try {
    if (static_cast<size_t>(id) >= statistics_.size())
      throw Error("statistic " + std::to_string(id) +
                  " collected outside an eval (resetStatistics first)");
    statistics_[id]->add(operands);
  } catch (...) {
    error_ = std::current_exception();
  }
}

} // namespace gmrt

//===----------------------------------------------------------------------===//
// The runtime functions of abi.h
//===----------------------------------------------------------------------===//

static gmrt::Session &sessionOf(GmFrame *frame) {
  return *static_cast<gmrt::Session *>(frame->runtime);
}

extern "C" void gmrt_library(GmFrame *frame, int32_t id, int32_t iteration,
                             void *const *operands) {
  sessionOf(frame).callLibrary(id, iteration, /*position=*/-1, operands);
}

extern "C" void gmrt_library_at(GmFrame *frame, int32_t id, int32_t iteration,
                                int64_t position, void *const *operands) {
  sessionOf(frame).callLibrary(id, iteration, position, operands);
}

extern "C" void gmrt_next(GmFrame *frame, int32_t dataset,
                          void *const *fields) {
  sessionOf(frame).nextBatch(dataset, fields);
}

extern "C" void gmrt_report(GmFrame *frame, int32_t report, double value) {
  sessionOf(frame).report(report, value);
}

extern "C" void gmrt_report_round(GmFrame *frame, int32_t report, double value,
                                  int32_t round, int32_t rounds) {
  sessionOf(frame).reportRound(report, value, round, rounds);
}

extern "C" void gmrt_statistic(GmFrame *frame, int32_t statistic,
                               void *const *operands) {
  sessionOf(frame).collect(statistic, operands);
}
