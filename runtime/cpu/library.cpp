//===- library.cpp - library ops: oneDNN kernels and the runtime's loops --===//
//
// Semantics are the gm ops' (docs/dialect.md) and match the reference
// evaluator's: random draws use runtime/core/random.h element for element,
// nearest picks the lowest index on ties, argmax the first maximum.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/library.h"

#include "runtime/core/error.h"
#include "runtime/core/parallel.h"
#include "runtime/core/random.h"
#include "runtime/cpu/kernels.h"

#include <cmath>
#include <limits>

namespace gmrt::cpu {

namespace {

using json = nlohmann::json;

/// Elements per parallel task of the runtime's own loops.
constexpr int64_t kGrain = 1 << 14;

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

float *f32(void *p) { return static_cast<float *>(p); }

/// Reads element `i` of a buffer of integer `dtype` ("i32" or "i64").
int64_t indexAt(const void *p, const std::string &dtype, int64_t i) {
  if (dtype == "i64")
    return static_cast<const int64_t *>(p)[i];
  return static_cast<const int32_t *>(p)[i];
}

/// Writes `v` as element `i` of a buffer of `dtype`.
void storeAt(void *p, const std::string &dtype, int64_t i, double v) {
  if (dtype == "f32")
    static_cast<float *>(p)[i] = static_cast<float>(v);
  else if (dtype == "f64")
    static_cast<double *>(p)[i] = v;
  else if (dtype == "i64")
    static_cast<int64_t *>(p)[i] = static_cast<int64_t>(v);
  else if (dtype == "i32")
    static_cast<int32_t *>(p)[i] = static_cast<int32_t>(v);
  else
    throw Error("unsupported element type " + dtype);
}

double loadAt(const void *p, const std::string &dtype, int64_t i) {
  if (dtype == "f32")
    return static_cast<const float *>(p)[i];
  if (dtype == "f64")
    return static_cast<const double *>(p)[i];
  return static_cast<double>(indexAt(p, dtype, i));
}

/// The element types the runtime's own loops read and write.
std::string checkType(const std::string &dtype,
                      std::initializer_list<const char *> allowed) {
  for (const char *a : allowed)
    if (dtype == a)
      return dtype;
  std::string list;
  for (const char *a : allowed)
    list += (list.empty() ? "" : ", ") + std::string(a);
  throw Error("element type " + dtype + " is not supported on the CPU (" +
              list + ")");
}

/// Sizes before, along and after `axis` of `shape`.
struct Lines {
  int64_t outer = 1, length = 1, inner = 1;
  Lines(const std::vector<int64_t> &shape, int64_t axis) {
    for (int64_t d = 0; d < axis; ++d)
      outer *= shape[d];
    length = shape[axis];
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  }
};

//===----------------------------------------------------------------------===//
// oneDNN-backed ops
//===----------------------------------------------------------------------===//

ConvShape convShape(const json &d) {
  auto x = d.at("x").get<std::vector<int64_t>>();
  auto w = d.at("w").get<std::vector<int64_t>>();
  auto y = d.at("y").get<std::vector<int64_t>>();
  auto stride = d.at("stride").get<std::vector<int64_t>>();
  auto padding = d.at("padding").get<std::vector<int64_t>>();
  auto dilation = d.at("dilation").get<std::vector<int64_t>>();
  ConvShape s;
  s.n = x[0], s.c = x[1], s.h = x[2], s.w = x[3];
  s.o = w[0], s.kh = w[2], s.kw = w[3];
  s.oh = y[2], s.ow = y[3];
  s.strideH = stride[0], s.strideW = stride[1];
  s.padTop = padding[0], s.padLeft = padding[1];
  s.padBottom = padding[2], s.padRight = padding[3];
  s.dilationH = dilation[0], s.dilationW = dilation[1];
  s.groups = d.at("groups");
  if (d.contains("mask"))
    s.mask = d.at("mask").get<std::vector<uint8_t>>();
  return s;
}

/// x, w -> y; dy, w -> dx; x, dy -> dw: the three uses of one geometry.
class ConvOp : public LibraryOp {
public:
  enum Mode { Forward, BackwardData, BackwardWeights };
  ConvOp(const json &d, Mode mode) : conv_(convShape(d)), mode_(mode) {}
  void run(const CallContext &, void *const *p) override {
    switch (mode_) {
    case Forward:
      return conv_.forward(f32(p[0]), f32(p[1]), f32(p[2]));
    case BackwardData:
      return conv_.backwardData(f32(p[0]), f32(p[1]), f32(p[2]));
    case BackwardWeights:
      return conv_.backwardWeights(f32(p[0]), f32(p[1]), f32(p[2]));
    }
  }

private:
  Conv2d conv_;
  Mode mode_;
};

class MatmulOp : public LibraryOp {
public:
  explicit MatmulOp(const json &d)
      : matmul_(d.at("batch"), d.at("m"), d.at("k"), d.at("n"),
                d.at("transpose_a"), d.at("transpose_b")) {}
  void run(const CallContext &, void *const *p) override {
    matmul_.run(f32(p[0]), f32(p[1]), f32(p[2]));
  }

private:
  Matmul matmul_;
};

BatchNorm batchNorm(const json &d) {
  auto x = d.at("x").get<std::vector<int64_t>>();
  int64_t spatial = product(x) / (x[0] * x[1]);
  return BatchNorm(x[0], x[1], spatial, d.at("epsilon").get<double>());
}

class BatchNormOp : public LibraryOp {
public:
  enum Mode { Training, Inference, Backward };
  BatchNormOp(const json &d, Mode mode) : bn_(batchNorm(d)), mode_(mode) {}
  void run(const CallContext &, void *const *p) override {
    switch (mode_) {
    case Training: // x, scale, shift -> y, mean, variance
      return bn_.forwardTraining(f32(p[0]), f32(p[1]), f32(p[2]), f32(p[3]),
                                 f32(p[4]), f32(p[5]));
    case Inference: // x, scale, shift, mean, variance -> y
      return bn_.forwardInference(f32(p[0]), f32(p[1]), f32(p[2]), f32(p[3]),
                                  f32(p[4]), f32(p[5]));
    case Backward: // dy, x, scale, mean, variance -> dx, dscale, dshift
      return bn_.backward(f32(p[0]), f32(p[1]), f32(p[2]), f32(p[3]), f32(p[4]),
                          f32(p[5]), f32(p[6]), f32(p[7]));
    }
  }

private:
  BatchNorm bn_;
  Mode mode_;
};

class SoftmaxOp : public LibraryOp {
public:
  SoftmaxOp(const json &d, bool logarithm)
      : softmax_(d.at("x").get<std::vector<int64_t>>(), d.at("axis").get<int>(),
                 logarithm) {}
  void run(const CallContext &, void *const *p) override {
    softmax_.run(f32(p[0]), f32(p[1]));
  }

private:
  Softmax softmax_;
};

//===----------------------------------------------------------------------===//
// Random draws
//===----------------------------------------------------------------------===//

class RandomOp : public LibraryOp {
public:
  enum Kind { Normal, Uniform, Bernoulli };
  RandomOp(const json &d, Kind kind)
      : kind_(kind), stream_(d.at("stream")),
        count_(product(d.at("y").get<std::vector<int64_t>>())),
        dtype_(checkType(d.at("dtype"), {"f32", "f64"})),
        low_(d.value("low", 0.0)), high_(d.value("high", 1.0)) {}

