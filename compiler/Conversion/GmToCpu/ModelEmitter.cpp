//===- ModelEmitter.cpp - phases and samplers as functions over buffers ---===//
//
// One function per phase and sampler, `void gm_phase_<name>(GmFrame *)`,
// walks the planned body in order. Structural ops (variables, data,
// reports, loops) are written here; math ops go to the loop-nest and
// library emitters. Values are never SSA values of the output: every op
// reads its operands from, and writes its results to, their planned places.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Transforms/MemoryPlan.h"
#include "gm/RowFlow.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

/// Points below which a kernel runs on the calling thread: forking threads
/// costs more than it saves. Also the least work a parallel task gets.
static constexpr int64_t kPointsPerTask = 1 << 14;

/// The field of GmFrame (runtime/core/abi.h) holding each buffer's address.
static constexpr int32_t kArenaField = 0, kVariablesField = 1;

ModelEmitter::ModelEmitter(ModelOp model)
    : model_(model), module_(model->getParentOfType<ModuleOp>()),
      moduleBuilder_(model) {}

//===----------------------------------------------------------------------===//
// Buffers and views
//===----------------------------------------------------------------------===//

/// Private to the object file: LLVM may inline it (small kernels called
/// directly, the buffer helpers) and drop what is unused.
static void makeInternal(func::FuncOp fn) {
  fn.setPrivate();
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(fn.getContext(), LLVM::Linkage::Internal));
}

/// A 1-D byte memref over `bytes` bytes at `base`: the descriptor {allocated,
/// aligned, offset, [size], [stride]} built by hand, since no memref op
/// takes a raw address.
static Value wrapBytes(OpBuilder &b, Location loc, Value base, int64_t bytes) {
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = b.getI64Type();
  auto memrefType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto array1 = LLVM::LLVMArrayType::get(i64, 1);
  auto descType =
      LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, i64, array1, array1});
  auto constant = [&](int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  };
  Value desc = LLVM::PoisonOp::create(b, loc, descType);
  desc = LLVM::InsertValueOp::create(b, loc, desc, base, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, base, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(0),
                                     ArrayRef<int64_t>{2});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(bytes),
                                     ArrayRef<int64_t>{3, 0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(1),
                                     ArrayRef<int64_t>{4, 0});
  return UnrealizedConversionCastOp::create(b, loc, TypeRange{memrefType}, desc)
      .getResult(0);
}

/// `func.func private @<name>(%arg: !llvm.ptr) -> memref<?xi8>`, whose body
/// `address` turns the argument into the buffer's address.
static void emitByteHelper(OpBuilder &b, Location loc, StringRef name,
                           int64_t bytes,
                           function_ref<Value(OpBuilder &, Value)> address) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  auto memrefType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto fn = func::FuncOp::create(b, loc, name,
                                 b.getFunctionType({ptr}, {memrefType}));
  makeInternal(fn);
  OpBuilder::InsertionGuard guard(b);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value memref = wrapBytes(b, loc, address(b, entry->getArgument(0)), bytes);
  func::ReturnOp::create(b, loc, memref);
}

void ModelEmitter::emitBufferHelpers() {
  Location loc = model_.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context());
  // gm_arena_buffer(frame), gm_variables_buffer(frame): a field of the frame.
  auto field = [&](int32_t index) {
    return [=](OpBuilder &b, Value frame) -> Value {
      auto frameType =
          LLVM::LLVMStructType::getLiteral(b.getContext(), {ptr, ptr, ptr});
      Value slot = LLVM::GEPOp::create(b, loc, ptr, frameType, frame,
                                       ArrayRef<LLVM::GEPArg>{0, index});
      return LLVM::LoadOp::create(b, loc, ptr, slot);
    };
  };
  emitByteHelper(moduleBuilder_, loc, "gm_arena_buffer", getArenaBytes(model_),
                 field(kArenaField));
  emitByteHelper(moduleBuilder_, loc, "gm_variables_buffer",
                 getVariablesBytes(model_), field(kVariablesField));
  // gm_bytes(address): a kernel operand. Its size is unknown to the kernel
  // and unused (views carry their shapes): the largest a buffer can be.
  emitByteHelper(moduleBuilder_, loc, "gm_bytes", int64_t(1) << 48,
                 [](OpBuilder &, Value address) { return address; });
}

