//===- commands.cpp - the command line, and what the commands share -------===//
//
// Parses `./model COMMAND [options]`, builds the Session and runs the
// command (train.cpp, sample.cpp, eval.cpp, info.cpp). Errors are
// gmrt::Error messages: printed as "error: ..." with exit status 1.
//
//===----------------------------------------------------------------------===//

#include "runtime/trainer/commands.h"

#include "runtime/core/error.h"
#include "runtime/core/parallel.h"
#include "runtime/io/file.h"
#include "runtime/trainer/checkpoint.h"
#include "runtime/trainer/trainer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <sys/stat.h>
#include <thread>

namespace gmrt {

//===----------------------------------------------------------------------===//
// What the commands share
//===----------------------------------------------------------------------===//

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

std::vector<OptionSpec> withCommon(std::vector<OptionSpec> specs) {
  static const std::vector<OptionSpec> common = {
      {"--threads", "N", "threads to use (default: one per core)"},
      {"--help", "", "show this help"},
  };
  specs.insert(specs.end(), common.begin(), common.end());
  return specs;
}

std::string defaultOut(const ModelInfo &info) { return "runs/" + info.model; }

std::string checkpointIn(const std::string &out) {
  return out + "/checkpoint.safetensors";
}

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

int64_t examplesPerStep(const Session &session, const EntryInfo &entry) {
  if (entry.datasets.empty())
    return 0;
  return entry.reads.front() *
         session.info().datasets.at(entry.datasets.front()).batch;
}

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

OptionSpec sourceOption() {
  return {"--source", "NAME=FILE[,NAME=FILE]",
          "read npy dataset NAME from FILE instead of the file the model "
          "names"};
}

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

OptionSpec checkpointOption() {
  return {"--checkpoint", "FILE",
          "variables from FILE (default: runs/MODEL/checkpoint.safetensors)"};
}

OptionSpec initOption() {
  return {"--init", "",
          "use freshly initialized variables instead of a checkpoint"};
}

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
// The command line
//===----------------------------------------------------------------------===//

namespace {

constexpr int64_t kMaxThreads = 1024;

struct Command {
  const char *name;
  const char *summary;
  const std::vector<OptionSpec> &(*options)();
};

const Command kCommands[] = {
    {"train", "train a phase, writing checkpoints and metrics", trainOptions},
    {"sample", "draw samples into a PNG grid or .npy files", sampleOptions},
    {"eval",
     "run an eval phase over one pass of its data: its reports averaged, its "
     "statistics over every batch",
     evalOptions},
    {"info", "parameters, FLOPs per step, planned memory, phases", infoOptions},
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
    Options options(program + " " + name, command->options(),
                    std::vector<std::string>(argv + 2, argv + argc));
    if (options.has("--help")) {
      std::cout << "usage: " << program << " " << name << " [options]\n"
                << command->summary << "\n\noptions:\n"
                << describeOptions(command->options());
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
      return trainCommand(session, options);
    if (name == "sample")
      return sampleCommand(session, options);
    if (name == "eval")
      return evalCommand(session, options);
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
