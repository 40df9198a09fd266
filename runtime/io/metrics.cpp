//===- metrics.cpp - the metrics log (metrics.jsonl) ----------------------===//

#include "runtime/io/metrics.h"

#include "runtime/core/error.h"
#include "runtime/io/file.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace gmrt {

MetricsLog::MetricsLog(const std::string &path, bool startOver)
    : file_(path, startOver) {}

void MetricsLog::write(
    const std::string &phase, uint64_t step,
    const std::vector<std::pair<std::string, double>> &values,
    const std::vector<std::pair<std::string, double>> &extra) {
  nlohmann::ordered_json line;
  line["phase"] = phase;
  line["step"] = step;
  // JSON has no NaN or infinity: they are written as strings.
  auto put = [&](const std::string &key, double v) {
    if (std::isfinite(v))
      line[key] = v;
    else
      line[key] = std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  };
  for (const auto &[key, v] : values)
    put(key, v);
  for (const auto &[key, v] : extra)
    put(key, v);
  file_.append(line.dump() + "\n");
}

void forgetMetricsAfter(const std::string &path,
                        const std::map<std::string, uint64_t> &steps) {
  if (!exists(path))
    return;
  std::vector<uint8_t> bytes = readFile(path);
  std::string text(bytes.begin(), bytes.end()), kept;
  // (What follows the last newline, cut short, AppendFile drops.)
  bool dropped = false;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    std::string line = text.substr(start, end - start);
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object() && record["phase"].is_string() &&
        record["step"].is_number_unsigned()) {
      auto it = steps.find(record["phase"].get<std::string>());
      if (it != steps.end() && record["step"].get<uint64_t>() > it->second) {
        dropped = true;
        continue;
      }
    }
    kept += line + "\n";
  }
  if (dropped)
    writeFileAtomically(path, kept);
}

} // namespace gmrt