func::FuncOp ModelEmitter::beginFunction(OpBuilder &b, Location loc,
                                         StringRef name, TypeRange extraArgs,
                                         FunctionState &fs) {
  auto ptr = LLVM::LLVMPointerType::get(context());
  SmallVector<Type> args{ptr};
  args.append(extraArgs.begin(), extraArgs.end());
  auto fn = func::FuncOp::create(moduleBuilder_, loc, name,
                                 moduleBuilder_.getFunctionType(args, {}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  fs.frame = entry->getArgument(0);
  lastLibraryCall_ = {}; // a call starts with no staged copies to reuse
  auto memrefType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto call = [&](StringRef helper) {
    return func::CallOp::create(b, loc, helper, TypeRange{memrefType},
                                ValueRange{fs.frame})
        .getResult(0);
  };
  fs.arena = call("gm_arena_buffer");
  fs.variables = call("gm_variables_buffer");
  fs.iteration =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)).getResult();
  return fn;
}

Value ModelEmitter::bufferView(OpBuilder &b, Location loc, FunctionState &fs,
                               PlaceAttr place, MemRefType type) {
  Value buffer = place.getSpace() == Space::arena ? fs.arena : fs.variables;
  Value offset = arith::ConstantIndexOp::create(b, loc, place.getOffset());
  return memref::ViewOp::create(b, loc, type, buffer, offset, ValueRange{});
}

DenseElementsAttr ModelEmitter::constantOf(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto constant = dyn_cast<ConstantOp>(def))
      return dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!isa<ReshapeOp, StopGradientOp>(def))
      return {};
    value = def->getOperand(0);
  }
  return {};
}

memref::GlobalOp ModelEmitter::constantGlobal(DenseElementsAttr value) {
  auto flat = value.reshape(
      RankedTensorType::get({value.getNumElements()}, value.getElementType()));
  memref::GlobalOp &global = constantGlobals_[flat];
  if (global)
    return global;
  auto type = MemRefType::get({flat.getNumElements()}, flat.getElementType());
  std::string name = "gm_constant_" + std::to_string(constantGlobals_.size());
  global = memref::GlobalOp::create(
      moduleBuilder_, model_.getLoc(), name,
      moduleBuilder_.getStringAttr("private"), type, flat, /*constant=*/true,
      moduleBuilder_.getI64IntegerAttr(kBufferAlignment));
  return global;
}

FailureOr<Value> ModelEmitter::viewOf(OpBuilder &b, Location loc,
                                      FunctionState &fs, Value value,
                                      ArrayRef<int64_t> shape) {
  auto tensorType = cast<RankedTensorType>(value.getType());
  auto type = MemRefType::get(shape, tensorType.getElementType());
  if (PlaceAttr place = getPlace(value))
    return bufferView(b, loc, fs, place, type);
  if (DenseElementsAttr constant = constantOf(value)) {
    memref::GlobalOp global = constantGlobal(constant);
    Value flat = memref::GetGlobalOp::create(b, loc, global.getType(),
                                             global.getSymName());
    SmallVector<int64_t> strides(shape.size(), 1);
    for (int64_t k = static_cast<int64_t>(shape.size()) - 2; k >= 0; --k)
      strides[k] = strides[k + 1] * shape[k + 1];
    return memref::ReinterpretCastOp::create(b, loc, type, flat, 0, shape,
                                             strides)
        .getResult();
  }
  return emitError(loc) << "value has no planned buffer (run gm-plan-memory "
                           "before gm-to-cpu)";
}

FailureOr<Value> ModelEmitter::viewOf(OpBuilder &b, Location loc,
                                      FunctionState &fs, Value value) {
  return viewOf(b, loc, fs, value,
                cast<RankedTensorType>(value.getType()).getShape());
}

