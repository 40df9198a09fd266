//===- ModelEmitter.cpp - phases and samplers as functions over buffers ---===//
//
// One function per phase and sampler, `void gm_phase_<name>(GmFrame *)`,
// walks the planned body in order. Structural ops (variables, data,
// reports) are written here, loops and windows in ControlFlow.cpp; math ops
// go to the loop-nest (LoopOps.cpp, outlined by Kernels.cpp) and library
// (LibraryOps.cpp) emitters. Values are never SSA values of the output:
// every op reads its operands from, and writes its results to, their
// planned places.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/GmToCpu/Emitter.h"
#include "compiler/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::cpu;

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
void mlir::gm::cpu::makeInternal(func::FuncOp fn) {
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
FailureOr<Value> ModelEmitter::addressArray(OpBuilder &b, Location loc,
                                            FunctionState &fs,
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
    FailureOr<Value> address = pointerOf(b, loc, fs, value);
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
  FailureOr<Value> array = addressArray(b, loc, fs, operands);
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
    FailureOr<Value> fields = addressArray(b, loc, fs, next.getResults());
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
    FailureOr<Value> values = addressArray(b, loc, fs, statistic.getValues());
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
