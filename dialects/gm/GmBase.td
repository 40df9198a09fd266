//===- GmBase.td - gm dialect definition and shared constraints -*- tablegen -*-===//
//
// The gm dialect: value-semantics tensor IR for generative models. This file
// declares the dialect, the `Gm_Op` base class every op derives from, and the
// type constraints the ops share.
//
//===----------------------------------------------------------------------===//

#ifndef GM_BASE_TD
#define GM_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Gm_Dialect : Dialect {
  let name = "gm";
  let cppNamespace = "::mlir::gm";
  let summary = "Tensor IR for deep generative models";
  let description = [{
    The `gm` dialect holds a whole generative model: its parameters and state,
    its networks, its training phases (losses, `minimize` statements and
    reports), its evaluation and its sampling procedure. Values are ranked,
    statically shaped tensors with value semantics (f32, bf16, f64; i32/i64
    indices; i1 masks). Parameters and state live in symbols (`gm.param`,
    `gm.state`) read with `gm.load` and written with `gm.store`.

    Autodiff (`gm.grad`, `gm.minimize`) and the optimizer expansion run on
    this dialect; the backends lower library ops (convolutions, matmuls, batch
    norm) to library calls (oneDNN on the CPU) and everything else to
    generated loops.

    Passes hand on a few discardable attributes, which the dialect verifies:
    `gm.places` (one `#gm.place` per result, or per returned value on
    `gm.return`) and `gm.place` on variables, from gm-plan-memory;
    `gm.arena_bytes`, `gm.naive_arena_bytes` and `gm.variables_bytes` (byte
    counts); `gm.layouts` (`"plain"` or `"blocked"` per result), from
    gm-propagate-layouts. Any other `gm.` attribute is an error.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // The discardable gm.* attributes the passes hand on (places, layouts).
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

/// Ops through which no gradient flows by their nature: their results are
/// piecewise constant in their operands (comparisons, argmax, nearest,
/// one-hot) or drawn at random from them. Autodiff treats them as constant;
/// a gradient that reaches any other op without a gradient rule is an
/// error, not a silent zero.
def Gm_GradientStops : NativeOpTrait<"GradientStops"> {
  let cppNamespace = "::mlir::gm";
}

/// Ops that compute each result element from the operand elements at the
/// same (broadcast) index alone: what gm-fuse fuses into one loop and what a
/// gm.fused body may hold (gm::isElementwise).
def Gm_BroadcastingElementwise : NativeOpTrait<"BroadcastingElementwise"> {
  let cppNamespace = "::mlir::gm";
}

/// Base class of every gm op.
class Gm_Op<string mnemonic, list<Trait> traits = []>
    : Op<Gm_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Gm_FloatElement : AnyTypeOf<[F32, BF16, F64]>;
def Gm_IndexElement : AnyTypeOf<[I32, I64]>;

/// Floating-point tensors: activations, parameters, losses.
def Gm_FloatTensor : StaticShapeTensorOf<[F32, BF16, F64]>;
/// Integer tensors: indices, labels, codes.
def Gm_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
/// Boolean tensors: comparison results.
def Gm_BoolTensor : StaticShapeTensorOf<[I1]>;
/// Float or integer tensors: operands of arithmetic.
def Gm_NumericTensor : StaticShapeTensorOf<[F32, BF16, F64, I32, I64]>;
/// Any gm value.
def Gm_Tensor : StaticShapeTensorOf<[F32, BF16, F64, I32, I64, I1]>;

/// A 0-d float tensor: a loss, a report, the seed of a gradient.
def Gm_ScalarFloatTensor : Type<
    And<[Gm_FloatTensor.predicate,
         CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).getRank() == 0">]>,
    "0-d float tensor", "::mlir::RankedTensorType">;

//===----------------------------------------------------------------------===//
// Side-effect resources
//===----------------------------------------------------------------------===//

/// Parameters and state (gm.param, gm.state) read by gm.load, written by
/// gm.store and by the optimizer updates of gm.minimize.
def Gm_VariableResource : Resource<"::mlir::gm::VariableResource">;
/// The cursor of each dataset, advanced by gm.next.
def Gm_DataResource : Resource<"::mlir::gm::DataResource">;
/// The counter-based random streams. Random ops only read it: they are
/// deterministic in (seed, step, op id) and may be removed when unused, but
/// never merged or hoisted out of a `gm.repeat`.
def Gm_RandomResource : Resource<"::mlir::gm::RandomResource">;
/// What the trainer observes: reports.
def Gm_OutputResource : Resource<"::mlir::gm::OutputResource">;

#endif // GM_BASE_TD