FailureOr<Value> ModelEmitter::pointerOf(OpBuilder &b, Location loc,
                                         FunctionState &fs, Value value) {
  FailureOr<Value> view = viewOf(b, loc, fs, value);
  if (failed(view))
    return failure();
  Value index = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, *view);
  Value address =
      arith::IndexCastOp::create(b, loc, b.getI64Type(), index).getResult();
  return LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(context()),
                                  address)
      .getResult();
}

func::FuncOp ModelEmitter::runtimeFunction(StringRef name, FunctionType type) {
  if (auto existing = module_.lookupSymbol<func::FuncOp>(name))
    return existing;
  auto fn = func::FuncOp::create(moduleBuilder_, model_.getLoc(), name, type);
  fn.setPrivate();
  return fn;
}

//===----------------------------------------------------------------------===//
// Loop nests
//===----------------------------------------------------------------------===//

static FailureOr<Value> addressArray(ModelEmitter &emitter, OpBuilder &b,
                                     Location loc, FunctionState &fs,
                                     ValueRange values);

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
  FailureOr<Value> addresses =
      addressArray(*this, b, loc, fs, nest.addressedValues());
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

//===----------------------------------------------------------------------===//
// Library calls
//===----------------------------------------------------------------------===//

int32_t ModelEmitter::addLibraryOp(llvm::json::Object descriptor) {
  if (std::optional<int64_t> flops = descriptor.getInteger("flops"))
    countFlops(*flops);
  libraryOps_.push_back(std::move(descriptor));
  return static_cast<int32_t>(libraryOps_.size() - 1);
}

/// Operand addresses of runtime calls: room for this many without a new
/// alloca (batch_norm_backward has 8 operands).
static constexpr int64_t kAddressSlots = 16;

/// Stores the addresses of `values` into the function's address array and
/// returns it.
static FailureOr<Value> addressArray(ModelEmitter &emitter, OpBuilder &b,
                                     Location loc, FunctionState &fs,
                                     ValueRange values) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  int64_t n = static_cast<int64_t>(values.size());
  if (n > fs.addressCapacity) {
    // In the entry block: allocas in loops would grow the stack.
    OpBuilder::InsertionGuard guard(b);
    Region *body = fs.frame.getParentRegion();
    b.setInsertionPointToStart(&body->front());
    fs.addressCapacity = std::max(n, kAddressSlots);
    Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                         b.getI64IntegerAttr(1));
    fs.addresses = LLVM::AllocaOp::create(
        b, loc, ptr, LLVM::LLVMArrayType::get(ptr, fs.addressCapacity), one);
  }
  auto arrayType = LLVM::LLVMArrayType::get(ptr, fs.addressCapacity);
  for (auto [i, value] : llvm::enumerate(values)) {
    FailureOr<Value> address = emitter.pointerOf(b, loc, fs, value);
    if (failed(address))
      return failure();
    Value slot =
        LLVM::GEPOp::create(b, loc, ptr, arrayType, fs.addresses,
                            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    LLVM::StoreOp::create(b, loc, *address, slot);
  }
  return fs.addresses;
}

SmallVector<int64_t> ModelEmitter::noteLibraryCall(Block *block,
                                                   ArrayRef<Value> inputs) {
  // A call in a nested block (a loop body) runs between this one and the
  // last of this block, or, first in a loop body, this call follows the
  // body's last in the next iteration: the blocks differ then.
  SmallVector<int64_t> unchanged;
  if (lastLibraryCall_.block == block)
    for (auto [i, value] : llvm::enumerate(inputs))
      if (llvm::is_contained(lastLibraryCall_.inputs, value))
        unchanged.push_back(static_cast<int64_t>(i));
  lastLibraryCall_.block = block;
  lastLibraryCall_.inputs.assign(inputs.begin(), inputs.end());
  return unchanged;
}

