//===- RuntimeTrainerTest.cpp - sessions, checkpoints, library ops --------===//
//
// The parts of libgmrt and libgmtrainer a compiled model runs on, without a
// compiled model: the model info, a Session driven by a hand-written fake of
// generated code (`fakeRun`), checkpoints, the runtime's own library loops
// against runtime/core/random.h, parallelFor, the command line and the
// progress line. User-facing failures are gmrt::Error whose message names
// the problem; the tests assert on the key phrases.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/abi.h"
#include "runtime/core/error.h"
#include "runtime/core/model_info.h"
#include "runtime/core/parallel.h"
#include "runtime/core/random.h"
#include "runtime/cpu/library.h"
#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"
#include "runtime/trainer/checkpoint.h"
#include "runtime/trainer/options.h"
#include "runtime/trainer/progress.h"
#include "runtime/trainer/session.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

using namespace gmrt;
using json = nlohmann::json;

//===----------------------------------------------------------------------===//
// The fake compiled model
//===----------------------------------------------------------------------===//

namespace {

// The fake model's arena plan (bytes). Entry 0 ("train") reads a batch of
// f32[2, 3], draws normal noise f32[2, 3] and multiplies the batch by the
// variable enc.w f32[3, 2]; entry 1 (sampler "sample") draws its result;
// entry 2 (phase "check") gathers rows of the variable "table" by index.
constexpr int64_t kBatchAt = 0;    // f32[2, 3]
constexpr int64_t kNoiseAt = 32;   // f32[2, 3]
constexpr int64_t kProductAt = 64; // f32[2, 2]
constexpr int64_t kIndicesAt = 96; // i32[2]
constexpr int64_t kGatherAt = 128; // f32[2, 3]
constexpr int64_t kAfterAt = 160;  // f32[2, 3]
constexpr int64_t kSampleAt = 192; // f32[2, 3]
constexpr int64_t kArenaBytes = 224;

// Variables (bytes into the variables buffer).
constexpr int64_t kWeightAt = 0; // enc.w f32[3, 2]
constexpr int64_t kTableAt = 64; // table f32[4, 3]
constexpr int64_t kVariablesBytes = 160;

// Library op ids and report ids, in the info's order.
constexpr int32_t kNormalOp = 0, kMatmulOp = 1, kLookupOp = 2;
constexpr int32_t kLossReport = 0, kNoiseReport = 1, kAfterReport = 2;
constexpr uint32_t kNoiseStream = 11, kTrainIteration = 3;

/// What fakeRun saw, for the tests to inspect.
struct FakeModelLog {
  GmFrame frame{};
  int runs = 0;
  /// The second index entry 2 looks up (the first is 1).
  int32_t secondIndex = 3;
};
FakeModelLog fakeLog;

} // namespace

/// Plays the role of a compiled model's gm_run: calls into the runtime the
/// way generated code does, with operands in the arena and the variables.
extern "C" void fakeRun(int32_t entry, GmFrame *frame) {
  fakeLog.frame = *frame;
  ++fakeLog.runs;
  char *arena = static_cast<char *>(frame->arena);
  char *variables = static_cast<char *>(frame->variables);
  switch (entry) {
  case 0: { // phase "train"
    void *fields[] = {arena + kBatchAt};
    gmrt_next(frame, 0, fields);
    void *noise[] = {arena + kNoiseAt};
    gmrt_library(frame, kNormalOp, kTrainIteration, noise);
    void *product[] = {arena + kBatchAt, variables + kWeightAt,
                       arena + kProductAt};
    gmrt_library(frame, kMatmulOp, 0, product);
    const float *y = reinterpret_cast<const float *>(arena + kProductAt);
    gmrt_report(frame, kLossReport, double(y[0]) + y[1] + y[2] + y[3]);
    gmrt_report(frame, kNoiseReport,
                reinterpret_cast<const float *>(arena + kNoiseAt)[5]);
    return;
  }
  case 1: { // sampler "sample": no reports
    void *result[] = {arena + kSampleAt};
    gmrt_library(frame, kNormalOp, 0, result);
    return;
  }
  case 2: { // phase "check": a lookup, then another library call
    int32_t *indices = reinterpret_cast<int32_t *>(arena + kIndicesAt);
    indices[0] = 1;
    indices[1] = fakeLog.secondIndex;
    void *lookup[] = {variables + kTableAt, arena + kIndicesAt,
                      arena + kGatherAt};
    gmrt_library(frame, kLookupOp, 0, lookup);
    void *after[] = {arena + kAfterAt};
    gmrt_library(frame, kNormalOp, 0, after);
    gmrt_report(frame, kAfterReport, 1.0);
    return;
  }
  default:
    return;
  }
}

