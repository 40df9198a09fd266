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

#include <algorithm>
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

/// An element type of the buffers the runtime's own loops read and write,
/// resolved once from the model info (not compared as text per element).
enum class Elem { f32, f64, i32, i64 };

/// Reads element `i` of a buffer of integer type `type`.
int64_t indexAt(const void *p, Elem type, int64_t i) {
  if (type == Elem::i64)
    return static_cast<const int64_t *>(p)[i];
  return static_cast<const int32_t *>(p)[i];
}

/// Writes `v` as element `i` of a buffer of `type`.
void storeAt(void *p, Elem type, int64_t i, double v) {
  switch (type) {
  case Elem::f32:
    static_cast<float *>(p)[i] = static_cast<float>(v);
    return;
  case Elem::f64:
    static_cast<double *>(p)[i] = v;
    return;
  case Elem::i64:
    static_cast<int64_t *>(p)[i] = static_cast<int64_t>(v);
    return;
  case Elem::i32:
    static_cast<int32_t *>(p)[i] = static_cast<int32_t>(v);
    return;
  }
}

double loadAt(const void *p, Elem type, int64_t i) {
  if (type == Elem::f32)
    return static_cast<const float *>(p)[i];
  if (type == Elem::f64)
    return static_cast<const double *>(p)[i];
  return static_cast<double>(indexAt(p, type, i));
}

/// `dtype` as an Elem, if it is one of `allowed`.
Elem checkType(const std::string &dtype,
               std::initializer_list<const char *> allowed) {
  static const std::pair<const char *, Elem> kNames[] = {{"f32", Elem::f32},
                                                         {"f64", Elem::f64},
                                                         {"i32", Elem::i32},
                                                         {"i64", Elem::i64}};
  for (const char *a : allowed)
    if (dtype == a)
      for (const auto &[name, type] : kNames)
        if (dtype == name)
          return type;
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

/// A convolution's or matmul's "precision" (f32 when absent).
Precision precisionOf(const json &d) {
  std::string precision = d.value("precision", "f32");
  if (precision == "bf16")
    return Precision::bf16;
  if (precision != "f32")
    throw Error("unknown precision '" + precision + "' (f32 or bf16)");
  return Precision::f32;
}

/// A forward convolution's or matmul's epilogue (gm-fuse): + bias, then
/// relu or leaky relu.
Epilogue epilogueOf(const json &d) {
  Epilogue e;
  e.bias = d.value("bias", false);
  std::string activation = d.value("activation", "none");
  if (activation == "relu")
    e.activation = Epilogue::Relu;
  else if (activation == "leaky_relu")
    e.activation = Epilogue::LeakyRelu;
  else if (activation != "none")
    throw Error("unknown " + d.at("kind").get<std::string>() + " activation '" +
                activation + "'");
  e.alpha = d.value("alpha", 0.0);
  return e;
}

/// Whether `layout` ("plain" or "blocked") is the blocked one.
bool isBlockedLayout(const std::string &layout) {
  if (layout != "plain" && layout != "blocked")
    throw Error("unknown layout '" + layout + "' (plain or blocked)");
  return layout == "blocked";
}

/// Which of a library op's operands (in call order: inputs, then outputs)
/// the caller keeps in the blocked layout ("layouts", gm-propagate-layouts);
/// only those at `allowed` may be.
std::vector<bool> blockedOperands(const json &d,
                                  std::initializer_list<size_t> allowed) {
  std::vector<bool> blocked;
  if (!d.contains("layouts"))
    return blocked;
  for (const json &layout : d.at("layouts"))
    blocked.push_back(isBlockedLayout(layout.get<std::string>()));
  for (size_t i = 0; i < blocked.size(); ++i)
    if (blocked[i] &&
        std::find(allowed.begin(), allowed.end(), i) == allowed.end())
      throw Error("operand " + std::to_string(i) + " cannot be blocked");
  return blocked;
}

/// Whether operand `i` is blocked, given blockedOperands' answer.
bool isBlocked(const std::vector<bool> &blocked, size_t i) {
  return i < blocked.size() && blocked[i];
}

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
  s.epilogue = epilogueOf(d);
  // The x and y sides' operand positions: x, w[, bias] -> y; dy, w -> dx;
  // x, dy -> dw.
  std::string kind = d.at("kind");
  size_t xSide = 0, ySide = 1;
  if (kind == "conv2d")
    ySide = s.epilogue.bias ? 3 : 2;
  else if (kind == "conv2d_backward_data")
    xSide = 2, ySide = 0;
  std::vector<bool> blocked = blockedOperands(d, {xSide, ySide});
  s.blockedX = isBlocked(blocked, xSide);
  s.blockedY = isBlocked(blocked, ySide);
  return s;
}

