//===- safetensors.cpp - checkpoints in the safetensors format ------------===//

#include "runtime/io/safetensors.h"

#include "runtime/core/error.h"
#include "runtime/io/file.h"

#include <nlohmann/json.hpp>

namespace gmrt {

size_t dtypeSize(const std::string &dtype) {
  if (dtype == "F32" || dtype == "I32")
    return 4;
  if (dtype == "F64" || dtype == "I64")
    return 8;
  if (dtype == "BF16" || dtype == "F16")
    return 2;
  if (dtype == "U8")
    return 1;
  return 0;
}

void writeSafetensors(const std::string &path, const Safetensors &file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty())
    header["__metadata__"] = file.metadata;
  size_t offset = 0;
  for (const auto &[name, tensor] : file.tensors) {
    header[name] = {{"dtype", tensor.dtype},
                    {"shape", tensor.shape},
                    {"data_offsets", {offset, offset + tensor.bytes.size()}}};
    offset += tensor.bytes.size();
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' '); // Data aligned to 8 bytes.
  std::string out;
  uint64_t length = json.size();
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((length >> (8 * i)) & 0xff);
  out += json;
  for (const auto &[name, tensor] : file.tensors)
    out.append(reinterpret_cast<const char *>(tensor.bytes.data()),
               tensor.bytes.size());
  writeFileAtomically(path, out);
}

Safetensors readSafetensors(const std::string &path) {
  std::vector<uint8_t> data = readFile(path);
  auto corrupt = [&](const std::string &what) {
    return DamagedFile(path + ": not a valid checkpoint: " + what +
                       " (the file is truncated or damaged)");
  };
  if (data.size() < 8)
    throw corrupt("shorter than the 8-byte header length");
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i)
    length |= uint64_t(data[i]) << (8 * i);
  if (length > data.size() - 8)
    throw corrupt("the header length " + std::to_string(length) +
                  " exceeds the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(
        data.begin() + 8, data.begin() + 8 + static_cast<long>(length));
  } catch (const nlohmann::json::exception &e) {
    throw corrupt(std::string("the JSON header does not parse: ") + e.what());
  }
  if (!header.is_object())
    throw corrupt("the header is not a JSON object");
  size_t base = 8 + length, available = data.size() - base;
  Safetensors file;
  for (auto &[name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object())
        throw corrupt("__metadata__ is not an object");
      for (auto &[key, value] : entry.items()) {
        if (!value.is_string())
          throw corrupt("metadata '" + key + "' is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    if (!entry.is_object() || !entry.contains("dtype") ||
        !entry.contains("shape") || !entry.contains("data_offsets") ||
        !entry["dtype"].is_string() || !entry["shape"].is_array() ||
        !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
      throw corrupt("tensor '" + name + "' lacks dtype, shape or offsets");
    StoredTensor t;
    t.dtype = entry["dtype"].get<std::string>();
    size_t size = dtypeSize(t.dtype);
    if (!size)
      throw corrupt("tensor '" + name + "' has unknown dtype " + t.dtype);
    uint64_t count = 1;
    for (auto &d : entry["shape"]) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t(1) << 40))
        throw corrupt("tensor '" + name + "' has a bad shape");
      t.shape.push_back(d.get<int64_t>());
      count *= d.get<uint64_t>();
      if (count > (uint64_t(1) << 40))
        throw corrupt("tensor '" + name + "' is implausibly large");
    }
    auto &offsets = entry["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      throw corrupt("tensor '" + name + "' has bad offsets");
    uint64_t begin = offsets[0], end = offsets[1];
    if (begin > end || end > available)
      throw corrupt("tensor '" + name + "' lies outside the file");
    if (end - begin != count * size)
      throw corrupt("tensor '" + name + "' has " + std::to_string(end - begin) +
                    " bytes for " + std::to_string(count) + " elements of " +
                    t.dtype);
    t.bytes.assign(data.begin() + static_cast<long>(base + begin),
                   data.begin() + static_cast<long>(base + end));
    file.tensors[name] = std::move(t);
  }
  return file;
}

} // namespace gmrt
