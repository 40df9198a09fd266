//===- GmShapeOps.td - reshape, transpose, broadcast, concat, slice, pad -*- tablegen -*-===//
//
// Ops that move elements without arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef GM_SHAPE_OPS_TD
#define GM_SHAPE_OPS_TD

include "GmBase.td"
include "GmInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Gm_ReshapeOp : Gm_Op<"reshape", [Pure, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "same elements in row-major order, new shape";
  let description = [{
    ```mlir
    %h = gm.reshape %flat : tensor<64x3136xf32> -> tensor<64x64x7x7xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gm_TransposeOp : Gm_Op<"transpose", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "permutes dimensions";
  let description = [{
    Result dimension i is input dimension perm[i].

    ```mlir
    %t = gm.transpose %x perm [0, 2, 3, 1] : tensor<64x32x7x7xf32> -> tensor<64x7x7x32xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $input `perm` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def Gm_BroadcastOp : Gm_Op<"broadcast", [Pure, Gm_BroadcastingElementwise, DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "stretches a tensor to a larger shape (numpy rules)";
  let description = [{
    The input's shape aligns with the result's trailing dimensions; each
    input dimension equals the result's or is 1.

    ```mlir
    %b = gm.broadcast %bias : tensor<32x1x1xf32> -> tensor<64x32x14x14xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Gm_ConcatOp : Gm_Op<"concat", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "joins tensors along one axis";
  let description = [{
    ```mlir
    %c = gm.concat %hb, %dt axis 1 : (tensor<64x64x14x14xf32>, tensor<64x32x14x14xf32>) -> tensor<64x96x14x14xf32>
    ```
  }];
  let arguments = (ins Variadic<Gm_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` functional-type($inputs, results)
  }];
}

def Gm_SliceOp : Gm_Op<"slice", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "a strided window of a tensor";
  let description = [{
    Result element i is input element offsets + i * strides (per dimension);
    the result shape is `sizes`. `strides` defaults to 1.

    ```mlir
    %a = gm.slice %h offsets [0, 0, 0, 0] sizes [64, 32, 28, 28] : tensor<64x64x28x28xf32> -> tensor<64x32x28x28xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $input `offsets` $offsets `sizes` $sizes (`strides` $strides^)? attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def Gm_PadOp : Gm_Op<"pad", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "pads with a constant: before, after and between elements";
  let description = [{
    Each dimension of size n becomes low + n + (n - 1) * interior + high.
    Interior padding makes it the gradient of a strided slice.

    ```mlir
    %p = gm.pad %x low [0, 0, 1, 0] high [0, 0, 0, 0] : tensor<64x32x27x28xf32> -> tensor<64x32x28x28xf32>
    ```
  }];
  let arguments = (ins Gm_Tensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high,
                       OptionalAttr<DenseI64ArrayAttr>:$interior,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = [{
    $input `low` $low `high` $high (`interior` $interior^)? attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

def Gm_UpsampleOp : Gm_Op<"upsample", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Gm_GradientOpInterface>]> {
  let summary = "nearest-neighbour upsampling of NCHW by integer factors";
  let description = [{
    ```mlir
    %u = gm.upsample %x scale [2, 2] : tensor<64x32x7x7xf32> -> tensor<64x32x14x14xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$input, DenseI64ArrayAttr:$scale);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `scale` $scale attr-dict `:` type($input) `->` type($result)
  }];
}

def Gm_ReorderOp : Gm_Op<"reorder", [Pure, SameOperandsAndResultType]> {
  let summary = "the same tensor in another memory layout";
  let description = [{
    Made by `gm-propagate-layouts` where a value that a library op reads or
    writes in oneDNN's blocked layout meets an op that needs the plain one
    (or the other way round). The value is unchanged; only the order of its
    elements in memory differs: `plain` is row-major, `blocked` is N x C x
    H x W stored as N x C/16 x H x W x 16 (oneDNN's nChw16c, on every CPU:
    generated loops index it). A blocked tensor is f32, has rank 4 and a channel count
    that is a multiple of 16, so that both layouts take the same bytes.

    ```mlir
    %b = gm.reorder %x to "blocked" : tensor<64x128x7x7xf32>
    ```

    The op a value comes from records the value's layout in its `gm.layouts`
    attribute (one entry per result; no attribute: all plain). Layout
    agnostic ops (elementwise over one shape) compute on either.
  }];
  let arguments = (ins Gm_Tensor:$input, StrAttr:$layout);
  let results = (outs Gm_Tensor:$result);
  let assemblyFormat = "$input `to` $layout attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // GM_SHAPE_OPS_TD