namespace {

json tensorJson(const std::string &dtype, const std::vector<int64_t> &shape) {
  return {{"dtype", dtype}, {"shape", shape}};
}

json variableJson(const std::string &name, const std::string &kind,
                  const std::string &dtype, const std::vector<int64_t> &shape,
                  int64_t offset, json init) {
  json v = tensorJson(dtype, shape);
  v["name"] = name;
  v["kind"] = kind;
  v["offset"] = offset;
  v["init"] = std::move(init);
  return v;
}

/// The fake model's info; its dataset "points" reads `dataSource`.
json fakeModel(const std::string &dataSource) {
  json variables = json::array(
      {variableJson("enc.w", "param", "f32", {3, 2}, kWeightAt,
                    {{"kind", "normal"}, {"mean", 0.5}, {"std", 2.0}}),
       variableJson("enc.b", "param", "f32", {5}, 32,
                    {{"kind", "uniform"}, {"low", -1.0}, {"high", 3.0}}),
       variableJson("table", "param", "f32", {4, 3}, kTableAt,
                    {{"kind", "uniform"}, {"low", -2.0}, {"high", 2.0}}),
       variableJson("steps", "state", "i64", {}, 112,
                    {{"kind", "fill"}, {"value", 7.0}}),
       variableJson("moments", "state", "f64", {2}, 128,
                    {{"kind", "fill"}, {"value", -0.25}}),
       variableJson("counts", "state", "i32", {3}, 144,
                    {{"kind", "fill"}, {"value", 3.0}})});
  json datasets =
      json::array({{{"name", "points"},
                    {"source", dataSource},
                    {"split", "train"},
                    {"fields", json::array({tensorJson("f32", {3})})},
                    {"batch", 2}}});
  json entries =
      json::array({{{"kind", "phase"},
                    {"name", "train"},
                    {"phase_kind", "train"},
                    {"index", 0},
                    {"arena_bytes", kArenaBytes},
                    {"flops", 24},
                    {"datasets", json::array({0})},
                    {"reports", json::array({"loss", "noise"})}},
                   {{"kind", "sampler"},
                    {"name", "sample"},
                    {"index", 1},
                    {"arena_bytes", kArenaBytes},
                    {"flops", 0},
                    {"results", json::array({{{"dtype", "f32"},
                                              {"shape", json::array({2, 3})},
                                              {"offset", kSampleAt}}})}},
                   {{"kind", "phase"},
                    {"name", "check"},
                    {"phase_kind", "eval"},
                    {"index", 2},
                    {"arena_bytes", kArenaBytes},
                    {"flops", 0},
                    {"datasets", json::array()},
                    {"reports", json::array({"after"})}}});
  json library = json::array({{{"kind", "normal"},
                               {"stream", kNoiseStream},
                               {"y", json::array({2, 3})},
                               {"dtype", "f32"},
                               {"loc", "fake.gm:3:7"}},
                              {{"kind", "matmul"},
                               {"batch", 1},
                               {"m", 2},
                               {"k", 3},
                               {"n", 2},
                               {"transpose_a", false},
                               {"transpose_b", false},
                               {"loc", "fake.gm:4:9"}},
                              {{"kind", "lookup"},
                               {"rows", 2},
                               {"codes", 4},
                               {"width", 3},
                               {"index_dtype", "i32"},
                               {"loc", "fake.gm:5:2"}}});
  return {{"format", 1},
          {"model", "fake"},
          {"hash", "0123456789abcdef"},
          {"arena_bytes", kArenaBytes},
          {"variables_bytes", kVariablesBytes},
          {"variables", variables},
          {"datasets", datasets},
          {"entries", entries},
          {"reports", json::array({"loss", "noise", "after", "unused"})},
          {"library", library}};
}

using gmtest::contains;
using gmtest::errorOf;

/// A temporary directory and the fake model's call log, fresh per test.
class TempDirTest : public gmtest::TempDirTest {
protected:
  void SetUp() override {
    gmtest::TempDirTest::SetUp();
    fakeLog = FakeModelLog();
  }
  /// A session of the fake model (or of `info`) with `seed`.
  std::unique_ptr<Session> session(uint64_t seed, const json &info) const {
    Session::Options options;
    options.seed = seed;
    options.dataRoot = dir;
    return std::make_unique<Session>(info.dump(), fakeRun, options);
  }
  std::unique_ptr<Session> session(uint64_t seed = 0) const {
    return session(seed, fakeModel(path("points.npy")));
  }
  /// Five examples of f32[3]: row r is {r, r + 0.25, -r}.
  std::vector<float> writePoints(const std::string &name = "points.npy") {
    std::vector<float> rows;
    for (int r = 0; r < 5; ++r)
      rows.insert(rows.end(), {float(r), r + 0.25f, -float(r)});
    writeNpy(path(name), {5, 3}, rows.data());
    return rows;
  }
};

const VariableInfo &variableNamed(const Session &s, const std::string &name) {
  for (const VariableInfo &v : s.info().variables)
    if (v.name == name)
      return v;
  throw std::runtime_error("no variable " + name);
}

template <typename T> std::vector<T> valuesOf(const char *data, int64_t count) {
  std::vector<T> out(static_cast<size_t>(count));
  std::memcpy(out.data(), data, out.size() * sizeof(T));
  return out;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

const std::vector<OptionSpec> kSpecs = {
    {"--steps", "N", "train this many steps"},
    {"--out", "DIR", "write here"},
    {"--resume", "", "continue"},
    {"-n", "N", "how many"},
};

TEST(OptionsTest, ValuesSeparateAndInlineAndFlags) {
  Options o("train", kSpecs,
            {"--steps", "5", "--out=runs/x=y", "--resume", "-n", "3"});
  EXPECT_TRUE(o.has("--steps"));
  EXPECT_TRUE(o.has("--resume"));
  EXPECT_TRUE(o.has("-n"));
  EXPECT_EQ(o.integer("--steps", 1), 5);
  EXPECT_EQ(o.string("--steps"), "5");
  // Only the first '=' separates the name from the value.
  EXPECT_EQ(o.string("--out"), "runs/x=y");
  EXPECT_EQ(o.integerOr("-n", 10, 1), 3);
  // A flag has no string value.
  EXPECT_EQ(o.string("--resume"), std::nullopt);
}

TEST(OptionsTest, AbsentOptionsFallBack) {
  Options o("sample", kSpecs, {});
  EXPECT_FALSE(o.has("--steps"));
  EXPECT_FALSE(o.has("--resume"));
  EXPECT_EQ(o.string("--out"), std::nullopt);
  EXPECT_EQ(o.stringOr("--out", "runs/m"), "runs/m");
  EXPECT_EQ(o.integer("--steps", 1), std::nullopt);
  EXPECT_EQ(o.integerOr("--steps", 42, 1), 42);
}

TEST(OptionsTest, RepeatedAndEmptyValuesAreErrors) {
  // A second value would silently replace the first; an empty path would
  // mean the root directory.
  EXPECT_TRUE(
      contains(errorOf([] {
                 Options("train", kSpecs, {"--steps", "1", "--steps=2"});
               }),
               "option --steps is given twice ('1', then '2'); give "
               "it once"));
  EXPECT_TRUE(contains(errorOf([] { Options("train", kSpecs, {"--out="}); }),
                       "option --out needs a value: --out DIR (it got an "
                       "empty one)"));
  EXPECT_TRUE(contains(errorOf([] {
                         Options("train", kSpecs, {"--out", ""});
                       }),
                       "(it got an empty one)"));
  // A flag twice says the same thing twice.
  Options flags("train", kSpecs, {"--resume", "--resume"});
  EXPECT_TRUE(flags.has("--resume"));
  // A value that looks like an option is still the value.
  Options v("train", kSpecs, {"--out", "--resume"});
  EXPECT_EQ(v.string("--out"), "--resume");
  EXPECT_FALSE(v.has("--resume"));
}

TEST(OptionsTest, IntegersAreValidatedAgainstTheirMinimum) {
  auto integerError = [](const std::string &value, int64_t min) {
    return errorOf([&] {
      Options o("train", kSpecs, {"--steps", value});
      o.integer("--steps", min);
    });
  };
  std::string e = integerError("abc", 1);
  EXPECT_TRUE(contains(e, "option --steps takes an integer of at least 1, "
                          "got 'abc'"))
      << e;
  EXPECT_TRUE(contains(integerError("0", 1), "at least 1, got '0'"));
  EXPECT_TRUE(contains(integerError("12x", 0), "got '12x'"));
  EXPECT_TRUE(contains(integerError("-3", 0), "at least 0, got '-3'"));
  EXPECT_TRUE(
      contains(integerError("99999999999999999999", 0), "takes an integer"));
  // integerOr validates a value that is there too.
  EXPECT_TRUE(contains(errorOf([] {
                         Options o("train", kSpecs, {"--steps=0"});
                         o.integerOr("--steps", 5, 1);
                       }),
                       "at least 1, got '0'"));
  // Values at or above the minimum are fine, negative minimums included.
  Options o("train", kSpecs, {"--steps=-3"});
  EXPECT_EQ(o.integer("--steps", -5), -3);
  EXPECT_EQ(o.integer("--steps", -3), -3);
  Options big("train", kSpecs, {"--steps", "9223372036854775807"});
  EXPECT_EQ(big.integer("--steps", 0), std::numeric_limits<int64_t>::max());
}

TEST(OptionsTest, UnknownOptionsAndStrayArguments) {
  std::string e = errorOf([] { Options("train", kSpecs, {"--stesp", "5"}); });
  EXPECT_TRUE(contains(e, "unknown option '--stesp' for 'train'")) << e;
  EXPECT_TRUE(contains(e, "see 'train --help'")) << e;
  // The name of an inline --name=VALUE is reported without its value.
  e = errorOf([] { Options("eval", kSpecs, {"--bogus=3"}); });
  EXPECT_TRUE(contains(e, "unknown option '--bogus' for 'eval'")) << e;
  // Single-dash options take their value separately only.
  e = errorOf([] { Options("sample", kSpecs, {"-n=3"}); });
  EXPECT_TRUE(contains(e, "unknown option '-n=3' for 'sample'")) << e;
  e = errorOf([] { Options("train", kSpecs, {"--steps", "5", "extra"}); });
  EXPECT_TRUE(contains(e, "unexpected argument 'extra' for 'train'")) << e;
}

TEST(OptionsTest, MissingValuesAndFlagsWithValues) {
  std::string e = errorOf([] { Options("train", kSpecs, {"--steps"}); });
  EXPECT_TRUE(contains(e, "option --steps needs a value: --steps N")) << e;
  e = errorOf([] { Options("sample", kSpecs, {"--resume", "-n"}); });
  EXPECT_TRUE(contains(e, "option -n needs a value: -n N")) << e;
  e = errorOf([] { Options("train", kSpecs, {"--resume=yes"}); });
  EXPECT_TRUE(contains(e, "option --resume takes no value")) << e;
  e = errorOf([] { Options("train", kSpecs, {"--resume="}); });
  EXPECT_TRUE(contains(e, "option --resume takes no value")) << e;
}

TEST(OptionsTest, DescribeOptionsAlignsTheHelp) {
  std::vector<OptionSpec> specs = {{"--steps", "N", "train this many steps"},
                                   {"--resume", "", "continue"},
                                   {"-o", "FILE", "write here"}};
  EXPECT_EQ(describeOptions(specs), "  --steps N  train this many steps\n"
                                    "  --resume   continue\n"
                                    "  -o FILE    write here\n");
  EXPECT_EQ(describeOptions({}), "");
}

//===----------------------------------------------------------------------===//
// ModelInfo
//===----------------------------------------------------------------------===//

const char *kInfoText = R"({
  "format": 1, "model": "vae", "hash": "00ff00ff00ff00ff",
  "arena_bytes": 65536, "variables_bytes": 256,
  "variables": [
    {"name": "enc.w", "kind": "param", "dtype": "f32", "shape": [4, 3],
     "offset": 0, "init": {"kind": "normal", "mean": 0.0, "std": 0.1}},
    {"name": "enc.b", "kind": "param", "dtype": "f32", "shape": [3],
     "offset": 64, "init": {"kind": "fill", "value": 0.0}},
    {"name": "adam.m", "kind": "state", "dtype": "f32", "shape": [4, 3],
     "offset": 128, "init": {"kind": "fill", "value": 0.0}},
    {"name": "adam.t", "kind": "state", "dtype": "i64", "shape": [],
     "offset": 192, "init": {"kind": "fill", "value": 0.0}}
  ],
  "datasets": [
    {"name": "data.train", "source": "fashion-mnist", "split": "train",
     "fields": [{"dtype": "f32", "shape": [1, 28, 28]},
                {"dtype": "i32", "shape": []}], "batch": 64},
    {"name": "data.codes", "source": "codes.npy", "split": "test",
     "fields": [{"dtype": "f32", "shape": [7]}], "batch": 8}
  ],
  "entries": [
    {"kind": "phase", "name": "train", "phase_kind": "train", "index": 0,
     "arena_bytes": 4096, "flops": 1000, "datasets": [0],
     "reports": ["loss", "kl"]},
    {"kind": "phase", "name": "test", "phase_kind": "eval", "index": 1,
     "arena_bytes": 2048, "flops": 500, "datasets": [0, 1],
     "reports": ["loss"]},
    {"kind": "sampler", "name": "sample", "index": 2, "arena_bytes": 65536,
     "flops": 20,
     "results": [{"dtype": "f32", "shape": [16, 1, 28, 28], "offset": 64},
                 {"dtype": "i32", "shape": [16], "offset": 128}]}
  ],
  "reports": ["loss", "kl"],
  "library": [{"kind": "normal", "stream": 1, "y": [16, 3], "dtype": "f32",
               "loc": "vae.gm:10:5"}]
})";

