//===- feed.cpp - batches for gm.next -------------------------------------===//

#include "runtime/io/feed.h"

#include "runtime/core/error.h"
#include "runtime/io/npy.h"

#include <sys/stat.h>

namespace gmrt {

bool isImageSource(const std::string &source) {
  return source == "fashion-mnist" || source == "mnist";
}

static bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

DataFeed::DataFeed(const std::string &root, const DatasetInfo &info,
                   uint64_t seed, bool shuffle)
    : info_(info) {
  if (info.fields.empty() || info.fields.size() > 2)
    throw Error("dataset '" + info.name +
                "': expected an image field and an "
                "optional label, got " +
                std::to_string(info.fields.size()) + " fields");
  if (info.batch < 1)
    throw Error("dataset '" + info.name + "' is never drawn from");
  if (isImageSource(info.source))
    loadImages(root);
  else
    loadNpy(root);
  if (count_ < info.batch)
    throw Error("dataset '" + info.name + "' (" + info.source + ") has " +
                std::to_string(count_) + " examples, fewer than one batch of " +
                std::to_string(info.batch));
  batcher_ = std::make_unique<Batcher>(count_, info.batch, seed, shuffle);
  indices_.resize(info.batch);
}

void DataFeed::loadImages(const std::string &root) {
  bool withLabels = info_.fields.size() == 2;
  ImageSet set = gmrt::loadImages(root, info_.source, info_.split, withLabels);
  TensorSpec image = info_.fields[0];
  std::vector<int64_t> stored{set.channels, set.height, set.width};
  if (image.shape != stored)
    throw Error("dataset '" + info_.name + "': " + info_.source +
                " images are " + TensorSpec{image.dtype, stored}.str() +
                ", the model reads " + image.str());
  count_ = set.count;
  exampleSize_ = set.imageSize();
  bytes_ = std::move(set.images);
  labels_ = std::move(set.labels);
}

void DataFeed::loadNpy(const std::string &root) {
  std::string path = info_.source;
  if (!path.empty() && path[0] != '/' && !exists(path) &&
      exists(root + "/" + path))
    path = root + "/" + path;
  std::string shortName =
      info_.name.rfind("data.", 0) == 0 ? info_.name.substr(5) : info_.name;
  if (!exists(path))
    throw Error(info_.source +
                ": not found (looked in the working directory "
                "and in " +
                root + "; pass --data DIR for another place, or --source " +
                shortName + "=FILE)");
  NpyArray array = readNpy(path);
  const TensorSpec &field = info_.fields[0];
  std::vector<int64_t> example(
      array.shape.begin() + (array.shape.empty() ? 0 : 1), array.shape.end());
  if (array.shape.empty() || example != field.shape)
    throw Error(path + ": holds an array of shape " +
                TensorSpec{"", array.shape}.str().substr(0) +
                "; the model reads examples of shape " + field.str() +
                ", so the file should be [N, ...those]");
  count_ = array.shape[0];
  exampleSize_ = field.elements();
  floats_ = array.toFloat();
}

void DataFeed::next(void *const *fields) {
  batcher_->nextIndices(indices_.data());
  const TensorSpec &image = info_.fields[0];
  for (int64_t b = 0; b < info_.batch; ++b) {
    int64_t k = indices_[b];
    for (int64_t p = 0; p < exampleSize_; ++p) {
      int64_t at = b * exampleSize_ + p, from = k * exampleSize_ + p;
      float value = floats_.empty() ? bytes_[from] : floats_[from];
      if (image.dtype == "f32")
        static_cast<float *>(fields[0])[at] =
            floats_.empty() ? value / 255.0f : value;
      else if (image.dtype == "i32")
        static_cast<int32_t *>(fields[0])[at] = static_cast<int32_t>(value);
      else if (image.dtype == "i64")
        static_cast<int64_t *>(fields[0])[at] = static_cast<int64_t>(value);
      else
        throw Error("dataset '" + info_.name + "': cannot read images as " +
                    image.dtype);
    }
    if (info_.fields.size() == 2) {
      int32_t label = labels_.empty() ? 0 : labels_[k];
      if (info_.fields[1].dtype == "i64")
        static_cast<int64_t *>(fields[1])[b] = label;
      else
        static_cast<int32_t *>(fields[1])[b] = label;
    }
  }
}

} // namespace gmrt