LogicalResult ModelEmitter::emitLibraryCall(OpBuilder &b, Location loc,
                                            FunctionState &fs, int32_t id,
                                            ValueRange operands,
                                            Value position) {
  FailureOr<Value> array = addressArray(*this, b, loc, fs, operands);
  if (failed(array))
    return failure();
  Value idValue = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(id));
  SmallVector<Value> args{fs.frame, idValue, fs.iteration};
  if (position)
    args.push_back(position);
  args.push_back(*array);
  func::FuncOp library =
      runtimeFunction(position ? "gmrt_library_at" : "gmrt_library",
                      b.getFunctionType(ValueRange(args).getTypes(), {}));
  func::CallOp::create(b, loc, library, args);
  return success();
}

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

Value ModelEmitter::flatView(OpBuilder &b, Location loc, FunctionState &fs,
                             PlaceAttr place, Type tensorType) {
  auto type = cast<RankedTensorType>(tensorType);
  return bufferView(
      b, loc, fs, place,
      MemRefType::get({type.getNumElements()}, type.getElementType()));
}

LogicalResult ModelEmitter::emitCopy(OpBuilder &b, Location loc,
                                     FunctionState &fs, Value from,
                                     PlaceAttr to) {
  if (getPlace(from) == to)
    return success();
  Value target = flatView(b, loc, fs, to, from.getType());
  DenseElementsAttr constant = constantOf(from);
  if (constant && constant.isSplat()) {
    Value v = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(constant.getSplatValue<Attribute>()));
    linalg::FillOp::create(b, loc, ValueRange{v}, ValueRange{target});
    return success();
  }
  auto type = cast<RankedTensorType>(from.getType());
  FailureOr<Value> source = viewOf(b, loc, fs, from, {type.getNumElements()});
  if (failed(source))
    return failure();
  // Contiguous on both sides: lowers to one memcpy.
  memref::CopyOp::create(b, loc, *source, target);
  return success();
}

/// `scf.for %i = 0 to count step 1`, with an empty body.
static scf::ForOp countedLoop(OpBuilder &b, Location loc, int64_t count) {
  Value lower = arith::ConstantIndexOp::create(b, loc, 0);
  Value upper = arith::ConstantIndexOp::create(b, loc, count);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(b, loc, lower, upper, step);
}

LogicalResult ModelEmitter::emitRepeat(OpBuilder &b, RepeatOp op,
                                       FunctionState &fs) {
  Location loc = op.getLoc();
  int64_t count = op.getCount();
  scf::ForOp loop = countedLoop(b, loc, count);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  // Iterations of nested repeats flatten into one index, as in the
  // reference evaluator: outer * count + i.
  Value i = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                       loop.getInductionVar());
  Value countValue =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(count));
  FunctionState inner = fs;
  inner.iteration = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, fs.iteration, countValue), i);
  int64_t scale = flopsScale_;
  flopsScale_ *= count;
  LogicalResult result = emitBody(b, op.getBodyBlock(), inner);
  flopsScale_ = scale;
  fs.keepAddressesOf(inner);
  return result;
}

