//===- idx.cpp - IDX files (MNIST, Fashion-MNIST) -------------------------===//

#include "runtime/io/idx.h"

#include "runtime/core/error.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace gmrt {

namespace {

/// gzread handles both gzip and plain files.
struct GzFile {
  gzFile file;
  ~GzFile() {
    if (file)
      gzclose(file);
  }
};

/// Reads exactly `size` bytes or reports what is missing.
void readExactly(gzFile file, const std::string &path, void *out, size_t size,
                 const char *what) {
  size_t done = 0;
  auto *bytes = static_cast<uint8_t *>(out);
  while (done < size) {
    unsigned chunk =
        static_cast<unsigned>(std::min<size_t>(size - done, 1u << 30));
    int n = gzread(file, bytes + done, chunk);
    if (n < 0) {
      int code;
      const char *message = gzerror(file, &code);
      throw Error(path + ": cannot read " + what + ": " + message);
    }
    if (n == 0)
      throw Error(path + ": truncated: " + what + " needs " +
                  std::to_string(size) + " bytes, the file has " +
                  std::to_string(done) +
                  "; the download is incomplete or the file is damaged");
    done += static_cast<size_t>(n);
  }
}

} // namespace

IdxBytes readIdx(const std::string &path) {
  GzFile f{gzopen(path.c_str(), "rb")};
  if (!f.file)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  uint8_t magic[4];
  readExactly(f.file, path, magic, 4, "the header");
  if (magic[0] != 0 || magic[1] != 0)
    throw Error(path + ": not an IDX file (bad magic number)");
  if (magic[2] != 0x08)
    throw Error(path + ": IDX element type " + std::to_string(magic[2]) +
                " is not unsigned bytes (0x08)");
  int rank = magic[3];
  if (rank < 1 || rank > 4)
    throw Error(path + ": IDX rank " + std::to_string(rank) +
                " is not supported (1 to 4)");
  IdxBytes result;
  size_t total = 1;
  for (int i = 0; i < rank; ++i) {
    uint8_t be[4];
    readExactly(f.file, path, be, 4, "the dimensions");
    int64_t d = (int64_t(be[0]) << 24) | (be[1] << 16) | (be[2] << 8) | be[3];
    if (d <= 0 || d > (int64_t(1) << 28))
      throw Error(path + ": implausible IDX dimension " + std::to_string(d));
    result.dims.push_back(d);
    total *= static_cast<size_t>(d);
    if (total > (size_t(1) << 32))
      throw Error(path + ": the IDX data would exceed 4 GiB");
  }
  result.data.resize(total);
  readExactly(f.file, path, result.data.data(), total, "the data");
  uint8_t extra;
  if (gzread(f.file, &extra, 1) > 0)
    throw Error(path + ": trailing bytes after the IDX data; the file is "
                       "not what its header says");
  return result;
}

} // namespace gmrt