TEST(ModelInfoTest, ParsesEveryField) {
  ModelInfo info = ModelInfo::parse(kInfoText);
  EXPECT_EQ(info.model, "vae");
  EXPECT_EQ(info.hash, "00ff00ff00ff00ff");
  EXPECT_EQ(info.arenaBytes, 65536);
  EXPECT_EQ(info.variablesBytes, 256);

  ASSERT_EQ(info.variables.size(), 4u);
  const VariableInfo &w = info.variables[0];
  EXPECT_EQ(w.name, "enc.w");
  EXPECT_TRUE(w.isParam);
  EXPECT_EQ(w.tensor.dtype, "f32");
  EXPECT_EQ(w.tensor.shape, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(w.offset, 0);
  EXPECT_EQ(w.init.at("kind"), "normal");
  EXPECT_EQ(w.init.at("std").get<double>(), 0.1);
  EXPECT_EQ(info.variables[1].offset, 64);
  EXPECT_FALSE(info.variables[2].isParam);
  EXPECT_EQ(info.variables[2].offset, 128);
  EXPECT_TRUE(info.variables[3].tensor.shape.empty());
  EXPECT_EQ(info.variables[3].tensor.dtype, "i64");

  ASSERT_EQ(info.datasets.size(), 2u);
  const DatasetInfo &train = info.datasets[0];
  EXPECT_EQ(train.name, "data.train");
  EXPECT_EQ(train.source, "fashion-mnist");
  EXPECT_EQ(train.split, "train");
  EXPECT_EQ(train.batch, 64);
  ASSERT_EQ(train.fields.size(), 2u);
  EXPECT_EQ(train.fields[0].str(), "f32[1, 28, 28]");
  EXPECT_EQ(train.fields[1].str(), "i32[]");
  EXPECT_EQ(info.datasets[1].source, "codes.npy");
  EXPECT_EQ(info.datasets[1].split, "test");
  EXPECT_EQ(info.datasets[1].batch, 8);

  ASSERT_EQ(info.entries.size(), 3u);
  const EntryInfo &phase = info.entries[0];
  EXPECT_EQ(phase.kind, "phase");
  EXPECT_EQ(phase.name, "train");
  EXPECT_EQ(phase.phaseKind, "train");
  EXPECT_EQ(phase.index, 0);
  EXPECT_EQ(phase.arenaBytes, 4096);
  EXPECT_EQ(phase.flops, 1000);
  EXPECT_EQ(phase.datasets, (std::vector<int32_t>{0}));
  EXPECT_EQ(phase.reports, (std::vector<std::string>{"loss", "kl"}));
  EXPECT_TRUE(phase.isTrain());
  EXPECT_TRUE(phase.results.empty());
  EXPECT_FALSE(info.entries[1].isTrain());
  EXPECT_EQ(info.entries[1].datasets, (std::vector<int32_t>{0, 1}));
  const EntryInfo &sampler = info.entries[2];
  EXPECT_EQ(sampler.kind, "sampler");
  EXPECT_EQ(sampler.phaseKind, "");
  EXPECT_FALSE(sampler.isTrain());
  EXPECT_TRUE(sampler.datasets.empty());
  EXPECT_TRUE(sampler.reports.empty());
  ASSERT_EQ(sampler.results.size(), 2u);
  EXPECT_EQ(sampler.results[0].first.str(), "f32[16, 1, 28, 28]");
  EXPECT_EQ(sampler.results[0].second, 64);
  EXPECT_EQ(sampler.results[1].first.str(), "i32[16]");
  EXPECT_EQ(sampler.results[1].second, 128);

  EXPECT_EQ(info.reports, (std::vector<std::string>{"loss", "kl"}));
  ASSERT_TRUE(info.library.is_array());
  ASSERT_EQ(info.library.size(), 1u);
  EXPECT_EQ(info.library[0].at("loc"), "vae.gm:10:5");
}

TEST(ModelInfoTest, FindEntriesOfAndParameterCount) {
  ModelInfo info = ModelInfo::parse(kInfoText);
  EXPECT_EQ(info.find("sampler", "sample"), &info.entries[2]);
  EXPECT_EQ(info.find("phase", "test"), &info.entries[1]);
  EXPECT_EQ(info.find("phase", "sample"), nullptr); // a sampler, not a phase
  EXPECT_EQ(info.find("phase", "nope"), nullptr);

  auto names = [](const std::vector<const EntryInfo *> &entries) {
    std::vector<std::string> out;
    for (const EntryInfo *e : entries)
      out.push_back(e->name);
    return out;
  };
  EXPECT_EQ(names(info.entriesOf("phase")),
            (std::vector<std::string>{"train", "test"}));
  EXPECT_EQ(names(info.entriesOf("phase", "train")),
            (std::vector<std::string>{"train"}));
  EXPECT_EQ(names(info.entriesOf("phase", "eval")),
            (std::vector<std::string>{"test"}));
  EXPECT_EQ(names(info.entriesOf("sampler")),
            (std::vector<std::string>{"sample"}));
  EXPECT_TRUE(info.entriesOf("sampler", "train").empty());
  // Parameters only: 4 * 3 + 3; not the optimizer state.
  EXPECT_EQ(info.parameterCount(), 15);
}

TEST(ModelInfoTest, WrongFormatSaysToRecompile) {
  json j = json::parse(kInfoText);
  j["format"] = 2;
  std::string e = errorOf([&] { ModelInfo::parse(j.dump()); });
  EXPECT_TRUE(contains(e, "model-info format 2")) << e;
  EXPECT_TRUE(contains(e, "this runtime reads format 1")) << e;
  EXPECT_TRUE(contains(e, "recompile")) << e;
}

TEST(ModelInfoTest, MalformedDocumentsNameTheProblem) {
  auto parseError = [](const std::string &text) {
    return errorOf([&] { ModelInfo::parse(text); });
  };
  std::string e = parseError("{\"format\": 1, ");
  EXPECT_TRUE(contains(e, "the compiled model's description is malformed"))
      << e;
  EXPECT_TRUE(contains(e, "parse error")) << e;

  json missing = json::parse(kInfoText);
  missing.erase("arena_bytes");
  e = parseError(missing.dump());
  EXPECT_TRUE(contains(e, "malformed")) << e;
  EXPECT_TRUE(contains(e, "'arena_bytes' not found")) << e;

  json noOffset = json::parse(kInfoText);
  noOffset["variables"][1].erase("offset");
  e = parseError(noOffset.dump());
  EXPECT_TRUE(contains(e, "'offset' not found")) << e;

  json wrongType = json::parse(kInfoText);
  wrongType["datasets"][0]["batch"] = "64";
  e = parseError(wrongType.dump());
  EXPECT_TRUE(contains(e, "malformed")) << e;
  EXPECT_TRUE(contains(e, "must be number, but is string")) << e;

  json badShape = json::parse(kInfoText);
  badShape["variables"][0]["shape"] = "4x3";
  e = parseError(badShape.dump());
  EXPECT_TRUE(contains(e, "malformed")) << e;
  EXPECT_TRUE(contains(e, "must be array")) << e;

  json noFormat = json::parse(kInfoText);
  noFormat.erase("format");
  EXPECT_TRUE(contains(parseError(noFormat.dump()), "'format' not found"));
  EXPECT_TRUE(contains(parseError("[]"), "malformed"));
}

TEST(ModelInfoTest, OutOfBoundsAndUnknownInitializersAreRefused) {
  // What would make the runtime write outside its buffers, or initialize a
  // variable to something other than asked, is refused when parsed.
  auto parseError = [](const json &j) {
    return errorOf([&] { ModelInfo::parse(j.dump()); });
  };
  json outside = json::parse(kInfoText);
  outside["variables"][0]["offset"] = 1 << 20;
  std::string e = parseError(outside);
  EXPECT_TRUE(contains(e, "lies outside the variables buffer")) << e;

  json unknown = json::parse(kInfoText);
  unknown["variables"][0]["init"] = {{"kind", "xavier"}};
  e = parseError(unknown);
  EXPECT_TRUE(contains(e, "unknown initializer 'xavier'")) << e;

  json incomplete = json::parse(kInfoText);
  incomplete["variables"][0]["init"] = {{"kind", "uniform"}, {"low", 0.0}};
  e = parseError(incomplete);
  EXPECT_TRUE(contains(e, "initializer uniform lacks high")) << e;

  json dataset = json::parse(kInfoText);
  dataset["entries"][0]["datasets"] = {7};
  e = parseError(dataset);
  EXPECT_TRUE(contains(e, "reads dataset 7 of")) << e;

  // How many batches a step reads: one count per dataset, each positive
  // (a step reading 0 would make eval divide by zero).
  json counts = json::parse(kInfoText);
  counts["entries"][0]["reads"] = {1, 1};
  e = parseError(counts);
  EXPECT_TRUE(contains(e, "gives 2 read counts for 1 dataset")) << e;
  counts["entries"][0]["reads"] = {0};
  e = parseError(counts);
  EXPECT_TRUE(contains(e, "reads 0 batches of a dataset per step")) << e;

  json result = json::parse(kInfoText);
  result["entries"][2]["results"][0]["offset"] = 1 << 20;
  e = parseError(result);
  EXPECT_TRUE(contains(e, "a result of sample lies outside the arena")) << e;

  json fractional = json::parse(kInfoText);
  fractional["format"] = 1.5;
  e = parseError(fractional);
  EXPECT_TRUE(contains(e, "recompile")) << e;
}

TEST(ModelInfoTest, TensorSpecAndElementBytes) {
  TensorSpec image{"f32", {64, 1, 28, 28}};
  EXPECT_EQ(image.elements(), 64 * 28 * 28);
  EXPECT_EQ(image.bytes(), 4 * 64 * 28 * 28);
  EXPECT_EQ(image.str(), "f32[64, 1, 28, 28]");
  TensorSpec scalar{"i64", {}};
  EXPECT_EQ(scalar.elements(), 1);
  EXPECT_EQ(scalar.bytes(), 8);
  EXPECT_EQ(scalar.str(), "i64[]");
  TensorSpec empty{"bf16", {3, 0}};
  EXPECT_EQ(empty.elements(), 0);
  EXPECT_EQ(empty.bytes(), 0);
  EXPECT_EQ((TensorSpec{"bf16", {5}}).bytes(), 10);

  EXPECT_EQ(elementBytes("f32"), 4);
  EXPECT_EQ(elementBytes("i32"), 4);
  EXPECT_EQ(elementBytes("f64"), 8);
  EXPECT_EQ(elementBytes("i64"), 8);
  EXPECT_EQ(elementBytes("bf16"), 2);
  EXPECT_EQ(elementBytes("i1"), 1);
  EXPECT_EQ(elementBytes("i8"), 1);
  std::string e = errorOf([] { elementBytes("f16"); });
  EXPECT_TRUE(contains(e, "unknown element type 'f16'")) << e;
  e = errorOf([] { (TensorSpec{"complex", {2}}).bytes(); });
  EXPECT_TRUE(contains(e, "unknown element type 'complex'")) << e;
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

using SessionTest = TempDirTest;

TEST_F(SessionTest, VariablesAndArenaLieAtThePlannedOffsets) {
  auto s = session();
  const ModelInfo &info = s->info();
  EXPECT_EQ(info.model, "fake");
  ASSERT_EQ(info.variables.size(), 6u);
  const char *base = s->variableData(info.variables[0]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(base) % 64, 0u);
  for (const VariableInfo &v : info.variables)
    EXPECT_EQ(s->variableData(v) - base, v.offset) << v.name;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(s->arenaData(0)) % 64, 0u);
  EXPECT_EQ(s->arenaData(kSampleAt) - s->arenaData(0), kSampleAt);
  // Both buffers start zeroed.
  for (int64_t i = 0; i < kVariablesBytes; ++i)
    ASSERT_EQ(base[i], 0) << i;
  for (int64_t i = 0; i < kArenaBytes; ++i)
    ASSERT_EQ(s->arenaData(0)[i], 0) << i;

  // Generated code gets the same buffers and the session.
  s->run(*info.find("sampler", "sample"), 0);
  EXPECT_EQ(fakeLog.runs, 1);
  EXPECT_EQ(fakeLog.frame.arena, s->arenaData(0));
  EXPECT_EQ(fakeLog.frame.variables, base);
  EXPECT_EQ(fakeLog.frame.runtime, s.get());
}

TEST_F(SessionTest, InitializersMatchRandomStreams) {
  const uint64_t seed = 0x123456789abcdefULL;
  auto s = session(seed);
  s->initializeVariables();
  auto streamOf = [](const std::string &name) {
    return Stream{initStreamId(name), kInitStep, 0};
  };
  auto w = valuesOf<float>(s->variableData(variableNamed(*s, "enc.w")), 6);
  for (int e = 0; e < 6; ++e)
    EXPECT_EQ(w[e], static_cast<float>(
                        0.5 + 2.0 * normalAt(seed, streamOf("enc.w"), e)))
        << e;
  auto b = valuesOf<float>(s->variableData(variableNamed(*s, "enc.b")), 5);
  for (int e = 0; e < 5; ++e) {
    EXPECT_EQ(b[e], static_cast<float>(
                        uniformAt(seed, streamOf("enc.b"), e, -1.0, 3.0)))
        << e;
    EXPECT_GE(b[e], -1.0f);
    EXPECT_LE(b[e], 3.0f);
  }
  auto table = valuesOf<float>(s->variableData(variableNamed(*s, "table")), 12);
  for (int e = 0; e < 12; ++e)
    EXPECT_EQ(table[e], static_cast<float>(
                            uniformAt(seed, streamOf("table"), e, -2.0, 2.0)))
        << e;
  EXPECT_EQ(valuesOf<int64_t>(s->variableData(variableNamed(*s, "steps")), 1),
            std::vector<int64_t>{7});
  EXPECT_EQ(valuesOf<double>(s->variableData(variableNamed(*s, "moments")), 2),
            (std::vector<double>{-0.25, -0.25}));
  EXPECT_EQ(valuesOf<int32_t>(s->variableData(variableNamed(*s, "counts")), 3),
            (std::vector<int32_t>{3, 3, 3}));

  // Another seed gives other values; a variable's values depend on its name
  // only, not on where it lives or what else the model has.
  auto other = session(seed + 1);
  other->initializeVariables();
  EXPECT_NE(
      valuesOf<float>(other->variableData(variableNamed(*other, "enc.w")), 6),
      w);
  json alone = fakeModel(path("points.npy"));
  alone["variables"] = json::array(
      {variableJson("enc.b", "param", "f32", {5}, 64,
                    {{"kind", "uniform"}, {"low", -1.0}, {"high", 3.0}})});
  auto single = session(seed, alone);
  single->initializeVariables();
  EXPECT_EQ(
      valuesOf<float>(single->variableData(single->info().variables[0]), 5), b);
}

TEST_F(SessionTest, RunReportsLibraryResultsAndNaNForReportsNotMade) {
  std::vector<float> rows = writePoints();
  const uint64_t seed = 99;
  auto s = session(seed);
  s->initializeVariables();
  const ModelInfo &info = s->info();
  const EntryInfo &train = *info.find("phase", "train");
  ASSERT_EQ(s->reports().size(), 4u);
  for (double r : s->reports())
    EXPECT_TRUE(std::isnan(r)); // before any run

  s->prepareData(train);
  std::set<std::vector<float>> seen;
  for (uint32_t step : {5u, 6u}) {
    s->run(train, step);
    // The batch holds examples of the file (shuffled: a training feed).
    auto x = valuesOf<float>(s->arenaData(kBatchAt), 6);
    for (int b = 0; b < 2; ++b) {
      std::vector<float> row(x.begin() + 3 * b, x.begin() + 3 * b + 3);
      bool inFile = false;
      for (int r = 0; r < 5; ++r)
        inFile |= std::equal(row.begin(), row.end(), rows.begin() + 3 * r);
      EXPECT_TRUE(inFile) << "step " << step << " example " << b;
      seen.insert(row);
    }
    // Noise: stream (op stream, step, iteration).
    auto noise = valuesOf<float>(s->arenaData(kNoiseAt), 6);
    for (int e = 0; e < 6; ++e)
      EXPECT_EQ(noise[e], static_cast<float>(normalAt(
                              seed, {kNoiseStream, step, kTrainIteration}, e)))
          << e;
    // The matmul of the batch by enc.w, and the loss reported from it.
    auto w = valuesOf<float>(s->variableData(variableNamed(*s, "enc.w")), 6);
    auto y = valuesOf<float>(s->arenaData(kProductAt), 4);
    double loss = 0;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) {
        double dot = 0;
        for (int k = 0; k < 3; ++k)
          dot += double(x[i * 3 + k]) * w[k * 2 + j];
        EXPECT_NEAR(y[i * 2 + j], dot, 1e-4 * (1 + std::fabs(dot)));
        loss += y[i * 2 + j];
      }
    EXPECT_EQ(s->reports()[kLossReport], loss);
    EXPECT_EQ(s->reports()[kNoiseReport], double(noise[5]));
    EXPECT_TRUE(std::isnan(s->reports()[kAfterReport]));
    EXPECT_TRUE(std::isnan(s->reports()[3]));
  }
  // Two batches of one epoch: four different examples.
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(s->feed(0).position(), 2u);

  // A run that reports nothing leaves every report NaN.
  s->run(*info.find("sampler", "sample"), 3);
  for (double r : s->reports())
    EXPECT_TRUE(std::isnan(r));
  auto sample = valuesOf<float>(s->arenaData(kSampleAt), 6);
  for (int e = 0; e < 6; ++e)
    EXPECT_EQ(sample[e],
              static_cast<float>(normalAt(seed, {kNoiseStream, 3, 0}, e)));
}

