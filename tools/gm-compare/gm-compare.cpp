//===- gm-compare.cpp - compare what a trainer wrote with the reference ---===//
//
//   gm-compare a.npy b.npy [--rtol R]
//   gm-compare a.safetensors b.safetensors [--only REGEX] [--exact]
//   gm-compare a.jsonl b.jsonl [--rtol R]          metrics: same phase, step
//
// B is the reference. An element passes when |a - b| <= rtol * (|b| +
// mean |b|): relative to the element, with the tensor's scale as a floor
// so that elements near zero are not held to an impossible standard.
// --exact demands identical bits. Exit status 1 on any difference, 2 on
// bad input.
//
//===----------------------------------------------------------------------===//

#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>

namespace {

struct Options {
  double rtol = 1e-4;
  bool exact = false;
  std::string only;
};

struct Values {
  std::vector<int64_t> shape;
  std::vector<double> data;
  std::vector<uint8_t> bytes; // for --exact
};

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Compares one tensor; prints a line; true when it passes.
bool compare(const std::string &name, const Values &a, const Values &b,
             const Options &options) {
  if (a.shape != b.shape || a.data.size() != b.data.size()) {
    std::cout << name << ": shapes differ: " << shapeText(a.shape) << " vs "
              << shapeText(b.shape) << "  FAIL\n";
    return false;
  }
  if (options.exact) {
    bool same = a.bytes == b.bytes;
    size_t first = 0;
    while (!same && first < a.data.size() && a.data[first] == b.data[first])
      ++first;
    std::cout << name << ": " << (same ? "identical" : "differs");
    if (!same && first < a.data.size())
      std::cout << " (first at element " << first << ": " << a.data[first]
                << " vs " << b.data[first] << ")";
    std::cout << (same ? "  ok\n" : "  FAIL\n");
    return same;
  }
  double scale = 0;
  for (double v : b.data)
    scale += std::fabs(v);
  scale /= std::max<size_t>(1, b.data.size());
  double worst = 0;
  size_t worstAt = 0;
  bool ok = true;
  for (size_t i = 0; i < a.data.size(); ++i) {
    double diff = std::fabs(a.data[i] - b.data[i]);
    double allowed = options.rtol * (std::fabs(b.data[i]) + scale);
    if (std::isnan(a.data[i]) != std::isnan(b.data[i]) ||
        (!std::isnan(diff) && diff > allowed))
      ok = false;
    double ratio = allowed > 0 ? diff / allowed : (diff > 0 ? INFINITY : 0);
    if (ratio > worst || std::isnan(ratio)) {
      worst = ratio;
      worstAt = i;
    }
  }
  std::cout << name << ": " << a.data.size() << " elements, worst "
            << worst * options.rtol << " of the allowed " << options.rtol;
  if (!a.data.empty())
    std::cout << " (element " << worstAt << ": " << a.data[worstAt] << " vs "
              << b.data[worstAt] << ")";
  std::cout << (ok ? "  ok\n" : "  FAIL\n");
  return ok;
}

Values fromNpy(const std::string &path) {
  gmrt::NpyArray array = gmrt::readNpy(path);
  Values v;
  v.shape = array.shape;
  std::vector<float> f = array.toFloat();
  v.data.assign(f.begin(), f.end());
  v.bytes = array.bytes;
  return v;
}

Values fromStored(const gmrt::StoredTensor &t) {
  Values v;
  v.shape = t.shape;
  v.bytes = t.bytes;
  size_t n = t.bytes.size() / std::max<size_t>(1, gmrt::dtypeSize(t.dtype));
  for (size_t i = 0; i < n; ++i) {
    const uint8_t *p = t.bytes.data() + i * gmrt::dtypeSize(t.dtype);
    if (t.dtype == "F32") {
      float x;
      std::memcpy(&x, p, 4);
      v.data.push_back(x);
    } else if (t.dtype == "F64") {
      double x;
      std::memcpy(&x, p, 8);
      v.data.push_back(x);
    } else if (t.dtype == "I32") {
      int32_t x;
      std::memcpy(&x, p, 4);
      v.data.push_back(x);
    } else if (t.dtype == "I64") {
      int64_t x;
      std::memcpy(&x, p, 8);
      v.data.push_back(static_cast<double>(x));
    } else {
      v.data.push_back(*p);
    }
  }
  return v;
}

bool compareSafetensors(const std::string &a, const std::string &b,
                        const Options &options) {
  gmrt::Safetensors fa = gmrt::readSafetensors(a),
                    fb = gmrt::readSafetensors(b);
  std::regex only(options.only.empty() ? ".*" : options.only);
  bool ok = true;
  int compared = 0;
  for (const auto &[name, tb] : fb.tensors) {
    if (!std::regex_search(name, only))
      continue;
    auto it = fa.tensors.find(name);
    if (it == fa.tensors.end()) {
      std::cout << name << ": missing from " << a << "  FAIL\n";
      ok = false;
      continue;
    }
    ok &= compare(name, fromStored(it->second), fromStored(tb), options);
    ++compared;
  }
  if (compared == 0) {
    std::cout << "no tensors to compare\n";
    return false;
  }
  return ok;
}

std::vector<nlohmann::json> readJsonLines(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error(path + ": cannot open");
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty())
      lines.push_back(nlohmann::json::parse(line));
  return lines;
}

/// Each record of `b` against the record of `a` with its phase and step.
bool compareMetrics(const std::string &a, const std::string &b,
                    const Options &options) {
  std::vector<nlohmann::json> la = readJsonLines(a), lb = readJsonLines(b);
  bool ok = true;
  for (const nlohmann::json &rb : lb) {
    const nlohmann::json *ra = nullptr;
    for (const nlohmann::json &r : la)
      if (r.value("phase", "") == rb.value("phase", "") &&
          r.value("step", -1) == rb.value("step", -1))
        ra = &r;
    std::string where =
        rb.value("phase", "") + " step " + std::to_string(rb.value("step", -1));
    if (!ra) {
      std::cout << where << ": missing from " << a << "  FAIL\n";
      ok = false;
      continue;
    }
    for (const auto &[key, value] : rb.items()) {
      if (!value.is_number() || key == "step" || key == "img_per_s")
        continue;
      if (!ra->contains(key) || !(*ra)[key].is_number()) {
        std::cout << where << " " << key << ": missing from " << a
                  << "  FAIL\n";
        ok = false;
        continue;
      }
      Values va, vb;
      va.data = {(*ra)[key].get<double>()};
      vb.data = {value.get<double>()};
      ok &= compare(where + " " + key, va, vb, options);
    }
  }
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rtol" && i + 1 < argc)
      options.rtol = std::stod(argv[++i]);
    else if (arg == "--only" && i + 1 < argc)
      options.only = argv[++i];
    else if (arg == "--exact")
      options.exact = true;
    else if (arg.rfind("-", 0) == 0) {
      std::cerr << "gm-compare: unknown option " << arg << "\n";
      return 2;
    } else
      files.push_back(arg);
  }
  if (files.size() != 2) {
    std::cerr << "usage: gm-compare A B [--rtol R] [--only REGEX] [--exact]\n";
    return 2;
  }
  try {
    bool ok;
    if (endsWith(files[0], ".npy"))
      ok = compare(files[0], fromNpy(files[0]), fromNpy(files[1]), options);
    else if (endsWith(files[0], ".safetensors"))
      ok = compareSafetensors(files[0], files[1], options);
    else
      ok = compareMetrics(files[0], files[1], options);
    return ok ? 0 : 1;
  } catch (const std::exception &e) {
    std::cerr << "gm-compare: " << e.what() << "\n";
    return 2;
  }
}