  void run(const CallContext &c, void *const *p) override {
    Stream stream{stream_, c.step, c.iteration};
    // Bernoulli's probabilities come first; the result is last.
    void *out = kind_ == Bernoulli ? p[1] : p[0];
    const void *probabilities = p[0];
    parallelFor(count_, kGrain, [&](int64_t begin, int64_t end) {
      for (int64_t e = begin; e < end; ++e) {
        double v = 0;
        switch (kind_) {
        case Normal:
          v = normalAt(c.seed, stream, e);
          break;
        case Uniform:
          v = uniformAt(c.seed, stream, e, low_, high_);
          break;
        case Bernoulli:
          v = uniformAt(c.seed, stream, e, 0, 1) <
                      loadAt(probabilities, dtype_, e)
                  ? 1
                  : 0;
          break;
        }
        storeAt(out, dtype_, e, v);
      }
    });
  }

private:
  Kind kind_;
  uint32_t stream_;
  int64_t count_;
  std::string dtype_;
  double low_, high_;
};

/// Gumbel-max over the class axis: logits -> i32 class indices.
class CategoricalOp : public LibraryOp {
public:
  explicit CategoricalOp(const json &d)
      : stream_(d.at("stream")),
        dtype_(checkType(d.at("dtype"), {"f32", "f64"})),
        lines_(d.at("x").get<std::vector<int64_t>>(), d.at("axis")) {}