TEST_F(SessionTest, LibraryErrorDuringARunIsRethrown) {
  const uint64_t seed = 5;
  auto s = session(seed);
  s->initializeVariables();
  const EntryInfo &check = *s->info().find("phase", "check");
  fakeLog.secondIndex = 7; // outside the table's 4 rows
  try {
    s->run(check, 1);
    ADD_FAILURE() << "Session::run did not throw";
  } catch (const Error &e) {
    EXPECT_TRUE(contains(e.what(), "lookup: index 7 is outside the table's 4 "
                                   "rows"))
        << e.what();
  }
  // The run went on (no unwinding through generated code), but library calls
  // after the failure did nothing.
  EXPECT_EQ(fakeLog.runs, 1);
  for (float v : valuesOf<float>(s->arenaData(kAfterAt), 6))
    EXPECT_EQ(v, 0.0f);

  // The error does not outlive its run.
  fakeLog.secondIndex = 3;
  ASSERT_NO_THROW(s->run(check, 2));
  EXPECT_EQ(s->reports()[kAfterReport], 1.0);
  EXPECT_TRUE(std::isnan(s->reports()[kLossReport]));
  auto table = valuesOf<float>(s->variableData(variableNamed(*s, "table")), 12);
  auto gathered = valuesOf<float>(s->arenaData(kGatherAt), 6);
  EXPECT_EQ(std::vector<float>(gathered.begin(), gathered.begin() + 3),
            std::vector<float>(table.begin() + 3, table.begin() + 6));
  EXPECT_EQ(std::vector<float>(gathered.begin() + 3, gathered.end()),
            std::vector<float>(table.begin() + 9, table.end()));
  auto after = valuesOf<float>(s->arenaData(kAfterAt), 6);
  for (int e = 0; e < 6; ++e)
    EXPECT_EQ(after[e],
              static_cast<float>(normalAt(seed, {kNoiseStream, 2, 0}, e)));
}

TEST_F(SessionTest, DataErrorDuringARunIsRethrownAndMentionsData) {
  // No points.npy: gm.next's dataset cannot be loaded.
  auto s = session();
  std::string e =
      errorOf([&] { s->run(*s->info().find("phase", "train"), 0); });
  EXPECT_TRUE(contains(e, "not found")) << e;
  EXPECT_TRUE(contains(e, "--data")) << e;
}

TEST_F(SessionTest, NpyFeedGivesTheFileRowsInOrder) {
  std::vector<float> rows = writePoints();
  auto s = session();
  DataFeed &feed = s->feed(0);
  EXPECT_EQ(feed.examples(), 5);
  EXPECT_EQ(feed.batchesPerEpoch(), 2);
  EXPECT_EQ(&s->feed(0), &feed); // loaded once
  float batch[6];
  void *fields[] = {batch};
  // Examples 0-1, 2-3, then 4 and the next epoch's 0: in order, unscaled.
  for (int first : {0, 2, 4}) {
    feed.next(fields);
    for (int b = 0; b < 2; ++b) {
      int r = (first + b) % 5;
      for (int p = 0; p < 3; ++p)
        EXPECT_EQ(batch[b * 3 + p], rows[r * 3 + p])
            << "batch at " << first << " example " << b;
    }
  }
  EXPECT_EQ(feed.position(), 3u);
  feed.seek(1);
  feed.next(fields);
  EXPECT_EQ(batch[0], rows[6]); // example 2
}

