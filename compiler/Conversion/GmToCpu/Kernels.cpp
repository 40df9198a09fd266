//===- Kernels.cpp - loop nests as kernel functions over ranges -----------===//
//
// A loop nest (LoopNest.h) becomes a kernel function `(operands, begin,
// end)` computing the points of its split dimension in [begin, end), shared
// by every nest that computes the same thing on other buffers. The phase
// calls it directly when it is small, else through the runtime's
// parallel_for (the runtime owns the threads: docs/runtime-abi.md).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

/// Points below which a kernel runs on the calling thread: forking threads
/// costs more than it saves. Also the least work a parallel task gets.
static constexpr int64_t kPointsPerTask = 1 << 14;

/// Emits `nest` into the body of a kernel (operands, begin, end): operand k
/// (non-scalar inputs, then outputs) is the buffer whose address is
/// element k of the operand array.
static void emitKernelBody(OpBuilder &b, Location loc, const LoopNest &nest,
                           Value operands, Value begin, Value end) {
  int64_t split = splitDimension(nest);
  int64_t rank = nest.extents.size();
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  int64_t count = nest.addressedValues().size();
  auto arrayType = LLVM::LLVMArrayType::get(ptr, std::max<int64_t>(1, count));
  int32_t next = 0;
  auto view = [&](const NestOperand &operand, Type elementType) -> Value {
    // The operand's address, wrapped in a memref of its (viewed) shape.
    Value slot = LLVM::GEPOp::create(b, loc, ptr, arrayType, operands,
                                     ArrayRef<LLVM::GEPArg>{0, next++});
    Value address = LLVM::LoadOp::create(b, loc, ptr, slot);
    auto bytesType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    Value bytes = func::CallOp::create(b, loc, "gm_bytes", TypeRange{bytesType},
                                       ValueRange{address})
                      .getResult(0);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value result = memref::ViewOp::create(
        b, loc, MemRefType::get(operand.shape, elementType), bytes, zero,
        ValueRange{});
    if (operand.hasWindow())
      result = memref::SubViewOp::create(
          b, loc, result,
          getAsIndexOpFoldResult(b.getContext(), operand.offsets),
          getAsIndexOpFoldResult(b.getContext(), operand.sizes),
          getAsIndexOpFoldResult(b.getContext(), operand.strides));
    auto at = llvm::find(operand.dims, split);
    if (split < 0 || at == operand.dims.end())
      return result;
    // This thread's range of the split dimension.
    int64_t k = at - operand.dims.begin();
    ArrayRef<int64_t> indexed = operand.indexedShape();
    SmallVector<OpFoldResult> offsets(indexed.size(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(indexed.size(), b.getIndexAttr(1));
    for (int64_t d : indexed)
      sizes.push_back(b.getIndexAttr(d));
    offsets[k] = begin;
    sizes[k] = arith::SubIOp::create(b, loc, end, begin).getResult();
    return memref::SubViewOp::create(b, loc, result, offsets, sizes, strides)
        .getResult();
  };
  auto elementTypeOf = [](const NestOperand &operand) {
    return cast<RankedTensorType>(operand.value.getType()).getElementType();
  };

  SmallVector<Value> inputs, outputs;
  SmallVector<AffineMap> maps;
  // Scalar inputs are constants captured by the body, not operands.
  SmallVector<Value> scalars(nest.inputs.size());
  auto mapOf = [&](const NestOperand &operand) {
    SmallVector<AffineExpr> results;
    for (int64_t d : operand.dims)
      results.push_back(b.getAffineDimExpr(d));
    return AffineMap::get(rank, 0, results, b.getContext());
  };
  for (auto [i, operand] : llvm::enumerate(nest.inputs)) {
    if (operand.scalar) {
      scalars[i] = arith::ConstantOp::create(b, loc, operand.scalar);
      continue;
    }
    if (!nest.inputHasAddress(i))
      continue;
    inputs.push_back(view(operand, elementTypeOf(operand)));
    maps.push_back(mapOf(operand));
  }
  // A loop dimension no buffer indexes (one only a splat constant did: a
  // sum over axis 1 of exp(constant)) still needs bounds: linalg takes them
  // from its operands. A carrier of that extent and stride 0 gives them
  // without memory; the body ignores it.
  llvm::SmallDenseSet<int64_t> indexed;
  for (auto [i, operand] : llvm::enumerate(nest.inputs))
    if (!operand.scalar && nest.inputHasAddress(i))
      indexed.insert(operand.dims.begin(), operand.dims.end());
  for (const NestOperand &operand : nest.outputs)
    indexed.insert(operand.dims.begin(), operand.dims.end());
  for (int64_t d = 0; d < rank; ++d) {
    if (indexed.contains(d))
      continue;
    Value one =
        memref::AllocaOp::create(b, loc, MemRefType::get({1}, b.getI8Type()));
    OpFoldResult size = b.getIndexAttr(nest.extents[d]);
    if (d == split)
      size = arith::SubIOp::create(b, loc, end, begin).getResult();
    inputs.push_back(memref::ReinterpretCastOp::create(
        b, loc, one, b.getIndexAttr(0), ArrayRef<OpFoldResult>{size},
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)}));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(d)));
  }
  for (const NestOperand &operand : nest.outputs) {
    outputs.push_back(view(operand, elementTypeOf(operand)));
    maps.push_back(mapOf(operand));
  }
  // A wider accumulator: the loops add into a buffer of its type (the
  // thread's part of the outputs), finished and rounded into the outputs.
  SmallVector<Value> results = outputs, accumulators;
  if (nest.accumulator)
    for (Value &out : outputs) {
      auto type = cast<MemRefType>(out.getType());
      SmallVector<Value> sizes;
      for (auto [k, d] : llvm::enumerate(type.getShape()))
        if (ShapedType::isDynamic(d))
          sizes.push_back(memref::DimOp::create(b, loc, out, k));
      auto accType = MemRefType::get(type.getShape(), nest.accumulator);
      // Small static ones (a loss's scalar, an unsplit kernel's outputs) on
      // the stack; a thread's part of a split output (a bias gradient's
      // channels) is allocated per call.
      bool small = type.hasStaticShape() && type.getNumElements() <= 4096;
      out = small ? memref::AllocaOp::create(b, loc, accType).getResult()
                  : memref::AllocOp::create(b, loc, accType, sizes).getResult();
      accumulators.push_back(out);
    }
  if (nest.init) {
    Value init = arith::ConstantOp::create(b, loc, nest.init);
    for (Value out : outputs)
      linalg::FillOp::create(b, loc, ValueRange{init}, ValueRange{out});
  }
  if (nest.point)
    linalg::GenericOp::create(
        b, loc, TypeRange{}, inputs, outputs, maps, nest.iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          SmallVector<Value> in;
          size_t next = 0;
          for (auto [i, scalar] : llvm::enumerate(scalars))
            in.push_back(nest.inputHasAddress(i) ? args[next++] : scalar);
          ValueRange out = args.drop_front(inputs.size()); // past carriers
          for (size_t i = 0; i < in.size(); ++i)
            if (nest.outputReadThrough(i) >= 0)
              in[i] = out[nest.outputReadThrough(i)];
          SmallVector<Value> results = nest.point(nb, nloc, in, out);
          linalg::YieldOp::create(nb, nloc, results);
        });
  if (!nest.finish && accumulators.empty())
    return;
  for (auto [k, result] : llvm::enumerate(results)) {
    // In place, or from the accumulator into the result.
    SmallVector<Value> from;
    if (!accumulators.empty())
      from.push_back(accumulators[k]);
    auto type = cast<MemRefType>(result.getType());
    int64_t outRank = type.getRank();
    SmallVector<AffineMap> identity(from.size() + 1,
                                    b.getMultiDimIdentityMap(outRank));
    linalg::GenericOp::create(
        b, loc, TypeRange{}, from, ValueRange{result}, identity,
        SmallVector<utils::IteratorType>(outRank,
                                         utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value v = args[0];
          if (nest.finish)
            v = nest.finish(nb, nloc, v);
          if (v.getType() != type.getElementType())
            v = arith::TruncFOp::create(nb, nloc, type.getElementType(), v);
          linalg::YieldOp::create(nb, nloc, v);
        });
  }
  for (Value acc : accumulators)
    if (acc.getDefiningOp<memref::AllocOp>())
      memref::DeallocOp::create(b, loc, acc);
}

