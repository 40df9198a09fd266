//===- file.cpp - whole-file reads and atomic writes ----------------------===//

#include "runtime/io/file.h"

#include "runtime/core/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gmrt {

namespace {
std::string why() { return std::strerror(errno); }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// Writes all of `data`, retrying short writes; false (errno set) when the
/// system refuses part of it.
bool writeAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}
} // namespace

std::vector<uint8_t> readFile(const std::string &path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    throw Error(path + ": cannot open: " + why());
  struct stat st;
  if (::fstat(f.fd, &st) != 0)
    throw Error(path + ": cannot stat: " + why());
  if (!S_ISREG(st.st_mode))
    throw Error(path + ": not a regular file");
  std::vector<uint8_t> data(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(f.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw Error(path + ": cannot read: " + why());
    if (n == 0)
      break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  return data;
}

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void checkWritable(const std::string &path) {
  if (isDirectory(path))
    throw Error(path + ": cannot write: it is a directory");
  std::string probe = path + ".probe." + std::to_string(::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    throw Error(path + ": cannot write: " + why());
  ::close(fd);
  ::unlink(probe.c_str());
}

void writeFileAtomically(const std::string &path, std::string_view contents) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    Fd f{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (f.fd < 0)
      throw Error(path + ": cannot create " + temp + ": " + why());
    if (!writeAll(f.fd, contents)) {
      std::string reason = why();
      ::unlink(temp.c_str());
      throw Error(path + ": cannot write: " + reason);
    }
    if (::fsync(f.fd) != 0) {
      std::string reason = why();
      ::unlink(temp.c_str());
      throw Error(path + ": cannot flush to disk: " + reason);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string reason = why();
    ::unlink(temp.c_str());
    throw Error(path + ": cannot replace: " + reason);
  }
  // The rename itself must reach the disk too.
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos
                                       ? 0
                                       : path.find_last_of('/'));
  Fd d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd >= 0)
    ::fsync(d.fd);
}

AppendFile::AppendFile(const std::string &path, bool truncate)
    : path_(path), fd_(::open(path.c_str(),
                              O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC |
                                  (truncate ? O_TRUNC : 0),
                              0644)) {
  if (fd_ < 0)
    throw Error(path + ": cannot open for " +
                (truncate ? "writing" : "appending") + ": " + why());
  // Back from the end to the last newline: what follows it was cut short.
  off_t end = ::lseek(fd_, 0, SEEK_END), keep = end;
  const char *failed = nullptr;
  for (char c; keep > 0 && !failed; --keep) {
    if (::pread(fd_, &c, 1, keep - 1) != 1)
      failed = "cannot read";
    else if (c == '\n')
      break;
  }
  if (!failed && keep < end && ::ftruncate(fd_, keep) != 0)
    failed = "cannot drop its last line, cut short";
  if (failed) {
    std::string reason = why();
    ::close(fd_);
    throw Error(path + ": " + failed + ": " + reason);
  }
}

AppendFile::~AppendFile() { ::close(fd_); }

void AppendFile::append(std::string_view record) {
  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end >= 0 && writeAll(fd_, record))
    return;
  std::string reason = why();
  if (end >= 0)
    (void)::ftruncate(fd_, end);
  throw Error(path_ + ": cannot write: " + reason);
}

} // namespace gmrt