TEST_F(SessionTest, NpyFeedFindsRelativeSourcesUnderTheDataRoot) {
  std::vector<float> rows = writePoints("mine.npy");
  auto s = session(0, fakeModel("mine.npy"));
  float batch[6];
  void *fields[] = {batch};
  s->feed(0).next(fields);
  EXPECT_EQ(std::vector<float>(batch, batch + 6),
            std::vector<float>(rows.begin(), rows.begin() + 6));
}

TEST_F(SessionTest, NpyShapeMismatchIsAClearError) {
  std::vector<float> data(5 * 4, 1.0f);
  writeNpy(path("points.npy"), {5, 4}, data.data());
  auto s = session();
  std::string e = errorOf([&] { s->feed(0); });
  EXPECT_TRUE(contains(e, path("points.npy"))) << e;
  EXPECT_TRUE(contains(e, "holds an array of shape [5, 4]")) << e;
  EXPECT_TRUE(contains(e, "the model reads examples of shape f32[3]")) << e;

  // Fewer examples than one batch.
  json big = fakeModel(path("points.npy"));
  big["datasets"][0]["fields"][0]["shape"] = json::array({4});
  big["datasets"][0]["batch"] = 6;
  auto t = session(0, big);
  e = errorOf([&] { t->feed(0); });
  EXPECT_TRUE(contains(e, "has 5 examples, fewer than one batch of 6")) << e;
}

TEST_F(SessionTest, MissingNpyFileMentionsData) {
  auto s = session(0, fakeModel("nowhere.npy"));
  std::string e = errorOf([&] { s->feed(0); });
  EXPECT_TRUE(contains(e, "nowhere.npy: not found")) << e;
  EXPECT_TRUE(contains(e, dir)) << e; // where it looked
  EXPECT_TRUE(contains(e, "--data")) << e;
}

TEST_F(SessionTest, BadLibraryDescriptorFailsTheSessionNamingItsLoc) {
  json info = fakeModel(path("points.npy"));
  info["library"][1].erase("k");
  std::string e = errorOf([&] { session(0, info); });
  EXPECT_TRUE(contains(e, "fake.gm:4:9")) << e;
  EXPECT_TRUE(contains(e, "malformed descriptor")) << e;
  info = fakeModel(path("points.npy"));
  info["format"] = 7;
  EXPECT_TRUE(contains(errorOf([&] { session(0, info); }), "format 7"));
}

//===----------------------------------------------------------------------===//
// Checkpoints
//===----------------------------------------------------------------------===//

using CheckpointTest = TempDirTest;

TrainingState sampleState() {
  TrainingState state;
  state.seed = 0xfedcba9876543210ULL;
  state.steps = {{"train", 1234}, {"warmup", 17}, {"check", 0}};
  state.dataPositions = {{"points", 99}, {"other", 18446744073709551615ULL}};
  state.lastPhase = "warmup";
  return state;
}

std::vector<char> variableBytes(const Session &s) {
  std::vector<char> out;
  for (const VariableInfo &v : s.info().variables) {
    const char *data = s.variableData(v);
    out.insert(out.end(), data, data + v.tensor.bytes());
  }
  return out;
}

TEST_F(CheckpointTest, RoundTripsVariablesAndStateBitForBit) {
  auto a = session(42);
  a->initializeVariables();
  // Values that only a byte copy preserves: a NaN payload, -0, a denormal.
  float *w = reinterpret_cast<float *>(a->variableData(a->info().variables[0]));
  uint32_t nanPayload = 0x7fc01234u;
  std::memcpy(&w[0], &nanPayload, 4);
  w[1] = -0.0f;
  w[2] = std::numeric_limits<float>::denorm_min();
  TrainingState state = sampleState();
  saveCheckpoint(path("ckpt.safetensors"), *a, state);
  // Atomic: nothing but the checkpoint is left in the directory.
  EXPECT_EQ(files(), std::vector<std::string>{"ckpt.safetensors"});

  auto b = session(0);
  ASSERT_NE(variableBytes(*b), variableBytes(*a));
  TrainingState back = loadCheckpoint(path("ckpt.safetensors"), *b);
  EXPECT_EQ(back.seed, state.seed);
  EXPECT_EQ(back.steps, state.steps);
  EXPECT_EQ(back.dataPositions, state.dataPositions);
  EXPECT_EQ(back.lastPhase, state.lastPhase);
  EXPECT_EQ(variableBytes(*b), variableBytes(*a));
  // Loading restores variables only; the seed is the caller's to set.
  EXPECT_EQ(b->seed(), 0u);

  // Saving again over it replaces it, still leaving a single file.
  saveCheckpoint(path("ckpt.safetensors"), *b, TrainingState());
  EXPECT_EQ(files(), std::vector<std::string>{"ckpt.safetensors"});
  TrainingState empty = loadCheckpoint(path("ckpt.safetensors"), *a);
  EXPECT_EQ(empty.seed, 0u);
  EXPECT_TRUE(empty.steps.empty());
  EXPECT_TRUE(empty.dataPositions.empty());
  EXPECT_EQ(empty.lastPhase, "");
}

TEST_F(CheckpointTest, StoresVariablesAsSafetensorsUnderTheirNames) {
  auto a = session(3);
  a->initializeVariables();
  saveCheckpoint(path("c.safetensors"), *a, sampleState());
  Safetensors file = readSafetensors(path("c.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "gmc-checkpoint-1");
  EXPECT_EQ(file.metadata.at("model"), "fake");
  EXPECT_EQ(file.metadata.at("model_hash"), "0123456789abcdef");
  EXPECT_EQ(file.metadata.at("step.train"), "1234");
  EXPECT_EQ(file.metadata.at("data.points"), "99");
  ASSERT_EQ(file.tensors.size(), 6u);
  EXPECT_EQ(file.tensors.at("enc.w").dtype, "F32");
  EXPECT_EQ(file.tensors.at("enc.w").shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(file.tensors.at("steps").dtype, "I64");
  EXPECT_TRUE(file.tensors.at("steps").shape.empty());
  EXPECT_EQ(file.tensors.at("moments").dtype, "F64");
  EXPECT_EQ(file.tensors.at("counts").dtype, "I32");
}

TEST_F(CheckpointTest, AnotherModelIsRefusedNamingBoth) {
  auto a = session(1);
  a->initializeVariables();
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());
  json other = fakeModel(path("points.npy"));
  other["model"] = "other";
  auto b = session(1, other);
  std::string e =
      errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *b); });
  EXPECT_TRUE(contains(e, path("ckpt.safetensors"))) << e;
  EXPECT_TRUE(contains(e, "a checkpoint of model 'fake', not of 'other'")) << e;
  // Nothing was loaded.
  for (char c : variableBytes(*b))
    ASSERT_EQ(c, 0);
}

TEST_F(CheckpointTest, ADifferentShapeIsRefusedNamingTheTensor) {
  auto a = session(1);
  a->initializeVariables();
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());
  json wider = fakeModel(path("points.npy"));
  wider["variables"][1]["shape"] = json::array({6}); // enc.b: 5 -> 6
  auto b = session(1, wider);
  std::string e =
      errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *b); });
  EXPECT_TRUE(contains(e, "not a checkpoint of this model")) << e;
  EXPECT_TRUE(contains(e, "tensor 'enc.b' is F32[5] in the file, F32[6] in "
                          "the model"))
      << e;
  for (char c : variableBytes(*b))
    ASSERT_EQ(c, 0);

  json retyped = fakeModel(path("points.npy"));
  retyped["variables"][4]["dtype"] = "f32"; // moments: f64 -> f32
  auto c = session(1, retyped);
  e = errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *c); });
  EXPECT_TRUE(contains(e, "tensor 'moments' is F64[2] in the file, F32[2]"))
      << e;
}

TEST_F(CheckpointTest, AnF32TensorLoadsWidenedIntoAnF64Variable) {
  // Checkpoints from before Adam's step counts became f64 still resume.
  json narrow = fakeModel(path("points.npy"));
  narrow["variables"][4]["dtype"] = "f32"; // moments: f64 -> f32
  auto a = session(1, narrow);
  a->initializeVariables();
  const VariableInfo &moments = a->info().variables[4];
  ASSERT_EQ(moments.name, "moments");
  float stored[2] = {0.1f, -3.5e-20f};
  std::memcpy(a->variableData(moments), stored, sizeof stored);
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());

  auto b = session(1);
  TrainingState back = loadCheckpoint(path("ckpt.safetensors"), *b);
  EXPECT_EQ(back.steps, sampleState().steps);
  double loaded[2];
  std::memcpy(loaded, b->variableData(b->info().variables[4]), sizeof loaded);
  EXPECT_EQ(loaded[0], static_cast<double>(stored[0]));
  EXPECT_EQ(loaded[1], static_cast<double>(stored[1]));
  // The other variables load as stored.
  EXPECT_EQ(std::memcmp(a->variableData(a->info().variables[0]),
                        b->variableData(b->info().variables[0]),
                        a->info().variables[0].tensor.bytes()),
            0);
}

TEST_F(CheckpointTest, MissingAndExtraTensorsAreRefused) {
  auto a = session(1);
  a->initializeVariables();
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());

  json more = fakeModel(path("points.npy"));
  more["variables"].push_back(variableJson("enc.extra", "param", "f32", {1},
                                           156,
                                           {{"kind", "fill"}, {"value", 0.0}}));
  auto b = session(1, more);
  std::string e =
      errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *b); });
  EXPECT_TRUE(contains(e, "it has no tensor 'enc.extra'")) << e;

  json fewer = fakeModel(path("points.npy"));
  fewer["variables"].erase(5); // counts
  auto c = session(1, fewer);
  e = errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *c); });
  EXPECT_TRUE(contains(e, "it has 6 tensors, the model 5 variables")) << e;
}