LogicalResult ModelEmitter::emitAutoregressive(OpBuilder &b,
                                               AutoregressiveOp op,
                                               FunctionState &fs) {
  Location loc = op.getLoc();
  PlaceAttr canvasPlace = getPlace(op.getResult());
  if (failed(emitCopy(b, loc, fs, op.getInit(), canvasPlace)))
    return failure();
  auto type = cast<RankedTensorType>(op.getType());
  int64_t positions = op.getPositions();
  int64_t lines = type.getNumElements() / positions;

  scf::ForOp loop = countedLoop(b, loc, positions);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value p = loop.getInductionVar();
  Block &body = op.getBody().front();
  FunctionState inner = fs;
  inner.position =
      arith::IndexCastOp::create(b, loc, b.getI64Type(), p).getResult();
  int64_t scale = flopsScale_;
  int64_t height = op.getOver().front(), perRow = op.getStepsPer(0);
  for (auto it = body.begin(), end = std::prev(body.end()); it != end;) {
    std::optional<int64_t> from = perRowMark(&*it);
    if (!from) {
      flopsScale_ = scale * positions;
      if (failed(emitOp(b, &*it++, inner)))
        return failure();
      continue;
    }
    // A run of ops the same along a row from row `from` on (gm-per-row):
    // computed at a row's first step, and at every step of the rows before.
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value column = arith::RemUIOp::create(b, loc, p, index(perRow));
    Value when = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, column,
                                       index(0));
    if (*from > 0) {
      Value early = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, p,
                                          index(*from * perRow));
      when = arith::OrIOp::create(b, loc, when, early);
    }
    auto runs = scf::IfOp::create(b, loc, when, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard inRun(b);
    b.setInsertionPoint(runs.thenBlock()->getTerminator());
    flopsScale_ = scale * (*from * perRow + height - *from);
    for (; it != end && perRowMark(&*it) == from; ++it)
      if (failed(emitOp(b, &*it, inner)))
        return failure();
    // At the steps that skip the run, the call before the next one is
    // another: it may reuse no copy the run's last call staged.
    lastLibraryCall_ = {};
  }
  flopsScale_ = scale;
  fs.keepAddressesOf(inner);
  // Position p of every line of the canvas takes the yielded value's.
  auto yield = cast<YieldOp>(body.getTerminator());
  FailureOr<Value> next =
      viewOf(b, loc, fs, yield.getValues()[0], {lines, positions});
  FailureOr<Value> canvas =
      viewOf(b, loc, fs, op.getResult(), {lines, positions});
  if (failed(next) || failed(canvas))
    return failure();
  scf::ForOp copy = countedLoop(b, loc, lines);
  b.setInsertionPoint(copy.getBody()->getTerminator());
  Value l = copy.getInductionVar();
  Value v = memref::LoadOp::create(b, loc, *next, ValueRange{l, p});
  memref::StoreOp::create(b, loc, v, *canvas, ValueRange{l, p});
  return success();
}

