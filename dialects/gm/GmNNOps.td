//===- GmNNOps.td - library ops: matmul, convolutions, norms, softmax -*- tablegen -*-===//
//
// The ops that backends hand to oneDNN/cuDNN/cuBLAS (matmul, convolutions and
// their gradients, batch norm), softmax, and the vector-quantization and
// classification helpers (nearest, lookup, one_hot, argmax).
//
//===----------------------------------------------------------------------===//

#ifndef GM_NN_OPS_TD
#define GM_NN_OPS_TD

include "GmBase.td"
include "GmInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

def Gm_MatmulOp : Gm_Op<"matmul", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "matrix product, optionally batched and transposed";
  let description = [{
    Rank-2 operands multiply as matrices; rank-3 operands are batches of
    matrices with the same leading size. `transpose_lhs`/`transpose_rhs`
    transpose the last two dimensions of an operand first: a linear layer is
    `matmul(x, W) {transpose_rhs}` with W stored as [out, in].

    ```mlir
    %y = gm.matmul %x, %w {transpose_rhs} : (tensor<64x3136xf32>, tensor<256x3136xf32>) -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$lhs, Gm_FloatTensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

// Attributes shared by conv2d and its two gradients: NCHW activations, OIHW
// weights, padding [top, left, bottom, right], and an optional [KH, KW] mask
// (PixelCNN's masks A and B): the op computes with weight * mask.
defvar Gm_ConvAttributes = (ins
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
    DefaultValuedAttr<I64Attr, "1">:$groups,
    OptionalAttr<SignlessIntElementsAttr<1>>:$mask);

class Gm_ConvOp<string mnemonic, list<Trait> traits = []>
    : Gm_Op<mnemonic, traits # [Pure]> {
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
  code convDescription = [{
    Activations are NCHW, weights OIHW (O output channels, I = C / groups),
    `stride` and `dilation` are [h, w], `padding` is [top, left, bottom,
    right]. `mask`, when present, is a [KH, KW] i1 tensor: the convolution
    uses weight * mask (PixelCNN's masks A and B).
  }];
}

def Gm_Conv2dOp : Gm_ConvOp<"conv2d", [InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "2-D convolution (cross-correlation)";
  let description = convDescription # [{
    ```mlir
    %y = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<64x1x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<64x32x14x14xf32>
    ```
  }];
  let arguments = !con((ins Gm_FloatTensor:$input, Gm_FloatTensor:$weight),
                       Gm_ConvAttributes);
  let results = (outs Gm_FloatTensor:$result);
}

def Gm_Conv2dBackwardDataOp : Gm_ConvOp<"conv2d_backward_data", [DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "gradient of conv2d with respect to its input";
  let description = convDescription # [{
    The result type is the shape of conv2d's input (it is not implied by the
    output when the stride does not divide evenly).

    ```mlir
    %dx = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<64x32x14x14xf32>, tensor<32x1x4x4xf32>) -> tensor<64x1x28x28xf32>
    ```
  }];
  let arguments = !con((ins Gm_FloatTensor:$output_grad, Gm_FloatTensor:$weight),
                       Gm_ConvAttributes);
  let results = (outs Gm_FloatTensor:$result);
  let hasVerifier = 1;
}

def Gm_Conv2dBackwardWeightsOp : Gm_ConvOp<"conv2d_backward_weights", [DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "gradient of conv2d with respect to its weight";
  let description = convDescription # [{
    The result has the weight's shape; with a mask, masked taps are zero.

    ```mlir
    %dw = gm.conv2d_backward_weights %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<64x1x28x28xf32>, tensor<64x32x14x14xf32>) -> tensor<32x1x4x4xf32>
    ```
  }];
  let arguments = !con((ins Gm_FloatTensor:$input, Gm_FloatTensor:$output_grad),
                       Gm_ConvAttributes);
  let results = (outs Gm_FloatTensor:$result);
  let hasVerifier = 1;
}

def Gm_ConvTranspose2dOp : Gm_Op<"conv_transpose2d", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "2-D transposed convolution (PyTorch's ConvTranspose2d)";
  let description = [{
    Weights are [C_in, C_out / groups, KH, KW]. The output size is
    (H - 1) * stride - top - bottom + dilation * (KH - 1) + output_padding + 1.
    It is conv2d_backward_data with the weight read as OIHW.

    ```mlir
    %y = gm.conv_transpose2d %h, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<64x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<64x32x14x14xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, Gm_FloatTensor:$weight,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
      DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Batch normalization
//===----------------------------------------------------------------------===//

