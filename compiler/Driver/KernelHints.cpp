//===- KernelHints.cpp - what LLVM is told about gm's kernels -------------===//

#include "compiler/Driver/KernelHints.h"

#include "compiler/Conversion/Passes.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"

using namespace llvm;

namespace gmc {

namespace {

/// The slot of the operand array an address was loaded from (its byte
/// offset), or -1: the address of the array itself. None when `pointer`
/// does not lead back to the array.
std::optional<int64_t> slotOf(Value *pointer, Argument *operands,
                              const DataLayout &layout) {
  Value *object = getUnderlyingObject(pointer, /*MaxLookup=*/0);
  if (object == operands)
    return -1;
  auto *load = dyn_cast<LoadInst>(object);
  if (!load)
    return std::nullopt;
  int64_t offset = 0;
  if (GetPointerBaseWithConstantOffset(load->getPointerOperand(), offset,
                                       layout) != operands)
    return std::nullopt;
  return offset;
}

} // namespace

PreservedAnalyses KernelAliasScopesPass::run(Function &fn,
                                             FunctionAnalysisManager &) {
  if (!fn.hasFnAttribute(mlir::gm::kKernelAttribute) || fn.arg_empty() ||
      !fn.getArg(0)->getType()->isPointerTy())
    return PreservedAnalyses::all();
  Argument *operands = fn.getArg(0);
  const DataLayout &layout = fn.getDataLayout();

  // Every plain load and store, by the slot it goes through. Anything
  // else that touches memory (a memcpy between two buffers) keeps no
  // metadata: LLVM stays conservative about it.
  MapVector<int64_t, SmallVector<Instruction *>> accesses;
  for (Instruction &inst : instructions(fn)) {
    Value *pointer = nullptr;
    if (auto *load = dyn_cast<LoadInst>(&inst))
      pointer = load->getPointerOperand();
    else if (auto *store = dyn_cast<StoreInst>(&inst))
      pointer = store->getPointerOperand();
    if (!pointer)
      continue;
    if (std::optional<int64_t> slot = slotOf(pointer, operands, layout))
      accesses[*slot].push_back(&inst);
  }
  if (accesses.size() < 2)
    return PreservedAnalyses::all();

  LLVMContext &context = fn.getContext();
  MDBuilder builder(context);
  MDNode *domain = builder.createAnonymousAliasScopeDomain(fn.getName());
  SmallVector<Metadata *> scopes;
  for (auto &entry : accesses)
    scopes.push_back(builder.createAnonymousAliasScope(
        domain, entry.first < 0 ? "operand array"
                                : "operand " + std::to_string(entry.first)));
  for (auto [k, entry] : llvm::enumerate(accesses)) {
    SmallVector<Metadata *> others;
    for (auto [j, scope] : llvm::enumerate(scopes))
      if (j != k)
        others.push_back(scope);
    MDNode *own = MDNode::get(context, scopes[k]);
    MDNode *apart = MDNode::get(context, others);
    for (Instruction *inst : entry.second) {
      inst->setMetadata(
          LLVMContext::MD_alias_scope,
          MDNode::concatenate(inst->getMetadata(LLVMContext::MD_alias_scope),
                              own));
      inst->setMetadata(LLVMContext::MD_noalias,
                        MDNode::concatenate(
                            inst->getMetadata(LLVMContext::MD_noalias), apart));
    }
  }
  PreservedAnalyses preserved;
  preserved.preserveSet<CFGAnalyses>();
  return preserved;
}

PreservedAnalyses
KernelInnerLoopsPass::run(Loop &loop, LoopAnalysisManager &,
                          LoopStandardAnalysisResults &analyses, LPMUpdater &) {
  Function &fn = *loop.getHeader()->getParent();
  if (!fn.hasFnAttribute(mlir::gm::kKernelAttribute) || !loop.isInnermost())
    return PreservedAnalyses::all();
  unsigned trips = analyses.SE.getSmallConstantTripCount(&loop);
  if (trips == 0 || trips % 8 != 0)
    return PreservedAnalyses::all();
  loop.setLoopAlreadyUnrolled(); // llvm.loop.unroll.disable
  return getLoopPassPreservedAnalyses();
}

} // namespace gmc
