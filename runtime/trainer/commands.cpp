//===- commands.cpp - train, sample, eval, info ---------------------------===//
//
// The trainer's commands. Each builds a Session from the compiled model,
// restores or initializes its variables, and drives its entries. Errors are
// gmrt::Error messages: printed as "error: ..." with exit status 1.
//
//===----------------------------------------------------------------------===//

#include "runtime/trainer/trainer.h"

#include "runtime/core/error.h"
#include "runtime/core/parallel.h"
#include "runtime/io/file.h"
#include "runtime/io/metrics.h"
#include "runtime/io/npy.h"
#include "runtime/io/png.h"
#include "runtime/io/safetensors.h"
#include "runtime/trainer/checkpoint.h"
#include "runtime/trainer/options.h"
#include "runtime/trainer/progress.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace gmrt {

namespace {

/// The signal that asked training or sampling to stop (0: none).
std::atomic<int> interrupted{0};

void onInterrupt(int signal) {
  interrupted = signal;
  // A second one ends the process at once.
  std::signal(signal, SIG_DFL);
}

/// While it lives, Ctrl-C (SIGINT) and what `kill`, `timeout` and a batch
/// system's preemption (SIGTERM) or a closed terminal (SIGHUP) send ask
/// training to stop at the end of the step, with a checkpoint (sampling:
/// at the end of the sampler call, writing the samples drawn). SIGHUP
/// stays ignored when the trainer was started so (`nohup`); SIGINT is
/// caught even then (a shell starts background jobs ignoring it, yet a
/// `kill -INT` sent to one means stop). At the end each is as it was.
class StopSignals {
public:
  StopSignals() {
    struct sigaction stop = {};
    stop.sa_handler = onInterrupt;
    sigemptyset(&stop.sa_mask);
    for (size_t i = 0; i < std::size(kSignals); ++i) {
      ::sigaction(kSignals[i], nullptr, &previous_[i]);
      if (kSignals[i] != SIGHUP || previous_[i].sa_handler != SIG_IGN)
        ::sigaction(kSignals[i], &stop, nullptr);
    }
  }
  ~StopSignals() {
    for (size_t i = 0; i < std::size(kSignals); ++i)
      ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  StopSignals(const StopSignals &) = delete;
  StopSignals &operator=(const StopSignals &) = delete;

private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction previous_[std::size(kSignals)];
};

/// Ends the process by `signal`, as the shell expects of a program that was
/// interrupted: `train; sample`, `train && sample` and `set -e` scripts all
/// stop there (status 128 + signal).
[[noreturn]] void dieOf(int signal) {
  std::cout.flush();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal); // if the signal is blocked
}

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

constexpr int64_t kMaxThreads = 1024;

void makeDirectories(const std::string &path) {
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/')
      continue;
    std::string prefix = path.substr(0, at);
    struct stat st;
    if (::stat(prefix.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        throw Error("cannot create directory " + prefix +
                    ": a file of that name is in the way");
    } else if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      throw Error("cannot create directory " + prefix + ": " +
                  std::strerror(errno));
    }
  }
}

const std::vector<OptionSpec> kCommonOptions = {
    {"--threads", "N", "threads to use (default: one per core)"},
    {"--help", "", "show this help"},
};

std::vector<OptionSpec> withCommon(std::vector<OptionSpec> specs) {
  specs.insert(specs.end(), kCommonOptions.begin(), kCommonOptions.end());
  return specs;
}

std::string defaultOut(const ModelInfo &info) { return "runs/" + info.model; }

std::string checkpointIn(const std::string &out) {
  return out + "/checkpoint.safetensors";
}