TEST_F(CheckpointTest, FilesWithoutGmcMetadataAreRefused) {
  Safetensors plain;
  plain.tensors["enc.w"] =
      StoredTensor{"F32", {3, 2}, std::vector<uint8_t>(24)};
  writeSafetensors(path("plain.safetensors"), plain);
  auto s = session();
  std::string e =
      errorOf([&] { loadCheckpoint(path("plain.safetensors"), *s); });
  EXPECT_TRUE(contains(e, path("plain.safetensors"))) << e;
  EXPECT_TRUE(contains(e, "not a gmc checkpoint")) << e;

  plain.metadata["format"] = "gmc-checkpoint-2";
  writeSafetensors(path("plain.safetensors"), plain);
  EXPECT_TRUE(
      contains(errorOf([&] { loadCheckpoint(path("plain.safetensors"), *s); }),
               "not a gmc checkpoint"));

  EXPECT_FALSE(errorOf([&] {
                 loadCheckpoint(path("missing.safetensors"), *s);
               }).empty());
}

TEST_F(CheckpointTest, BadNumbersInMetadataAreRefused) {
  auto a = session(1);
  a->initializeVariables();
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());
  Safetensors file = readSafetensors(path("ckpt.safetensors"));
  file.metadata["step.train"] = "12x";
  writeSafetensors(path("ckpt.safetensors"), file);
  std::string e =
      errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *a); });
  EXPECT_TRUE(contains(e, "metadata 'step.train' is not a number: '12x'")) << e;

  file.metadata["step.train"] = "12";
  file.metadata.erase("seed");
  writeSafetensors(path("ckpt.safetensors"), file);
  e = errorOf([&] { loadCheckpoint(path("ckpt.safetensors"), *a); });
  EXPECT_TRUE(contains(e, "metadata 'seed' is not a number: ''")) << e;
}

TEST_F(CheckpointTest, AnotherBuildOfTheModelLoadsWithAWarning) {
  auto a = session(8);
  a->initializeVariables();
  saveCheckpoint(path("ckpt.safetensors"), *a, sampleState());
  json rebuilt = fakeModel(path("points.npy"));
  rebuilt["hash"] = "ffffffffffffffff";
  auto b = session(0, rebuilt);
  ::testing::internal::CaptureStderr();
  TrainingState state = loadCheckpoint(path("ckpt.safetensors"), *b);
  std::string warning = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(warning, "different build of model 'fake'")) << warning;
  EXPECT_EQ(state.steps, sampleState().steps);
  EXPECT_EQ(variableBytes(*b), variableBytes(*a));

  // The same build loads silently.
  ::testing::internal::CaptureStderr();
  loadCheckpoint(path("ckpt.safetensors"), *a);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

//===----------------------------------------------------------------------===//
// Library ops: the runtime's own loops
//===----------------------------------------------------------------------===//

/// Restores the thread count a test changes.
class ThreadsTest : public ::testing::Test {
protected:
  void SetUp() override { saved = threads(); }
  void TearDown() override { setThreads(saved); }
  int saved = 1;
};

using LibraryOpsTest = ThreadsTest;

void runOp(const json &descriptor, std::vector<void *> operands,
           cpu::CallContext context = {}) {
  cpu::makeLibraryOp(descriptor)->run(context, operands.data());
}

TEST_F(LibraryOpsTest, NearestPicksTheClosestCodeAndTheLowestOnTies) {
  // Codes (5, 5), (2, 0), (0, 2), (3, 3).
  std::vector<float> book = {5, 5, 2, 0, 0, 2, 3, 3};
  std::vector<float> z = {1,    1,  // codes 1 and 2 at 2 -> 1
                          2.9f, 3,  // code 3 at 0.01
                          4,    4,  // codes 0 and 3 at 2 -> 0
                          1,    2}; // code 2 at 1, codes 1 and 3 at 5
  std::vector<int32_t> out(4, -1);
  runOp({{"kind", "nearest"},
         {"rows", 4},
         {"codes", 4},
         {"width", 2},
         {"loc", "t.gm:1:1"}},
        {z.data(), book.data(), out.data()});
  EXPECT_EQ(out, (std::vector<int32_t>{1, 3, 0, 2}));

  // Identical codes: the first one.
  std::vector<float> same = {3, 3, 3, 3};
  std::vector<float> point = {0, 0};
  int32_t index = -1;
  runOp({{"kind", "nearest"}, {"rows", 1}, {"codes", 2}, {"width", 2}},
        {point.data(), same.data(), &index});
  EXPECT_EQ(index, 0);
}

TEST_F(LibraryOpsTest, LookupGathersRowsAndRejectsOutOfRangeIndices) {
  std::vector<float> table = {0, 1, 10, 11, 20, 21};
  std::vector<int64_t> indices64 = {2, 0, 2};
  std::vector<float> out(6, -1);
  json d = {{"kind", "lookup"},     {"rows", 3},
            {"codes", 3},           {"width", 2},
            {"index_dtype", "i64"}, {"loc", "t.gm:2:1"}};
  runOp(d, {table.data(), indices64.data(), out.data()});
  EXPECT_EQ(out, (std::vector<float>{20, 21, 0, 1, 20, 21}));

  std::vector<int32_t> indices32 = {1, 1, 0};
  d["index_dtype"] = "i32";
  runOp(d, {table.data(), indices32.data(), out.data()});
  EXPECT_EQ(out, (std::vector<float>{10, 11, 10, 11, 0, 1}));

  indices32 = {0, 3, 1};
  std::string e = errorOf([&] {
    runOp(d, {table.data(), indices32.data(), out.data()});
  });
  EXPECT_TRUE(contains(e, "lookup: index 3 is outside the table's 3 rows"))
      << e;
  indices32 = {-1, 0, 0};
  e = errorOf([&] { runOp(d, {table.data(), indices32.data(), out.data()}); });
  EXPECT_TRUE(contains(e, "index -1 is outside")) << e;
}

TEST_F(LibraryOpsTest, OneHotInsertsTheClassAxisAndRefusesBadLabels) {
  // Labels [2, 3], classes 4, class axis 1 -> [2, 4, 3].
  std::vector<int64_t> labels = {0, 3, 1, 2, 0, 1};
  std::vector<float> out(24, 7.0f);
  json d = {{"kind", "one_hot"}, {"x", json::array({2, 3})}, {"classes", 4},
            {"axis", 1},         {"index_dtype", "i64"},     {"dtype", "f32"}};
  runOp(d, {labels.data(), out.data()});
  for (int o = 0; o < 2; ++o)
    for (int c = 0; c < 4; ++c)
      for (int i = 0; i < 3; ++i) {
        int64_t label = labels[o * 3 + i];
        EXPECT_EQ(out[(o * 4 + c) * 3 + i], label == c ? 1.0f : 0.0f)
            << o << "," << c << "," << i;
      }
  // A label outside the classes (a row of zeros: a loss of 0) is an error.
  for (int64_t bad : {int64_t{-1}, int64_t{4}}) {
    labels[2] = bad;
    std::string e = errorOf([&] { runOp(d, {labels.data(), out.data()}); });
    EXPECT_TRUE(contains(e, "one_hot: label " + std::to_string(bad) +
                                " is outside the 4 classes (0 to 3)"))
        << e;
  }

  // The class axis last (axis = rank), f64 results, i32 labels.
  std::vector<int32_t> small = {1, 2, 0};
  std::vector<double> last(9, 7.0);
  runOp({{"kind", "one_hot"},
         {"x", json::array({3})},
         {"classes", 3},
         {"axis", 1},
         {"index_dtype", "i32"},
         {"dtype", "f64"}},
        {small.data(), last.data()});
  EXPECT_EQ(last, (std::vector<double>{0, 1, 0, 0, 0, 1, 1, 0, 0}));
}

TEST_F(LibraryOpsTest, ArgmaxTakesTheFirstMaximum) {
  // x [2, 3, 2], axis 1.
  // Lines along axis 1: (1, 3, 3), (5, 5, 2), (-1, -2, -1), (0, 0, 0).
  std::vector<float> x = {1, 5, 3, 5, 3, 2, -1, 0, -2, 0, -1, 0};
  std::vector<int32_t> out(4, -1);
  runOp({{"kind", "argmax"},
         {"x", json::array({2, 3, 2})},
         {"axis", 1},
         {"dtype", "f32"}},
        {x.data(), out.data()});
  EXPECT_EQ(out, (std::vector<int32_t>{1, 0, 0, 0}));

  // The last axis of integers.
  std::vector<int64_t> ints = {4, 9, 9, 1, 2, 3};
  std::vector<int32_t> two(2, -1);
  runOp({{"kind", "argmax"},
         {"x", json::array({2, 3})},
         {"axis", 1},
         {"dtype", "i64"}},
        {ints.data(), two.data()});
  EXPECT_EQ(two, (std::vector<int32_t>{1, 2}));
  std::vector<double> doubles = {0.5, 0.25, 0.75, 0.75, -1, 2};
  std::vector<int32_t> three(3, -1);
  runOp({{"kind", "argmax"},
         {"x", json::array({2, 3})},
         {"axis", 0},
         {"dtype", "f64"}},
        {doubles.data(), three.data()});
  EXPECT_EQ(three, (std::vector<int32_t>{1, 0, 1}));
}

/// argmax(logits + gumbelAt) along `axis` of [outer, classes, inner].
std::vector<int32_t> expectedCategorical(const std::vector<float> &logits,
                                         int64_t outer, int64_t classes,
                                         int64_t inner, uint64_t seed,
                                         Stream stream) {
  std::vector<int32_t> out;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int32_t best = 0;
      double bestScore = -INFINITY;
      for (int64_t k = 0; k < classes; ++k) {
        int64_t e = (o * classes + k) * inner + i;
        double score = double(logits[e]) + gumbelAt(seed, stream, e);
        if (score > bestScore) {
          bestScore = score;
          best = static_cast<int32_t>(k);
        }
      }
      out.push_back(best);
    }
  return out;
}

