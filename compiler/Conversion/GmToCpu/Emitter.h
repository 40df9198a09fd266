//===- Emitter.h - state shared by the GmToCpu op emitters ------*- C++ -*-===//
//
// The conversion writes one function per phase and sampler (and one kernel
// function per loop nest) next to the gm.model, reading each value's bytes
// from the place gm-plan-memory gave it. This is the state the emitters of
// the op families share: the module, the runtime declarations, constant
// globals, the library-op descriptors and the function being written.
//
//===----------------------------------------------------------------------===//

#ifndef GM_CONVERSION_GMTOCPU_EMITTER_H
#define GM_CONVERSION_GMTOCPU_EMITTER_H

#include "compiler/Conversion/GmToCpu/LoopNest.h"

#include "gm/GmOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/JSON.h"

namespace mlir::gm::cpu {

/// The function being written: a phase, a sampler or a kernel.
struct FunctionState {
  /// The `GmFrame *` argument (docs/runtime-abi.md).
  Value frame;
  /// The flattened repeat iteration (i32): random ops draw stream
  /// (id, step, iteration).
  Value iteration;
  /// Inside a gm.autoregressive body, the step's position (i64): draws
  /// marked gm.at_position are made there alone. Null elsewhere.
  Value position;
  /// The buffers as byte memrefs, loaded once at function entry.
  Value arena, variables;
  /// Stack space for the operand addresses of runtime calls, made on first
  /// use in the entry block and shared by all calls (the runtime reads the
  /// addresses before it returns).
  Value addresses;
  int64_t addressCapacity = 0;

  /// Keeps the address array a nested body's state (a copy of this one)
  /// made or grew: it serves the whole function.
  void keepAddressesOf(const FunctionState &inner) {
    addresses = inner.addresses;
    addressCapacity = inner.addressCapacity;
  }
};

class ModelEmitter {
public:
  explicit ModelEmitter(ModelOp model);

  /// Writes the phases, samplers, kernels, `gm_run` and `gm_model_info`
  /// into the model's parent module. The model itself is left in place.
  LogicalResult emit();

  MLIRContext *context() { return model_.getContext(); }

  /// The precision of library convolutions and matmuls ("f32", "bf16").
  void setPrecision(StringRef precision) { precision_ = precision.str(); }
  StringRef precision() const { return precision_; }

  //--- Used by the op emitters -------------------------------------------//

  /// A memref of `shape` over the bytes of `value`: a view of its place, or
  /// of its constant's global. Fails (with an error on `value`'s op) for a
  /// value with neither.
  FailureOr<Value> viewOf(OpBuilder &b, Location loc, FunctionState &fs,
                          Value value, ArrayRef<int64_t> shape);
  /// A view of `value` with its own shape.
  FailureOr<Value> viewOf(OpBuilder &b, Location loc, FunctionState &fs,
                          Value value);
  /// The address of `value`'s first element, as an !llvm.ptr.
  FailureOr<Value> pointerOf(OpBuilder &b, Location loc, FunctionState &fs,
                             Value value);

  /// Outlines `nest` into a kernel function and calls it through the
  /// runtime's parallel_for from the function `fs` (or directly when small;
  /// Kernels.cpp).
  LogicalResult emitLoopNest(OpBuilder &b, Location loc, FunctionState &fs,
                             LoopNest nest);
  /// The kernel computing `nest` on the buffers it is given, shared by
  /// every nest that computes the same thing.
  func::FuncOp kernelFor(const LoopNest &nest, Location loc);

  /// Registers a library op (`descriptor` holds "kind" and its geometry);
  /// returns its id, the index of its entry in the model info.
  int32_t addLibraryOp(llvm::json::Object descriptor);
  /// The indices of `inputs` (of a library op in `block`) that the library
  /// call emitted just before it, in the same block, also read: nothing
  /// runs in between that could change their bytes or the runtime's staged
  /// copies of them, so the runtime may reuse the copies it made then
  /// (docs/runtime-abi.md, "unchanged"). Then notes this call as the last.
  SmallVector<int64_t> noteLibraryCall(Block *block, ArrayRef<Value> inputs);
  /// Counts `flops` for the current op toward its entry's total.
  void countFlops(int64_t flops) { currentFlops_ += flops * flopsScale_; }
  /// Calls library op `id` on `operands` (values whose addresses are
  /// passed, inputs then outputs); with `position`, at that position of
  /// its "period" only (gmrt_library_at).
  LogicalResult emitLibraryCall(OpBuilder &b, Location loc, FunctionState &fs,
                                int32_t id, ValueRange operands,
                                Value position = {});

  /// Declares (once) an external runtime function.
  func::FuncOp runtimeFunction(StringRef name, FunctionType type);