/// Fills nest.readThroughOutput: an elementwise input at an output's place,
/// indexed as that output is, is read through it.
static void markUpdatesInPlace(LoopNest &nest) {
  nest.readThroughOutput.assign(nest.inputs.size(), -1);
  bool elementwise = !nest.init && !nest.finish &&
                     llvm::all_of(nest.iterators, [](utils::IteratorType t) {
                       return t == utils::IteratorType::parallel;
                     });
  if (!elementwise)
    return;
  for (auto [i, input] : llvm::enumerate(nest.inputs)) {
    if (input.scalar || input.hasWindow() || !getPlace(input.value))
      continue;
    for (auto [j, output] : llvm::enumerate(nest.outputs))
      if (!output.hasWindow() &&
          getPlace(output.value) == getPlace(input.value) &&
          output.shape == input.shape && output.dims == input.dims &&
          input.value.getType() == output.value.getType()) {
        nest.readThroughOutput[i] = j;
        break;
      }
  }
}

func::FuncOp ModelEmitter::kernelFor(const LoopNest &nest, Location loc) {
  // void k<N>.<op>(void *const *operands, int64 begin, int64 end)
  auto ptr = LLVM::LLVMPointerType::get(context());
  OpBuilder kb(context());
  auto i64 = kb.getI64Type();
  auto kernel = func::FuncOp::create(loc, "gm_kernel",
                                     kb.getFunctionType({ptr, i64, i64}, {}));
  makeInternal(kernel);
  // The driver tells LLVM what gm knows of kernels (KernelHints.h).
  kernel->setAttr("passthrough",
                  kb.getArrayAttr({kb.getStringAttr(kKernelAttribute)}));
  Block *entry = kernel.addEntryBlock();
  kb.setInsertionPointToStart(entry);
  Value begin = arith::IndexCastOp::create(kb, loc, kb.getIndexType(),
                                           entry->getArgument(1));
  Value end = arith::IndexCastOp::create(kb, loc, kb.getIndexType(),
                                         entry->getArgument(2));
  emitKernelBody(kb, loc, nest, entry->getArgument(0), begin, end);
  func::ReturnOp::create(kb, loc);

  // Kernels that compute the same thing on other buffers are one function:
  // its text (under the placeholder name) is the key.
  std::string key;
  llvm::raw_string_ostream os(key);
  kernel.print(os);
  func::FuncOp &existing = kernels_[key];
  if (existing) {
    kernel.erase();
    return existing;
  }
  kernel.setSymName("k" + std::to_string(kernels_.size() - 1) + "." +
                    nest.name);
  moduleBuilder_.insert(kernel);
  existing = kernel;
  return kernel;
}