TEST_F(LibraryOpsTest, CategoricalIsGumbelMax) {
  const uint64_t seed = 123;
  cpu::CallContext context{seed, 7, 2};
  // [3, 4] along axis 1.
  std::vector<float> logits = {0, 0, 0, 0, 1, -1, 0.5f, 2, -3, 0, 0, 50};
  std::vector<int32_t> out(3, -1);
  json d = {{"kind", "categorical"},
            {"stream", 5},
            {"x", json::array({3, 4})},
            {"dtype", "f32"},
            {"axis", 1}};
  runOp(d, {logits.data(), out.data()}, context);
  EXPECT_EQ(out, expectedCategorical(logits, 3, 4, 1, seed, {5, 7, 2}));
  EXPECT_EQ(out[2], 3); // a logit of 50 always wins

  // Along axis 0 of [4, 3]: lines are strided.
  std::vector<int32_t> columns(3, -1);
  d["x"] = json::array({4, 3});
  d["axis"] = 0;
  runOp(d, {logits.data(), columns.data()}, context);
  EXPECT_EQ(columns, expectedCategorical(logits, 1, 4, 3, seed, {5, 7, 2}));

  // Many lines, several threads: the same draws.
  setThreads(3);
  std::vector<float> many(40000);
  for (size_t i = 0; i < many.size(); ++i)
    many[i] = static_cast<float>(i % 7) * 0.3f;
  std::vector<int32_t> manyOut(10000, -1);
  d["x"] = json::array({10000, 4});
  d["axis"] = 1;
  runOp(d, {many.data(), manyOut.data()}, context);
  EXPECT_EQ(manyOut, expectedCategorical(many, 10000, 4, 1, seed, {5, 7, 2}));
  // Every class gets drawn somewhere.
  std::set<int32_t> classes(manyOut.begin(), manyOut.end());
  EXPECT_EQ(classes.size(), 4u);
}

TEST_F(LibraryOpsTest, RandomDrawsMatchTheStreams) {
  const uint64_t seed = 0xabcdef0123ULL;
  cpu::CallContext context{seed, 41, 6};
  Stream stream{9, 41, 6};
  for (int threadCount : {1, 4}) {
    setThreads(threadCount);
    SCOPED_TRACE("threads " + std::to_string(threadCount));
    // Large enough to be split across threads.
    const int64_t n = 40000;

    std::vector<float> normal(n);
    runOp({{"kind", "normal"},
           {"stream", 9},
           {"y", json::array({200, 200})},
           {"dtype", "f32"}},
          {normal.data()}, context);
    int64_t bad = 0;
    for (int64_t e = 0; e < n; ++e)
      bad += normal[e] != static_cast<float>(normalAt(seed, stream, e));
    EXPECT_EQ(bad, 0);

    std::vector<double> uniform(n);
    runOp({{"kind", "uniform"},
           {"stream", 9},
           {"y", json::array({n})},
           {"dtype", "f64"},
           {"low", -3.0},
           {"high", 5.0}},
          {uniform.data()}, context);
    bad = 0;
    for (int64_t e = 0; e < n; ++e)
      bad += uniform[e] != uniformAt(seed, stream, e, -3.0, 5.0);
    EXPECT_EQ(bad, 0);

    std::vector<float> probabilities(n), bernoulli(n, -1);
    for (int64_t e = 0; e < n; ++e)
      probabilities[e] = static_cast<float>(e % 11) / 10.0f; // 0 ... 1
    runOp({{"kind", "bernoulli"},
           {"stream", 9},
           {"y", json::array({n})},
           {"dtype", "f32"}},
          {probabilities.data(), bernoulli.data()}, context);
    bad = 0;
    int64_t ones = 0;
    for (int64_t e = 0; e < n; ++e) {
      float expected =
          uniformAt(seed, stream, e, 0, 1) < probabilities[e] ? 1.0f : 0.0f;
      bad += bernoulli[e] != expected;
      ones += bernoulli[e] == 1.0f;
      if (probabilities[e] == 0.0f) {
        ASSERT_EQ(bernoulli[e], 0.0f) << e;
      }
      if (probabilities[e] == 1.0f) {
        ASSERT_EQ(bernoulli[e], 1.0f) << e;
      }
    }
    EXPECT_EQ(bad, 0);
    EXPECT_NEAR(double(ones) / n, 0.5, 0.02);
  }
  // A small f32 uniform with default bounds (0, 1).
  std::vector<float> unit(5);
  runOp({{"kind", "uniform"},
         {"stream", 9},
         {"y", json::array({5})},
         {"dtype", "f32"}},
        {unit.data()}, context);
  for (int e = 0; e < 5; ++e)
    EXPECT_EQ(unit[e], static_cast<float>(uniformAt(seed, stream, e, 0, 1)));
  // Another iteration is another stream.
  std::vector<float> next(5);
  runOp({{"kind", "uniform"},
         {"stream", 9},
         {"y", json::array({5})},
         {"dtype", "f32"}},
        {next.data()}, {seed, 41, 7});
  EXPECT_NE(next, unit);
  EXPECT_EQ(next[0], static_cast<float>(uniformAt(seed, {9, 41, 7}, 0, 0, 1)));
}

// gmrt_library_at: a draw at one position of each period (an
// autoregressive step's) writes those elements alone, each as the whole
// draw writes it.
TEST_F(LibraryOpsTest, DrawsAtAPositionMatchTheWholeDraw) {
  const uint64_t seed = 77;
  cpu::CallContext whole{seed, 3, 1};
  cpu::CallContext at = whole;
  at.position = 2;
  // Categorical over axis 1 of [2, 3, 2, 3]: 12 lines, a period of 6.
  std::vector<float> logits(36);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = static_cast<float>(i % 5) * 0.4f;
  json d = {
      {"kind", "categorical"}, {"stream", 4}, {"x", json::array({2, 3, 2, 3})},
      {"dtype", "f32"},        {"axis", 1},   {"period", 6}};
  std::vector<int32_t> all(12, -1), some(12, -1);
  runOp(d, {logits.data(), all.data()}, whole);
  runOp(d, {logits.data(), some.data()}, at);
  for (int line = 0; line < 12; ++line)
    EXPECT_EQ(some[line], line % 6 == 2 ? all[line] : -1) << line;

  // Normal, uniform and Bernoulli: elements 2 and 8 of 12.
  for (const char *kind : {"normal", "uniform", "bernoulli"}) {
    json r = {{"kind", kind},
              {"stream", 6},
              {"y", json::array({2, 6})},
              {"dtype", "f32"},
              {"period", 6}};
    // Probabilities of 0 and 1 by turns: one read at a wrong index shows.
    std::vector<float> p(12), full(12, -9), part(12, -9);
    for (int e = 0; e < 12; ++e)
      p[e] = static_cast<float>((e / 2) % 2);
    bool bernoulli = std::string(kind) == "bernoulli";
    auto operands = [&](std::vector<float> &out) {
      return bernoulli ? std::vector<void *>{p.data(), out.data()}
                       : std::vector<void *>{out.data()};
    };
    runOp(r, operands(full), whole);
    runOp(r, operands(part), at);
    for (int e = 0; e < 12; ++e)
      EXPECT_EQ(part[e], e % 6 == 2 ? full[e] : -9) << kind << " " << e;
  }

  // A period that does not divide the draw or is negative, or a position
  // past it.
  std::string e = errorOf([&] {
    json bad = d;
    bad["period"] = 5;
    cpu::makeLibraryOp(bad);
  });
  EXPECT_TRUE(contains(e, "period 5 does not divide 12 elements")) << e;
  e = errorOf([&] {
    json bad = d;
    bad["period"] = -3;
    cpu::makeLibraryOp(bad);
  });
  EXPECT_TRUE(contains(e, "period -3 must be >= 0")) << e;
  e = errorOf([&] {
    at.position = 6;
    runOp(d, {logits.data(), some.data()}, at);
  });
  EXPECT_TRUE(contains(e, "drawn at position 6 but its period is 6")) << e;
}

TEST_F(LibraryOpsTest, UnknownKindsAndMalformedDescriptorsNameTheLoc) {
  std::string e = errorOf([] {
    cpu::makeLibraryOp({{"kind", "fft"}, {"loc", "model.gm:12:3"}});
  });
  EXPECT_TRUE(contains(e, "library op kind 'fft' at model.gm:12:3")) << e;
  EXPECT_TRUE(contains(e, "unknown to this runtime")) << e;

  e = errorOf([] { cpu::makeLibraryOp({{"loc", "model.gm:1:1"}}); });
  EXPECT_TRUE(contains(e, "library op kind '' at model.gm:1:1")) << e;

  e = errorOf([] {
    cpu::makeLibraryOp(
        {{"kind", "nearest"}, {"rows", 2}, {"loc", "model.gm:4:2"}});
  });
  EXPECT_TRUE(contains(e, "library op nearest at model.gm:4:2")) << e;
  EXPECT_TRUE(contains(e, "malformed descriptor")) << e;
  EXPECT_TRUE(contains(e, "'codes' not found")) << e;

  e = errorOf([] {
    cpu::makeLibraryOp({{"kind", "lookup"},
                        {"rows", "two"},
                        {"codes", 3},
                        {"width", 2},
                        {"index_dtype", "i32"},
                        {"loc", "model.gm:7:8"}});
  });
  EXPECT_TRUE(contains(e, "model.gm:7:8")) << e;
  EXPECT_TRUE(contains(e, "malformed descriptor")) << e;

  e = errorOf([] {
    cpu::makeLibraryOp(
        {{"kind", "normal"}, {"y", json::array({2})}, {"dtype", "f32"}});
  });
  EXPECT_TRUE(contains(e, "library op normal at ?")) << e;

  // "unchanged" lists input indices, ascending, below the operand count.
  for (auto bad :
       {json::array({1, 0}), json::array({9}), json::array({2, 2})}) {
    e = errorOf([&] {
      cpu::makeLibraryOp({{"kind", "normal"},
                          {"y", json::array({2})},
                          {"dtype", "f32"},
                          {"stream", 1},
                          {"unchanged", bad},
                          {"loc", "model.gm:3:4"}});
    });
    EXPECT_TRUE(contains(e, "library op normal at model.gm:3:4")) << e;
    EXPECT_TRUE(contains(e, "\"unchanged\" must list ascending")) << e;
  }
}