def Gm_BatchNormOp : Gm_Op<"batch_norm", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "batch normalization with batch statistics (training mode)";
  let description = [{
    Normalizes over every dimension but 1 (channels) of an N x C or
    N x C x H x W input: y = (x - mean) / sqrt(var + epsilon) * scale + shift.
    Also returns the batch mean and biased variance, from which the front end
    updates the running statistics.

    ```mlir
    %y, %mean, %var = gm.batch_norm %x, %gamma, %beta {epsilon = 1.0e-05 : f64}
        : (tensor<64x128x7x7xf32>, tensor<128xf32>, tensor<128xf32>)
        -> (tensor<64x128x7x7xf32>, tensor<128xf32>, tensor<128xf32>)
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, Gm_FloatTensor:$scale,
                       Gm_FloatTensor:$shift,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Gm_FloatTensor:$result, Gm_FloatTensor:$mean,
                      Gm_FloatTensor:$variance);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def Gm_BatchNormInferenceOp : Gm_Op<"batch_norm_inference", [
    Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "batch normalization with given statistics (eval mode)";
  let description = [{
    y = (x - mean) / sqrt(variance + epsilon) * scale + shift, per channel.

    ```mlir
    %y = gm.batch_norm_inference %x, %gamma, %beta, %rmean, %rvar
        : (tensor<64x128x7x7xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>)
        -> tensor<64x128x7x7xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, Gm_FloatTensor:$scale,
                       Gm_FloatTensor:$shift, Gm_FloatTensor:$mean,
                       Gm_FloatTensor:$variance,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def Gm_BatchNormBackwardOp : Gm_Op<"batch_norm_backward", [
    Pure, InferTypeOpAdaptor]> {
  let summary = "gradients of training-mode batch normalization";
  let description = [{
    Given the output gradient, the input, the scale and the batch statistics
    of `gm.batch_norm`, returns the gradients of input, scale and shift.

    ```mlir
    %dx, %dgamma, %dbeta = gm.batch_norm_backward %dy, %x, %gamma, %mean, %var
        : (tensor<64x128x7x7xf32>, tensor<64x128x7x7xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>)
        -> (tensor<64x128x7x7xf32>, tensor<128xf32>, tensor<128xf32>)
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$output_grad, Gm_FloatTensor:$input,
                       Gm_FloatTensor:$scale, Gm_FloatTensor:$mean,
                       Gm_FloatTensor:$variance,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs Gm_FloatTensor:$input_grad, Gm_FloatTensor:$scale_grad,
                      Gm_FloatTensor:$shift_grad);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

class Gm_SoftmaxBase<string mnemonic, string what>
    : Gm_Op<mnemonic, [Pure, SameOperandsAndResultType, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = what # " along one axis";
  let description = [{
    ```mlir
    %p = gm.}] # mnemonic # [{ %logits axis 1 : tensor<64x256x28x28xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Gm_SoftmaxOp : Gm_SoftmaxBase<"softmax", "softmax">;
def Gm_LogSoftmaxOp : Gm_SoftmaxBase<"log_softmax", "log-softmax">;

//===----------------------------------------------------------------------===//
// Vector quantization and classification helpers
//===----------------------------------------------------------------------===//

def Gm_NearestOp : Gm_Op<"nearest", [Pure, InferTypeOpAdaptor, Gm_GradientStops]> {
  let summary = "index of the nearest codebook row (squared L2 distance)";
  let description = [{
    For inputs [..., D] and a codebook [K, D], the i32 index in [0, K) of the
    closest row for every vector (the lowest index on ties). Not
    differentiable.

    ```mlir
    %codes = gm.nearest %z, %codebook : (tensor<3136x32xf32>, tensor<64x32xf32>) -> tensor<3136xi32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, Gm_FloatTensor:$codebook);
  let results = (outs TensorOf<[I32]>:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def Gm_LookupOp : Gm_Op<"lookup", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "gathers rows of a table";
  let description = [{
    For a table [K, D] and indices of any shape S, the result is S x D.

    ```mlir
    %e = gm.lookup %codebook, %codes : (tensor<64x32xf32>, tensor<3136xi32>) -> tensor<3136x32xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$table, Gm_IndexTensor:$indices);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

def Gm_OneHotOp : Gm_Op<"one_hot", [Pure, Gm_GradientStops]> {
  let summary = "one-hot encoding of indices";
  let description = [{
    Inserts a dimension of size `classes` at `axis` (default: last) holding
    1 at the index and 0 elsewhere. The result's element type is any float.

    ```mlir
    %t = gm.one_hot %labels classes 10 : tensor<64xi32> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Gm_IndexTensor:$indices,
                       ConfinedAttr<I64Attr, [IntPositive]>:$classes,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    $indices `classes` $classes attr-dict `:` type($indices) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Gm_ArgmaxOp : Gm_Op<"argmax", [Pure, InferTypeOpAdaptor, Gm_GradientStops]> {
  let summary = "index of the largest element along one axis";
  let description = [{
    The axis is removed; the first maximum wins ties. Not differentiable.

    ```mlir
    %pred = gm.argmax %logits axis 1 : tensor<64x10xf32> -> tensor<64xi32>
    ```
  }];
  let arguments = (ins Gm_NumericTensor:$input, I64Attr:$axis);
  let results = (outs TensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $input `axis` $axis attr-dict `:` type($input) `->` type($result)
  }];
}

#endif // GM_NN_OPS_TD
