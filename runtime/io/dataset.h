//===- dataset.h - image datasets and their batches ------------*- C++ -*-===//
//
// Fashion-MNIST and MNIST from IDX files (Debian's dataset-fashion-mnist
// installs them under /usr/share/datasets/fashion-mnist), and the batches a
// trainer draws from them: a seeded shuffle per epoch that depends only on
// (seed, epoch), so a resumed run continues the same order.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_IO_DATASET_H
#define GMRT_IO_DATASET_H

#include <cstdint>
#include <string>
#include <vector>

namespace gmrt {

/// Images as bytes, N x C x H x W, and their labels (empty when not loaded).
struct ImageSet {
  int64_t count = 0, channels = 1, height = 0, width = 0;
  std::vector<uint8_t> images;
  std::vector<int32_t> labels;

  int64_t imageSize() const { return channels * height * width; }
};

/// The default data root: Debian's dataset packages.
constexpr const char *kDefaultDataRoot = "/usr/share/datasets";

/// Loads `source` ("fashion-mnist" or "mnist") `split` ("train" or "test")
/// from `root/source/`, `.gz` or not. Throws gmrt::Error naming the file and
/// saying how to get it.
ImageSet loadImages(const std::string &root, const std::string &source,
                    const std::string &split, bool withLabels);

/// Draws batches epoch after epoch in a shuffled order.
class Batcher {
public:
  Batcher(const ImageSet &set, int64_t batch, uint64_t seed, bool shuffle);
  /// Order only: for data that is not an ImageSet (NPY files).
  Batcher(int64_t count, int64_t batch, uint64_t seed, bool shuffle);
  /// Fills `images` (batch x C x H x W, scaled to [0, 1]) and, when not
  /// null, `labels`; advances the position.
  void next(float *images, int32_t *labels);
  /// Writes the indices of the next batch's examples; advances.
  void nextIndices(int64_t *indices);
  /// Batches drawn so far: save it in checkpoints, seek() to it on resume.
  uint64_t position() const { return position_; }
  void seek(uint64_t position) { position_ = position; }

private:
  /// Index into the set of the example at global offset `g`.
  int64_t exampleAt(uint64_t g);

  const ImageSet *set_ = nullptr;
  int64_t count_;
  int64_t batch_;
  uint64_t seed_;
  bool shuffle_;
  uint64_t position_ = 0;
  int64_t epoch_ = -1;
  std::vector<int64_t> order_;
};

} // namespace gmrt

#endif // GMRT_IO_DATASET_H