  /// A constant's elements when `value` is a gm.constant, possibly through
  /// reshape and stop_gradient; null otherwise.
  static DenseElementsAttr constantOf(Value value);

private:
  /// Stores the addresses of `values` into the function's address array
  /// (FunctionState::addresses) and returns it: the operands of a runtime
  /// call or a kernel.
  FailureOr<Value> addressArray(OpBuilder &b, Location loc, FunctionState &fs,
                                ValueRange values);
  LogicalResult emitBody(OpBuilder &b, Block &body, FunctionState &fs);
  LogicalResult emitOp(OpBuilder &b, Operation *op, FunctionState &fs);
  // Loops and row windows (ControlFlow.cpp).
  LogicalResult emitRepeat(OpBuilder &b, RepeatOp op, FunctionState &fs);
  /// gm.row_window and gm.row_unwindow: a copy of each run of window rows.
  LogicalResult emitRowWindow(OpBuilder &b, Operation *op, FunctionState &fs);
  LogicalResult emitAutoregressive(OpBuilder &b, AutoregressiveOp op,
                                   FunctionState &fs);
  /// Copies all of `from` to the buffer at `to` (nothing when it is there).
  LogicalResult emitCopy(OpBuilder &b, Location loc, FunctionState &fs,
                         Value from, PlaceAttr to);
  /// A 1-D view of the place of a tensor of `tensorType`.
  Value flatView(OpBuilder &b, Location loc, FunctionState &fs, PlaceAttr place,
                 Type tensorType);
  func::FuncOp beginFunction(OpBuilder &b, Location loc, StringRef name,
                             TypeRange extraArgs, FunctionState &fs);
  void emitBufferHelpers();
  void emitDispatcher();
  /// `const char *gm_model_info(void)`: the model as JSON (ModelInfo.cpp).
  LogicalResult emitModelInfo();
  memref::GlobalOp constantGlobal(DenseElementsAttr value);
  Value bufferView(OpBuilder &b, Location loc, FunctionState &fs,
                   PlaceAttr place, MemRefType type);

  std::string precision_ = "f32";
  /// The library call emitted last: its block and inputs.
  struct {
    Block *block = nullptr;
    SmallVector<Value> inputs;
  } lastLibraryCall_;
  ModelOp model_;
  ModuleOp module_;
  /// Where new module-level ops go: before the model.
  OpBuilder moduleBuilder_;
  llvm::DenseMap<Attribute, memref::GlobalOp> constantGlobals_;
  /// The library ops, by id (their descriptors, for the model info).
  std::vector<llvm::json::Object> libraryOps_;
  /// Entry points in `gm_run` order: (kind, gm symbol, function).
  struct Entry {
    std::string kind, name;
    func::FuncOp function;
    Operation *op;
    /// Floating-point operations of one call (multiply-add = 2).
    int64_t flops = 0;
  };
  std::vector<Entry> entries_;
  /// Reports by name, in order of first appearance (their ids).
  llvm::StringMap<int32_t> reportIds_;
  std::vector<std::string> reportNames_;
  /// Statistics (gm.statistic ops of eval phases) by op: their ids.
  llvm::DenseMap<Operation *, int32_t> statisticIds_;
  /// Datasets by symbol (their ids).
  llvm::StringMap<int32_t> datasetIds_;
  /// Kernels by their text: identical nests share one function.
  llvm::StringMap<func::FuncOp> kernels_;
  /// FLOPs of the entry being written, and how often the current op runs
  /// per call (loops multiply).
  int64_t currentFlops_ = 0, flopsScale_ = 1;
};

/// Private to the object file: LLVM may inline it (small kernels called
/// directly, the buffer helpers) and drop what is unused.
void makeInternal(func::FuncOp fn);

/// Emits the elementwise, reduction and layout ops as loop nests; fails
/// (without an error) for ops of other families.
FailureOr<bool> emitLoopOp(ModelEmitter &emitter, OpBuilder &b, Operation *op,
                           FunctionState &fs);
/// Emits the library ops (convolutions, matmul, batch norm, softmax,
/// random, vector quantization) as runtime calls; false for other ops.
FailureOr<bool> emitLibraryOp(ModelEmitter &emitter, OpBuilder &b,
                              Operation *op, FunctionState &fs);
/// A JSON list of integers (shapes, strides) for the model info.
llvm::json::Array toJson(ArrayRef<int64_t> values);
/// MLIR's name of a type: "f32", "i32"; the model info's dtypes.
std::string typeName(Type type);

/// The scalar computation of an elementwise op at one point.
Value emitScalarOp(OpBuilder &b, Location loc, Operation *op,
                   ValueRange operands, Type resultElementType);

} // namespace mlir::gm::cpu

#endif // GM_CONVERSION_GMTOCPU_EMITTER_H
