//===- GmStructureOps.td - model, nets, phases, data, training -*- tablegen -*-===//
//
// The ops that give a model its structure: the model itself, its variables
// (parameters and state), nets and calls, training/eval phases, datasets,
// `minimize`, `report`, `grad`, samplers and autoregressive loops.
//
//===----------------------------------------------------------------------===//

#ifndef GM_STRUCTURE_OPS_TD
#define GM_STRUCTURE_OPS_TD

include "GmAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/RegionKindInterface.td"

//===----------------------------------------------------------------------===//
// gm.model
//===----------------------------------------------------------------------===//

def Gm_ModelOp : Gm_Op<"model", [
    IsolatedFromAbove, NoRegionArguments, NoTerminator, SingleBlock, Symbol,
    SymbolTable]> {
  let summary = "a whole generative model";
  let description = [{
    The symbol table holding everything a model is: its datasets, parameters
    and state, nets, phases (train and eval blocks) and samplers. Random-op ids
    are unique within a model.

    ```mlir
    gm.model @vae {
      gm.dataset @train "fashion-mnist" split "train" fields [tensor<1x28x28xf32>]
      gm.param @dec.linear_0.weight : tensor<256x20xf32> = #gm.uniform<-0.22, 0.22>
      gm.phase train @train { ... }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  // The builder creates the body block.
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name)>];
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

//===----------------------------------------------------------------------===//
// Variables: gm.param, gm.state, gm.load, gm.store
//===----------------------------------------------------------------------===//

def Gm_ParamOp : Gm_Op<"param", [Symbol, HasParent<"ModelOp">]> {
  let summary = "a trainable parameter";
  let description = [{
    A tensor that `gm.minimize` may update, with its initializer. Names are
    deterministic (`net.layer_index.weight`) so checkpoints map onto them.

    ```mlir
    gm.param @encoder.conv2d_0.weight : tensor<32x1x4x4xf32> = #gm.uniform<-0.5, 0.5>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<Gm_FloatTensor>:$type,
                       Gm_InitializerAttr:$init);
  let assemblyFormat = "$sym_name `:` $type `=` $init attr-dict";
}

def Gm_StateOp : Gm_Op<"state", [Symbol, HasParent<"ModelOp">]> {
  let summary = "non-trainable model state";
  let description = [{
    A tensor that persists across steps and checkpoints but is not trained by
    gradients: batch-norm running statistics, optimizer moments, step counts.

    ```mlir
    gm.state @G.batch_norm_0.running_mean : tensor<128xf32> = #gm.fill<0.0>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<Gm_NumericTensor>:$type,
                       Gm_InitializerAttr:$init);
  let assemblyFormat = "$sym_name `:` $type `=` $init attr-dict";
}

def Gm_LoadOp : Gm_Op<"load", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead<Gm_VariableResource>]>]> {
  let summary = "reads the current value of a parameter or state";
  let description = [{
    ```mlir
    %w = gm.load @encoder.conv2d_0.weight : tensor<32x1x4x4xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$variable);
  let results = (outs Gm_NumericTensor:$result);
  let assemblyFormat = "$variable attr-dict `:` type($result)";
}

def Gm_StoreOp : Gm_Op<"store", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite<Gm_VariableResource>]>]> {
  let summary = "writes a new value to a parameter or state";
  let description = [{
    Later `gm.load`s of the variable see the new value.

    ```mlir
    gm.store %mean to @G.batch_norm_0.running_mean : tensor<128xf32>
    ```
  }];
  let arguments = (ins Gm_NumericTensor:$value, FlatSymbolRefAttr:$variable);
  let assemblyFormat = "$value `to` $variable attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Nets: gm.net, gm.call, gm.return
//===----------------------------------------------------------------------===//

def Gm_NetOp : Gm_Op<"net", [
    FunctionOpInterface, IsolatedFromAbove, HasParent<"ModelOp">]> {
  let summary = "a network: a function of tensors over the model's parameters";
  let description = [{
    Nets read parameters with `gm.load` and may be called any number of times
    (the parameters are shared). `gm-inline` inlines every call.

    ```mlir
    gm.net @decoder(%z: tensor<64x20xf32>) -> tensor<64x256xf32> {
      %w = gm.load @decoder.linear_0.weight : tensor<256x20xf32>
      %h = gm.matmul %z, %w {transpose_rhs} : (tensor<64x20xf32>, tensor<256x20xf32>) -> tensor<64x256xf32>
      gm.return %h : tensor<64x256xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
                                 "::mlir::FunctionType":$type)>];
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    bool isDeclaration() { return false; }
  }];
}

def Gm_CallOp : Gm_Op<"call", [
    CallOpInterface, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "calls a net";
  let description = [{
    ```mlir
    %mu, %logvar = gm.call @encoder(%x) : (tensor<64x1x28x28xf32>) -> (tensor<64x20xf32>, tensor<64x20xf32>)
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<Gm_Tensor>:$operands,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<Gm_Tensor>:$results);
  let assemblyFormat = [{
    $callee `(` $operands `)` attr-dict `:` functional-type($operands, results)
  }];
  let builders = [OpBuilder<(ins "NetOp":$callee, "::mlir::ValueRange":$operands), [{
      $_state.addOperands(operands);
      $_state.addAttribute("callee", ::mlir::SymbolRefAttr::get(callee));
      $_state.addTypes(callee.getFunctionType().getResults());
  }]>];
  let extraClassDeclaration = [{
    operand_range getArgOperands() { return getOperands(); }
    ::mlir::MutableOperandRange getArgOperandsMutable() {
      return getOperandsMutable();
    }
    ::mlir::CallInterfaceCallable getCallableForCallee() {
      return (*this)->getAttrOfType<::mlir::SymbolRefAttr>("callee");
    }
    void setCalleeFromCallable(::mlir::CallInterfaceCallable callee) {
      (*this)->setAttr("callee", ::llvm::cast<::mlir::SymbolRefAttr>(callee));
    }
  }];
}

def Gm_ReturnOp : Gm_Op<"return", [
    Pure, ReturnLike, Terminator, ParentOneOf<["NetOp", "SamplerOp"]>]> {
  let summary = "returns the results of a net or sampler";
  let description = [{
    ```mlir
    gm.return %mu, %logvar : tensor<64x20xf32>, tensor<64x20xf32>
    ```
  }];
  let arguments = (ins Variadic<Gm_Tensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Phases: gm.phase, gm.repeat
//===----------------------------------------------------------------------===//

def Gm_PhaseOp : Gm_Op<"phase", [
    IsolatedFromAbove, NoRegionArguments, NoTerminator, SingleBlock, Symbol,
    HasParent<"ModelOp">]> {
  let summary = "a train or eval block: what one step does";
  let description = [{
    A `train` phase is one training iteration: its statements run in order,
    and each `gm.minimize` sees the variables as updated by the statements
    before it. An `eval` phase runs once per test batch; its reports are
    averaged over the test split. `./trainer train --phase NAME` runs a
    named train phase.

    ```mlir
    gm.phase train @stage1 {
      %x = gm.next @train : tensor<64x1x28x28xf32>
      ...
      gm.minimize %loss : tensor<f32> over [@dec.linear_0.weight] with #gm.adam<lr = 1.0e-3>
      gm.report "loss", %loss : tensor<f32>
    }
    ```
  }];
  let arguments = (ins Gm_PhaseKind:$kind, SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind $sym_name attr-dict-with-keyword $body";
  // The builder creates the body block.
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "PhaseKind":$kind, "::llvm::StringRef":$name)>];
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Gm_RepeatOp : Gm_Op<"repeat", [
    NoRegionArguments, NoTerminator, SingleBlock,
    ParentOneOf<["PhaseOp", "RepeatOp"]>]> {
  let summary = "runs its body a fixed number of times";
  let description = [{
    WGAN-GP's critic rounds: each iteration draws fresh batches and fresh
    random numbers (the random streams are keyed by the iteration too).

    ```mlir
    gm.repeat 5 {
      %x = gm.next @train : tensor<64x1x28x28xf32>
      ...
    }
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntPositive]>:$count);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$count attr-dict-with-keyword $body";
  // The builder creates the body block.
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "int64_t":$count)>];
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

//===----------------------------------------------------------------------===//
// Data: gm.dataset, gm.next
//===----------------------------------------------------------------------===//

def Gm_DatasetOp : Gm_Op<"dataset", [Symbol, HasParent<"ModelOp">]> {
  let summary = "declares a dataset split and the tensors of one example";
  let description = [{
    `source` names a known dataset (`fashion-mnist`, `mnist`) or an NPY file;
    `fields` are the per-example tensors: a float image is scaled to [0, 1],
    an integer image keeps its byte values, a 0-d integer is the label.

    ```mlir
    gm.dataset @train "fashion-mnist" split "train" fields [tensor<1x28x28xf32>, tensor<i32>]
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$source,
                       StrAttr:$split, TypeArrayAttr:$fields);
  let assemblyFormat = [{
    $sym_name $source `split` $split `fields` $fields attr-dict
  }];
  let hasVerifier = 1;
}

def Gm_NextOp : Gm_Op<"next", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite<Gm_DataResource>]>]> {
  let summary = "draws the next batch of a dataset";
  let description = [{
    One result per field of the dataset, each with a leading batch dimension.

    ```mlir
    %x, %y = gm.next @train : tensor<64x1x28x28xf32>, tensor<64xi32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$dataset);
  let results = (outs Variadic<Gm_Tensor>:$results);
  let assemblyFormat = "$dataset attr-dict `:` type($results)";
}

//===----------------------------------------------------------------------===//
// Training: gm.minimize, gm.report, gm.grad
//===----------------------------------------------------------------------===//

def Gm_MinimizeOp : Gm_Op<"minimize", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead<Gm_VariableResource>, MemWrite<Gm_VariableResource>]>]> {
  let summary = "takes one optimizer step on a loss over a parameter group";
  let description = [{
    Differentiates `loss` with respect to every parameter in the group
    (`gm-autodiff`) and applies the optimizer (`gm-expand-optimizers`).
    `clip_norm`, when present, rescales the group's gradients to at most that
    global L2 norm first.

    ```mlir
    gm.minimize %loss : tensor<f32> over [@D.conv2d_0.weight, @D.conv2d_0.bias]
        with #gm.adam<lr = 2.0e-4, beta1 = 0.5>
    ```
  }];
  let arguments = (ins Gm_ScalarFloatTensor:$loss,
                       FlatSymbolRefArrayAttr:$params,
                       Gm_OptimizerAttr:$optimizer,
                       OptionalAttr<F64Attr>:$clip_norm);
  let assemblyFormat = [{
    $loss `:` type($loss) `over` $params `with` $optimizer attr-dict
  }];
  let hasVerifier = 1;
}

def Gm_ApplyGradientsOp : Gm_Op<"apply_gradients", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead<Gm_VariableResource>, MemWrite<Gm_VariableResource>]>]> {
  let summary = "one optimizer step with given gradients";
  let description = [{
    What `gm-autodiff` leaves of a `gm.minimize`: the gradient of each
    parameter of the group, one per entry of `params`. `gm-expand-optimizers`
    replaces it by the optimizer's update, written with gm ops, loads and
    stores (its moments become `gm.state`).

    ```mlir
    gm.apply_gradients [@w, @b] with #gm.adam<lr = 0.001>
        gradients(%gw, %gb : tensor<4x3xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins FlatSymbolRefArrayAttr:$params,
                       Gm_OptimizerAttr:$optimizer,
                       Variadic<Gm_FloatTensor>:$gradients,
                       OptionalAttr<F64Attr>:$clip_norm);
  let assemblyFormat = [{
    $params `with` $optimizer `gradients` `(` $gradients `:` type($gradients) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

def Gm_ReportOp : Gm_Op<"report", [MemoryEffects<[MemWrite<Gm_OutputResource>]>]> {
  let summary = "reports a scalar metric of the step";
  let description = [{
    Train phases log reports per step (progress bar, metrics.jsonl); eval
    phases average them over the test split. Inside `gm.repeat` a report's
    value for the step is the mean of its rounds.

    ```mlir
    gm.report "kl", %kl : tensor<f32>
    ```
  }];
  let arguments = (ins StrAttr:$name, Gm_ScalarFloatTensor:$value);
  let assemblyFormat = "$name `,` $value attr-dict `:` type($value)";
  let hasVerifier = 1;
}

def Gm_StatisticOp : Gm_Op<"statistic", [
    MemoryEffects<[MemWrite<Gm_OutputResource>]>]> {
  let summary = "a metric of a whole eval split, from every batch's values";
  let description = [{
    Where `gm.report` gives one scalar per batch that the trainer averages,
    a statistic collects its operands from every batch of an eval phase and
    computes one number from all of them at the end. `kind` says which:

    - `frechet_distance`: two `f32[N, D]` operands, rows of features. The
      Fréchet distance between the Gaussians fitted to the rows of each
      (means and unbiased covariances over the whole split): FID when the
      features are a classifier's.
    - `distinct`: one `f32[N]` operand; how many different values it took.

    ```mlir
    gm.statistic "fid" "frechet_distance" (%real, %fake) : tensor<50x128xf32>, tensor<50x128xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$kind,
                       Variadic<StaticShapeTensorOf<[F32]>>:$values);
  let assemblyFormat = [{
    $name $kind `(` $values `)` attr-dict `:` type($values)
  }];
  let hasVerifier = 1;
}

def Gm_GradOp : Gm_Op<"grad", [Pure, InferTypeOpAdaptor]> {
  let summary = "the gradient of a scalar with respect to values";
  let description = [{
    The results are d`value`/d`wrt`, one per `wrt` operand, of the same
    types. `gm-autodiff` replaces the op by the reverse-mode gradient built
    from gm ops, so a gradient may itself be part of a loss (WGAN-GP's
    penalty differentiates its own gradient).

    ```mlir
    %g = gm.grad %out wrt %xhat : tensor<f32> wrt tensor<64x1x28x28xf32>
    ```
  }];
  let arguments = (ins Gm_ScalarFloatTensor:$value,
                       Variadic<Gm_FloatTensor>:$wrt);
  let results = (outs Variadic<Gm_FloatTensor>:$gradients);
  let assemblyFormat = [{
    $value `wrt` $wrt attr-dict `:` type($value) `wrt` type($wrt)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Sampling: gm.sampler, gm.autoregressive, gm.yield
//===----------------------------------------------------------------------===//

def Gm_SamplerOp : Gm_Op<"sampler", [
    FunctionOpInterface, IsolatedFromAbove, HasParent<"ModelOp">]> {
  let summary = "draws a batch of samples from the model";
  let description = [{
    A function without arguments whose results are samples (images are
    N x C x H x W in the data's range). `./trainer sample` calls it as many
    times as it needs.

    ```mlir
    gm.sampler @sample() -> tensor<64x1x28x28xf32> {
      %z = gm.normal {id = 7 : i64} : tensor<64x20xf32>
      %x = gm.call @decoder(%z) : (tensor<64x20xf32>) -> tensor<64x1x28x28xf32>
      gm.return %x : tensor<64x1x28x28xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name,
                                 "::mlir::TypeRange":$results)>];
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    bool isDeclaration() { return false; }
  }];
}

def Gm_AutoregressiveOp : Gm_Op<"autoregressive", [
    AllTypesMatch<["init", "result"]>,
    SingleBlock, RecursiveMemoryEffects]> {
  let summary = "fills a tensor position by position in raster order";
  let description = [{
    `over` names the sizes of the trailing dimensions that are filled. For each
    position p of those dimensions in raster order, the body runs on the
    current canvas (its block argument) and position p of the canvas becomes
    position p of the yielded tensor. The result is the final canvas. Written
    this way, the compiler knows that step p only needs the body's value at
    p: gm-narrow-autoregressive has the draws that matter there alone made
    there alone.

    ```mlir
    %img = gm.autoregressive %zeros over [28, 28] : tensor<16x1x28x28xf32> {
    ^bb0(%canvas: tensor<16x1x28x28xf32>):
      ...
      gm.yield %next : tensor<16x1x28x28xf32>
    }
    ```
  }];
  let arguments = (ins Gm_Tensor:$init, DenseI64ArrayAttr:$over);
  let results = (outs Gm_Tensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $init `over` $over attr-dict-with-keyword `:` type($init) $body
  }];
  let extraClassDeclaration = [{
    /// The positions a line of the canvas has: the product of `over`.
    int64_t getPositions();
    /// The steps one index of `over` dimension `along` lasts: the product
    /// of the dimensions after it (a row's steps for `along` 0).
    int64_t getStepsPer(int64_t along);
    /// Whether `draw`, a random op of the body, matters only at the step's
    /// position: its values reach the yield only through ops that keep flat
    /// positions and cannot trap on elements never drawn, and it is a whole
    /// number of lines (gm.at_position, gm-narrow-autoregressive).
    bool drawnOnlyAtPosition(Operation *draw);
    /// The first row of the step's window of `rows` rows at `position`
    /// (gm.row_window): the window ends at the position's row (its index
    /// in `over` dimension `along`), or starts at row 0 while that row is
    /// above its end (for the whole height, 0).
    int64_t windowStart(int64_t position, int64_t rows, int64_t along = 0);
  }];
  let hasVerifier = 1;
  // gm.per_row marks, checked once the body's ops are.
  let hasRegionVerifier = 1;
}

// The step's position is no operand of these: their read effect keeps CSE
// from taking a window in one loop for the same window in a nested one.
def Gm_RowWindowOp : Gm_Op<"row_window", [MemoryEffects<[MemRead]>, HasParent<"AutoregressiveOp">]> {
  let summary = "the rows of a sampling step's window";
  let description = [{
    In a `gm.autoregressive` body: the step's window of `rows` rows in
    dimension `dim`, the rows that end at the step's row (the index of
    position p in the `over` dimension `along`, 0 unless written, whose
    size H the dimension has), or the first `rows` rows while that row is
    above them: rows [s, s + rows) with s = max(0, row - rows + 1). The
    input is the whole tensor (H rows), or the step's window of more rows
    than `rows` (its size there; an input of fewer than H rows is taken to
    be that window, along the same `along`): the result is the window of
    `rows` inside it. gm-window-rows computes a sampler's row-causal
    layers on such windows: 9 rows of 28, or fewer where fewer are needed;
    and the layers on the step's row that read only columns up to their
    own on windows of columns that end at the step's column (`along 1`).

    ```mlir
    %w = gm.row_window %canvas dim 2 rows 9 : tensor<16x1x28x28xf32> -> tensor<16x1x9x28xf32>
    %v = gm.row_window %w dim 2 rows 4 : tensor<16x1x9x28xf32> -> tensor<16x1x4x28xf32>
    %c = gm.row_window %r dim 3 rows 3 along 1 : tensor<16x64x1x28xf32> -> tensor<16x64x1x3xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input, I64Attr:$dim, I64Attr:$rows,
                       DefaultValuedAttr<I64Attr, "0">:$along);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $input `dim` $dim `rows` $rows (`along` $along^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Gm_RowUnwindowOp : Gm_Op<"row_unwindow", [MemoryEffects<[MemRead]>, HasParent<"AutoregressiveOp">]> {
  let summary = "a sampling step's window put back at its rows";
  let description = [{
    The inverse of `gm.row_window`: the input, a window of dimension `dim`
    (its size there, the window's rows), goes to the rows the step's window
    takes (as `gm.row_window` with the same `along` chose them); the other
    rows are zero.

    ```mlir
    %l = gm.row_unwindow %w dim 2 : tensor<16x256x9x28xf32> -> tensor<16x256x28x28xf32>
    %r = gm.row_unwindow %c dim 3 along 1 : tensor<16x256x1x1xf32> -> tensor<16x256x1x28xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input, I64Attr:$dim,
                       DefaultValuedAttr<I64Attr, "0">:$along);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $input `dim` $dim (`along` $along^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Gm_YieldOp : Gm_Op<"yield", [
    Pure, ReturnLike, Terminator,
    ParentOneOf<["AutoregressiveOp", "FusedOp"]>]> {
  let summary = "ends a gm.autoregressive or gm.fused body";
  let description = [{
    In a `gm.autoregressive` body: the next canvas (one value). In a
    `gm.fused` body: the values of the op's results, in order.
  }];
  let arguments = (ins Variadic<Gm_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def Gm_FusedOp : Gm_Op<"fused", [
    IsolatedFromAbove, RecursiveMemoryEffects, SingleBlock]> {
  let summary = "elementwise ops computed in one pass over a common shape";
  let description = [{
    Made by `gm-fuse` from a chain of elementwise ops whose results share a
    shape. The body computes, for one element, what the ops computed for
    all: the backends run it as a single loop, so the intermediate values
    never go to memory. The inputs broadcast to the shape as the ops'
    operands did; every value in the body and every result has the shape.
    The body sees only its arguments (one per input).

    ```mlir
    %y, %s = gm.fused(%x, %b) : (tensor<64x32xf32>, tensor<32xf32>) -> (tensor<64x32xf32>, tensor<64x32xf32>) {
    ^bb0(%a: tensor<64x32xf32>, %c: tensor<32xf32>):
      %0 = gm.add %a, %c : (tensor<64x32xf32>, tensor<32xf32>) -> tensor<64x32xf32>
      %1 = gm.sigmoid %0 : tensor<64x32xf32>
      gm.yield %0, %1 : tensor<64x32xf32>, tensor<64x32xf32>
    }
    ```

    The chain may end in one reduction (`reduce_sum`, `reduce_mean`,
    `reduce_max`) of a chain value; the op then has that one result, and
    the loop folds each element into it as it computes the element (the
    chain's values still never go to memory):

    ```mlir
    %s = gm.fused(%x, %m) : (tensor<64x256x784xf32>, tensor<64x1x784xf32>) -> tensor<64x1x784xf32> {
    ^bb0(%a: tensor<64x256x784xf32>, %b: tensor<64x1x784xf32>):
      %0 = gm.sub %a, %b : (tensor<64x256x784xf32>, tensor<64x1x784xf32>) -> tensor<64x256x784xf32>
      %1 = gm.exp %0 : tensor<64x256x784xf32>
      %2 = gm.reduce_sum %1 dims [1] keepdim : tensor<64x256x784xf32> -> tensor<64x1x784xf32>
      gm.yield %2 : tensor<64x1x784xf32>
    }
    ```

    Or the body may start with a `gm.conv2d` or `gm.matmul` of two arguments
    that the chain continues (made by gm-fuse: a bias per output channel or
    column, then `relu`, `leaky_relu` or nothing): a library op with its
    epilogue, which the CPU backend runs as one oneDNN convolution or matmul
    with a bias and a post-op:

    ```mlir
    %y = gm.fused(%x, %w, %b) : (tensor<64x1x28x28xf32>, tensor<32x1x4x4xf32>, tensor<32x1x1xf32>) -> tensor<64x32x14x14xf32> {
    ^bb0(%a: tensor<64x1x28x28xf32>, %k: tensor<32x1x4x4xf32>, %c: tensor<32x1x1xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<64x1x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<64x32x14x14xf32>
      %1 = gm.add %0, %c : (tensor<64x32x14x14xf32>, tensor<32x1x1xf32>) -> tensor<64x32x14x14xf32>
      %2 = gm.relu %1 : tensor<64x32x14x14xf32>
      gm.yield %2 : tensor<64x32x14x14xf32>
    }
    ```
  }];
  let extraClassDeclaration = [{
    /// The trailing reduction of the body, or null.
    ::mlir::Operation *getReduction();
    /// The leading gm.conv2d or gm.matmul of the body (a library op with
    /// its epilogue), or null.
    ::mlir::Operation *getLibraryOp();
  }];
  let arguments = (ins Variadic<Gm_Tensor>:$inputs);
  let results = (outs Variadic<Gm_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` attr-dict `:` functional-type($inputs, results) $body
  }];
  let hasVerifier = 1;
}

#endif // GM_STRUCTURE_OPS_TD