LogicalResult ModelEmitter::emitRowWindow(OpBuilder &b, Operation *op,
                                          FunctionState &fs) {
  Location loc = op->getLoc();
  // The window (`small`) lies inside the whole tensor or a wider window
  // (`big`): a row_window copies out of it, a row_unwindow into it.
  bool unwindow = isa<RowUnwindowOp>(op);
  Value small = unwindow ? op->getOperand(0) : op->getResult(0);
  Value big = unwindow ? op->getResult(0) : op->getOperand(0);
  int64_t dim = op->getAttrOfType<IntegerAttr>("dim").getInt();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(big.getType()).getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d : shape.take_front(dim))
    outer *= d;
  for (int64_t d : shape.drop_front(dim + 1))
    inner *= d;
  int64_t bigRows = shape[dim];
  int64_t smallRows = cast<RankedTensorType>(small.getType()).getDimSize(dim);
  FailureOr<Value> smallView =
      viewOf(b, loc, fs, small, {outer * smallRows * inner});
  FailureOr<Value> bigView = viewOf(b, loc, fs, big, {outer * bigRows * inner});
  if (failed(smallView) || failed(bigView))
    return failure();
  // Draws made at the step's position alone (gm.at_position) read nothing
  // of the rows outside the window: when they are all that read it, those
  // rows need no zeros (PixelCNN's logits: 12.8 MB a step).
  bool readAtPositionOnly = llvm::all_of(big.getUsers(), [](Operation *user) {
    return user->hasAttr(kAtPositionAttr);
  });
  if (unwindow && !readAtPositionOnly) {
    Value zero = arith::ConstantOp::create(
        b, loc, b.getZeroAttr(getElementTypeOrSelf(big.getType())));
    linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{*bigView});
  }
  // Where each window starts (AutoregressiveOp::windowStart), and so where
  // the small one starts inside the big one.
  auto loop = cast<AutoregressiveOp>(op->getParentOp());
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The step's row: its index in the loop's dimension `along`.
  int64_t along = op->getAttrOfType<IntegerAttr>("along").getInt();
  Value position =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), fs.position);
  Value row =
      arith::DivUIOp::create(b, loc, position, index(loop.getStepsPer(along)));
  if (along != 0)
    row = arith::RemUIOp::create(b, loc, row, index(loop.getOver()[along]));
  auto start = [&](int64_t rows) -> Value {
    Value up = arith::SubIOp::create(b, loc, row, index(rows - 1));
    return arith::MaxSIOp::create(b, loc, up, index(0));
  };
  Value offset = start(smallRows);
  if (bigRows != loop.getOver()[along]) // a window of a window
    offset = arith::SubIOp::create(b, loc, offset, start(bigRows));
  // Each line of the dimensions before `dim` holds one run of window rows.
  scf::ForOp lines = countedLoop(b, loc, outer);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(lines.getBody()->getTerminator());
  Value o = lines.getInductionVar();
  Value bigLine = arith::MulIOp::create(b, loc, o, index(bigRows));
  Value bigRow = arith::AddIOp::create(b, loc, bigLine, offset);
  Value bigAt = arith::MulIOp::create(b, loc, bigRow, index(inner));
  Value smallAt = arith::MulIOp::create(b, loc, o, index(smallRows * inner));
  auto run = [&](Value view, Value at) -> Value {
    return memref::SubViewOp::create(
        b, loc, view, ArrayRef<OpFoldResult>{at},
        ArrayRef<OpFoldResult>{b.getIndexAttr(smallRows * inner)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  };
  Value inBig = run(*bigView, bigAt), inSmall = run(*smallView, smallAt);
  memref::CopyOp::create(b, loc, unwindow ? inSmall : inBig,
                         unwindow ? inBig : inSmall);
  return success();
}

/// Blocked values (gm-propagate-layouts) reach only the ops that compute
/// on them: convolutions and batch norms, generated loops (elementwise,
/// fused, reductions), which run over channel blocks (blockChannels), and
/// channel windows (isChannelWindow).
static bool mixesLayouts(ArrayRef<Value> values) {
  auto blocked = [](Value v) { return layoutOf(v) == layout::blocked; };
  return llvm::any_of(values, blocked) && !llvm::all_of(values, blocked);
}

static LogicalResult checkLayouts(Operation *op) {
  if (auto reorder = dyn_cast<ReorderOp>(op)) {
    if (layoutOf(reorder.getInput()) == reorder.getLayout())
      return op->emitOpError() << "reorders a value that is "
                               << reorder.getLayout() << " already";
    return success();
  }
  if (loopShape(op)) {
    // One loop: its loop-wide operands and results share one order in
    // memory; the broadcast and reduced ones are plain.
    SmallVector<Value> wide;
    for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
      if (isLoopWide(op, v))
        wide.push_back(v);
      else if (layoutOf(v) == layout::blocked)
        return op->emitOpError()
               << "reads or writes a blocked tensor of another shape than "
                  "its loop's";
    }
    if (mixesLayouts(wide))
      return op->emitOpError()
             << "mixes blocked and plain tensors of one shape (reorder "
                "them to one layout first)";
    return success();
  }
  if (takesBlockedLayouts(op) || isSplatConstant(op))
    return success();
  if (isChannelWindow(op)) {
    // One copy loop, indexing plain: the same bytes in either layout.
    SmallVector<Value> values(op->getOperands());
    llvm::append_range(values, op->getResults());
    if (mixesLayouts(values))
      return op->emitOpError() << "mixes blocked and plain tensors (reorder "
                                  "them to one layout first)";
    return success();
  }
  for (auto [i, v] : llvm::enumerate(op->getOperands()))
    if (layoutOf(v) == layout::blocked)
      return op->emitOpError()
             << "reads operand #" << i
             << " in the blocked layout, which only convolutions, batch "
                "norms, elementwise loops, reductions and slices, pads and "
                "concats of whole channel blocks can (reorder it to "
                "\"plain\" first)";
  for (OpResult r : op->getResults())
    if (layoutOf(r) == layout::blocked)
      return op->emitOpError() << "cannot write result #" << r.getResultNumber()
                               << " in the blocked layout";
  return success();
}

