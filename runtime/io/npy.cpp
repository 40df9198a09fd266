//===- npy.cpp - NumPy .npy files -----------------------------------------===//

#include "runtime/io/npy.h"

#include "runtime/core/error.h"
#include "runtime/io/file.h"

#include <cstring>
#include <regex>

namespace gmrt {

int64_t NpyArray::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<float> NpyArray::toFloat() const {
  std::vector<float> out(static_cast<size_t>(elements()));
  for (size_t i = 0; i < out.size(); ++i) {
    switch (type) {
    case NpyType::U8:
      out[i] = bytes[i];
      break;
    case NpyType::I32: {
      int32_t v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      out[i] = static_cast<float>(v);
      break;
    }
    case NpyType::F32:
      std::memcpy(&out[i], bytes.data() + 4 * i, 4);
      break;
    }
  }
  return out;
}

NpyArray readNpy(const std::string &path) {
  std::vector<uint8_t> file = readFile(path);
  static const char kMagic[] = "\x93NUMPY";
  if (file.size() < 10 || std::memcmp(file.data(), kMagic, 6) != 0)
    throw Error(path + ": not a .npy file (bad magic)");
  int major = file[6];
  size_t headerLength, offset;
  if (major == 1) {
    headerLength = file[8] | (file[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (file.size() < 12)
      throw Error(path + ": truncated .npy header");
    headerLength =
        file[8] | (file[9] << 8) | (file[10] << 16) | (size_t(file[11]) << 24);
    offset = 12;
  } else {
    throw Error(path + ": unsupported .npy version " + std::to_string(major));
  }
  if (offset + headerLength > file.size())
    throw Error(path + ": truncated .npy header");
  std::string header(file.begin() + offset,
                     file.begin() + offset + headerLength);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']*)'")))
    throw Error(path + ": .npy header has no 'descr'");
  std::string descr = m[1];
  NpyArray array;
  size_t elementSize;
  if (descr == "|u1" || descr == "<u1") {
    array.type = NpyType::U8;
    elementSize = 1;
  } else if (descr == "<i4") {
    array.type = NpyType::I32;
    elementSize = 4;
  } else if (descr == "<f4") {
    array.type = NpyType::F32;
    elementSize = 4;
  } else {
    throw Error(path + ": .npy dtype '" + descr +
                "' is not supported; save uint8, int32 or float32 "
                "(little-endian)");
  }
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
    throw Error(path + ": .npy data is in Fortran order; save it in C order "
                       "(np.ascontiguousarray)");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw Error(path + ": .npy header has no 'shape'");
  // Each dimension a non-negative integer whose product (in bytes) fits:
  // a header is input like any other.
  std::string dims = m[1];
  static const std::regex item("\\s*([^,\\s][^,]*?)\\s*(,|$)"), digits("\\d+");
  uint64_t need = elementSize;
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), item);
       it != std::sregex_iterator(); ++it) {
    std::string text = (*it)[1];
    if (!text.empty() && text.back() == 'L')
      text.pop_back(); // Python 2 wrote long integers so: (3L, 4L)
    if (!std::regex_match(text, digits))
      throw Error(path + ": .npy header has a dimension '" + text +
                  "'; dimensions are non-negative integers");
    int64_t d = text.size() > 18 ? INT64_MAX : std::stoll(text);
    if (__builtin_mul_overflow(need, static_cast<uint64_t>(d), &need))
      throw Error(path + ": .npy header's shape (" + dims +
                  ") holds more bytes than a machine can address");
    array.shape.push_back(d);
  }
  size_t data = offset + headerLength;
  if (file.size() - data != need)
    throw Error(path + ": .npy data has " + std::to_string(file.size() - data) +
                " bytes, its header promises " + std::to_string(need));
  array.bytes.assign(file.begin() + data, file.end());
  return array;
}

void writeNpy(const std::string &path, const std::vector<int64_t> &shape,
              const float *data) {
  std::string dims;
  int64_t n = 1;
  for (int64_t d : shape) {
    dims += std::to_string(d) + ", ";
    n *= d;
  }
  if (shape.size() > 1)
    dims.resize(dims.size() - 1); // "(2, 3)" but "(2,)"
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that the data starts at a multiple of 64, then \n.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char *>(data),
             static_cast<size_t>(n) * sizeof(float));
  writeFileAtomically(path, out);
}

} // namespace gmrt
