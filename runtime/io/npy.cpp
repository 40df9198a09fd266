//===- npy.cpp - NumPy .npy files -----------------------------------------===//

#include "runtime/io/npy.h"

#include "runtime/core/error.h"
#include "runtime/io/file.h"

#include <cctype>
#include <cstring>

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

namespace {

/// What readNpy needs of a header: the dict literal numpy writes,
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NpyHeader {
  std::string descr;
  bool structured = false; // descr a list of fields
  bool fortranOrder = false;
  bool hasShape = false;
  std::string shapeText;         // between the parentheses
  std::vector<std::string> dims; // each dimension's text, trimmed
};

/// Reads the header by hand, in one pass: std::regex matches by recursion,
/// a frame per character, and a long (valid) header overflowed the stack.
class HeaderScanner {
public:
  HeaderScanner(const std::string &path, const std::string &text)
      : path_(path), text_(text) {}

  NpyHeader run() {
    NpyHeader h;
    expect('{');
    while (!eat('}')) {
      std::string key = quoted();
      expect(':');
      if (key == "descr") {
        h.structured = !atQuote(); // a list of fields
        if (h.structured)
          skipValue();
        else
          h.descr = quoted();
      } else if (key == "fortran_order")
        h.fortranOrder = word() == "True";
      else if (key == "shape")
        shape(h);
      else
        skipValue();
      if (!eat(',')) {
        expect('}');
        break;
      }
    }
    return h;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw Error(path_ + ": .npy header is not a dict literal (" + what +
                " at byte " + std::to_string(pos_) + ")");
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(uint8_t(text_[pos_])))
      ++pos_;
  }
  bool eat(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c)
      return ++pos_, true;
    return false;
  }
  void expect(char c) {
    if (!eat(c))
      fail(std::string("expected '") + c + "'");
  }
  bool atQuote() {
    skipSpace();
    return pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"');
  }
  std::string quoted() {
    if (!atQuote())
      fail("expected a string");
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string::npos)
      fail("unterminated string");
    std::string s = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  std::string word() {
    skipSpace();
    size_t begin = pos_;
    while (pos_ < text_.size() && std::isalnum(uint8_t(text_[pos_])))
      ++pos_;
    return text_.substr(begin, pos_ - begin);
  }
  void shape(NpyHeader &h) {
    expect('(');
    size_t close = text_.find(')', pos_);
    if (close == std::string::npos)
      fail("unterminated shape");
    h.hasShape = true;
    h.shapeText = text_.substr(pos_, close - pos_);
    // Comma-separated items, a trailing comma allowed: (4,) and (2, 3).
    size_t at = 0;
    const std::string &t = h.shapeText;
    while (at < t.size()) {
      size_t comma = t.find(',', at);
      if (comma == std::string::npos)
        comma = t.size();
      size_t b = t.find_first_not_of(" \t\n", at);
      size_t e = t.find_last_not_of(" \t\n", comma - 1);
      if (b < comma && e != std::string::npos && e >= b)
        h.dims.push_back(t.substr(b, e - b + 1));
      else if (comma < t.size())
        fail("an empty dimension");
      at = comma + 1;
    }
    pos_ = close + 1;
  }
  /// A value of another key: a string, a word or a bracketed group (whose
  /// strings may hold brackets).
  void skipValue() {
    int depth = 0;
    while (pos_ < text_.size()) {
      if (atQuote()) {
        quoted();
        continue;
      }
      char c = text_[pos_];
      if ((c == ',' || c == '}') && depth == 0)
        return;
      if (c == '(' || c == '[' || c == '{')
        ++depth;
      else if ((c == ')' || c == ']' || c == '}') && --depth < 0)
        fail("unbalanced brackets");
      ++pos_;
    }
  }

  const std::string &path_;
  const std::string &text_;
  size_t pos_ = 0;
};

NpyHeader parseHeader(const std::string &path, const std::string &text) {
  return HeaderScanner(path, text).run();
}

} // namespace

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
  NpyHeader h = parseHeader(path, header);
  if (h.structured)
    throw Error(path + ": .npy data has a structured dtype (named fields); "
                       "save a plain uint8, int32 or float32 array");
  if (h.descr.empty())
    throw Error(path + ": .npy header has no 'descr'");
  const std::string &descr = h.descr;
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
  if (h.fortranOrder)
    throw Error(path + ": .npy data is in Fortran order; save it in C order "
                       "(np.ascontiguousarray)");
  if (!h.hasShape)
    throw Error(path + ": .npy header has no 'shape'");
  // Each dimension a non-negative integer whose product (in bytes) fits:
  // a header is input like any other.
  uint64_t need = elementSize;
  for (std::string text : h.dims) {
    if (!text.empty() && text.back() == 'L')
      text.pop_back(); // Python 2 wrote long integers so: (3L, 4L)
    if (text.empty() ||
        text.find_first_not_of("0123456789") != std::string::npos)
      throw Error(path + ": .npy header has a dimension '" + text +
                  "'; dimensions are non-negative integers");
    int64_t d = text.size() > 18 ? INT64_MAX : std::stoll(text);
    if (__builtin_mul_overflow(need, static_cast<uint64_t>(d), &need))
      throw Error(path + ": .npy header's shape (" + h.shapeText +
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
