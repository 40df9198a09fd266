//===- Inline.cpp - gm-inline: inline every net call ----------------------===//
//
// Replaces calls by copies of the callees' bodies until no call is left and
// erases the nets. Copies of random ops get fresh stream ids. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Debug.h"

#include <functional>

#define DEBUG_TYPE "gm-inline"

namespace mlir::gm {
#define GEN_PASS_DEF_GMINLINE
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::gm

using namespace mlir;
using namespace mlir::gm;

namespace {

/// Finds a net that calls itself (directly or not) and reports the cycle.
LogicalResult checkNoRecursion(ModelOp model) {
  llvm::DenseMap<StringAttr, SmallVector<CallOp>> calls;
  for (NetOp net : model.getOps<NetOp>())
    net.walk([&](CallOp call) { calls[net.getSymNameAttr()].push_back(call); });
  // Depth-first search with the current path on a stack.
  llvm::DenseSet<StringAttr> done;
  llvm::SetVector<StringAttr> path;
  std::function<LogicalResult(StringAttr)> visit =
      [&](StringAttr net) -> LogicalResult {
    if (done.contains(net))
      return success();
    path.insert(net);
    for (CallOp call : calls.lookup(net)) {
      StringAttr callee = call.getCalleeAttr().getAttr();
      if (path.contains(callee)) {
        InFlightDiagnostic diag = call.emitOpError()
                                  << "makes net @" << callee.getValue()
                                  << " call itself (";
        for (StringAttr n : path)
          diag << "@" << n.getValue() << " -> ";
        diag << "@" << callee.getValue()
             << "); nets are inlined and cannot recurse";
        return failure();
      }
      if (failed(visit(callee)))
        return failure();
    }
    path.pop_back();
    done.insert(net);
    return success();
  };
  for (NetOp net : model.getOps<NetOp>())
    if (failed(visit(net.getSymNameAttr())))
      return failure();
  return success();
}

struct GmInline : gm::impl::GmInlineBase<GmInline> {
  using GmInlineBase::GmInlineBase;

  void runOnOperation() override {
    ModelOp model = getOperation();
    if (failed(checkNoRecursion(model)))
      return signalPassFailure();

    uint64_t nextId = 0;
    model.walk([&](RandomOpInterface random) {
      nextId = std::max(nextId, random.getId() + 1);
    });

    // Calls in nets matter only when the nets stay. The copies bring the
    // calls their callees make, which the worklist picks up in turn; without
    // recursion, this ends.
    SmallVector<CallOp> worklist;
    model.walk([&](CallOp call) {
      if (keepNets || !call->getParentOfType<NetOp>())
        worklist.push_back(call);
    });
    SymbolTable symbols(model);
    // First in, first out: fresh ids follow program order.
    for (size_t next = 0; next < worklist.size(); ++next) {
      CallOp call = worklist[next];
      auto net = symbols.lookup<NetOp>(call.getCallee());
      Block &body = net.getBody().front();
      IRMapping mapping;
      mapping.map(body.getArguments(), call.getOperands());
      OpBuilder builder(call);
      for (Operation &op : body.without_terminator()) {
        Operation *copy = builder.clone(op, mapping);
        copy->walk([&](Operation *nested) {
          // Where in the net, called from where: later errors (autodiff's,
          // the back end's) name the call as well as the net's line.
          nested->setLoc(CallSiteLoc::get(nested->getLoc(), call.getLoc()));
          if (auto random = dyn_cast<RandomOpInterface>(nested))
            random.setId(nextId++);
          if (auto inner = dyn_cast<CallOp>(nested))
            worklist.push_back(inner);
        });
      }
      auto ret = cast<ReturnOp>(body.getTerminator());
      for (auto [result, value] :
           llvm::zip(call.getResults(), ret.getOperands()))
        result.replaceAllUsesWith(mapping.lookupOrDefault(value));
      LLVM_DEBUG(llvm::dbgs()
                 << "inlined call of " << call.getCallee() << "\n");
      call.erase();
    }

    if (!keepNets)
      for (NetOp net : llvm::make_early_inc_range(model.getOps<NetOp>()))
        net.erase();
  }
};

} // namespace