  void run(const CallContext &c, void *const *p) override {
    Stream stream{stream_, c.step, c.iteration};
    auto *out = static_cast<int32_t *>(p[1]);
    int64_t classes = lines_.length, inner = lines_.inner;
    parallelFor(lines_.outer * inner, kGrain / classes + 1,
                [&](int64_t begin, int64_t end) {
                  for (int64_t line = begin; line < end; ++line) {
                    int64_t o = line / inner, i = line % inner;
                    int64_t best = 0;
                    double bestScore = -INFINITY;
                    for (int64_t k = 0; k < classes; ++k) {
                      int64_t e = (o * classes + k) * inner + i;
                      double score =
                          loadAt(p[0], dtype_, e) + gumbelAt(c.seed, stream, e);
                      if (score > bestScore) {
                        bestScore = score;
                        best = k;
                      }
                    }
                    out[line] = static_cast<int32_t>(best);
                  }
                });
  }

private:
  uint32_t stream_;
  std::string dtype_;
  Lines lines_;
};

//===----------------------------------------------------------------------===//
// Vector quantization and classification helpers
//===----------------------------------------------------------------------===//

/// For each row of z [rows, width], the index of the nearest codebook row
/// [codes, width] in squared distance; the lowest index wins ties.
class NearestOp : public LibraryOp {
public:
  explicit NearestOp(const json &d)
      : rows_(d.at("rows")), codes_(d.at("codes")), width_(d.at("width")) {}
  void run(const CallContext &, void *const *p) override {
    const float *z = f32(p[0]), *book = f32(p[1]);
    auto *out = static_cast<int32_t *>(p[2]);
    parallelFor(rows_, kGrain / (codes_ * width_) + 1,
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    double best = INFINITY;
                    int32_t bestCode = 0;
                    for (int64_t e = 0; e < codes_; ++e) {
                      double dist = 0;
                      for (int64_t j = 0; j < width_; ++j) {
                        double diff = double(z[r * width_ + j]) -
                                      double(book[e * width_ + j]);
                        dist += diff * diff;
                      }
                      if (dist < best) {
                        best = dist;
                        bestCode = static_cast<int32_t>(e);
                      }
                    }
                    out[r] = bestCode;
                  }
                });
  }

private:
  int64_t rows_, codes_, width_;
};

/// Rows of a table [codes, width] gathered by index.
class LookupOp : public LibraryOp {
public:
  explicit LookupOp(const json &d)
      : rows_(d.at("rows")), codes_(d.at("codes")), width_(d.at("width")),
        indexType_(checkType(d.at("index_dtype"), {"i32", "i64"})) {}
  void run(const CallContext &, void *const *p) override {
    const float *table = f32(p[0]);
    float *out = f32(p[2]);
    for (int64_t r = 0; r < rows_; ++r) {
      int64_t row = indexAt(p[1], indexType_, r);
      if (row < 0 || row >= codes_)
        throw Error("lookup: index " + std::to_string(row) +
                    " is outside the table's " + std::to_string(codes_) +
                    " rows");
      std::copy(table + row * width_, table + (row + 1) * width_,
                out + r * width_);
    }
  }

private:
  int64_t rows_, codes_, width_;
  std::string indexType_;
};