/// x, w -> y; dy, w -> dx; x, dy -> dw: the three uses of one geometry.
class ConvOp : public LibraryOp {
public:
  enum Mode { Forward, BackwardData, BackwardWeights };
  ConvOp(const json &d, Mode mode)
      : conv_(convShape(d), precisionOf(d)), mode_(mode),
        bias_(d.value("bias", false)) {}
  void run(const CallContext &, void *const *p) override {
    switch (mode_) {
    case Forward:
      if (bias_) // x, w, bias -> y
        return conv_.forward(f32(p[0]), f32(p[1]), f32(p[3]), f32(p[2]));
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
  bool bias_;
};

class MatmulOp : public LibraryOp {
public:
  explicit MatmulOp(const json &d)
      : matmul_(d.at("batch"), d.at("m"), d.at("k"), d.at("n"),
                d.at("transpose_a"), d.at("transpose_b"), precisionOf(d),
                epilogueOf(d)),
        bias_(d.value("bias", false)) {}
  void run(const CallContext &, void *const *p) override {
    if (bias_) // a, b, bias -> c
      return matmul_.run(f32(p[0]), f32(p[1]), f32(p[3]), f32(p[2]));
    matmul_.run(f32(p[0]), f32(p[1]), f32(p[2]));
  }

private:
  Matmul matmul_;
  bool bias_;
};

BatchNorm batchNorm(const json &d) {
  auto x = d.at("x").get<std::vector<int64_t>>();
  int64_t spatial = product(x) / (x[0] * x[1]);
  // x, scale, shift -> y, mean, variance; x, scale, shift, mean,
  // variance -> y; dy, x, scale, mean, variance -> dx, dscale, dshift.
  std::string kind = d.at("kind");
  BatchNormLayouts layouts;
  if (kind == "batch_norm_backward") {
    std::vector<bool> blocked = blockedOperands(d, {0, 1, 5});
    layouts.dy = isBlocked(blocked, 0), layouts.x = isBlocked(blocked, 1);
    layouts.dx = isBlocked(blocked, 5);
  } else {
    size_t y = kind == "batch_norm" ? 3 : 5;
    std::vector<bool> blocked = blockedOperands(d, {0, y});
    layouts.x = isBlocked(blocked, 0), layouts.y = isBlocked(blocked, y);
  }
  return BatchNorm(x[0], x[1], spatial, d.at("epsilon").get<double>(), layouts);
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

/// x -> y in the other layout ("layout": y's).
class ReorderOp : public LibraryOp {
public:
  explicit ReorderOp(const json &d)
      : reorder_(d.at("x").get<std::vector<int64_t>>(),
                 isBlockedLayout(d.at("layout"))) {}
  void run(const CallContext &, void *const *p) override {
    reorder_.run(f32(p[0]), f32(p[1]));
  }

private:
  Reorder reorder_;
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

/// The indices [0, count) of the elements (categorical: the lines) one
/// call of a draw makes: all, or for a call at a position of an
/// autoregressive step (gmrt_library_at) those at that position of every
/// "period". Each index is drawn as the whole draw would draw it.
class DrawnIndices {
public:
  DrawnIndices(const json &d, int64_t count)
      : count_(count), period_(d.value("period", int64_t{0})) {
    if (period_ < 0)
      throw Error("period " + std::to_string(period_) + " must be >= 0");
    if (period_ > 0 && count_ % period_ != 0)
      throw Error("period " + std::to_string(period_) + " does not divide " +
                  std::to_string(count_) + " elements");
  }

  /// Runs body(i) for each index, over the runtime's threads.
  template <typename Body>
  void forEach(const CallContext &c, int64_t grain, Body body) const {
    int64_t first = 0, stride = 1, n = count_;
    if (c.position >= 0) {
      if (c.position >= period_)
        throw Error("drawn at position " + std::to_string(c.position) +
                    " but its period is " + std::to_string(period_));
      first = c.position, stride = period_, n = count_ / period_;
    }
    parallelFor(n, grain, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k)
        body(first + k * stride);
    });
  }

private:
  int64_t count_, period_;
};

class RandomOp : public LibraryOp {
public:
  enum Kind { Normal, Uniform, Bernoulli };
  RandomOp(const json &d, Kind kind)
      : kind_(kind), stream_(d.at("stream")),
        indices_(d, product(d.at("y").get<std::vector<int64_t>>())),
        dtype_(checkType(d.at("dtype"), {"f32", "f64"})),
        low_(d.value("low", 0.0)), high_(d.value("high", 1.0)) {}

  void run(const CallContext &c, void *const *p) override {
    Stream stream{stream_, c.step, c.iteration};
    // Bernoulli's probabilities come first; the result is last.
    void *out = kind_ == Bernoulli ? p[1] : p[0];
    const void *probabilities = p[0];
    indices_.forEach(c, kGrain, [&](int64_t e) {
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
    });
  }

private:
  Kind kind_;
  uint32_t stream_;
  DrawnIndices indices_;
  Elem dtype_;
  double low_, high_;
};

/// Gumbel-max over the class axis: logits -> i32 class indices.
class CategoricalOp : public LibraryOp {
public:
  explicit CategoricalOp(const json &d)
      : stream_(d.at("stream")),
        dtype_(checkType(d.at("dtype"), {"f32", "f64"})),
        lines_(d.at("x").get<std::vector<int64_t>>(), d.at("axis")),
        indices_(d, lines_.outer * lines_.inner) {}

  void run(const CallContext &c, void *const *p) override {
    Stream stream{stream_, c.step, c.iteration};
    auto *out = static_cast<int32_t *>(p[1]);
    int64_t classes = lines_.length, inner = lines_.inner;
    indices_.forEach(c, kGrain / classes + 1, [&](int64_t line) {
      int64_t o = line / inner, i = line % inner;
      int64_t best = 0;
      double bestScore = -INFINITY;
      for (int64_t k = 0; k < classes; ++k) {
        int64_t e = (o * classes + k) * inner + i;
        double score = loadAt(p[0], dtype_, e) + gumbelAt(c.seed, stream, e);
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      out[line] = static_cast<int32_t>(best);
    });
  }

private:
  uint32_t stream_;
  Elem dtype_;
  Lines lines_;
  DrawnIndices indices_;
};

//===----------------------------------------------------------------------===//
// Vector quantization and classification helpers
//===----------------------------------------------------------------------===//

/// For each row of z [rows, width], the index of the nearest codebook row
/// [codes, width] in squared distance; the lowest index wins ties.
/// The code nearest to vector `z` (squared L2; the lowest index on ties),
/// with the codebook transposed to [width, codes] in double: the loop over
/// codes vectorizes (cloned for AVX-512 and AVX2 hosts), and each distance
/// is still summed over j in order, unfused (-ffp-contract=off for this
/// file), as the reference evaluator does, so that the choice is the same
/// bit for bit.
__attribute__((target_clones("avx512f", "avx2", "default"))) static int32_t
nearestCode(const float *z, const double *__restrict bookT, int64_t codes,
            int64_t width, double *__restrict dist) {
  for (int64_t e = 0; e < codes; ++e)
    dist[e] = 0;
  for (int64_t j = 0; j < width; ++j) {
    double zj = z[j];
    const double *column = bookT + j * codes;
    for (int64_t e = 0; e < codes; ++e) {
      double diff = zj - column[e];
      dist[e] += diff * diff;
    }
  }
  int32_t best = 0;
  double bestDist = dist[0];
  for (int64_t e = 1; e < codes; ++e)
    if (dist[e] < bestDist) {
      bestDist = dist[e];
      best = static_cast<int32_t>(e);
    }
  return best;
}

class NearestOp : public LibraryOp {
public:
  explicit NearestOp(const json &d)
      : rows_(d.at("rows")), codes_(d.at("codes")), width_(d.at("width")),
        bookT_(codes_ * width_) {}
  void run(const CallContext &, void *const *p) override {
    const float *z = f32(p[0]), *book = f32(p[1]);
    auto *out = static_cast<int32_t *>(p[2]);
    for (int64_t e = 0; e < codes_; ++e)
      for (int64_t j = 0; j < width_; ++j)
        bookT_[j * codes_ + e] = book[e * width_ + j];
    parallelFor(rows_, kGrain / (codes_ * width_) + 1,
                [&](int64_t begin, int64_t end) {
                  std::vector<double> dist(codes_);
                  for (int64_t r = begin; r < end; ++r)
                    out[r] = nearestCode(z + r * width_, bookT_.data(), codes_,
                                         width_, dist.data());
                });
  }

private:
  int64_t rows_, codes_, width_;
  std::vector<double> bookT_;
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
  Elem indexType_;
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
        // A label past the classes (a 5-class head on 10-class data) would
        // be a silent row of zeros: a loss of 0 in cross_entropy.
        if (label < 0 || label >= classes_)
          throw Error("one_hot: label " + std::to_string(label) +
                      " is outside the " + std::to_string(classes_) +
                      " classes (0 to " + std::to_string(classes_ - 1) + ")");
        storeAt(p[1], dtype_, (o * classes_ + label) * inner + i, 1.0);
      }
  }

private:
  std::vector<int64_t> shape_;
  int64_t classes_, axis_;
  Elem indexType_, dtype_;
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
  Elem dtype_;
};

/// The most operands a library op takes (batch_norm_backward's).
constexpr size_t kMaxOperands = 8;

/// An op and the operands the call before it read too ("unchanged"):
/// each call starts by telling the kernels so (beginLibraryCall).
class StagedCall : public LibraryOp {
public:
  StagedCall(std::unique_ptr<LibraryOp> op, std::vector<size_t> unchanged,
             std::string where)
      : op_(std::move(op)), unchanged_(std::move(unchanged)),
        where_(std::move(where)) {}
  void run(const CallContext &context, void *const *operands) override {
    addresses_.clear(); // keeps its capacity: no allocation per step
    for (size_t i : unchanged_)
      addresses_.push_back(operands[i]);
    beginLibraryCall(addresses_);
    try {
      op_->run(context, operands);
    } catch (const Error &e) {
      // Bad values (an index out of range) are the program's: say where.
      throw Error(where_.empty() ? e.what() : where_ + ": " + e.what());
    }
  }

private:
  std::unique_ptr<LibraryOp> op_;
  std::vector<size_t> unchanged_;
  std::vector<const void *> addresses_;
  std::string where_;
};

/// `file.gm:3:7` from a descriptor's MLIR location (`loc("file.gm":3:7)`,
/// or the first file position inside a call-site or fused location); "" if
/// it names none.
std::string sourcePosition(const std::string &loc) {
  size_t open = loc.find('"');
  size_t close = open == std::string::npos ? open : loc.find('"', open + 1);
  if (close == std::string::npos || loc.compare(close + 1, 1, ":") != 0)
    return "";
  size_t end = loc.find_first_not_of("0123456789:", close + 1);
  return loc.substr(open + 1, close - open - 1) +
         loc.substr(close + 1,
                    (end == std::string::npos ? loc.size() : end) - close - 1);
}

std::unique_ptr<LibraryOp> makeOp(const json &d, const std::string &kind) {
  // Only convolutions and batch norms read or write blocked buffers.
  if (kind.rfind("conv", 0) != 0 && kind.rfind("batch_norm", 0) != 0)
    blockedOperands(d, {});
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
  if (kind == "reorder")
    return std::make_unique<ReorderOp>(d);
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
  return nullptr;
}

} // namespace