// The runtime's own loops read and write f32, f64, i32 and i64; a bf16
// descriptor (the compiler rejects bf16 too) is refused when the op is
// built, naming its source location, never misread or thrown mid-run.
TEST_F(LibraryOpsTest, Bf16IsRejectedNamingTheLocOrComputed) {
  auto bf16 = [](float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return static_cast<uint16_t>(bits >> 16);
  };
  json argmax = {{"kind", "argmax"},
                 {"x", json::array({3})},
                 {"axis", 0},
                 {"dtype", "bf16"},
                 {"loc", "m.gm:3:4"}};
  std::unique_ptr<cpu::LibraryOp> op;
  std::string e = errorOf([&] { op = cpu::makeLibraryOp(argmax); });
  if (!op) {
    EXPECT_TRUE(contains(e, "m.gm:3:4")) << e;
  } else {
    // Padded so that the misread stays inside the buffer.
    uint16_t x[8] = {bf16(1), bf16(3), bf16(2), 0, 0, 0, 0, 0};
    int32_t out = -1;
    void *operands[] = {x, &out};
    op->run({}, operands);
    EXPECT_EQ(out, 1);
  }
  json normal = {{"kind", "normal"},
                 {"stream", 1},
                 {"y", json::array({4})},
                 {"dtype", "bf16"},
                 {"loc", "m.gm:5:6"}};
  op.reset();
  e = errorOf([&] { op = cpu::makeLibraryOp(normal); });
  if (!op) {
    EXPECT_TRUE(contains(e, "m.gm:5:6")) << e;
  } else {
    uint16_t y[4] = {};
    void *operands[] = {y};
    EXPECT_NO_THROW(op->run({}, operands));
    EXPECT_NE(y[0], 0);
  }
}

//===----------------------------------------------------------------------===//
// parallelFor
//===----------------------------------------------------------------------===//

using ParallelTest = ThreadsTest;

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

/// Non-empty, contiguous and non-overlapping ranges covering [0, n).
::testing::AssertionResult tiles(Ranges ranges, int64_t n) {
  std::sort(ranges.begin(), ranges.end());
  int64_t at = 0;
  for (const auto &[begin, end] : ranges) {
    if (begin != at || end <= begin)
      return ::testing::AssertionFailure()
             << "range [" << begin << ", " << end << ") after " << at;
    at = end;
  }
  if (at != n)
    return ::testing::AssertionFailure() << "ranges end at " << at;
  return ::testing::AssertionSuccess();
}

TEST_F(ParallelTest, CoversEveryIndexExactlyOnce) {
  for (int threadCount : {1, 2, 3, 4, 7}) {
    setThreads(threadCount);
    EXPECT_EQ(threads(), threadCount);
    for (int64_t n : {0, 1, 2, 5, 7, 100, 1000, 12345})
      for (int64_t grain : {0, 1, 3, 64, 1000, 100000}) {
        SCOPED_TRACE("threads " + std::to_string(threadCount) + " n " +
                     std::to_string(n) + " grain " + std::to_string(grain));
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::mutex mutex;
        Ranges ranges;
        parallelFor(n, grain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i)
            hits[i].fetch_add(1);
          std::lock_guard<std::mutex> lock(mutex);
          ranges.push_back({begin, end});
        });
        int64_t wrong = 0;
        for (auto &h : hits)
          wrong += h.load() != 1;
        EXPECT_EQ(wrong, 0);
        if (n == 0) {
          EXPECT_TRUE(ranges.empty());
          continue;
        }
        EXPECT_TRUE(tiles(ranges, n));
        // At most one range per thread, and no more than the grain allows.
        int64_t g = std::max<int64_t>(1, grain);
        EXPECT_LE(int64_t(ranges.size()), threadCount);
        EXPECT_LE(int64_t(ranges.size()), (n + g - 1) / g);
      }
  }
  // A large loop with several threads does use them.
  setThreads(4);
  std::mutex mutex;
  Ranges ranges;
  parallelFor(1000, 1, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mutex);
    ranges.push_back({begin, end});
  });
  EXPECT_EQ(ranges.size(), 4u);
  EXPECT_TRUE(tiles(ranges, 1000));
}

TEST_F(ParallelTest, NestedLoopsRunInnerRangesWhole) {
  setThreads(2);
  std::vector<std::atomic<int>> hits(100 * 50);
  parallelFor(100, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      parallelFor(50, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j)
          hits[i * 50 + j].fetch_add(1);
      });
  });
  int64_t wrong = 0;
  for (auto &h : hits)
    wrong += h.load() != 1;
  EXPECT_EQ(wrong, 0);
}

struct KernelLog {
  std::mutex mutex;
  Ranges ranges;
  int wrongFrames = 0; // calls that did not see the operands passed
  void *expected = nullptr;
};

} // namespace

extern "C" void recordKernelRange(void *const *operands, int64_t begin,
                                  int64_t end) {
  // Operand 0 is the log; operand 1 what the log expects to see there.
  auto *log = static_cast<KernelLog *>(operands[0]);
  std::lock_guard<std::mutex> lock(log->mutex);
  log->ranges.push_back({begin, end});
  log->wrongFrames += operands[1] != log->expected;
}

namespace {

TEST_F(ParallelTest, GmrtParallelForCallsTheKernelOnContiguousRanges) {
  for (int threadCount : {1, 2, 4}) {
    setThreads(threadCount);
    for (int64_t units : {1, 3, 10, 1001})
      for (int64_t grain : {1, 4, 2000}) {
        SCOPED_TRACE("threads " + std::to_string(threadCount) + " units " +
                     std::to_string(units) + " grain " + std::to_string(grain));
        KernelLog log;
        int marker = 0;
        log.expected = &marker;
        void *operands[] = {&log, &marker};
        gmrt_parallel_for(recordKernelRange, operands, units, grain);
        EXPECT_TRUE(tiles(log.ranges, units));
        EXPECT_EQ(log.wrongFrames, 0);
        EXPECT_LE(int64_t(log.ranges.size()), threadCount);
      }
  }
  KernelLog none;
  void *operands[] = {&none, nullptr};
  gmrt_parallel_for(recordKernelRange, operands, 0, 1);
  EXPECT_TRUE(none.ranges.empty());
}

TEST_F(ParallelTest, AnExceptionInARangeReachesTheCaller) {
  // Thrown on a worker thread, it must not terminate the process.
  setThreads(2);
  std::string e = errorOf([] {
    parallelFor(1000, 10, [](int64_t begin, int64_t) {
      if (begin > 0)
        throw Error("range failed");
    });
  });
  EXPECT_EQ(e, "range failed");
}

// parallel.h and abi.h promise ranges of at least `grain` units: grain is
// what amortizes a task's overhead.
TEST_F(ParallelTest, RangesAreAtLeastTheGrain) {
  setThreads(2);
  for (int64_t n : {5, 7, 100})
    for (int64_t grain : {3, 4, 60}) {
      std::mutex mutex;
      Ranges ranges;
      parallelFor(n, grain, [&](int64_t begin, int64_t end) {
        std::lock_guard<std::mutex> lock(mutex);
        ranges.push_back({begin, end});
      });
      EXPECT_TRUE(tiles(ranges, n));
      for (const auto &[begin, end] : ranges)
        if (end - begin < std::min(grain, n))
          ADD_FAILURE() << "n " << n << " grain " << grain << ": range ["
                        << begin << ", " << end << ")";
    }
}

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

TEST(ProgressTest, FormatDuration) {
  EXPECT_EQ(formatDuration(0), "0s");
  EXPECT_EQ(formatDuration(0.4), "0s");
  EXPECT_EQ(formatDuration(12), "12s");
  EXPECT_EQ(formatDuration(59.4), "59s");
  EXPECT_EQ(formatDuration(59.5), "1m00s"); // rounded first
  EXPECT_EQ(formatDuration(65), "1m05s");
  EXPECT_EQ(formatDuration(3599), "59m59s");
  EXPECT_EQ(formatDuration(3600), "1h00m");
  EXPECT_EQ(formatDuration(7380), "2h03m");
  EXPECT_EQ(formatDuration(90000), "25h00m");
  EXPECT_EQ(formatDuration(-1), "?");
  EXPECT_EQ(formatDuration(std::nan("")), "?");
  EXPECT_EQ(formatDuration(INFINITY), "?");
}

TEST(ProgressTest, PlainLinesEveryLogEverySteps) {
  std::FILE *out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    Progress progress("train", 0, 5, 32, 2, out); // not a terminal
    for (uint64_t step = 1; step <= 5; ++step)
      progress.update(step, {{"loss", 1.5}, {"kl", 0.125}});
    progress.finish();
  }
  std::rewind(out);
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof buf, out))
    text += buf;
  std::fclose(out);
  // Steps 2 and 4 (every 2) and 5 (the last).
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    ASSERT_NE(eol, std::string::npos) << text;
    lines.push_back(text.substr(at, eol - at));
    at = eol + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_EQ(lines[0].rfind("train step 2/5  loss 1.5  kl 0.125  ", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("train step 4/5  loss 1.5", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("train step 5/5  loss 1.5", 0), 0u) << lines[2];
  EXPECT_TRUE(contains(lines[0], " img/s  ETA ")) << lines[0];
  // Nothing is left at the last step.
  EXPECT_EQ(lines[2].substr(lines[2].size() - 6), "ETA 0s") << lines[2];
  EXPECT_EQ(lines[0].find('['), std::string::npos); // no bar off a terminal
}

} // namespace
