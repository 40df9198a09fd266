//===- commands.h - the trainer's commands and what they share --*- C++ -*-===//
//
// train, sample, eval and info, each in a file of its own; commands.cpp
// parses the command line, builds the Session and calls one. A command
// returns the exit status and throws gmrt::Error for what went wrong,
// which is printed as "error: ..." with exit status 1.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_TRAINER_COMMANDS_H
#define GMRT_TRAINER_COMMANDS_H

#include "runtime/trainer/options.h"
#include "runtime/trainer/session.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gmrt {

int trainCommand(Session &session, const Options &options);
int sampleCommand(Session &session, const Options &options);
int evalCommand(Session &session, const Options &options);
int infoCommand(Session &session, const Options &options,
                const std::string &infoJson);

/// Each command's options, --threads and --help included. (Functions, not
/// globals: the lists are built from pieces in other files.)
const std::vector<OptionSpec> &trainOptions();
const std::vector<OptionSpec> &sampleOptions();
const std::vector<OptionSpec> &evalOptions();
const std::vector<OptionSpec> &infoOptions();

/// `specs` and the options every command takes.
std::vector<OptionSpec> withCommon(std::vector<OptionSpec> specs);
/// --source NAME=FILE (train and eval); sourcesOf reads it: npy dataset
/// name -> file.
OptionSpec sourceOption();
std::map<std::string, std::string> sourcesOf(const Options &options);
/// --checkpoint FILE and --init (sample and eval), read by restore.
OptionSpec checkpointOption();
OptionSpec initOption();
/// Variables from the checkpoint, or fresh with --init; returns how many
/// steps they were trained (those of the checkpoint's last phase).
uint64_t restore(Session &session, const Options &options);

/// runs/MODEL, where train writes and sample and eval read.
std::string defaultOut(const ModelInfo &info);
std::string checkpointIn(const std::string &out);
/// `mkdir -p path`.
void makeDirectories(const std::string &path);

/// The entry of `kind` that `name` (or, when empty, the only one) names.
const EntryInfo &chooseEntry(const ModelInfo &info, const std::string &kind,
                             const std::string &phaseKind,
                             const std::optional<std::string> &name,
                             const std::string &option);
/// The reports of `entry`'s last run, by name.
std::vector<std::pair<std::string, double>>
namedReports(const Session &session, const EntryInfo &entry);
/// Examples of its first dataset a step of `entry` reads (0 without data).
int64_t examplesPerStep(const Session &session, const EntryInfo &entry);
/// Steps of `entry` that read the `i`-th of its datasets' whole batches
/// once (a step may read several: `repeat 5 { next(train) }`); throws when
/// the data cannot fill one step.
int64_t stepsPerEpoch(Session &session, const EntryInfo &entry, size_t i);

} // namespace gmrt

#endif // GMRT_TRAINER_COMMANDS_H