std::unique_ptr<LibraryOp> makeLibraryOp(const json &d) {
  std::string kind = d.value("kind", "");
  std::unique_ptr<LibraryOp> op;
  std::vector<size_t> unchanged;
  try {
    op = makeOp(d, kind);
    unchanged = d.value("unchanged", std::vector<size_t>{});
    // Input indices, ascending: a library op has at most 8 operands.
    for (size_t k = 0; k < unchanged.size(); ++k)
      if (unchanged[k] >= kMaxOperands ||
          (k > 0 && unchanged[k] <= unchanged[k - 1]))
        throw Error("\"unchanged\" must list ascending operand indices below " +
                    std::to_string(kMaxOperands));
  } catch (const json::exception &e) {
    throw Error("library op " + kind + " at " + d.value("loc", "?") +
                ": malformed descriptor: " + e.what());
  } catch (const Error &e) {
    throw Error("library op " + kind + " at " + d.value("loc", "?") + ": " +
                e.what());
  }
  if (!op)
    throw Error(
        "library op kind '" + kind + "' at " + d.value("loc", "?") +
        " is unknown to this runtime (recompile the model with this gmc)");
  return std::make_unique<StagedCall>(std::move(op), std::move(unchanged),
                                      sourcePosition(d.value("loc", "")));
}

} // namespace gmrt::cpu