/// The entry of `kind` that `name` (or, when empty, the only one) names.
const EntryInfo &chooseEntry(const ModelInfo &info, const std::string &kind,
                             const std::string &phaseKind,
                             const std::optional<std::string> &name,
                             const std::string &option) {
  std::vector<const EntryInfo *> candidates = info.entriesOf(kind, phaseKind);
  std::string what = phaseKind.empty() ? kind : phaseKind + " " + kind;
  std::string names;
  for (const EntryInfo *e : candidates)
    names += (names.empty() ? "" : ", ") + e->name;
  if (name) {
    for (const EntryInfo *e : candidates)
      if (e->name == *name)
        return *e;
    throw Error("model " + info.model + " has no " + what + " '" + *name + "'" +
                (names.empty() ? "" : "; it has: " + names));
  }
  if (candidates.empty())
    throw Error("model " + info.model + " has no " + what);
  if (candidates.size() > 1) {
    // The unnamed block is the default among several: the sampler
    // "sample", the phase "train" or "eval".
    std::string unnamed = kind == "sampler" ? "sample" : phaseKind;
    for (const EntryInfo *e : candidates)
      if (e->name == unnamed)
        return *e;
    throw Error("model " + info.model + " has several " + what + "s (" + names +
                "); choose one with " + option + " NAME");
  }
  return *candidates.front();
}

std::vector<std::pair<std::string, double>>
namedReports(const Session &session, const EntryInfo &entry) {
  std::vector<std::pair<std::string, double>> values;
  const auto &names = session.info().reports;
  for (const std::string &name : entry.reports)
    for (size_t id = 0; id < names.size(); ++id)
      if (names[id] == name)
        values.push_back({name, session.reports()[id]});
  return values;
}

/// Examples of its first dataset a step of `entry` reads (0 without data).
int64_t examplesPerStep(const Session &session, const EntryInfo &entry) {
  if (entry.datasets.empty())
    return 0;
  return entry.reads.front() *
         session.info().datasets.at(entry.datasets.front()).batch;
}

/// Steps of `entry` that read the `i`-th of its datasets' whole batches
/// once (a step may read several: `repeat 5 { next(train) }`); throws when
/// the data cannot fill one step.
int64_t stepsPerEpoch(Session &session, const EntryInfo &entry, size_t i) {
  const DataFeed &feed = session.feed(entry.datasets[i]);
  int64_t steps = feed.batchesPerEpoch() / entry.reads[i];
  if (steps == 0)
    throw Error("a step of phase " + entry.name + " reads " +
                count(entry.reads[i], "batch") + " of " +
                std::to_string(feed.info().batch) + " from " +
                feed.info().name + ", which has " +
                count(feed.examples(), "example") +
                ": read it fewer times a step, in smaller batches, or give "
                "more data");
  return steps;
}

//===----------------------------------------------------------------------===//
// train
//===----------------------------------------------------------------------===//

const OptionSpec kSourceOption = {
    "--source", "NAME=FILE[,NAME=FILE]",
    "read npy dataset NAME from FILE instead of the file the model names"};

/// The --source option: npy dataset name -> file.
std::map<std::string, std::string> sourcesOf(const Options &options) {
  std::map<std::string, std::string> sources;
  std::string list = options.stringOr("--source", "");
  for (size_t start = 0; start < list.size();) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, comma - start);
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error("--source takes NAME=FILE (a dataset of the model and an "
                  ".npy file), not '" +
                  item + "'");
    if (!sources.emplace(item.substr(0, eq), item.substr(eq + 1)).second)
      throw Error("--source names dataset '" + item.substr(0, eq) + "' twice");
    start = comma + 1;
  }
  return sources;
}

const std::vector<OptionSpec> kTrainOptions = withCommon({
    {"--steps", "N", "train until the phase has run N steps in all"},
    {"--epochs", "E", "train until E passes over the data (default: 1)"},
    {"--phase", "NAME",
     "the train phase to run (default: 'train' or the only one)"},
    {"--data", "DIR", "dataset root (default: /usr/share/datasets)"},
    kSourceOption,
    {"--out", "DIR",
     "checkpoint and metrics.jsonl go here (default: runs/MODEL)"},
    {"--seed", "S", "seed of initial values, noise and shuffling (default: 0)"},
    {"--resume", "", "continue from DIR/checkpoint.safetensors"},
    {"--overwrite", "",
     "start afresh in a DIR that holds a run: its checkpoint is removed and "
     "its metrics.jsonl started over"},
    {"--log-every", "N",
     "log a line (and a metrics record) every N steps (default: 50)"},
    {"--checkpoint-every", "N",
     "write the checkpoint every N steps (default: 1000)"},
});

