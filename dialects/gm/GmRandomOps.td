//===- GmRandomOps.td - counter-based random ops ------------*- tablegen -*-===//
//
// Random ops draw from the Philox4x32-10 stream keyed by (seed, step, id,
// repeat iteration): the same numbers on any thread count and on CPU and GPU,
// and a resumed run continues the same stream.
//
//===----------------------------------------------------------------------===//

#ifndef GM_RANDOM_OPS_TD
#define GM_RANDOM_OPS_TD

include "GmBase.td"
include "GmInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class Gm_RandomOp<string mnemonic, list<Trait> traits = []>
    : Gm_Op<mnemonic, traits # [
        Gm_RandomOpInterface, Gm_GradientStops,
        MemoryEffects<[MemRead<Gm_RandomResource>]>]>;

def Gm_NormalOp : Gm_RandomOp<"normal"> {
  let summary = "standard normal samples";
  let description = [{
    ```mlir
    %eps = gm.normal {id = 3 : i64} : tensor<64x20xf32>
    ```
  }];
  let arguments = (ins I64Attr:$id);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Gm_UniformOp : Gm_RandomOp<"uniform"> {
  let summary = "uniform samples in [low, high)";
  let description = [{
    ```mlir
    %eps = gm.uniform {id = 4 : i64} : tensor<64x1x1x1xf32>
    ```
  }];
  let arguments = (ins I64Attr:$id,
                       DefaultValuedAttr<F64Attr, "0.0">:$low,
                       DefaultValuedAttr<F64Attr, "1.0">:$high);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Gm_BernoulliOp : Gm_RandomOp<"bernoulli", [SameOperandsAndResultType]> {
  let summary = "0/1 samples with the given probabilities";
  let description = [{
    ```mlir
    %b = gm.bernoulli %p {id = 5 : i64} : tensor<64x1x28x28xf32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$probabilities, I64Attr:$id);
  let results = (outs Gm_FloatTensor:$result);
  let assemblyFormat = "$probabilities attr-dict `:` type($result)";
}

def Gm_CategoricalOp : Gm_RandomOp<"categorical", [InferTypeOpAdaptor]> {
  let summary = "class indices sampled from unnormalized log-probabilities";
  let description = [{
    Samples along `axis` of the logits, which is removed from the i32 result.
    Not differentiable.

    ```mlir
    %v = gm.categorical %logits axis 1 {id = 6 : i64} : tensor<16x256x28x28xf32> -> tensor<16x28x28xi32>
    ```
  }];
  let arguments = (ins Gm_FloatTensor:$logits, I64Attr:$axis, I64Attr:$id);
  let results = (outs TensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $logits `axis` $axis attr-dict `:` type($logits) `->` type($result)
  }];
}

#endif // GM_RANDOM_OPS_TD
