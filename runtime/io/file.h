//===- file.h - whole-file reads and atomic writes -------------*- C++ -*-===//
//
// Outputs (checkpoints, sample grids, NPY files) are written to a temporary
// file next to the destination, flushed to disk, and renamed over it: a
// crash or Ctrl-C leaves either the old file or the new one, never half.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_FILE_H
#define GMRT_IO_FILE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gmrt {

/// The whole file; throws gmrt::Error naming the file when it cannot.
std::vector<uint8_t> readFile(const std::string &path);

/// Whether `path` names anything (stat succeeds).
bool exists(const std::string &path);
/// Whether `path` names a directory.
bool isDirectory(const std::string &path);

/// Throws gmrt::Error unless writeFileAtomically(path, ...) can work: `path`
/// is no directory and a file can be created beside it. Checked before long
/// work (training, sampling) so that its result is not lost at the end.
void checkWritable(const std::string &path);

/// Replaces `path` atomically with `contents` (temp file, fsync, rename,
/// fsync of the directory).
void writeFileAtomically(const std::string &path, std::string_view contents);

/// A file that grows by whole lines (the metrics log): an append that
/// fails (a full disk) is cut back off, so no half line stays.
class AppendFile {
public:
  /// Opens `path` for appending (created if needed; emptied with
  /// `truncate`); a last line cut short (no newline: a crash while it was
  /// written) is dropped, so that the next line does not join it. Throws
  /// gmrt::Error naming the file and why.
  AppendFile(const std::string &path, bool truncate);
  ~AppendFile();
  AppendFile(const AppendFile &) = delete;
  AppendFile &operator=(const AppendFile &) = delete;

  /// Appends `record` whole, or throws gmrt::Error with the file as it was.
  void append(std::string_view record);

private:
  std::string path_;
  int fd_;
};

} // namespace gmrt

#endif // GMRT_IO_FILE_H
