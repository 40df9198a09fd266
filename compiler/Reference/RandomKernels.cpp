//===- RandomKernels.cpp - reference semantics of the random ops ----------===//
//
// Element e of a random op's result draws element e of the stream (op id,
// step, repeat iteration): see runtime/core/random.h, shared with the
// runtime so that compiled trainers draw the same numbers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Reference/Kernels.h"

#include "gm/GmOps.h"
#include "runtime/core/random.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

LogicalResult
mlir::gm::reference::evaluateRandom(Operation *op, Operands in,
                                    const RandomContext &random,
                                    SmallVectorImpl<RefTensor> &out) {
  auto randomOp = dyn_cast<RandomOpInterface>(op);
  if (!randomOp)
    return failure();
  SmallVector<RefTensor> results = resultsOf(op);
  RefTensor &y = results.front();
  gmrt::Stream stream{static_cast<uint32_t>(randomOp.getId()), random.step,
                      random.iteration};
  uint64_t seed = random.seed;
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](NormalOp) {
        for (int64_t e = 0; e < y.size(); ++e)
          y.data[e] = gmrt::normalAt(seed, stream, e);
      })
      .Case([&](UniformOp u) {
        double low = u.getLow().convertToDouble();
        double high = u.getHigh().convertToDouble();
        for (int64_t e = 0; e < y.size(); ++e)
          y.data[e] = gmrt::uniformAt(seed, stream, e, low, high);
      })
      .Case([&](BernoulliOp) {
        for (int64_t e = 0; e < y.size(); ++e)
          y.data[e] =
              gmrt::uniformAt(seed, stream, e, 0, 1) < in[0]->data[e] ? 1 : 0;
      })
      .Case([&](CategoricalOp c) {
        // Gumbel-max: argmax over the class axis of logits + Gumbel noise,
        // the noise indexed like the logits.
        const RefTensor &logits = *in[0];
        int64_t axis = c.getAxis(), outer = 1, inner = 1;
        for (int64_t d = 0; d < axis; ++d)
          outer *= logits.shape[d];
        for (size_t d = axis + 1; d < logits.shape.size(); ++d)
          inner *= logits.shape[d];
        int64_t classes = logits.shape[axis];
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i) {
            int64_t best = 0;
            double bestScore = -INFINITY;
            for (int64_t k = 0; k < classes; ++k) {
              int64_t e = (o * classes + k) * inner + i;
              double score = logits.data[e] + gmrt::gumbelAt(seed, stream, e);
              if (score > bestScore) {
                bestScore = score;
                best = k;
              }
            }
            y.data[o * inner + i] = best;
          }
      });
  out.append(results.begin(), results.end());
  return success();
}
