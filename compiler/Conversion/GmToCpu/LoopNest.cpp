//===- LoopNest.cpp - shaping loop nests before emission ------------------===//

#include "compiler/Conversion/GmToCpu/LoopNest.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <numeric>

using namespace mlir;
using namespace mlir::gm::cpu;

int64_t LoopNest::points() const {
  return std::accumulate(extents.begin(), extents.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

int64_t LoopNest::outputReadThrough(size_t i) const {
  return i < readThroughOutput.size() ? readThroughOutput[i] : -1;
}

bool LoopNest::inputHasAddress(size_t i) const {
  return !inputs[i].scalar && outputReadThrough(i) < 0;
}

SmallVector<Value> LoopNest::addressedValues() const {
  SmallVector<Value> values;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputHasAddress(i))
      values.push_back(inputs[i].value);
  for (const NestOperand &output : outputs)
    values.push_back(output.value);
  return values;
}

/// Whether a window takes all of dimension `at` of its view.
static bool wholeInWindow(const NestOperand &operand, size_t at) {
  return operand.offsets[at] == 0 && operand.sizes[at] == operand.shape[at] &&
         operand.strides[at] == 1;
}

/// Whether dims k and k + 1 can become one: same kind of loop, and every
/// buffer indexes both, consecutively, or neither; a window must take all
/// of the inner one and step the outer one by one (a channel half of a
/// batch: N x (C/2 x H x W) of N x (C x H x W)).
static bool canMerge(const LoopNest &nest, int64_t k) {
  if (nest.iterators[k] != nest.iterators[k + 1])
    return false;
  auto agrees = [&](const NestOperand &operand) {
    auto first = llvm::find(operand.dims, k);
    auto second = llvm::find(operand.dims, k + 1);
    bool hasFirst = first != operand.dims.end();
    bool hasSecond = second != operand.dims.end();
    if (!hasFirst && !hasSecond)
      return true;
    if (hasFirst != hasSecond || second != first + 1)
      return false;
    size_t at = first - operand.dims.begin();
    return !operand.hasWindow() ||
           (wholeInWindow(operand, at + 1) && operand.strides[at] == 1);
  };
  return llvm::all_of(nest.inputs, agrees) &&
         llvm::all_of(nest.outputs, agrees);
}

static void merge(LoopNest &nest, int64_t k) {
  nest.extents[k] *= nest.extents[k + 1];
  nest.extents.erase(nest.extents.begin() + k + 1);
  nest.iterators.erase(nest.iterators.begin() + k + 1);
  auto update = [&](NestOperand &operand) {
    auto first = llvm::find(operand.dims, k);
    if (first != operand.dims.end()) {
      size_t at = first - operand.dims.begin();
      int64_t inner = operand.shape[at + 1];
      if (operand.hasWindow()) {
        // The inner dimension is whole: the window moves in its units.
        operand.offsets[at] *= inner;
        operand.sizes[at] *= inner;
        operand.offsets.erase(operand.offsets.begin() + at + 1);
        operand.sizes.erase(operand.sizes.begin() + at + 1);
        operand.strides.erase(operand.strides.begin() + at + 1);
      }
      operand.shape[at] *= inner;
      operand.shape.erase(operand.shape.begin() + at + 1);
      operand.dims.erase(operand.dims.begin() + at + 1);
    }
    for (int64_t &d : operand.dims)
      if (d > k)
        --d;
  };
  for (NestOperand &operand : nest.inputs)
    update(operand);
  for (NestOperand &operand : nest.outputs)
    update(operand);
}

void mlir::gm::cpu::coalesce(LoopNest &nest) {
  for (int64_t k = static_cast<int64_t>(nest.extents.size()) - 2; k >= 0; --k)
    if (canMerge(nest, k))
      merge(nest, k);
}

int64_t mlir::gm::cpu::splitDimension(const LoopNest &nest) {
  for (size_t k = 0; k < nest.extents.size(); ++k)
    if (nest.iterators[k] == utils::IteratorType::parallel &&
        nest.extents[k] > 1)
      return k;
  return -1;
}

void mlir::gm::cpu::blockChannels(LoopNest &nest,
                                  llvm::function_ref<bool(Value)> blocked) {
  constexpr int64_t block = 16; // nChw16c
  SmallVector<int64_t> e = nest.extents;
  assert(e.size() == 4 && e[1] % block == 0 && "N x C x H x W, C % 16 == 0");
  nest.extents = {e[0], e[1] / block, e[2], e[3], block};
  // The channel within its block iterates as the channel did.
  nest.iterators.push_back(nest.iterators[1]);
  for (NestOperand &operand :
       llvm::concat<NestOperand>(nest.inputs, nest.outputs)) {
    if (!operand.value)
      continue; // a scalar
    if (blocked(operand.value)) {
      operand.dims = {0, 1, 2, 3, 4};
      if (!operand.hasWindow()) {
        operand.shape = nest.extents;
        continue;
      }
      // A window of whole channel blocks of whole images (a strided view
      // or a concat's part, isChannelWindow): the same window of blocks.
      SmallVector<int64_t> &o = operand.offsets, &s = operand.sizes,
                           &t = operand.strides, &full = operand.shape;
      assert(o[1] % block == 0 && s[1] % block == 0 && t[1] == 1 &&
             "a blocked window takes whole channel blocks");
      full = {full[0], full[1] / block, full[2], full[3], block};
      o = {o[0], o[1] / block, o[2], o[3], 0};
      s = {s[0], s[1] / block, s[2], s[3], block};
      t = {t[0], 1, t[2], t[3], 1};
      continue;
    }
    assert(!operand.hasWindow() && "a plain window in a blocked loop");
    auto at = llvm::find(operand.dims, 1);
    if (at == operand.dims.end())
      continue; // not indexed by channel
    size_t k = at - operand.dims.begin();
    operand.dims.insert(operand.dims.begin() + k + 1, 4);
    operand.shape[k] /= block;
    operand.shape.insert(operand.shape.begin() + k + 1, block);
  }
}
