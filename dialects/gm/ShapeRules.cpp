//===- ShapeRules.cpp - static shape rules of the gm ops ------------------===//
//
// See ShapeRules.h. Messages are lowercase, name the shapes involved and, where
// one exists, say which value would fit.
//
//===----------------------------------------------------------------------===//

#include "gm/ShapeRules.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/raw_ostream.h"

using llvm::ArrayRef;
using llvm::Twine;

namespace mlir::gm::shape {

std::string format(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static std::string formatList(ArrayRef<int64_t> values) {
  return format(values);
}

ShapeResult broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align at the trailing dimension; a missing dimension acts as 1.
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return ShapeResult::error("shapes " + format(a) + " and " + format(b) +
                                " are not broadcast-compatible (" + Twine(da) +
                                " vs " + Twine(db) + " at result dimension " +
                                Twine(i) + ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[lead + i])
      return false;
  return true;
}

std::string checkAxis(ArrayRef<int64_t> input, int64_t axis) {
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return ("axis " + Twine(axis) + " is out of range for shape " +
            format(input) + " (expected 0 <= axis < " + Twine(input.size()) +
            ")")
        .str();
  return "";
}

ShapeResult reduce(ArrayRef<int64_t> input, ArrayRef<int64_t> dims,
                   bool keepdim) {
  if (dims.empty())
    return ShapeResult::error("expects at least one dimension to reduce");
  llvm::SmallBitVector reduced(input.size());
  for (int64_t d : dims) {
    if (std::string e = checkAxis(input, d); !e.empty())
      return ShapeResult::error("reduction " + e);
    if (reduced.test(d))
      return ShapeResult::error("reduction dimension " + Twine(d) +
                                " appears twice in " + formatList(dims));
    reduced.set(d);
  }
  Shape out;
  for (size_t i = 0; i < input.size(); ++i) {
    if (!reduced.test(i))
      out.push_back(input[i]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

ShapeResult matmul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                   bool transposeLhs, bool transposeRhs) {
  if (lhs.size() != rhs.size() || (lhs.size() != 2 && lhs.size() != 3))
    return ShapeResult::error(
        "expects two rank-2 or two rank-3 operands, got " + format(lhs) +
        " and " + format(rhs));
  size_t r = lhs.size();
  if (r == 3 && lhs[0] != rhs[0])
    return ShapeResult::error("batch sizes differ: " + format(lhs) + " and " +
                              format(rhs));
  int64_t m = transposeLhs ? lhs[r - 1] : lhs[r - 2];
  int64_t kl = transposeLhs ? lhs[r - 2] : lhs[r - 1];
  int64_t kr = transposeRhs ? rhs[r - 1] : rhs[r - 2];
  int64_t n = transposeRhs ? rhs[r - 2] : rhs[r - 1];
  if (kl != kr)
    return ShapeResult::error("contracting dimensions differ: " + format(lhs) +
                              (transposeLhs ? " (transposed)" : "") + " has " +
                              Twine(kl) + ", " + format(rhs) +
                              (transposeRhs ? " (transposed)" : "") + " has " +
                              Twine(kr));
  Shape out;
  if (r == 3)
    out.push_back(lhs[0]);
  out.push_back(m);
  out.push_back(n);
  return out;
}

std::string checkGeometry(const ConvGeometry &g) {
  if (g.stride.size() != 2 ||
      llvm::any_of(g.stride, [](int64_t s) { return s < 1; }))
    return "stride must be two positive values [h, w], got " +
           formatList(g.stride);
  if (g.dilation.size() != 2 ||
      llvm::any_of(g.dilation, [](int64_t s) { return s < 1; }))
    return "dilation must be two positive values [h, w], got " +
           formatList(g.dilation);
  if (g.padding.size() != 4 ||
      llvm::any_of(g.padding, [](int64_t s) { return s < 0; }))
    return "padding must be four non-negative values [top, left, bottom, "
           "right], got " +
           formatList(g.padding);
  if (g.groups < 1)
    return ("groups must be positive, got " + Twine(g.groups)).str();
  return "";
}

/// A kernel of no extent (kernel=0) would make an empty weight, whose
/// default initializer bound 1/sqrt(fan_in) is infinite.
static std::string checkKernel(ArrayRef<int64_t> weight) {
  if (weight[2] < 1 || weight[3] < 1)
    return ("the kernel must be at least 1x1, got " + Twine(weight[2]) + "x" +
            Twine(weight[3]))
        .str();
  return "";
}

/// Output size of a convolution along one spatial dimension; may be < 1.
static int64_t convOutputSize(int64_t in, int64_t k, int64_t stride,
                              int64_t padLo, int64_t padHi, int64_t dilation) {
  int64_t span = dilation * (k - 1) + 1;
  int64_t padded = in + padLo + padHi;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

ShapeResult conv2d(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                   const ConvGeometry &g) {
  if (std::string e = checkGeometry(g); !e.empty())
    return ShapeResult::error(e);
  if (input.size() != 4)
    return ShapeResult::error("expects an NCHW input, got " + format(input));
  if (weight.size() != 4)
    return ShapeResult::error("expects an OIHW weight, got " + format(weight));
  if (std::string e = checkKernel(weight); !e.empty())
    return ShapeResult::error(e);
  if (input[1] % g.groups != 0 || weight[0] % g.groups != 0)
    return ShapeResult::error(
        Twine(g.groups) + " groups must divide the input channels (" +
        Twine(input[1]) + ") and output channels (" + Twine(weight[0]) + ")");
  if (weight[1] * g.groups != input[1])
    return ShapeResult::error("weight " + format(weight) + " expects " +
                              Twine(weight[1] * g.groups) +
                              " input channels but input " + format(input) +
                              " has " + Twine(input[1]));
  int64_t oh = convOutputSize(input[2], weight[2], g.stride[0], g.padding[0],
                              g.padding[2], g.dilation[0]);
  int64_t ow = convOutputSize(input[3], weight[3], g.stride[1], g.padding[1],
                              g.padding[3], g.dilation[1]);
  if (oh < 1 || ow < 1)
    return ShapeResult::error("kernel " + format(weight.drop_front(2)) +
                              " with dilation " + formatList(g.dilation) +
                              " does not fit the padded input " +
                              format(input));
  return Shape{input[0], weight[0], oh, ow};
}

ShapeResult convTranspose2d(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                            const ConvGeometry &g,
                            ArrayRef<int64_t> outputPadding) {
  if (std::string e = checkGeometry(g); !e.empty())
    return ShapeResult::error(e);
  if (input.size() != 4)
    return ShapeResult::error("expects an NCHW input, got " + format(input));
  if (weight.size() != 4)
    return ShapeResult::error(
        "expects a [C_in, C_out/groups, KH, KW] weight, got " + format(weight));
  if (std::string e = checkKernel(weight); !e.empty())
    return ShapeResult::error(e);
  if (outputPadding.size() != 2)
    return ShapeResult::error("output_padding must be two values [h, w], got " +
                              formatList(outputPadding));
  // PyTorch also allows output_padding up to the dilation; the extra rows
  // are then no strided convolution's input gradient, which is what this
  // op is (the gradient rules and oneDNN's backward-data need it to be).
  for (int i = 0; i < 2; ++i)
    if (outputPadding[i] < 0 || outputPadding[i] >= g.stride[i])
      return ShapeResult::error("output_padding " + formatList(outputPadding) +
                                " must be non-negative and smaller than the "
                                "stride " +
                                formatList(g.stride));
  if (input[1] != weight[0])
    return ShapeResult::error("weight " + format(weight) + " expects " +
                              Twine(weight[0]) + " input channels but input " +
                              format(input) + " has " + Twine(input[1]));
  if (input[1] % g.groups != 0)
    return ShapeResult::error(Twine(g.groups) +
                              " groups must divide the input channels (" +
                              Twine(input[1]) + ")");
  Shape out{input[0], weight[1] * g.groups, 0, 0};
  for (int i = 0; i < 2; ++i) {
    out[2 + i] = (input[2 + i] - 1) * g.stride[i] - g.padding[i] -
                 g.padding[i + 2] + g.dilation[i] * (weight[2 + i] - 1) +
                 outputPadding[i] + 1;
    if (out[2 + i] < 1)
      return ShapeResult::error("padding " + formatList(g.padding) +
                                " leaves no output for input " + format(input));
  }
  return out;
}

std::string checkPerChannel(ArrayRef<int64_t> input,
                            ArrayRef<int64_t> perChannel,
                            llvm::StringRef what) {
  if (input.size() != 2 && input.size() != 4)
    return "expects an N x C or N x C x H x W input, got " + format(input);
  if (perChannel.size() != 1 || perChannel[0] != input[1])
    return (what + " must have shape [" + Twine(input[1]) + "] for input " +
            format(input) + ", got " + format(perChannel))
        .str();
  return "";
}

ShapeResult transpose(ArrayRef<int64_t> input, ArrayRef<int64_t> perm) {
  if (perm.size() != input.size())
    return ShapeResult::error("permutation " + formatList(perm) + " has " +
                              Twine(perm.size()) + " entries for shape " +
                              format(input));
  llvm::SmallBitVector seen(input.size());
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen.test(p))
      return ShapeResult::error(formatList(perm) +
                                " is not a permutation of the dimensions of " +
                                format(input));
    seen.set(p);
    out.push_back(input[p]);
  }
  return out;
}

ShapeResult concat(ArrayRef<llvm::SmallVector<int64_t, 4>> inputs,
                   int64_t axis) {
  if (inputs.empty())
    return ShapeResult::error("expects at least one input");
  ArrayRef<int64_t> first = inputs.front();
  if (std::string e = checkAxis(first, axis); !e.empty())
    return ShapeResult::error(e);
  Shape out(first.begin(), first.end());
  for (const auto &s : inputs.drop_front()) {
    bool compatible = s.size() == first.size();
    for (size_t i = 0; compatible && i < s.size(); ++i)
      compatible = static_cast<int64_t>(i) == axis || s[i] == first[i];
    if (!compatible)
      return ShapeResult::error(
          "cannot concatenate " + format(first) + " and " + format(s) +
          " along axis " + Twine(axis) + ": the other dimensions must agree");
    out[axis] += s[axis];
  }
  return out;
}

ShapeResult slice(ArrayRef<int64_t> input, ArrayRef<int64_t> offsets,
                  ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides) {
  size_t r = input.size();
  if (offsets.size() != r || sizes.size() != r ||
      (!strides.empty() && strides.size() != r))
    return ShapeResult::error("offsets, sizes and strides need one entry per "
                              "dimension of " +
                              format(input));
  for (size_t i = 0; i < r; ++i) {
    int64_t stride = strides.empty() ? 1 : strides[i];
    if (offsets[i] < 0 || sizes[i] < 1 || stride < 1 ||
        offsets[i] + (sizes[i] - 1) * stride >= input[i])
      return ShapeResult::error("window offsets " + formatList(offsets) +
                                " sizes " + formatList(sizes) +
                                (strides.empty()
                                     ? std::string()
                                     : " strides " + formatList(strides)) +
                                " does not fit in " + format(input) +
                                " (dimension " + Twine(i) + ")");
  }
  return Shape(sizes.begin(), sizes.end());
}

ShapeResult pad(ArrayRef<int64_t> input, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, ArrayRef<int64_t> interior) {
  size_t r = input.size();
  if (low.size() != r || high.size() != r ||
      (!interior.empty() && interior.size() != r))
    return ShapeResult::error("low, high and interior need one entry per "
                              "dimension of " +
                              format(input));
  Shape out;
  for (size_t i = 0; i < r; ++i) {
    int64_t in = interior.empty() ? 0 : interior[i];
    if (low[i] < 0 || high[i] < 0 || in < 0)
      return ShapeResult::error("padding must be non-negative, got low " +
                                formatList(low) + " high " + formatList(high));
    out.push_back(low[i] + input[i] + (input[i] - 1) * in + high[i]);
  }
  return out;
}

ShapeResult upsample(ArrayRef<int64_t> input, ArrayRef<int64_t> scale) {
  if (input.size() != 4)
    return ShapeResult::error("expects an NCHW input, got " + format(input));
  if (scale.size() != 2 || scale[0] < 1 || scale[1] < 1)
    return ShapeResult::error(
        "scale must be two positive factors [h, w], got " + formatList(scale));
  return Shape{input[0], input[1], input[2] * scale[0], input[3] * scale[1]};
}

std::string checkReshape(ArrayRef<int64_t> input, ArrayRef<int64_t> result) {
  if (numElements(input) != numElements(result))
    return "cannot reshape " + format(input) + " (" +
           std::to_string(numElements(input)) + " elements) to " +
           format(result) + " (" + std::to_string(numElements(result)) +
           " elements)";
  return "";
}

ShapeResult nearest(ArrayRef<int64_t> input, ArrayRef<int64_t> codebook) {
  if (codebook.size() != 2)
    return ShapeResult::error("expects a [K, D] codebook, got " +
                              format(codebook));
  if (input.empty() || input.back() != codebook[1])
    return ShapeResult::error(
        "vectors " + format(input) + " must end in the codebook's dimension " +
        Twine(codebook[1]) + " (codebook " + format(codebook) + ")");
  return Shape(input.begin(), input.end() - 1);
}

ShapeResult lookup(ArrayRef<int64_t> table, ArrayRef<int64_t> indices) {
  if (table.size() != 2)
    return ShapeResult::error("expects a [K, D] table, got " + format(table));
  Shape out(indices.begin(), indices.end());
  out.push_back(table[1]);
  return out;
}

ShapeResult oneHot(ArrayRef<int64_t> indices, int64_t classes,
                   std::optional<int64_t> axis) {
  int64_t rank = indices.size();
  int64_t at = axis.value_or(rank);
  if (at < 0 || at > rank)
    return ShapeResult::error("axis " + Twine(at) + " is out of range for " +
                              format(indices) +
                              " (expected 0 <= axis <= " + Twine(rank) + ")");
  if (classes < 1)
    return ShapeResult::error("classes must be positive, got " +
                              Twine(classes));
  Shape out(indices.begin(), indices.end());
  out.insert(out.begin() + at, classes);
  return out;
}

ShapeResult dropAxis(ArrayRef<int64_t> input, int64_t axis) {
  if (std::string e = checkAxis(input, axis); !e.empty())
    return ShapeResult::error(e);
  Shape out(input.begin(), input.end());
  out.erase(out.begin() + axis);
  return out;
}

} // namespace mlir::gm::shape
