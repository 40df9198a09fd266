//===- checkpoint.cpp - training state in safetensors files ---------------===//

#include "runtime/trainer/checkpoint.h"

#include "runtime/core/error.h"
#include "runtime/io/safetensors.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <type_traits>

namespace gmrt {

/// safetensors' dtype names for ours.
static std::string storedType(const std::string &dtype) {
  std::string upper;
  for (char c : dtype)
    upper.push_back(
        static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return upper == "I1" ? "U8" : upper;
}

/// Whether a tensor stored as `stored` loads into a variable of type
/// `modelType` by widening, without loss: F32 into f64 (Adam's step counts
/// were f32 before they became f64).
static bool widensToModel(const std::string &stored,
                          const std::string &modelType) {
  return stored == "F32" && storedType(modelType) == "F64";
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void saveCheckpoint(const std::string &path, const Session &session,
                    const TrainingState &state) {
  const ModelInfo &info = session.info();
  Safetensors file;
  file.metadata["format"] = "gmc-checkpoint-1";
  file.metadata["model"] = info.model;
  file.metadata["model_hash"] = info.hash;
  file.metadata["seed"] = std::to_string(state.seed);
  file.metadata["phase"] = state.lastPhase;
  for (const auto &[phase, steps] : state.steps)
    file.metadata["step." + phase] = std::to_string(steps);
  for (const auto &[dataset, position] : state.dataPositions)
    file.metadata["data." + dataset] = std::to_string(position);
  if (state.logSteps > 0) {
    file.metadata["log.steps"] = std::to_string(state.logSteps);
    char exact[32];
    for (const auto &[name, sum] : state.logSums) {
      std::snprintf(exact, sizeof exact, "%.17g", sum); // round-trips
      file.metadata["log.sum." + name] = exact;
    }
  }
  for (const VariableInfo &v : info.variables) {
    StoredTensor t;
    t.dtype = storedType(v.tensor.dtype);
    t.shape = v.tensor.shape;
    const char *data = session.variableData(v);
    t.bytes.assign(data, data + v.tensor.bytes());
    file.tensors[v.name] = std::move(t);
  }
  writeSafetensors(path, file);
}

/// Metadata `key`'s `text` as a T (a count or a sum), whole, or an error.
template <typename T>
static T parsed(const std::string &path, const std::string &key,
                const std::string &text) {
  try {
    size_t used = 0;
    T v;
    if constexpr (std::is_same_v<T, double>)
      v = std::stod(text, &used);
    else
      v = std::stoull(text, &used);
    if (used == text.size())
      return v;
  } catch (const std::exception &) {
  }
  throw Error(path + ": metadata '" + key + "' is not a number: '" + text +
              "'");
}

std::string nonFiniteVariable(const Session &session) {
  for (const VariableInfo &v : session.info().variables) {
    int64_t n = v.tensor.elements(), bad = 0;
    const char *data = session.variableData(v);
    if (v.tensor.dtype == "f32") {
      const float *x = reinterpret_cast<const float *>(data);
      for (int64_t i = 0; i < n; ++i)
        bad += !std::isfinite(x[i]);
    } else if (v.tensor.dtype == "f64") {
      const double *x = reinterpret_cast<const double *>(data);
      for (int64_t i = 0; i < n; ++i)
        bad += !std::isfinite(x[i]);
    }
    if (bad > 0)
      return v.name + " (" + std::to_string(bad) + " of " + std::to_string(n) +
             " values)";
  }
  return "";
}

TrainingState loadCheckpoint(const std::string &path, Session &session) {
  Safetensors file = readSafetensors(path);
  const ModelInfo &info = session.info();
  auto meta = [&](const std::string &key) -> std::string {
    auto it = file.metadata.find(key);
    return it == file.metadata.end() ? "" : it->second;
  };
  if (meta("format") != "gmc-checkpoint-1")
    throw Error(path + ": not a gmc checkpoint (its metadata has no "
                       "format \"gmc-checkpoint-1\")");
  if (meta("model") != info.model)
    throw Error(path + ": a checkpoint of model '" + meta("model") +
                "', not of '" + info.model + "'");
  // Every variable must be there with this model's type and shape.
  for (const VariableInfo &v : info.variables) {
    auto it = file.tensors.find(v.name);
    if (it == file.tensors.end())
      throw Error(path +
                  ": not a checkpoint of this model: it has no tensor '" +
                  v.name + "'");
    const StoredTensor &t = it->second;
    if ((t.dtype != storedType(v.tensor.dtype) &&
         !widensToModel(t.dtype, v.tensor.dtype)) ||
        t.shape != v.tensor.shape)
      throw Error(path + ": not a checkpoint of this model: tensor '" + v.name +
                  "' is " + t.dtype + shapeText(t.shape) + " in the file, " +
                  storedType(v.tensor.dtype) + shapeText(v.tensor.shape) +
                  " in the model (was it compiled with other -D values?)");
  }
  if (file.tensors.size() != info.variables.size())
    throw Error(path + ": not a checkpoint of this model: it has " +
                std::to_string(file.tensors.size()) + " tensors, the model " +
                std::to_string(info.variables.size()) + " variables");
  if (meta("model_hash") != info.hash)
    std::cerr << "warning: " << path
              << " was written by a different build of model '" << info.model
              << "' (its program differs); loading its variables\n";

  TrainingState state;
  state.seed = parsed<uint64_t>(path, "seed", meta("seed"));
  state.lastPhase = meta("phase");
  for (const auto &[key, value] : file.metadata) {
    if (key.rfind("step.", 0) == 0)
      state.steps[key.substr(5)] = parsed<uint64_t>(path, key, value);
    if (key.rfind("data.", 0) == 0)
      state.dataPositions[key.substr(5)] = parsed<uint64_t>(path, key, value);
    if (key.rfind("log.sum.", 0) == 0)
      state.logSums.push_back(
          {key.substr(8), parsed<double>(path, key, value)});
  }
  state.logSteps = meta("log.steps").empty()
                       ? 0
                       : parsed<uint64_t>(path, "log.steps", meta("log.steps"));
  for (const VariableInfo &v : info.variables) {
    const StoredTensor &t = file.tensors.at(v.name);
    char *data = session.variableData(v);
    if (t.dtype == storedType(v.tensor.dtype)) {
      std::memcpy(data, t.bytes.data(), t.bytes.size());
      continue;
    }
    for (size_t i = 0; i < t.bytes.size() / sizeof(float); ++i) { // F32->F64
      float x;
      std::memcpy(&x, t.bytes.data() + i * sizeof(float), sizeof x);
      double wide = x;
      std::memcpy(data + i * sizeof(double), &wide, sizeof wide);
    }
  }
  return state;
}

} // namespace gmrt
