//===- feed.h - batches for gm.next in the model's shapes ----- -*- C++ -*-===//
//
// A dataset of the model info (images from IDX files, or an NPY array) and
// the order its examples are drawn in. Fields are written in the model's
// element types: float images scaled to [0, 1] (NPY values as they are),
// integer images as their byte values, labels as i32/i64.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_FEED_H
#define GMRT_IO_FEED_H

#include "runtime/core/model_info.h"
#include "runtime/io/dataset.h"

#include <memory>

namespace gmrt {

/// Whether a dataset source names an image dataset (IDX files under the
/// data root) rather than an NPY file.
bool isImageSource(const std::string &source);

class DataFeed {
public:
  /// Loads the data (throws gmrt::Error naming the file and the remedy, or
  /// the mismatch between the file and the model's fields). Training feeds
  /// shuffle every epoch by `seed`; others read in order.
  DataFeed(const std::string &root, const DatasetInfo &info, uint64_t seed,
           bool shuffle);

  /// Writes the next batch into `fields` (one buffer per field).
  void next(void *const *fields);

  uint64_t position() const { return batcher_->position(); }
  void seek(uint64_t position) { batcher_->seek(position); }
  int64_t examples() const { return count_; }
  /// Whole batches in one pass over the data.
  int64_t batchesPerEpoch() const { return count_ / info_.batch; }
  const DatasetInfo &info() const { return info_; }

private:
  void loadImages(const std::string &root);
  void loadNpy(const std::string &root);

  DatasetInfo info_;
  int64_t count_ = 0, exampleSize_ = 0;
  /// One of the two holds the examples.
  std::vector<uint8_t> bytes_;
  std::vector<float> floats_;
  std::vector<int32_t> labels_;
  std::unique_ptr<Batcher> batcher_;
  std::vector<int64_t> indices_;
};

} // namespace gmrt

#endif // GMRT_IO_FEED_H