LogicalResult ModelEmitter::emitLoopNest(OpBuilder &b, Location loc,
                                         FunctionState &fs, LoopNest nest) {
  countFlops(nest.points());
  coalesce(nest);
  markUpdatesInPlace(nest);
  int64_t split = splitDimension(nest);
  int64_t units = split < 0 ? 1 : nest.extents[split];
  func::FuncOp kernel = kernelFor(nest, loc);

  // The operands' addresses, in the kernel's order.
  FailureOr<Value> addresses = addressArray(b, loc, fs, nest.addressedValues());
  if (failed(addresses))
    return failure();

  auto i64 = b.getI64Type();
  auto constant = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v))
        .getResult();
  };
  int64_t points = nest.points();
  if (points < kPointsPerTask || units == 1) {
    func::CallOp::create(b, loc, kernel,
                         ValueRange{*addresses, constant(0), constant(units)});
    return success();
  }
  int64_t grain =
      std::max<int64_t>(1, (kPointsPerTask * units + points - 1) / points);
  FunctionType kernelType = kernel.getFunctionType();
  func::FuncOp parallelFor = runtimeFunction(
      "gmrt_parallel_for",
      b.getFunctionType({kernelType, addresses->getType(), i64, i64}, {}));
  Value fn = func::ConstantOp::create(
      b, loc, kernelType, SymbolRefAttr::get(kernel.getSymNameAttr()));
  func::CallOp::create(
      b, loc, parallelFor,
      ValueRange{fn, *addresses, constant(units), constant(grain)});
  return success();
}
