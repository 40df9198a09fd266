//===- train.cpp - the train command --------------------------------------===//
//
// Trains a phase into a run directory: checkpoints written atomically, a
// metrics log that agrees with them, and a stop on a signal or a bad step
// that keeps the last good checkpoint.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/error.h"
#include "runtime/io/file.h"
#include "runtime/io/metrics.h"
#include "runtime/io/safetensors.h"
#include "runtime/trainer/checkpoint.h"
#include "runtime/trainer/commands.h"
#include "runtime/trainer/progress.h"
#include "runtime/trainer/signals.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sys/resource.h>
#include <unistd.h>

namespace gmrt {

namespace {

/// Report sums `carried` by name (from a checkpoint) in the order of the
/// phase's reports `names`; empty when the names differ (another build's
/// model).
std::vector<std::pair<std::string, double>>
inReportOrder(const std::vector<std::pair<std::string, double>> &carried,
              const std::vector<std::string> &names) {
  std::vector<std::pair<std::string, double>> ordered;
  if (carried.size() != names.size())
    return ordered;
  for (const std::string &name : names) {
    auto it = std::find_if(carried.begin(), carried.end(),
                           [&](const auto &c) { return c.first == name; });
    if (it == carried.end())
      return {};
    ordered.push_back(*it);
  }
  return ordered;
}

/// The most memory the process has held, in bytes.
double peakRssBytes() {
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024.0;
}

} // namespace

const std::vector<OptionSpec> &trainOptions() {
  static const std::vector<OptionSpec> options = withCommon({
      {"--steps", "N", "train until the phase has run N steps in all"},
      {"--epochs", "E", "train until E passes over the data (default: 1)"},
      {"--phase", "NAME",
       "the train phase to run (default: 'train' or the only one)"},
      {"--data", "DIR", "dataset root (default: /usr/share/datasets)"},
      sourceOption(),
      {"--out", "DIR",
       "checkpoint and metrics.jsonl go here (default: runs/MODEL)"},
      {"--seed", "S",
       "seed of initial values, noise and shuffling (default: 0)"},
      {"--resume", "", "continue from DIR/checkpoint.safetensors"},
      {"--overwrite", "",
       "start afresh in a DIR that holds a run: its checkpoint is removed and "
       "its metrics.jsonl started over"},
      {"--log-every", "N",
       "log a line (and a metrics record) every N steps (default: 50)"},
      {"--checkpoint-every", "N",
       "write the checkpoint every N steps (default: 1000)"},
  });
  return options;
}

int trainCommand(Session &session, const Options &options) {
  const ModelInfo &info = session.info();
  const EntryInfo &phase =
      chooseEntry(info, "phase", "train", options.string("--phase"), "--phase");
  std::string out = options.stringOr("--out", defaultOut(info));
  std::string checkpoint = checkpointIn(out);
  uint64_t logEvery = options.integerOr("--log-every", 50, 1);
  uint64_t checkpointEvery = options.integerOr("--checkpoint-every", 1000, 1);

  // A run's checkpoint is only replaced on purpose: training without
  // --resume into its directory would overwrite hours of work.
  bool overwrite = options.has("--overwrite");
  bool resume = options.has("--resume");
  if (overwrite && resume)
    throw Error("--resume continues the run in " + out +
                ", --overwrite starts it afresh: give one of them");
  if (options.has("--steps") && options.has("--epochs"))
    throw Error("--steps N and --epochs E both say how long to train: give "
                "one of them");
  if (isDirectory(checkpoint))
    throw Error(checkpoint + " is a directory, where the checkpoint would "
                             "go; move it, or train into another --out DIR");
  if (!overwrite && !resume && exists(checkpoint))
    throw Error(checkpoint +
                " holds a run: continue it with --resume, start afresh "
                "with --overwrite, or train into another --out DIR");

  TrainingState state;
  if (resume) {
    if (!exists(checkpoint))
      throw Error("--resume: no checkpoint at " + checkpoint +
                  " (train without --resume first, or pass --out DIR)");
    try {
      state = loadCheckpoint(checkpoint, session);
    } catch (const DamagedFile &e) {
      // Only a damaged file is given up; one of other shapes is another
      // build's run (compile with its -D values), not to be overwritten.
      throw Error(std::string(e.what()) +
                  "; start the run afresh with --overwrite, or train into "
                  "another --out DIR");
    }
    if (options.has("--seed") &&
        static_cast<uint64_t>(*options.integer("--seed", 0)) != state.seed)
      std::cerr << "warning: --resume continues with the checkpoint's seed "
                << state.seed << "\n";
    session.setSeed(state.seed);
  } else {
    state.seed = options.integerOr("--seed", 0, 0);
    session.setSeed(state.seed);
    session.initializeVariables();
  }
  session.prepareData(phase);
  for (int32_t id : phase.datasets) {
    const std::string &name = info.datasets[id].name;
    session.feed(id).seek(state.dataPositions[name]);
  }

  uint64_t done = state.steps[phase.name];
  uint64_t target;
  if (auto steps = options.integer("--steps", 1)) {
    target = *steps;
  } else {
    if (phase.datasets.empty())
      throw Error("phase " + phase.name + " reads no data: give --steps N");
    target =
        options.integerOr("--epochs", 1, 1) * stepsPerEpoch(session, phase, 0);
  }
  if (done >= target) {
    std::cout << phase.name << ": already at step " << done << " (asked for "
              << target << "); nothing to do\n";
    return 0;
  }

  makeDirectories(out);
  checkWritable(checkpoint);
  // The log and the checkpoint tell of one run: a resumed run keeps the
  // records its checkpoint covers; a new one (no checkpoint, or the one
  // --overwrite replaces) starts the log over and removes the old
  // checkpoint, which is not its own.
  if (resume)
    forgetMetricsAfter(out + "/metrics.jsonl", state.steps);
  else if (overwrite && exists(checkpoint) && ::unlink(checkpoint.c_str()) != 0)
    throw Error(checkpoint +
                ": cannot remove it for --overwrite: " + std::strerror(errno));
  MetricsLog metrics(out + "/metrics.jsonl", /*startOver=*/!resume);
  uint64_t savedAt = done;
  bool savedOnce = resume;
  StopSignals stopSignals;
  Progress progress(phase.name, done, target, examplesPerStep(session, phase),
                    logEvery, stderr);
  // What an error that stops training adds: the checkpoint left.
  auto stopped = [&](const std::string &why) {
    progress.finish();
    return Error(why + "; training stopped. " +
                 (savedOnce
                      ? "The last good checkpoint is " + checkpoint +
                            " (step " + std::to_string(savedAt) + ")"
                      : std::string("No checkpoint was written before it")));
  };
  // The reports summed since the last multiple of --log-every: a record
  // at step s averages the steps after that multiple, whether or not the
  // run stopped and resumed between them (the checkpoint carries the sums).
  std::vector<std::pair<std::string, double>> sums;
  uint64_t summed = 0;
  // (Sums of another --log-every, or of a whole interval whose record a
  // full disk refused, average other steps: the interval starts over.)
  if (resume && state.lastPhase == phase.name && state.logSteps > 0 &&
      state.logSteps < logEvery && (done - state.logSteps) % logEvery == 0) {
    sums = inReportOrder(state.logSums, phase.reports);
    summed = sums.empty() ? 0 : state.logSteps;
  }
  auto save = [&] {
    // An update that overflowed shows in the variables before any loss:
    // such weights are no checkpoint.
    std::string bad = nonFiniteVariable(session);
    if (!bad.empty())
      throw stopped(phase.name + " step " + std::to_string(done) +
                    ": the update left non-finite values in " + bad);
    state.steps[phase.name] = done;
    state.lastPhase = phase.name;
    state.logSums = sums;
    state.logSteps = summed;
    for (int32_t id : phase.datasets)
      state.dataPositions[info.datasets[id].name] = session.feed(id).position();
    try {
      saveCheckpoint(checkpoint, session, state);
    } catch (const Error &e) {
      progress.finish();
      throw Error(std::string(e.what()) + "; training stopped at step " +
                  std::to_string(done) + ". " +
                  (savedOnce ? "The checkpoint of step " +
                                   std::to_string(savedAt) + " is kept"
                             : std::string("No checkpoint was written")));
    }
  };

  // Wall time inside the steps this process ran (not checkpoints or
  // logging) since the last record, and those steps.
  double stepSeconds = 0;
  uint64_t timed = 0;
  while (done < target) {
    auto stepStart = std::chrono::steady_clock::now();
    try {
      session.run(phase, static_cast<uint32_t>(done));
    } catch (const Error &e) {
      throw stopped(phase.name + " step " + std::to_string(done + 1) + ": " +
                    e.what());
    }
    stepSeconds += std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - stepStart)
                       .count();
    ++done;
    auto reports = namedReports(session, phase);
    for (const auto &[name, value] : reports)
      if (!std::isfinite(value)) {
        std::string values;
        for (const auto &[n, v] : reports)
          values += " " + n + " = " + formatNumber(v);
        throw stopped(phase.name + " step " + std::to_string(done) + ": " +
                      name + " is not finite (" + values.substr(1) + ")");
      }
    if (sums.empty())
      sums.assign(reports.size(), {"", 0.0});
    for (size_t i = 0; i < reports.size(); ++i)
      sums[i] = {reports[i].first, sums[i].second + reports[i].second};
    ++summed;
    ++timed;
    progress.update(done, reports);
    if (done % logEvery == 0 || done == target) {
      auto means = sums;
      for (auto &[name, mean] : means)
        mean /= summed;
      try {
        metrics.write(phase.name, done, means,
                      {{"img_per_s", progress.examplesPerSecond()},
                       {"step_ms", 1000 * stepSeconds / timed}});
      } catch (const Error &logError) {
        // The log cannot grow (a full disk): the steps since the last
        // checkpoint need not be lost with it.
        progress.finish();
        try {
          save();
        } catch (const Error &saveError) {
          throw Error(std::string(logError.what()) + "; then " +
                      saveError.what());
        }
        throw Error(std::string(logError.what()) +
                    "; training stopped at step " + std::to_string(done) +
                    ", saved to " + checkpoint + " (continue with --resume)");
      }
      stepSeconds = 0;
      timed = 0;
      if (done % logEvery == 0) {
        sums.clear();
        summed = 0;
      }
    }
    // Read once: a signal between two reads would claim a checkpoint of a
    // step not saved.
    int signal = stopRequested();
    if (done % checkpointEvery == 0 || done == target || signal) {
      save();
      savedAt = done;
      savedOnce = true;
    }
    if (signal && done < target) {
      progress.finish();
      std::cout << "interrupted at step " << done << "; checkpoint saved to "
                << checkpoint << " (continue with --resume)" << std::endl;
      // Saved, but not done.
      dieOf(signal);
    }
  }
  progress.finish();
  char rate[32] = "";
  if (!phase.datasets.empty())
    std::snprintf(rate, sizeof rate, "%.0f img/s, ",
                  progress.examplesPerSecond());
  std::printf("trained %s to step %llu in %s (%speak RSS %.0f MB); "
              "checkpoint: %s\n",
              phase.name.c_str(), static_cast<unsigned long long>(done),
              formatDuration(progress.seconds()).c_str(), rate,
              peakRssBytes() / 1e6, checkpoint.c_str());
  return 0;
}

} // namespace gmrt
