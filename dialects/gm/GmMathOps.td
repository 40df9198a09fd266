//===- GmMathOps.td - constants, elementwise math, reductions -*- tablegen -*-===//
//
// Constants, elementwise unary and binary ops (numpy-style broadcasting),
// comparisons, select, casts, stop_gradient and reductions.
//
//===----------------------------------------------------------------------===//

#ifndef GM_MATH_OPS_TD
#define GM_MATH_OPS_TD

include "GmBase.td"
include "GmAttrs.td"
include "GmInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Constants and identity-like ops
//===----------------------------------------------------------------------===//

def Gm_ConstantOp : Gm_Op<"constant", [
    ConstantLike, Pure, InferTypeOpAdaptor]> {
  let summary = "a constant tensor";
  let description = [{
    ```mlir
    %half = gm.constant dense<5.000000e-01> : tensor<f32>
    %mask = gm.constant dense<[true, false]> : tensor<2xi1>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Gm_StopGradientOp : Gm_Op<"stop_gradient", [
    Pure, SameOperandsAndResultType, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "identity whose gradient is zero";
  let description = [{
    The straight-through estimator of VQ-VAE is written with it:
    `zq = ze + stop_gradient(e - ze)` has the value of `e` and the gradient of
    `ze`. Backends lower it to nothing.

    ```mlir
    %s = gm.stop_gradient %d : tensor<64x32x7x7xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasCanonicalizer = 1;
}

def Gm_CastOp : Gm_Op<"cast", [
    Pure, SameOperandsAndResultShape, Gm_BroadcastingElementwise, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "converts element types";
  let description = [{
    Float to float rounds to nearest even; float to integer truncates toward
    zero; integer to float rounds; i1 converts to 0 or 1.

    ```mlir
    %v = gm.cast %codes : tensor<64x7x7xi32> to tensor<64x7x7xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

class Gm_UnaryOp<string mnemonic, Type type, string formula,
                 list<Trait> traits = []>
    : Gm_Op<mnemonic, traits # [Pure, Elementwise, Gm_BroadcastingElementwise,
                                SameOperandsAndResultType,
                                DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "elementwise " # formula;
  let description = [{
    ```mlir
    %y = gm.}] # mnemonic # [{ %x : tensor<64x256xf32>
    ```
  }];
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Gm_NegOp : Gm_UnaryOp<"neg", Gm_NumericTensor, "-x"> {
  let hasFolder = 1;
}
def Gm_AbsOp : Gm_UnaryOp<"abs", Gm_NumericTensor, "|x|">;
def Gm_SignOp : Gm_UnaryOp<"sign", Gm_NumericTensor, "sign(x) in {-1, 0, 1}">;
def Gm_ExpOp : Gm_UnaryOp<"exp", Gm_FloatTensor, "e^x">;
def Gm_LogOp : Gm_UnaryOp<"log", Gm_FloatTensor, "natural logarithm">;
def Gm_Log1pOp : Gm_UnaryOp<"log1p", Gm_FloatTensor, "log(1 + x)">;
def Gm_SqrtOp : Gm_UnaryOp<"sqrt", Gm_FloatTensor, "square root">;
def Gm_RsqrtOp : Gm_UnaryOp<"rsqrt", Gm_FloatTensor, "1 / sqrt(x)">;
def Gm_SquareOp : Gm_UnaryOp<"square", Gm_NumericTensor, "x * x">;
def Gm_ReciprocalOp : Gm_UnaryOp<"reciprocal", Gm_FloatTensor, "1 / x">;
def Gm_TanhOp : Gm_UnaryOp<"tanh", Gm_FloatTensor, "hyperbolic tangent">;
def Gm_SigmoidOp : Gm_UnaryOp<"sigmoid", Gm_FloatTensor, "1 / (1 + e^-x)">;
def Gm_SoftplusOp : Gm_UnaryOp<"softplus", Gm_FloatTensor, "log(1 + e^x)">;
def Gm_ReluOp : Gm_UnaryOp<"relu", Gm_FloatTensor, "max(x, 0)">;
def Gm_FloorOp : Gm_UnaryOp<"floor", Gm_FloatTensor, "round toward -inf">;
def Gm_RoundOp : Gm_UnaryOp<"round", Gm_FloatTensor,
                            "round half to even">;

def Gm_LeakyReluOp : Gm_Op<"leaky_relu", [
    Pure, Elementwise, Gm_BroadcastingElementwise, SameOperandsAndResultType, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "elementwise x if x > 0 else alpha * x";
  let description = [{
    ```mlir
    %y = gm.leaky_relu %x {alpha = 2.000000e-01 : f64} : tensor<64x64x14x14xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.01">:$alpha);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Elementwise binary (numpy broadcasting)
//===----------------------------------------------------------------------===//

class Gm_BinaryOp<string mnemonic, Type type, string formula,
                  list<Trait> traits = []>
    : Gm_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor, Gm_BroadcastingElementwise,
                                DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "elementwise " # formula # " with broadcasting";
  let description = [{
    The operands broadcast numpy-style: shapes align at the trailing
    dimension and a dimension of size 1 (or a missing one) stretches.

    ```mlir
    %y = gm.}] # mnemonic # [{ %a, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins type:$lhs, type:$rhs);
  let results = (outs type:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::gm::inferBroadcastResult(getOperationName(), location,
          {adaptor.getLhs().getType(), adaptor.getRhs().getType()},
          /*elementType=*/nullptr, types);
    }
  }];
}

def Gm_AddOp : Gm_BinaryOp<"add", Gm_NumericTensor, "a + b", [Commutative]> {
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}
def Gm_SubOp : Gm_BinaryOp<"sub", Gm_NumericTensor, "a - b"> {
  let hasFolder = 1;
}
def Gm_MulOp : Gm_BinaryOp<"mul", Gm_NumericTensor, "a * b", [Commutative]> {
  let hasFolder = 1;
}
def Gm_DivOp : Gm_BinaryOp<"div", Gm_NumericTensor,
                           "a / b (integers round toward zero)"> {
  let hasFolder = 1;
}
def Gm_PowOp : Gm_BinaryOp<"pow", Gm_FloatTensor, "a ^ b">;
def Gm_MaximumOp : Gm_BinaryOp<"maximum", Gm_NumericTensor, "max(a, b)",
                               [Commutative]>;
def Gm_MinimumOp : Gm_BinaryOp<"minimum", Gm_NumericTensor, "min(a, b)",
                               [Commutative]>;

def Gm_CompareOp : Gm_Op<"compare", [Pure, InferTypeOpAdaptor, Gm_BroadcastingElementwise, Gm_GradientStops]> {
  let summary = "elementwise comparison with broadcasting";
  let description = [{
    The result is an i1 tensor of the broadcast shape.

    ```mlir
    %pos = gm.compare gt, %x, %zero : (tensor<64x256xf32>, tensor<f32>) -> tensor<64x256xi1>
    ```
  }];
  let arguments = (ins Gm_ComparePredicate:$predicate,
                       Gm_NumericTensor:$lhs, Gm_NumericTensor:$rhs);
  let results = (outs Gm_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Gm_SelectOp : Gm_Op<"select", [Pure, InferTypeOpAdaptor, Gm_BroadcastingElementwise, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "elementwise choice: cond ? a : b, with broadcasting";
  let description = [{
    ```mlir
    %y = gm.select %pos, %g, %zero : (tensor<64x256xi1>, tensor<64x256xf32>, tensor<f32>) -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins Gm_BoolTensor:$condition, Gm_Tensor:$true_value,
                       Gm_Tensor:$false_value);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Gm_ReduceOp<string mnemonic, string what>
    : Gm_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "the " # what # " over some dimensions";
  let description = [{
    `dims` are distinct dimensions of the input; they are removed from the
    result unless `keepdim` keeps them with size 1.

    ```mlir
    %s = gm.}] # mnemonic # [{ %x dims [1, 2, 3] : tensor<64x1x28x28xf32> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Gm_NumericTensor:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keepdim);
  let results = (outs Gm_NumericTensor:$result);
  let assemblyFormat = [{
    $input `dims` $dims (`keepdim` $keepdim^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::gm::inferReduceResult(getOperationName(), location,
          adaptor.getInput().getType(), adaptor.getDims(),
          adaptor.getKeepdim(), types);
    }
  }];
}

def Gm_ReduceSumOp : Gm_ReduceOp<"reduce_sum", "sum">;
def Gm_ReduceMeanOp : Gm_ReduceOp<"reduce_mean", "mean">;
def Gm_ReduceMaxOp : Gm_ReduceOp<"reduce_max", "maximum">;

#endif // GM_MATH_OPS_TD