/// Indices -> one-hot with a class axis inserted at `axis`.
class OneHotOp : public LibraryOp {
public:
  explicit OneHotOp(const json &d)
      : shape_(d.at("x").get<std::vector<int64_t>>()),
        classes_(d.at("classes")), axis_(d.at("axis")),
        indexType_(checkType(d.at("index_dtype"), {"i32", "i64"})),
        dtype_(checkType(d.at("dtype"), {"f32", "f64", "i32", "i64"})) {}
  void run(const CallContext &, void *const *p) override {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis_; ++d)
      outer *= shape_[d];
    for (size_t d = axis_; d < shape_.size(); ++d)
      inner *= shape_[d];
    int64_t total = outer * classes_ * inner;
    for (int64_t e = 0; e < total; ++e)
      storeAt(p[1], dtype_, e, 0.0);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t label = indexAt(p[0], indexType_, o * inner + i);
        if (label >= 0 && label < classes_)
          storeAt(p[1], dtype_, (o * classes_ + label) * inner + i, 1.0);
      }
  }

private:
  std::vector<int64_t> shape_;
  int64_t classes_, axis_;
  std::string indexType_, dtype_;
};

/// The index of the first maximum along `axis`.
class ArgmaxOp : public LibraryOp {
public:
  explicit ArgmaxOp(const json &d)
      : lines_(d.at("x").get<std::vector<int64_t>>(), d.at("axis")),
        dtype_(checkType(d.at("dtype"), {"f32", "f64", "i32", "i64"})) {}
  void run(const CallContext &, void *const *p) override {
    auto *out = static_cast<int32_t *>(p[1]);
    int64_t len = lines_.length, inner = lines_.inner;
    for (int64_t line = 0; line < lines_.outer * inner; ++line) {
      int64_t base = (line / inner) * len * inner + line % inner;
      int64_t best = 0;
      for (int64_t k = 1; k < len; ++k)
        if (loadAt(p[0], dtype_, base + k * inner) >
            loadAt(p[0], dtype_, base + best * inner))
          best = k;
      out[line] = static_cast<int32_t>(best);
    }
  }

private:
  Lines lines_;
  std::string dtype_;
};

} // namespace

std::unique_ptr<LibraryOp> makeLibraryOp(const json &d) {
  std::string kind = d.value("kind", "");
  try {
    if (kind == "conv2d")
      return std::make_unique<ConvOp>(d, ConvOp::Forward);
    if (kind == "conv2d_backward_data")
      return std::make_unique<ConvOp>(d, ConvOp::BackwardData);
    if (kind == "conv2d_backward_weights")
      return std::make_unique<ConvOp>(d, ConvOp::BackwardWeights);
    if (kind == "matmul")
      return std::make_unique<MatmulOp>(d);
    if (kind == "batch_norm")
      return std::make_unique<BatchNormOp>(d, BatchNormOp::Training);
    if (kind == "batch_norm_inference")
      return std::make_unique<BatchNormOp>(d, BatchNormOp::Inference);
    if (kind == "batch_norm_backward")
      return std::make_unique<BatchNormOp>(d, BatchNormOp::Backward);
    if (kind == "softmax" || kind == "log_softmax")
      return std::make_unique<SoftmaxOp>(d, kind == "log_softmax");
    if (kind == "normal")
      return std::make_unique<RandomOp>(d, RandomOp::Normal);
    if (kind == "uniform")
      return std::make_unique<RandomOp>(d, RandomOp::Uniform);
    if (kind == "bernoulli")
      return std::make_unique<RandomOp>(d, RandomOp::Bernoulli);
    if (kind == "categorical")
      return std::make_unique<CategoricalOp>(d);
    if (kind == "nearest")
      return std::make_unique<NearestOp>(d);
    if (kind == "lookup")
      return std::make_unique<LookupOp>(d);
    if (kind == "one_hot")
      return std::make_unique<OneHotOp>(d);
    if (kind == "argmax")
      return std::make_unique<ArgmaxOp>(d);
  } catch (const json::exception &e) {
    throw Error("library op " + kind + " at " + d.value("loc", "?") +
                ": malformed descriptor: " + e.what());
  } catch (const Error &e) {
    throw Error("library op " + kind + " at " + d.value("loc", "?") + ": " +
                e.what());
  }
  throw Error(
      "library op kind '" + kind + "' at " + d.value("loc", "?") +
      " is unknown to this runtime (recompile the model with this gmc)");
}

} // namespace gmrt::cpu
