//===- dataset.cpp - image datasets and their batches ---------------------===//

#include "runtime/io/dataset.h"

#include "runtime/core/error.h"
#include "runtime/core/random.h"
#include "runtime/io/file.h"
#include "runtime/io/idx.h"

#include <numeric>

namespace gmrt {

namespace {

/// `dir/name.gz` if it exists, else `dir/name`.
std::string findIdx(const std::string &dir, const std::string &name,
                    const std::string &source) {
  for (const std::string &candidate :
       {dir + "/" + name + ".gz", dir + "/" + name})
    if (exists(candidate))
      return candidate;
  // Debian packages Fashion-MNIST; MNIST is the user's to fetch.
  std::string where =
      "--data DIR, with " + source + "/" + name + "[.gz] in DIR";
  throw Error(dir + "/" + name + "[.gz]: not found; " +
              (source == "fashion-mnist"
                   ? "install Debian's dataset-fashion-mnist (apt-get install "
                     "dataset-fashion-mnist) or pass " +
                         where
                   : "Debian has no " + source +
                         " package: fetch it and pass " + where));
}

/// The stream of the shuffles: an id no op uses.
constexpr uint32_t kShuffleStream = 0xFFFFFF00u;

} // namespace

ImageSet loadImages(const std::string &root, const std::string &source,
                    const std::string &split, bool withLabels) {
  if (source != "fashion-mnist" && source != "mnist")
    throw Error("unknown image dataset '" + source +
                "'; known: fashion-mnist, mnist");
  if (split != "train" && split != "test")
    throw Error("split must be train or test, got '" + split + "'");
  std::string dir = root + "/" + source;
  std::string prefix = split == "train" ? "train" : "t10k";
  std::string imagePath = findIdx(dir, prefix + "-images-idx3-ubyte", source);
  IdxBytes images = readIdx(imagePath);
  if (images.dims.size() != 3)
    throw Error(imagePath + ": expected N x H x W images, the file has rank " +
                std::to_string(images.dims.size()));
  ImageSet set;
  set.count = images.dims[0];
  set.height = images.dims[1];
  set.width = images.dims[2];
  set.images = std::move(images.data);
  if (withLabels) {
    std::string labelPath = findIdx(dir, prefix + "-labels-idx1-ubyte", source);
    IdxBytes labels = readIdx(labelPath);
    if (labels.dims.size() != 1 || labels.dims[0] != set.count)
      throw Error(labelPath + ": expected " + count(set.count, "label") +
                  ", one per image");
    set.labels.assign(labels.data.begin(), labels.data.end());
  }
  return set;
}

Batcher::Batcher(const ImageSet &set, int64_t batch, uint64_t seed,
                 bool shuffle)
    : Batcher(set.count, batch, seed, shuffle) {
  set_ = &set;
}

Batcher::Batcher(int64_t count, int64_t batch, uint64_t seed, bool shuffle)
    : count_(count), batch_(batch), seed_(seed), shuffle_(shuffle) {
  if (count < 1)
    throw Error("the dataset is empty");
}

int64_t Batcher::exampleAt(uint64_t g) {
  int64_t epoch = static_cast<int64_t>(g / count_);
  int64_t index = static_cast<int64_t>(g % count_);
  if (!shuffle_)
    return index;
  if (epoch != epoch_) {
    // Fisher-Yates with Philox draws keyed by (seed, epoch).
    order_.resize(static_cast<size_t>(count_));
    std::iota(order_.begin(), order_.end(), 0);
    Stream stream{kShuffleStream, static_cast<uint32_t>(epoch), 0};
    for (int64_t i = count_ - 1; i > 0; --i) {
      uint64_t r = randomBits(seed_, stream, static_cast<uint64_t>(i));
      int64_t j = static_cast<int64_t>(r % static_cast<uint64_t>(i + 1));
      std::swap(order_[i], order_[j]);
    }
    epoch_ = epoch;
  }
  return order_[index];
}

void Batcher::next(float *images, int32_t *labels) {
  int64_t size = set_->imageSize();
  for (int64_t b = 0; b < batch_; ++b) {
    int64_t k = exampleAt(position_ * batch_ + b);
    const uint8_t *src = set_->images.data() + k * size;
    for (int64_t p = 0; p < size; ++p)
      images[b * size + p] = src[p] / 255.0f;
    if (labels)
      labels[b] = set_->labels.empty() ? 0 : set_->labels[k];
  }
  ++position_;
}

void Batcher::nextIndices(int64_t *indices) {
  for (int64_t b = 0; b < batch_; ++b)
    indices[b] = exampleAt(position_ * batch_ + b);
  ++position_;
}

} // namespace gmrt