LogicalResult ModelEmitter::emitOp(OpBuilder &b, Operation *op,
                                   FunctionState &fs) {
  Location loc = op->getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context());
  auto i32 = b.getI32Type();

  if (failed(checkLayouts(op)))
    return failure();
  // Aliases and constants have no code: their readers view their bytes.
  if (isa<ConstantOp, ReshapeOp, StopGradientOp>(op))
    return success();
  if (auto load = dyn_cast<LoadOp>(op)) {
    PlaceAttr place = getPlace(load.getResult());
    if (!place)
      return op->emitOpError() << "has no planned place (run gm-plan-memory "
                                  "before gm-to-cpu)";
    if (place.getSpace() == Space::variables)
      return success();
    // A copy: a later store overwrites the variable while this is live.
    Operation *variable =
        SymbolTable::lookupNearestSymbolFrom(model_, load.getVariableAttr());
    Value from = flatView(b, loc, fs, getPlace(variable), load.getType());
    Value to = flatView(b, loc, fs, place, load.getType());
    memref::CopyOp::create(b, loc, from, to);
    return success();
  }
  if (auto store = dyn_cast<StoreOp>(op)) {
    Operation *variable =
        SymbolTable::lookupNearestSymbolFrom(model_, store.getVariableAttr());
    return emitCopy(b, loc, fs, store.getValue(), getPlace(variable));
  }
  if (auto next = dyn_cast<NextOp>(op)) {
    FailureOr<Value> fields =
        addressArray(*this, b, loc, fs, next.getResults());
    if (failed(fields))
      return failure();
    func::FuncOp fn =
        runtimeFunction("gmrt_next", b.getFunctionType({ptr, i32, ptr}, {}));
    int32_t id = datasetIds_.lookup(next.getDataset());
    Value idValue = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(id));
    func::CallOp::create(b, loc, fn, ValueRange{fs.frame, idValue, *fields});
    return success();
  }
  if (auto report = dyn_cast<ReportOp>(op)) {
    auto [it, inserted] = reportIds_.try_emplace(
        report.getName(), static_cast<int32_t>(reportNames_.size()));
    if (inserted)
      reportNames_.push_back(report.getName().str());
    Value scalar;
    if (DenseElementsAttr constant = constantOf(report.getValue())) {
      scalar = arith::ConstantOp::create(
          b, loc, cast<TypedAttr>(constant.getSplatValue<Attribute>()));
    } else {
      FailureOr<Value> view = viewOf(b, loc, fs, report.getValue());
      if (failed(view))
        return failure();
      scalar = memref::LoadOp::create(b, loc, *view, ValueRange{});
    }
    if (scalar.getType() != b.getF64Type())
      scalar = arith::ExtFOp::create(b, loc, b.getF64Type(), scalar);
    Value idValue =
        arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(it->second));
    // Inside repeats the step reports the mean of the rounds.
    int64_t rounds = repeatRounds(op);
    if (rounds == 1) {
      func::FuncOp fn = runtimeFunction(
          "gmrt_report", b.getFunctionType({ptr, i32, b.getF64Type()}, {}));
      func::CallOp::create(b, loc, fn, ValueRange{fs.frame, idValue, scalar});
      return success();
    }
    func::FuncOp fn = runtimeFunction(
        "gmrt_report_round",
        b.getFunctionType({ptr, i32, b.getF64Type(), i32, i32}, {}));
    Value roundsValue = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(static_cast<int32_t>(rounds)));
    func::CallOp::create(
        b, loc, fn,
        ValueRange{fs.frame, idValue, scalar, fs.iteration, roundsValue});
    return success();
  }
  if (auto statistic = dyn_cast<StatisticOp>(op)) {
    // The runtime collects the operands of every batch (abi.h).
    FailureOr<Value> values =
        addressArray(*this, b, loc, fs, statistic.getValues());
    if (failed(values))
      return failure();
    auto [it, inserted] = statisticIds_.try_emplace(
        op, static_cast<int32_t>(statisticIds_.size()));
    func::FuncOp fn = runtimeFunction("gmrt_statistic",
                                      b.getFunctionType({ptr, i32, ptr}, {}));
    Value idValue =
        arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(it->second));
    func::CallOp::create(b, loc, fn, ValueRange{fs.frame, idValue, *values});
    return success();
  }
  if (auto ret = dyn_cast<ReturnOp>(op)) {
    for (auto [value, place] :
         llvm::zip(ret.getOperands(), getReturnPlaces(ret)))
      if (failed(emitCopy(b, loc, fs, value, place)))
        return failure();
    return success();
  }
  if (auto repeat = dyn_cast<RepeatOp>(op))
    return emitRepeat(b, repeat, fs);
  if (auto ar = dyn_cast<AutoregressiveOp>(op))
    return emitAutoregressive(b, ar, fs);
  if (isa<RowWindowOp, RowUnwindowOp>(op))
    return emitRowWindow(b, op, fs);

  FailureOr<bool> handled = emitLoopOp(*this, b, op, fs);
  if (failed(handled))
    return failure();
  if (*handled)
    return success();
  handled = emitLibraryOp(*this, b, op, fs);
  if (failed(handled))
    return failure();
  if (*handled)
    return success();
  return op->emitOpError() << "is not supported by the CPU backend";
}

