//===- info.cpp - the info command ----------------------------------------===//
//
// What the compiled model holds: parameters, planned memory, and each
// phase's and sampler's FLOPs, data and reports.
//
//===----------------------------------------------------------------------===//

#include "runtime/trainer/commands.h"

#include <cstdio>
#include <iostream>

namespace gmrt {

const std::vector<OptionSpec> &infoOptions() {
  static const std::vector<OptionSpec> options = withCommon({
      {"--json", "", "print the compiled model's description as JSON"},
  });
  return options;
}

namespace {

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

} // namespace

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

} // namespace gmrt