int train(Session &session, const Options &options) {
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
    int signal = interrupted;
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

//===----------------------------------------------------------------------===//
// Restoring variables for sample and eval
//===----------------------------------------------------------------------===//

const OptionSpec kCheckpointOption = {
    "--checkpoint", "FILE",
    "variables from FILE (default: runs/MODEL/checkpoint.safetensors)"};
const OptionSpec kInitOption = {
    "--init", "", "use freshly initialized variables instead of a checkpoint"};

/// Variables from the checkpoint, or fresh with --init; returns how many
/// steps they were trained (those of the checkpoint's last phase).
uint64_t restore(Session &session, const Options &options) {
  if (options.has("--init") && options.has("--checkpoint"))
    throw Error("--init uses fresh variables, --checkpoint FILE trained "
                "ones: give one of them");
  if (options.has("--init")) {
    session.initializeVariables();
    return 0;
  }
  std::string path = options.stringOr("--checkpoint",
                                      checkpointIn(defaultOut(session.info())));
  if (!exists(path))
    throw Error("no checkpoint at " + path +
                ": train first (train), pass "
                "--checkpoint FILE, or --init for untrained variables");
  uint64_t seed = session.seed();
  TrainingState state = loadCheckpoint(path, session);
  session.setSeed(seed);
  return state.steps[state.lastPhase];
}

//===----------------------------------------------------------------------===//
// sample
//===----------------------------------------------------------------------===//

const std::vector<OptionSpec> kSampleOptions = withCommon({
    {"-n", "N", "how many samples (default: one call of the sampler)"},
    {"-o", "FILE",
     "a PNG grid, or .npy arrays (default: runs/MODEL/samples.png)"},
    {"--sampler", "NAME",
     "the sampler to call (default: 'sample' or the only one)"},
    {"--seed", "S", "seed of the sampler's noise (default: 0)"},
    {"--columns", "C", "columns of the PNG grid (default: a square)"},
    kCheckpointOption,
    kInitOption,
});

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Element `i` of a result buffer as float.
float valueAt(const char *data, const std::string &dtype, int64_t i) {
  if (dtype == "f32")
    return reinterpret_cast<const float *>(data)[i];
  if (dtype == "f64")
    return static_cast<float>(reinterpret_cast<const double *>(data)[i]);
  if (dtype == "i32")
    return static_cast<float>(reinterpret_cast<const int32_t *>(data)[i]);
  if (dtype == "i64")
    return static_cast<float>(reinterpret_cast<const int64_t *>(data)[i]);
  if (dtype == "i1" || dtype == "i8")
    return static_cast<float>(reinterpret_cast<const uint8_t *>(data)[i]);
  throw Error("cannot write samples of type " + dtype);
}

int sample(Session &session, const Options &options) {
  const ModelInfo &info = session.info();
  const EntryInfo &sampler = chooseEntry(
      info, "sampler", "", options.string("--sampler"), "--sampler");
  session.setSeed(options.integerOr("--seed", 0, 0));
  restore(session, options);
  if (sampler.results.empty())
    throw Error("sampler " + sampler.name + " returns nothing");
  const TensorSpec &first = sampler.results.front().first;
  int64_t perCall = first.shape.empty() ? 1 : first.shape[0];
  int64_t n = options.integerOr("-n", perCall, 1);
  std::string path = options.stringOr("-o", defaultOut(info) + "/samples.png");
  // The output is checked before sampling, which can take minutes
  // (PixelCNN draws pixel by pixel): a bad -o must not cost the samples.
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  bool npy = endsWith(lower, ".npy");
  if (!npy && !endsWith(lower, ".png"))
    throw Error("-o " + path +
                ": samples go to a PNG grid (.png) or NPY arrays (.npy)");
  if (!npy && first.shape.size() != 4 && first.shape.size() != 3)
    throw Error("sampler " + sampler.name + " returns " + first.str() +
                ", not images (N x C x H x W); write .npy with -o FILE.npy");
  if (!npy && first.shape.size() == 4 && first.shape[1] != 1 &&
      first.shape[1] != 3)
    throw Error("sampler " + sampler.name + " returns " + first.str() +
                ": a PNG grid takes 1 or 3 channels; write .npy with -o "
                "FILE.npy");
  if (npy && options.has("--columns"))
    throw Error("--columns lays out a PNG grid; -o " + path +
                " writes arrays, which have none");
  // A PNG grid: its layout, checked now too.
  int64_t columns = options.integerOr(
      "--columns", static_cast<int64_t>(std::ceil(std::sqrt(double(n)))), 1);
  if (!npy)
    checkPngGrid(path, n, first.shape[first.shape.size() - 2],
                 first.shape.back(), columns);
  // Arrays: result r goes to path, then path.1.npy, path.2.npy, ...
  std::vector<std::string> files{path};
  for (size_t r = 1; npy && r < sampler.results.size(); ++r)
    files.push_back(path.substr(0, path.size() - 4) + "." + std::to_string(r) +
                    ".npy");
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    makeDirectories(path.substr(0, slash));
  for (const std::string &file : files)
    checkWritable(file);

  // Call the sampler until n samples are drawn; call c draws stream step c.
  std::vector<std::vector<float>> results(sampler.results.size());
  int64_t calls = n / perCall + (n % perCall != 0);
  for (const auto &[spec, offset] : sampler.results)
    if (calls > 1 && (spec.shape.empty() || spec.shape[0] != perCall))
      throw Error("sampler " + sampler.name + " returns " + spec.str() +
                  " beside " + first.str() +
                  ": with results of different "
                  "batch sizes, -n can be at most " +
                  std::to_string(perCall));
  // The samples are kept (as f32) until written: more than the machine's
  // memory is said now, not after hours of sampling.
  double bytes = 0;
  for (const auto &[spec, offset] : sampler.results)
    bytes +=
        4.0 * static_cast<double>(calls) * static_cast<double>(spec.elements());
  double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                  static_cast<double>(::sysconf(_SC_PAGESIZE));
  if (memory > 0 && bytes > memory) {
    char need[128];
    std::snprintf(need, sizeof need, "%.3g GB, more than this machine's %.3g",
                  bytes / 1e9, memory / 1e9);
    throw Error("-n " + std::to_string(n) + ": the samples need " + need +
                " GB; draw fewer");
  }
  // Several calls can take long (PixelCNN's -n 1000: half an hour): they
  // show progress as training does, in at most ten lines off a terminal.
  // A signal stops them after a call, the samples drawn written; one call
  // is left to the signal's default (there is nothing to keep).
  std::optional<Progress> progress;
  std::optional<StopSignals> stopSignals;
  int stoppedBy = 0;
  const int64_t requested = n;
  if (calls > 1) {
    progress.emplace("sample", 0, static_cast<uint64_t>(calls), perCall,
                     static_cast<uint64_t>((calls + 9) / 10), stderr);
    stopSignals.emplace();
  }
  double samplingSeconds = 0;
  for (int64_t call = 0; call < calls; ++call) {
    auto callStart = std::chrono::steady_clock::now();
    try {
      session.run(sampler, static_cast<uint32_t>(call));
    } catch (const Error &e) {
      if (!progress)
        throw;
      progress->finish(); // the error starts a line of its own
      throw Error("sample call " + std::to_string(call + 1) + " of " +
                  std::to_string(calls) + ": " + e.what());
    }
    samplingSeconds += std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - callStart)
                           .count();
    for (size_t r = 0; r < sampler.results.size(); ++r) {
      const auto &[spec, offset] = sampler.results[r];
      const char *data = session.arenaData(offset);
      for (int64_t i = 0; i < spec.elements(); ++i)
        results[r].push_back(valueAt(data, spec.dtype, i));
    }
    if (progress)
      progress->update(static_cast<uint64_t>(call + 1), {});
    // Interrupted: the samples drawn so far are written, not lost (read
    // once; a signal during the last call stops nothing).
    int signal = interrupted;
    if (signal && call + 1 < calls) {
      stoppedBy = signal;
      calls = call + 1;
      n = calls * perCall;
      if (!options.has("--columns"))
        columns = static_cast<int64_t>(std::ceil(std::sqrt(double(n))));
      break;
    }
  }
  if (progress)
    progress->finish();
  std::string written = path, note;
  if (npy) {
    // Results with the batch dimension hold the first n samples.
    written.clear();
    for (size_t r = 0; r < results.size(); ++r) {
      const TensorSpec &spec = sampler.results[r].first;
      std::vector<int64_t> shape = spec.shape;
      if (shape.empty())
        shape = {1};
      else if (shape[0] == perCall)
        shape[0] = n;
      try {
        writeNpy(files[r], shape, results[r].data());
      } catch (const Error &e) {
        throw Error(std::string(e.what()) +
                    (written.empty() ? "" : " (written: " + written + ")"));
      }
      written += (r == 0 ? "" : ", ") + files[r];
    }
  } else {
    int64_t c = first.shape.size() == 4 ? first.shape[1] : 1;
    int64_t h = first.shape[first.shape.size() - 2];
    int64_t w = first.shape.back();
    writePngGrid(path, results[0].data(), n, c, h, w, columns);
    if (results.size() > 1)
      note = "; the grid shows the first of " + std::to_string(results.size()) +
             " results, -o FILE.npy writes each";
  }
  // Per image drawn (a call draws perCall, of which the first n are kept):
  // the sampler's calls only, not restoring or writing.
  char timing[128];
  int64_t drawn = calls * perCall;
  std::snprintf(timing, sizeof timing, " (%.3g s sampling %s, %.4g ms/image",
                samplingSeconds, count(drawn, "image").c_str(),
                1e3 * samplingSeconds / static_cast<double>(drawn));
  std::cout << (stoppedBy ? "interrupted: " : "") << "wrote "
            << (stoppedBy ? std::to_string(n) + " of " : "")
            << count(requested, "sample") << " to " << written << timing << note
            << ")" << std::endl;
  if (stoppedBy) // written, but not all
    dieOf(stoppedBy);
  return 0;
}