LogicalResult ModelEmitter::emitBody(OpBuilder &b, Block &body,
                                     FunctionState &fs) {
  for (Operation &op : body)
    if (failed(emitOp(b, &op, fs)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void ModelEmitter::emitDispatcher() {
  // void gm_run(int32 entry, GmFrame *frame): the trainer's one way in.
  Location loc = model_.getLoc();
  OpBuilder &b = moduleBuilder_;
  auto ptr = LLVM::LLVMPointerType::get(context());
  auto fn = func::FuncOp::create(b, loc, "gm_run",
                                 b.getFunctionType({b.getI32Type(), ptr}, {}));
  OpBuilder::InsertionGuard guard(b);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                           entry->getArgument(0));
  SmallVector<int64_t> cases;
  for (size_t i = 0; i < entries_.size(); ++i)
    cases.push_back(i);
  auto sw = scf::IndexSwitchOp::create(b, loc, TypeRange{}, index, cases,
                                       cases.size());
  for (auto [i, e] : llvm::enumerate(entries_)) {
    Block &block = sw.getCaseRegions()[i].emplaceBlock();
    b.setInsertionPointToStart(&block);
    func::CallOp::create(b, loc, e.function, ValueRange{entry->getArgument(1)});
    scf::YieldOp::create(b, loc);
  }
  b.setInsertionPointToStart(&sw.getDefaultRegion().emplaceBlock());
  scf::YieldOp::create(b, loc);
  b.setInsertionPointAfter(sw);
  func::ReturnOp::create(b, loc);
}

LogicalResult ModelEmitter::emit() {
  if (!model_->hasAttr(kArenaBytesAttr))
    return model_.emitOpError()
           << "has no memory plan (run gm-plan-memory before gm-to-cpu)";
  emitBufferHelpers();
  for (DatasetOp dataset : model_.getOps<DatasetOp>())
    datasetIds_[dataset.getSymName()] = datasetIds_.size();

  for (Operation &op : model_.getBodyBlock()) {
    StringRef kind;
    if (isa<PhaseOp>(op))
      kind = "phase";
    else if (isa<SamplerOp>(op))
      kind = "sampler";
    else
      continue;
    if (auto sampler = dyn_cast<SamplerOp>(op);
        sampler && sampler.getFunctionType().getNumInputs() != 0)
      return op.emitOpError() << "takes arguments; compiled samplers take none";
    StringRef name = SymbolTable::getSymbolName(&op).getValue();
    currentFlops_ = 0;
    FunctionState fs;
    OpBuilder b(context());
    func::FuncOp fn = beginFunction(b, op.getLoc(),
                                    ("gm_" + kind + "_" + name).str(), {}, fs);
    if (failed(emitBody(b, op.getRegion(0).front(), fs)))
      return failure();
    func::ReturnOp::create(b, op.getLoc());
    entries_.push_back({kind.str(), name.str(), fn, &op, currentFlops_});
  }
  emitDispatcher();
  return emitModelInfo();
}
