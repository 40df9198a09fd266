//===- eval.cpp - the eval command ----------------------------------------===//
//
// Runs an eval phase over one pass of its data: the reports averaged over
// the steps, the statistics computed over every batch.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/error.h"
#include "runtime/io/metrics.h"
#include "runtime/trainer/commands.h"
#include "runtime/trainer/progress.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace gmrt {

const std::vector<OptionSpec> &evalOptions() {
  static const std::vector<OptionSpec> options = withCommon({
      {"--phase", "NAME",
       "the eval phase to run (default: 'eval' or the only one)"},
      {"--data", "DIR", "dataset root (default: /usr/share/datasets)"},
      sourceOption(),
      {"--batches", "N",
       "evaluate only the first N batches (whole steps: a step may read "
       "several)"},
      {"--seed", "S", "seed of the phase's noise (default: 0)"},
      {"--out", "DIR", "append the result to DIR/metrics.jsonl"},
      checkpointOption(),
      initOption(),
  });
  return options;
}

int evalCommand(Session &session, const Options &options) {
  const ModelInfo &info = session.info();
  const EntryInfo &phase =
      chooseEntry(info, "phase", "eval", options.string("--phase"), "--phase");
  session.setSeed(options.integerOr("--seed", 0, 0));
  uint64_t trainedSteps = restore(session, options);
  session.prepareData(phase);
  // Steps: one pass over the data (one step when the phase reads none).
  std::vector<int64_t> perEpoch;
  for (size_t i = 0; i < phase.datasets.size(); ++i)
    perEpoch.push_back(stepsPerEpoch(session, phase, i));
  int64_t steps = perEpoch.empty()
                      ? 1
                      : *std::min_element(perEpoch.begin(), perEpoch.end());
  int64_t examples = 0;
  int64_t reads = phase.datasets.empty() ? 1 : phase.reads.front();
  if (auto limit = options.integer("--batches", 1)) {
    if (*limit < reads)
      throw Error("--batches " + std::to_string(*limit) + " is less than the " +
                  std::to_string(reads) + " batches a step of phase " +
                  phase.name + " reads");
    steps = std::min(steps, *limit / reads);
  }

  session.resetStatistics();
  std::vector<std::pair<std::string, double>> means;
  for (int64_t step = 0; step < steps; ++step) {
    session.run(phase, static_cast<uint32_t>(step));
    auto reports = namedReports(session, phase);
    if (means.empty())
      means.assign(reports.size(), {"", 0.0});
    for (size_t i = 0; i < reports.size(); ++i)
      means[i] = {reports[i].first,
                  means[i].second + reports[i].second / steps};
    examples += examplesPerStep(session, phase);
  }
  // Statistics are one number from every batch (not averaged).
  for (int32_t id : phase.statistics)
    means.push_back(
        {session.info().statistics[id].name, session.statistic(id)});
  std::cout << phase.name << " on " << count(examples, "example") << " ("
            << count(steps * reads, "batch") << "):";
  for (const auto &[name, value] : means)
    std::printf("  %s %s", name.c_str(), formatNumber(value).c_str());
  std::cout << "\n";
  // Batches have the compiled size: a last partial one is not scored.
  for (size_t i = 0; i < phase.datasets.size(); ++i) {
    const DataFeed &feed = session.feed(phase.datasets[i]);
    int64_t left = feed.examples() - steps * phase.reads[i] * feed.info().batch;
    if (left > 0 && steps == perEpoch[i])
      std::cout << "  (" << feed.info().name << ": the last " << left << " of "
                << feed.examples() << " examples do not fill "
                << (phase.reads[i] == 1
                        ? "a batch of " + std::to_string(feed.info().batch)
                        : "a step's " + std::to_string(phase.reads[i]) +
                              " batches of " +
                              std::to_string(feed.info().batch))
                << " and are not scored)\n";
  }
  if (auto out = options.string("--out")) {
    makeDirectories(*out);
    // Its step is the variables': those of the checkpoint (0 with --init).
    MetricsLog(*out + "/metrics.jsonl")
        .write(phase.name, trainedSteps, means,
               {{"examples", double(examples)}});
  }
  return 0;
}

} // namespace gmrt