//===----------------------------------------------------------------------===//
// eval
//===----------------------------------------------------------------------===//

const std::vector<OptionSpec> kEvalOptions = withCommon({
    {"--phase", "NAME",
     "the eval phase to run (default: 'eval' or the only one)"},
    {"--data", "DIR", "dataset root (default: /usr/share/datasets)"},
    kSourceOption,
    {"--batches", "N",
     "evaluate only the first N batches (whole steps: a step may read "
     "several)"},
    {"--seed", "S", "seed of the phase's noise (default: 0)"},
    {"--out", "DIR", "append the result to DIR/metrics.jsonl"},
    kCheckpointOption,
    kInitOption,
});

int eval(Session &session, const Options &options) {
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

//===----------------------------------------------------------------------===//
// info
//===----------------------------------------------------------------------===//

const std::vector<OptionSpec> kInfoOptions = withCommon({
    {"--json", "", "print the compiled model's description as JSON"},
});

std::string megabytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

std::string withCommas(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(i, ",");
  return s;
}

int infoCommand(Session &session, const Options &options,
                const std::string &infoJson) {
  if (options.has("--json")) {
    std::cout << infoJson << "\n";
    return 0;
  }
  const ModelInfo &info = session.info();
  int64_t params = 0, stateTensors = 0;
  for (const VariableInfo &v : info.variables)
    (v.isParam ? params : stateTensors) += 1;
  std::cout << "model " << info.model << " (hash " << info.hash << ")\n";
  std::cout << "parameters: " << withCommas(info.parameterCount()) << " in "
            << params << " tensors; " << stateTensors
            << " state tensors (optimizer, running statistics)\n";
  std::cout << "memory: variables " << megabytes(info.variablesBytes)
            << ", arena " << megabytes(info.arenaBytes)
            << " (planned at compile time; naive: every value its own "
               "bytes, no reuse)\n";
  for (const EntryInfo &e : info.entries) {
    char flops[32];
    std::snprintf(flops, sizeof flops, "%.3f GFLOP", e.flops / 1e9);
    if (e.kind == "phase") {
      std::cout << "phase " << e.name << " (" << e.phaseKind << "): " << flops
                << "/step, arena " << megabytes(e.arenaBytes) << " (naive "
                << megabytes(e.naiveArenaBytes) << ")";
      for (int32_t id : e.datasets) {
        const DatasetInfo &d = info.datasets[id];
        std::cout << "; data " << d.name << " (" << d.source
                  << (isImageSource(d.source) ? " " + d.split : "")
                  << ", batch " << d.batch << ")";
      }
      if (!e.reports.empty()) {
        std::cout << "; reports";
        for (const std::string &r : e.reports)
          std::cout << " " << r;
      }
      if (!e.statistics.empty()) {
        std::cout << "; over the split";
        for (int32_t id : e.statistics)
          std::cout << " " << info.statistics[id].name << " ("
                    << info.statistics[id].kind << ")";
      }
      std::cout << "\n";
    } else {
      std::cout << "sampler " << e.name << ": " << flops << "/call, arena "
                << megabytes(e.arenaBytes) << " (naive "
                << megabytes(e.naiveArenaBytes) << ") ->";
      for (const auto &[spec, offset] : e.results)
        std::cout << " " << spec.str();
      std::cout << "\n";
    }
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

struct Command {
  const char *name;
  const char *summary;
  const std::vector<OptionSpec> *options;
};

const Command kCommands[] = {
    {"train", "train a phase, writing checkpoints and metrics", &kTrainOptions},
    {"sample", "draw samples into a PNG grid or .npy files", &kSampleOptions},
    {"eval",
     "run an eval phase over one pass of its data: its reports averaged, its "
     "statistics over every batch",
     &kEvalOptions},
    {"info", "parameters, FLOPs per step, planned memory, phases",
     &kInfoOptions},
};

void usage(const std::string &program, const ModelInfo *info) {
  std::cout << "usage: " << program << " COMMAND [options]\n\n";
  if (info)
    std::cout << "A trainer for model " << info->model
              << ", compiled by gmc.\n\n";
  std::cout << "commands:\n";
  for (const Command &c : kCommands)
    std::printf("  %-8s %s\n", c.name, c.summary);
  std::cout << "\n'" << program
            << " COMMAND --help' lists a command's options.\n";
}

/// Runs the command line's command; its exit status.
int runCommand(int argc, char **argv, const char *infoJson,
               void (*run)(int32_t, GmFrame *)) {
  std::string program = argc > 0 ? argv[0] : "trainer";
  try {
    if (argc < 2 || std::string(argv[1]) == "--help" ||
        std::string(argv[1]) == "help") {
      ModelInfo info = ModelInfo::parse(infoJson);
      usage(program, &info);
      return argc < 2 ? 1 : 0;
    }
    std::string name = argv[1];
    const Command *command = nullptr;
    for (const Command &c : kCommands)
      if (name == c.name)
        command = &c;
    if (!command)
      throw Error("unknown command '" + name +
                  "'; commands: train, sample, "
                  "eval, info (see " +
                  program + " --help)");
    Options options(program + " " + name, *command->options,
                    std::vector<std::string>(argv + 2, argv + argc));
    if (options.has("--help")) {
      std::cout << "usage: " << program << " " << name << " [options]\n"
                << command->summary << "\n\noptions:\n"
                << describeOptions(*command->options);
      return 0;
    }
    // Far more threads than cores only slows a step down, and oneDNN
    // refuses its primitives somewhere past 10^4 with a misleading error.
    int64_t threads = options.integerOr("--threads", 0, 1);
    if (threads > kMaxThreads)
      throw Error(
          "option --threads takes at most " + std::to_string(kMaxThreads) +
          ", got " + std::to_string(threads) + " (this machine has " +
          std::to_string(std::thread::hardware_concurrency()) + " cores)");
    setThreads(static_cast<int>(threads));
    Session::Options sessionOptions;
    sessionOptions.dataRoot = options.stringOr("--data", kDefaultDataRoot);
    if (options.has("--source"))
      sessionOptions.sources = sourcesOf(options);
    Session session(infoJson, run, sessionOptions);
    if (name == "train")
      return train(session, options);
    if (name == "sample")
      return sample(session, options);
    if (name == "eval")
      return eval(session, options);
    return infoCommand(session, options, infoJson);
  } catch (const Error &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    std::cerr << "error: out of memory: '" << program << " "
              << (argc > 1 ? argv[1] : "")
              << "' needs more than this machine can give (a smaller -n or "
                 "--batches, or a smaller batch: gmc compile -D B=...)\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace

int trainerMain(int argc, char **argv, const char *infoJson,
                void (*run)(int32_t, GmFrame *)) {
  int status = runCommand(argc, argv, infoJson, run);
  // What stdout refused (a full disk) is a result lost: not a success.
  errno = 0;
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) || std::cout.fail()) {
    std::cerr << "error: cannot write to standard output"
              << (errno ? std::string(": ") + std::strerror(errno) : "")
              << "\n";
    return 1;
  }
  return status;
}

} // namespace gmrt
