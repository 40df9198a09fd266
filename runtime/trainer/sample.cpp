//===- sample.cpp - the sample command ------------------------------------===//
//
// Calls a sampler until -n samples are drawn and writes them to a PNG grid
// or NPY arrays; the output is checked before sampling starts.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/error.h"
#include "runtime/io/file.h"
#include "runtime/io/npy.h"
#include "runtime/io/png.h"
#include "runtime/trainer/commands.h"
#include "runtime/trainer/progress.h"
#include "runtime/trainer/signals.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace gmrt {

const std::vector<OptionSpec> &sampleOptions() {
  static const std::vector<OptionSpec> options = withCommon({
      {"-n", "N", "how many samples (default: one call of the sampler)"},
      {"-o", "FILE",
       "a PNG grid, or .npy arrays (default: runs/MODEL/samples.png)"},
      {"--sampler", "NAME",
       "the sampler to call (default: 'sample' or the only one)"},
      {"--seed", "S", "seed of the sampler's noise (default: 0)"},
      {"--columns", "C", "columns of the PNG grid (default: a square)"},
      checkpointOption(),
      initOption(),
  });
  return options;
}

namespace {

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

} // namespace

int sampleCommand(Session &session, const Options &options) {
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
    int signal = stopRequested();
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

} // namespace gmrt
