// Every verifier error of the gm dialect, one case each.
// RUN: gm-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Model, variables
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    // expected-note @+1 {{first used here}}
    %a = gm.normal {id = 7 : i64} : tensor<2xf32>
    // expected-error @+1 {{reuses random stream id 7; every random op needs its own id}}
    %b = gm.uniform {id = 7 : i64} : tensor<2xf32>
    gm.return %a : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f() -> tensor<2xf32> {
    // expected-error @+1 {{refers to @nowhere, which is not a gm.param or gm.state of the model}}
    %w = gm.load @nowhere : tensor<2xf32>
    gm.return %w : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.net @f() -> tensor<2xf32> {
    // expected-error @+1 {{type 'tensor<2xf32>' does not match @w of type 'tensor<3xf32>'}}
    %w = gm.load @w : tensor<2xf32>
    gm.return %w : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.state @s : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %v = gm.constant dense<1.0> : tensor<4xf32>
    // expected-error @+1 {{type 'tensor<4xf32>' does not match @s of type 'tensor<3xf32>'}}
    gm.store %v to @s : tensor<4xf32>
  }
}

// -----

gm.model @m {
  // expected-error @+1 {{uniform initializer needs low <= high, got [1.0, 0.0)}}
  gm.param @w : tensor<3xf32> = #gm.uniform<1.0, 0.0>
}

// -----

gm.model @m {
  // expected-error @+1 {{normal initializer needs std >= 0, got -1.0}}
  gm.param @w : tensor<3xf32> = #gm.normal<0.0, -1.0>
}

// -----

//===----------------------------------------------------------------------===//
// Nets, calls, samplers
//===----------------------------------------------------------------------===//

gm.model @m {
  // expected-error @+1 {{arguments and results must be statically shaped tensors, got 'tensor<?xf32>'}}
  gm.net @f(%x: tensor<?xf32>) -> tensor<2xf32> {
    %c = gm.constant dense<1.0> : tensor<2xf32>
    gm.return %c : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    %c = gm.constant dense<1.0> : tensor<3xf32>
    // expected-error @+1 {{returns 'tensor<3xf32>' but gm.net @f declares 'tensor<2xf32>'}}
    gm.return %c : tensor<3xf32>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.net @f() -> tensor<3xf32> {
    // expected-error @+1 {{calls @w, which is not a gm.net of the model}}
    %r = gm.call @w() : () -> tensor<3xf32>
    gm.return %r : tensor<3xf32>
  }
}

// -----

gm.model @m {
  gm.net @g(%x: tensor<2xf32>) -> tensor<2xf32> {
    gm.return %x : tensor<2xf32>
  }
  gm.net @f(%x: tensor<3xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{passes 'tensor<3xf32>' but @g takes 'tensor<2xf32>'}}
    %r = gm.call @g(%x) : (tensor<3xf32>) -> tensor<2xf32>
    gm.return %r : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.net @g(%x: tensor<2xf32>) -> tensor<2xf32> {
    gm.return %x : tensor<2xf32>
  }
  gm.net @f(%x: tensor<2xf32>) -> tensor<3xf32> {
    // expected-error @+1 {{expects results 'tensor<3xf32>' but @g returns 'tensor<2xf32>'}}
    %r = gm.call @g(%x) : (tensor<2xf32>) -> tensor<3xf32>
    gm.return %r : tensor<3xf32>
  }
}

// -----

gm.model @m {
  // expected-error @+1 {{takes no arguments, got 1}}
  gm.sampler @s(%x: tensor<2xf32>) -> tensor<2xf32> {
    gm.return %x : tensor<2xf32>
  }
}

// -----

gm.model @m {
  // expected-error @+1 {{must return at least one tensor of samples}}
  gm.sampler @s() {
    gm.return
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x3x3xf32> {
    %z = gm.constant dense<0.0> : tensor<2x3x3xf32>
    // expected-error @+1 {{fills [3, 2], which must be the trailing dimensions of 'tensor<2x3x3xf32>'}}
    %r = gm.autoregressive %z over [3, 2] : tensor<2x3x3xf32> {
    ^bb0(%c: tensor<2x3x3xf32>):
      gm.yield %c : tensor<2x3x3xf32>
    }
    gm.return %r : tensor<2x3x3xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x3x3xf32> {
    %z = gm.constant dense<0.0> : tensor<2x3x3xf32>
    // expected-error @+1 {{body must take the canvas ('tensor<2x3x3xf32>') as its only argument}}
    %r = gm.autoregressive %z over [3, 3] : tensor<2x3x3xf32> {
    ^bb0(%c: tensor<2x3x3xf64>):
      gm.yield %z : tensor<2x3x3xf32>
    }
    gm.return %r : tensor<2x3x3xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x3x3xf32> {
    %z = gm.constant dense<0.0> : tensor<2x3x3xf32>
    // expected-error @+1 {{body must yield a tensor of type 'tensor<2x3x3xf32>'}}
    %r = gm.autoregressive %z over [3, 3] : tensor<2x3x3xf32> {
    ^bb0(%c: tensor<2x3x3xf32>):
      %o = gm.constant dense<0.0> : tensor<3x3xf32>
      gm.yield %o : tensor<3x3xf32>
    }
    gm.return %r : tensor<2x3x3xf32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Data
//===----------------------------------------------------------------------===//

gm.model @m {
  // expected-error @+1 {{needs a source}}
  gm.dataset @d "" split "train" fields [tensor<1x28x28xf32>]
}

// -----

gm.model @m {
  // expected-error @+1 {{needs at least one field}}
  gm.dataset @d "mnist" split "train" fields []
}

// -----

gm.model @m {
  // expected-error @+1 {{fields must be statically shaped tensors, got f32}}
  gm.dataset @d "mnist" split "train" fields [f32]
}

// -----

gm.model @m {
  gm.param @d : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    // expected-error @+1 {{reads @d, which is not a gm.dataset of the model}}
    %x = gm.next @d : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.dataset @d "mnist" split "train" fields [tensor<1x28x28xf32>, tensor<i32>]
  gm.phase train @p {
    // expected-error @+1 {{has 1 results but @d has 2 fields}}
    %x = gm.next @d : tensor<2x1x28x28xf32>
  }
}

// -----

gm.model @m {
  gm.dataset @d "mnist" split "train" fields [tensor<1x28x28xf32>]
  gm.phase train @p {
    // expected-error @+1 {{result 'tensor<2x28x28xf32>' is not a batch of the field 'tensor<1x28x28xf32>'}}
    %x = gm.next @d : tensor<2x28x28xf32>
  }
}

// -----

gm.model @m {
  gm.dataset @d "mnist" split "train" fields [tensor<1x28x28xf32>, tensor<i32>]
  gm.phase train @p {
    // expected-error @+1 {{results disagree on the batch size (2 vs 3)}}
    %x, %y = gm.next @d : tensor<2x1x28x28xf32>, tensor<3xi32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase eval @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{must be inside a train phase}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @m {
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{needs at least one parameter to update}}
    gm.minimize %l : tensor<f32> over [] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{needs a positive clip_norm, got -1.0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1> {clip_norm = -1.0 : f64}
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{lists @w twice}}
    gm.minimize %l : tensor<f32> over [@w, @w] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @m {
  gm.state @s : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{@s is model state, not a trainable gm.param}}
    gm.minimize %l : tensor<f32> over [@s] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{sgd needs a positive learning rate, got 0.0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.0>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{sgd needs weight_decay >= 0, got -0.1}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1, weight_decay = -0.1>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{sgd needs 0 <= momentum < 1, got 1.0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1, momentum = 1.0>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{sgd with nesterov = true needs a momentum > 0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1, nesterov = true>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+2 {{expected 'true' or 'false'}}
    // expected-error @+1 {{failed to parse Gm_SGDAttr parameter 'nesterov'}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1, nesterov = 1>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{adam needs 0 <= beta2 < 1, got 1.0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.adam<lr = 0.1, beta2 = 1.0>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{adam needs eps > 0, got 0.0}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.adam<lr = 0.1, eps = 0.0>
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %g = gm.constant dense<1.0> : tensor<3xf32>
    // expected-error @+1 {{has 2 gradients for 1 parameters}}
    gm.apply_gradients [@w] with #gm.sgd<lr = 0.1> gradients(%g, %g : tensor<3xf32>, tensor<3xf32>)
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase train @p {
    %g = gm.constant dense<1.0> : tensor<4xf32>
    // expected-error @+1 {{gradient 'tensor<4xf32>' does not match @w of type 'tensor<3xf32>'}}
    gm.apply_gradients [@w] with #gm.sgd<lr = 0.1> gradients(%g : tensor<4xf32>)
  }
}

// -----

gm.model @m {
  gm.param @w : tensor<3xf32> = #gm.fill<0.0>
  gm.phase eval @p {
    %g = gm.constant dense<1.0> : tensor<3xf32>
    // expected-error @+1 {{must be inside a train phase}}
    gm.apply_gradients [@w] with #gm.sgd<lr = 0.1> gradients(%g : tensor<3xf32>)
  }
}

// -----

gm.model @m {
  gm.phase train @p {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{needs a non-empty name}}
    gm.report "", %l : tensor<f32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<f32> {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-error @+1 {{must be inside a train or eval phase}}
    gm.report "x", %l : tensor<f32>
    gm.return %l : tensor<f32>
  }
}

// -----

// One report per name and phase (a repeat's rounds are one report).
gm.model @m {
  gm.phase train @t {
    %l = gm.constant dense<1.0> : tensor<f32>
    gm.report "x", %l : tensor<f32>
    gm.repeat 2 {
      // expected-error @+1 {{reports 'x' a second time in its phase}}
      gm.report "x", %l : tensor<f32>
    }
  }
}

// -----

gm.model @m {
  gm.net @f(%l: tensor<f32>) -> tensor<f32> {
    // expected-error @+1 {{needs at least one value to differentiate by}}
    "gm.grad"(%l) : (tensor<f32>) -> ()
    gm.return %l : tensor<f32>
  }
}

// -----

gm.model @m {
  gm.net @f(%l: tensor<f32>, %x: tensor<2xf64>) -> tensor<f32> {
    // expected-error @+1 {{differentiates 'tensor<f32>' by 'tensor<2xf64>': element types differ}}
    %g = gm.grad %l wrt %x : tensor<f32> wrt tensor<2xf64>
    gm.return %l : tensor<f32>
  }
}

// -----

gm.model @m {
  gm.net @f(%l: tensor<2xf32>, %x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{operand #0 must be 0-d float tensor}}
    %g = gm.grad %l wrt %x : tensor<2xf32> wrt tensor<2xf32>
    gm.return %g : tensor<2xf32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise and reductions
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
    // expected-error @+2 {{'gm.add' op operand shapes [2, 3] and [4, 3] are not broadcast-compatible (2 vs 4 at result dimension 0)}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = gm.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    gm.return %c : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>, %b: tensor<3xf64>) -> tensor<2x3xf32> {
    // expected-error @+2 {{'gm.mul' op operand element types differ (f32 vs f64)}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = gm.mul %a, %b : (tensor<2x3xf32>, tensor<3xf64>) -> tensor<2x3xf32>
    gm.return %c : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
    // expected-error @+2 {{'gm.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = gm.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
    gm.return %c : tensor<3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xi1> {
    // expected-error @+2 {{'gm.compare' op operand shapes [2, 3] and [2] are not broadcast-compatible}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = gm.compare lt, %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xi1>
    gm.return %c : tensor<2x3xi1>
  }
}

// -----

gm.model @m {
  gm.net @f(%c: tensor<2x3xi1>, %a: tensor<2x3xf32>, %b: tensor<f64>) -> tensor<2x3xf32> {
    // expected-error @+2 {{true and false values differ in element type}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.select %c, %a, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f64>) -> tensor<2x3xf32>
    gm.return %r : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%c: tensor<4xi1>, %a: tensor<2x3xf32>) -> tensor<2x3xf32> {
    // expected-error @+2 {{'gm.select' op operand shapes [4] and [2, 3] are not broadcast-compatible}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.select %c, %a, %a : (tensor<4xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    gm.return %r : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>) -> tensor<2xf32> {
    // expected-error @+2 {{reduction axis 2 is out of range for shape [2, 3] (expected 0 <= axis < 2)}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.reduce_sum %a dims [2] : tensor<2x3xf32> -> tensor<2xf32>
    gm.return %r : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>) -> tensor<2xf32> {
    // expected-error @+2 {{reduction dimension 1 appears twice in [1, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.reduce_max %a dims [1, 1] : tensor<2x3xf32> -> tensor<2xf32>
    gm.return %r : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
    // expected-error @+2 {{expects at least one dimension to reduce}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.reduce_mean %a dims [] : tensor<2x3xf32> -> tensor<2x3xf32>
    gm.return %r : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xi32>) -> tensor<2x3xi32> {
    // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or bfloat16 type or 64-bit float values}}
    %r = gm.exp %a : tensor<2x3xi32>
    gm.return %r : tensor<2x3xi32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Matmul and convolutions
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.net @f(%a: tensor<64x4096xf32>, %w: tensor<256x3136xf32>) -> tensor<64x256xf32> {
    // expected-error @+2 {{contracting dimensions differ: [64, 4096] has 4096, [256, 3136] (transposed) has 3136}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.matmul %a, %w {transpose_rhs} : (tensor<64x4096xf32>, tensor<256x3136xf32>) -> tensor<64x256xf32>
    gm.return %r : tensor<64x256xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<4x3x5xf32>, %b: tensor<5x6xf32>) -> tensor<4x3x6xf32> {
    // expected-error @+2 {{expects two rank-2 or two rank-3 operands, got [4, 3, 5] and [5, 6]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.matmul %a, %b : (tensor<4x3x5xf32>, tensor<5x6xf32>) -> tensor<4x3x6xf32>
    gm.return %r : tensor<4x3x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<4x3x5xf32>, %b: tensor<2x5x6xf32>) -> tensor<4x3x6xf32> {
    // expected-error @+2 {{batch sizes differ: [4, 3, 5] and [2, 5, 6]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.matmul %a, %b : (tensor<4x3x5xf32>, tensor<2x5x6xf32>) -> tensor<4x3x6xf32>
    gm.return %r : tensor<4x3x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<3x5xf32>, %b: tensor<5x6xf64>) -> tensor<3x6xf32> {
    // expected-error @+2 {{'gm.matmul' op operands must share one element type}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.matmul %a, %b : (tensor<3x5xf32>, tensor<5x6xf64>) -> tensor<3x6xf32>
    gm.return %r : tensor<3x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x3x28x28xf32>, %w: tensor<32x1x4x4xf32>) -> tensor<2x32x25x25xf32> {
    // expected-error @+2 {{weight [32, 1, 4, 4] expects 1 input channels but input [2, 3, 28, 28] has 3}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w : (tensor<2x3x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x25x25xf32>
    gm.return %r : tensor<2x32x25x25xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x28x28xf32>, %w: tensor<32x1x4x4xf32>) -> tensor<2x32x25x25xf32> {
    // expected-error @+2 {{expects an NCHW input, got [2, 28, 28]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w : (tensor<2x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x25x25xf32>
    gm.return %r : tensor<2x32x25x25xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x28x28xf32>, %w: tensor<32x1x4xf32>) -> tensor<2x32x25x25xf32> {
    // expected-error @+2 {{expects an OIHW weight, got [32, 1, 4]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w : (tensor<2x1x28x28xf32>, tensor<32x1x4xf32>) -> tensor<2x32x25x25xf32>
    gm.return %r : tensor<2x32x25x25xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x2x2xf32>, %w: tensor<32x1x4x4xf32>) -> tensor<2x32x1x1xf32> {
    // expected-error @+2 {{kernel [4, 4] with dilation [1, 1] does not fit the padded input [2, 1, 2, 2]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w : (tensor<2x1x2x2xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x1x1xf32>
    gm.return %r : tensor<2x32x1x1xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+2 {{stride must be two positive values [h, w], got [0, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {stride = array<i64: 0, 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32>
    gm.return %r : tensor<2x4x8x8xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+2 {{dilation must be two positive values [h, w], got [1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {dilation = array<i64: 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32>
    gm.return %r : tensor<2x4x8x8xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+2 {{padding must be four non-negative values [top, left, bottom, right], got [1, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x8x8xf32>
    gm.return %r : tensor<2x4x8x8xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+2 {{groups must be positive, got 0}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {groups = 0 : i64} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x6xf32>
    gm.return %r : tensor<2x4x6x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x6x6xf32> {
    // expected-error @+2 {{3 groups must divide the input channels (4) and output channels (6)}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {groups = 3 : i64} : (tensor<2x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x6x6xf32>
    gm.return %r : tensor<2x6x6x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<2x4x6x6xf32> {
    // expected-error @+2 {{mask [5, 5] must match the kernel [3, 3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w {mask = dense<true> : tensor<5x5xi1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x6xf32>
    gm.return %r : tensor<2x4x6x6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%dy: tensor<2x32x13x13xf32>, %w: tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32> {
    // expected-error @+1 {{conv2d of input [2, 1, 28, 28] with weight [32, 1, 4, 4] gives [2, 32, 14, 14], not the output gradient's [2, 32, 13, 13]}}
    %r = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x13x13xf32>, tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32>
    gm.return %r : tensor<2x1x28x28xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%dy: tensor<2x32x14x14xf32>, %w: tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32> {
    // expected-error @+1 {{mask [2, 2] must match the kernel [4, 4]}}
    %r = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, mask = dense<true> : tensor<2x2xi1>} : (tensor<2x32x14x14xf32>, tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32>
    gm.return %r : tensor<2x1x28x28xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%dy: tensor<2x32x14x14xf32>, %w: tensor<32x1x4x4xf64>) -> tensor<2x1x28x28xf32> {
    // expected-error @+1 {{operands and result must share one element type}}
    %r = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x14x14xf32>, tensor<32x1x4x4xf64>) -> tensor<2x1x28x28xf32>
    gm.return %r : tensor<2x1x28x28xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x1x28x28xf32>, %dy: tensor<2x32x14x14xf32>) -> tensor<32x2x4x4xf32> {
    // expected-error @+1 {{weight [32, 2, 4, 4] expects 2 input channels but input [2, 1, 28, 28] has 1}}
    %r = gm.conv2d_backward_weights %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x28x28xf32>, tensor<2x32x14x14xf32>) -> tensor<32x2x4x4xf32>
    gm.return %r : tensor<32x2x4x4xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x64x7x7xf32>, %w: tensor<32x32x4x4xf32>) -> tensor<2x32x14x14xf32> {
    // expected-error @+2 {{weight [32, 32, 4, 4] expects 32 input channels but input [2, 64, 7, 7] has 64}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x64x7x7xf32>, tensor<32x32x4x4xf32>) -> tensor<2x32x14x14xf32>
    gm.return %r : tensor<2x32x14x14xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x64x7x7xf32>, %w: tensor<64x32x4x4xf32>) -> tensor<2x32x16x16xf32> {
    // expected-error @+2 {{output_padding [2, 2] must be non-negative and smaller than the stride [2, 2]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 2, 2>} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x32x16x16xf32>
    gm.return %r : tensor<2x32x16x16xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x64x7x7xf32>, %w: tensor<64x32x4x4xf32>) -> tensor<2x32x14x14xf32> {
    // expected-error @+2 {{output_padding must be two values [h, w], got [1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, output_padding = array<i64: 1>} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x32x14x14xf32>
    gm.return %r : tensor<2x32x14x14xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x64x7x7xf32>, %w: tensor<64x32x4xf32>) -> tensor<2x32x14x14xf32> {
    // expected-error @+2 {{expects a [C_in, C_out/groups, KH, KW] weight, got [64, 32, 4]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w : (tensor<2x64x7x7xf32>, tensor<64x32x4xf32>) -> tensor<2x32x14x14xf32>
    gm.return %r : tensor<2x32x14x14xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x64x1x1xf32>, %w: tensor<64x32x1x1xf32>) -> tensor<2x32x1x1xf32> {
    // expected-error @+2 {{padding [1, 1, 1, 1] leaves no output for input [2, 64, 1, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x64x1x1xf32>, tensor<64x32x1x1xf32>) -> tensor<2x32x1x1xf32>
    gm.return %r : tensor<2x32x1x1xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x6x7x7xf32>, %w: tensor<6x2x1x1xf32>) -> tensor<2x8x7x7xf32> {
    // expected-error @+2 {{4 groups must divide the input channels (6)}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv_transpose2d %x, %w {groups = 4 : i64} : (tensor<2x6x7x7xf32>, tensor<6x2x1x1xf32>) -> tensor<2x8x7x7xf32>
    gm.return %r : tensor<2x8x7x7xf32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Batch norm, softmax, helpers
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.net @f(%x: tensor<2x4x3x3xf32>, %g: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
    // expected-error @+2 {{scale must have shape [4] for input [2, 4, 3, 3], got [3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %y, %m, %v = gm.batch_norm %x, %g, %b : (tensor<2x4x3x3xf32>, tensor<3xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
    gm.return %y : tensor<2x4x3x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x4x3xf32>, %g: tensor<4xf32>) -> tensor<2x4x3xf32> {
    // expected-error @+2 {{expects an N x C or N x C x H x W input, got [2, 4, 3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %y = gm.batch_norm_inference %x, %g, %g, %g, %g : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
    gm.return %y : tensor<2x4x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x4xf32>, %g: tensor<4xf32>, %v: tensor<4xf64>) -> tensor<2x4xf32> {
    // expected-error @+2 {{'gm.batch_norm_inference' op operands must share one element type}}
    // expected-error @+1 {{failed to infer returned types}}
    %y = gm.batch_norm_inference %x, %g, %g, %g, %v : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf64>) -> tensor<2x4xf32>
    gm.return %y : tensor<2x4xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%dy: tensor<2x5xf32>, %x: tensor<2x4xf32>, %g: tensor<4xf32>) -> tensor<2x4xf32> {
    // expected-error @+2 {{output gradient [2, 5] must have the input's type [2, 4]}}
    // expected-error @+1 {{failed to infer returned types}}
    %dx, %dg, %db = gm.batch_norm_backward %dy, %x, %g, %g, %g : (tensor<2x5xf32>, tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
    gm.return %dx : tensor<2x4xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
    // expected-error @+1 {{axis 2 is out of range for shape [2, 10] (expected 0 <= axis < 2)}}
    %y = gm.softmax %x axis 2 : tensor<2x10xf32>
    gm.return %y : tensor<2x10xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
    // expected-error @+1 {{axis -1 is out of range for shape [2, 10] (expected 0 <= axis < 2)}}
    %y = gm.log_softmax %x axis -1 : tensor<2x10xf32>
    gm.return %y : tensor<2x10xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%z: tensor<8x16xf32>, %c: tensor<64x32xf32>) -> tensor<8xi32> {
    // expected-error @+2 {{vectors [8, 16] must end in the codebook's dimension 32 (codebook [64, 32])}}
    // expected-error @+1 {{failed to infer returned types}}
    %i = gm.nearest %z, %c : (tensor<8x16xf32>, tensor<64x32xf32>) -> tensor<8xi32>
    gm.return %i : tensor<8xi32>
  }
}

// -----

gm.model @m {
  gm.net @f(%z: tensor<8x32xf32>, %c: tensor<64x32x1xf32>) -> tensor<8xi32> {
    // expected-error @+2 {{expects a [K, D] codebook, got [64, 32, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %i = gm.nearest %z, %c : (tensor<8x32xf32>, tensor<64x32x1xf32>) -> tensor<8xi32>
    gm.return %i : tensor<8xi32>
  }
}

// -----

gm.model @m {
  gm.net @f(%t: tensor<64xf32>, %i: tensor<8xi32>) -> tensor<8x1xf32> {
    // expected-error @+2 {{expects a [K, D] table, got [64]}}
    // expected-error @+1 {{failed to infer returned types}}
    %e = gm.lookup %t, %i : (tensor<64xf32>, tensor<8xi32>) -> tensor<8x1xf32>
    gm.return %e : tensor<8x1xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%i: tensor<8xi32>) -> tensor<8x10xf32> {
    // expected-error @+1 {{axis 3 is out of range for [8] (expected 0 <= axis <= 1)}}
    %t = gm.one_hot %i classes 10 {axis = 3 : i64} : tensor<8xi32> -> tensor<8x10xf32>
    gm.return %t : tensor<8x10xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%i: tensor<8xi32>) -> tensor<8x9xf32> {
    // expected-error @+1 {{result shape [8, 9] should be [8, 10]}}
    %t = gm.one_hot %i classes 10 : tensor<8xi32> -> tensor<8x9xf32>
    gm.return %t : tensor<8x9xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<8x10xf32>) -> tensor<8xi32> {
    // expected-error @+2 {{axis 5 is out of range for shape [8, 10]}}
    // expected-error @+1 {{failed to infer returned types}}
    %t = gm.argmax %x axis 5 : tensor<8x10xf32> -> tensor<8xi32>
    gm.return %t : tensor<8xi32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.net @f(%x: tensor<2x3136xf32>) -> tensor<2x64x7x8xf32> {
    // expected-error @+1 {{cannot reshape [2, 3136] (6272 elements) to [2, 64, 7, 8] (7168 elements)}}
    %r = gm.reshape %x : tensor<2x3136xf32> -> tensor<2x64x7x8xf32>
    gm.return %r : tensor<2x64x7x8xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<6xf32>) -> tensor<2x3xf64> {
    // expected-error @+1 {{cannot change the element type}}
    %r = gm.reshape %x : tensor<6xf32> -> tensor<2x3xf64>
    gm.return %r : tensor<2x3xf64>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
    // expected-error @+2 {{[0, 0] is not a permutation of the dimensions of [2, 3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.transpose %x perm [0, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    gm.return %r : tensor<3x2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
    // expected-error @+2 {{permutation [1] has 1 entries for shape [2, 3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.transpose %x perm [1] : tensor<2x3xf32> -> tensor<3x2xf32>
    gm.return %r : tensor<3x2xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<3xf32>) -> tensor<2x4xf32> {
    // expected-error @+1 {{cannot broadcast [3] to [2, 4]}}
    %r = gm.broadcast %x : tensor<3xf32> -> tensor<2x4xf32>
    gm.return %r : tensor<2x4xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<3xf32>) -> tensor<2x3xf64> {
    // expected-error @+1 {{cannot change the element type}}
    %r = gm.broadcast %x : tensor<3xf32> -> tensor<2x3xf64>
    gm.return %r : tensor<2x3xf64>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x64x14x14xf32>, %b: tensor<2x32x7x7xf32>) -> tensor<2x96x14x14xf32> {
    // expected-error @+2 {{cannot concatenate [2, 64, 14, 14] and [2, 32, 7, 7] along axis 1: the other dimensions must agree}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.concat %a, %b axis 1 : (tensor<2x64x14x14xf32>, tensor<2x32x7x7xf32>) -> tensor<2x96x14x14xf32>
    gm.return %r : tensor<2x96x14x14xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>, %b: tensor<2x3xf64>) -> tensor<4x3xf32> {
    // expected-error @+2 {{inputs must share one element type}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.concat %a, %b axis 0 : (tensor<2x3xf32>, tensor<2x3xf64>) -> tensor<4x3xf32>
    gm.return %r : tensor<4x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
    // expected-error @+2 {{axis 2 is out of range for shape [2, 3]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.concat %a axis 2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
    gm.return %r : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f() -> tensor<2x3xf32> {
    // expected-error @+2 {{'gm.concat' op expects at least one input}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.concat axis 0 : () -> tensor<2x3xf32>
    gm.return %r : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<10xf32>) -> tensor<6xf32> {
    // expected-error @+2 {{window offsets [1] sizes [6] strides [2] does not fit in [10] (dimension 0)}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.slice %x offsets [1] sizes [6] strides [2] : tensor<10xf32> -> tensor<6xf32>
    gm.return %r : tensor<6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<10x2xf32>) -> tensor<6xf32> {
    // expected-error @+2 {{offsets, sizes and strides need one entry per dimension of [10, 2]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.slice %x offsets [1] sizes [6] : tensor<10x2xf32> -> tensor<6xf32>
    gm.return %r : tensor<6xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<10xf32>) -> tensor<10xf32> {
    // expected-error @+2 {{padding must be non-negative, got low [-1] high [1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.pad %x low [-1] high [1] : tensor<10xf32> -> tensor<10xf32>
    gm.return %r : tensor<10xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<10xf32>) -> tensor<10xf32> {
    // expected-error @+2 {{low, high and interior need one entry per dimension of [10]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.pad %x low [0, 0] high [0, 0] : tensor<10xf32> -> tensor<10xf32>
    gm.return %r : tensor<10xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<2x3x4xf32>) -> tensor<2x3x8xf32> {
    // expected-error @+2 {{expects an NCHW input, got [2, 3, 4]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.upsample %x scale [2, 2] : tensor<2x3x4xf32> -> tensor<2x3x8xf32>
    gm.return %r : tensor<2x3x8xf32>
  }
}

// -----

gm.model @m {
  gm.net @f(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
    // expected-error @+2 {{scale must be two positive factors [h, w], got [0, 1]}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.upsample %x scale [0, 1] : tensor<1x2x3x4xf32> -> tensor<1x2x3x4xf32>
    gm.return %r : tensor<1x2x3x4xf32>
  }
}

// -----

//===----------------------------------------------------------------------===//
// Random ops
//===----------------------------------------------------------------------===//

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    // expected-error @+1 {{needs low < high, got [1.0, 1.0)}}
    %u = gm.uniform {id = 0 : i64, low = 1.0 : f64, high = 1.0 : f64} : tensor<2xf32>
    gm.return %u : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xi32> {
    %l = gm.constant dense<0.0> : tensor<2x10xf32>
    // expected-error @+2 {{axis 2 is out of range for shape [2, 10]}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = gm.categorical %l axis 2 {id = 0 : i64} : tensor<2x10xf32> -> tensor<2xi32>
    gm.return %c : tensor<2xi32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    // expected-error @+2 {{'gm.constant' op inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
    // expected-error @+1 {{failed to infer returned types}}
    %c = "gm.constant"() {value = dense<0.0> : tensor<3xf32>} : () -> tensor<2xf32>
    gm.return %c : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{'gm.fused' op body arguments must have the inputs' types}}
    %y = gm.fused(%x) : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<3xf32>):
      %0 = gm.exp %a : tensor<3xf32>
      gm.yield %0 : tensor<3xf32>
    }
    gm.return %y : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{'gm.fused' op body must yield one value per result, of the results' types}}
    %y = gm.fused(%x) : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      %0 = gm.exp %a : tensor<2xf32>
      gm.yield %0, %0 : tensor<2xf32>, tensor<2xf32>
    }
    gm.return %y : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    %y = gm.fused(%x) : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      // expected-error @+1 {{'gm.reduce_sum' op cannot be fused: not elementwise}}
      %0 = gm.reduce_sum %a dims [0] : tensor<2xf32> -> tensor<f32>
      %1 = gm.add %a, %0 : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
      gm.yield %1 : tensor<2xf32>
    }
    gm.return %y : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    %s = gm.constant dense<1.0> : tensor<f32>
    %y = gm.fused(%x, %s) : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>, %b: tensor<f32>):
      // expected-error @+1 {{'gm.exp' op has shape [] in a gm.fused over [2]}}
      %0 = gm.exp %b : tensor<f32>
      %1 = gm.add %a, %0 : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
      gm.yield %1 : tensor<2xf32>
    }
    gm.return %y : tensor<2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{'gm.yield' op expects parent op to be one of 'gm.autoregressive, gm.fused'}}
    gm.yield %x : tensor<2xf32>
  }
}


// -----

// A trailing reduction must be all the gm.fused yields.
gm.model @m {
  gm.sampler @s() -> (tensor<f32>, tensor<2xf32>) {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    %y:2 = gm.fused(%x) : (tensor<2xf32>) -> (tensor<f32>, tensor<2xf32>) {
    ^bb0(%a: tensor<2xf32>):
      %0 = gm.exp %a : tensor<2xf32>
      // expected-error @+1 {{'gm.reduce_sum' op ends a gm.fused, which must then yield only its result}}
      %1 = gm.reduce_sum %0 dims [0] : tensor<2xf32> -> tensor<f32>
      gm.yield %1, %0 : tensor<f32>, tensor<2xf32>
    }
    gm.return %y#0, %y#1 : tensor<f32>, tensor<2xf32>
  }
}

// -----

// A gm.fused starting with a convolution is a library call with its epilogue: not a convolution and any elementwise ops (the backend would read a bias that is not there).
gm.model @m {
  gm.sampler @s() -> tensor<2x4x6x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4x1x1xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.conv2d must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): it needs 3 inputs and 1 result}}
    %y = gm.fused(%x, %w) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
    ^bb0(%a: tensor<2x3x6x6xf32>, %k: tensor<4x3x3x3xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
      %1 = gm.sigmoid %0 : tensor<2x4x6x6xf32>
      gm.yield %1 : tensor<2x4x6x6xf32>
    }
    gm.return %y : tensor<2x4x6x6xf32>
  }
}

// -----

// Its epilogue's activation is relu or leaky_relu only.
gm.model @m {
  gm.sampler @s() -> tensor<2x4x6x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4x1x1xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.conv2d must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): after the add only one relu or leaky_relu of it may follow}}
    %y = gm.fused(%x, %w, %b) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32> {
    ^bb0(%a: tensor<2x3x6x6xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4x1x1xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
      %1 = gm.add %0, %c : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
      %2 = gm.sigmoid %1 : tensor<2x4x6x6xf32>
      gm.yield %2 : tensor<2x4x6x6xf32>
    }
    gm.return %y : tensor<2x4x6x6xf32>
  }
}

// -----

// It yields its last op's result, not an argument.
gm.model @m {
  gm.sampler @s() -> tensor<2x4x6x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4x1x1xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.conv2d must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): the body must yield the last op's result}}
    %y = gm.fused(%x, %w, %b) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32> {
    ^bb0(%a: tensor<2x3x6x6xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4x1x1xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
      %1 = gm.add %0, %c : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
      gm.yield %0 : tensor<2x4x6x6xf32>
    }
    gm.return %y : tensor<2x4x6x6xf32>
  }
}

// -----

// The bias has the shape the library adds it in: [C, 1, 1] for a convolution.
gm.model @m {
  gm.sampler @s() -> tensor<2x4x6x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.conv2d must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): the bias must have shape [4, 1, 1]}}
    %y = gm.fused(%x, %w, %b) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32> {
    ^bb0(%a: tensor<2x3x6x6xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
      %1 = gm.add %0, %c : (tensor<2x4x6x6xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
      gm.yield %1 : tensor<2x4x6x6xf32>
    }
    gm.return %y : tensor<2x4x6x6xf32>
  }
}

// -----

// The library op reads the first two inputs, in order.
gm.model @m {
  gm.sampler @s() -> tensor<8x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<8x5xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x5xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.matmul must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): the op must read the first two inputs, in order}}
    %y = gm.fused(%w, %x, %b) : (tensor<4x5xf32>, tensor<8x5xf32>, tensor<4xf32>) -> tensor<8x4xf32> {
    ^bb0(%k: tensor<4x5xf32>, %a: tensor<8x5xf32>, %c: tensor<4xf32>):
      %0 = gm.matmul %a, %k {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
      %1 = gm.add %0, %c : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
      gm.yield %1 : tensor<8x4xf32>
    }
    gm.return %y : tensor<8x4xf32>
  }
}

// -----

// The library op's result is added to the bias (not multiplied).
gm.model @m {
  gm.sampler @s() -> tensor<8x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<8x5xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x5xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.fused' op starting with a gm.matmul must be a library call with its epilogue (inputs x, w, bias; the op on x and w; an add of the bias; at most one relu or leaky_relu, yielded): the op's result must be added to the third input}}
    %y = gm.fused(%x, %w, %b) : (tensor<8x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<8x4xf32> {
    ^bb0(%a: tensor<8x5xf32>, %k: tensor<4x5xf32>, %c: tensor<4xf32>):
      %0 = gm.matmul %a, %k {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
      %1 = gm.mul %0, %c : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
      gm.yield %1 : tensor<8x4xf32>
    }
    gm.return %y : tensor<8x4xf32>
  }
}

// -----

// A convolution may only start a gm.fused.
gm.model @m {
  gm.sampler @s() -> tensor<1x1x3x3xf32> {
    %x = gm.constant dense<1.0> : tensor<1x1x3x3xf32>
    %w = gm.constant dense<1.0> : tensor<1x1x1x1xf32>
    %y = gm.fused(%x, %w) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32> {
    ^bb0(%a: tensor<1x1x3x3xf32>, %k: tensor<1x1x1x1xf32>):
      %0 = gm.exp %a : tensor<1x1x3x3xf32>
      // expected-error @+1 {{'gm.conv2d' op can only start a gm.fused}}
      %1 = gm.conv2d %0, %k : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
      gm.yield %1 : tensor<1x1x3x3xf32>
    }
    gm.return %y : tensor<1x1x3x3xf32>
  }
}

// -----

// So may a matmul.
gm.model @m {
  gm.sampler @s() -> tensor<2x2xf32> {
    %x = gm.constant dense<1.0> : tensor<2x2xf32>
    %y = gm.fused(%x) : (tensor<2x2xf32>) -> tensor<2x2xf32> {
    ^bb0(%a: tensor<2x2xf32>):
      %0 = gm.exp %a : tensor<2x2xf32>
      // expected-error @+1 {{'gm.matmul' op can only start a gm.fused}}
      %1 = gm.matmul %0, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
      gm.yield %1 : tensor<2x2xf32>
    }
    gm.return %y : tensor<2x2xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<1xf32> {
    %x = gm.constant dense<1.0> : tensor<1x1x3x3xf32>
    %w = gm.constant dense<1.0> : tensor<1x1x1x1xf32>
    // expected-error @+1 {{'gm.fused' op cannot both start with a gm.conv2d and end with a reduction}}
    %y = gm.fused(%x, %w) : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1xf32> {
    ^bb0(%a: tensor<1x1x3x3xf32>, %k: tensor<1x1x1x1xf32>):
      %0 = gm.conv2d %a, %k : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
      %1 = gm.reduce_sum %0 dims [1, 2, 3] : tensor<1x1x3x3xf32> -> tensor<1xf32>
      gm.yield %1 : tensor<1xf32>
    }
    gm.return %y : tensor<1xf32>
  }
}

// -----

gm.model @m {
  gm.phase train @p {
    %f = gm.constant dense<1.0> : tensor<2x3xf32>
    // expected-error @+1 {{must be inside an eval phase}}
    gm.statistic "fid" "frechet_distance" (%f, %f) : tensor<2x3xf32>, tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.phase eval @p {
    %f = gm.constant dense<1.0> : tensor<2x3xf32>
    %g = gm.constant dense<1.0> : tensor<2x4xf32>
    // expected-error @+1 {{compares features of one size, not 3 and 4}}
    gm.statistic "fid" "frechet_distance" (%f, %g) : tensor<2x3xf32>, tensor<2x4xf32>
  }
}

// -----

gm.model @m {
  gm.phase eval @p {
    %f = gm.constant dense<1.0> : tensor<6xf32>
    // expected-error @+1 {{frechet_distance takes two feature tensors}}
    gm.statistic "fid" "frechet_distance" (%f) : tensor<6xf32>
  }
}

// -----

gm.model @m {
  gm.phase eval @p {
    %f = gm.constant dense<1.0> : tensor<2x3xf32>
    // expected-error @+1 {{distinct takes one rank-1 tensor}}
    gm.statistic "n" "distinct" (%f) : tensor<2x3xf32>
  }
}

// -----

gm.model @m {
  gm.phase eval @p {
    %f = gm.constant dense<1.0> : tensor<3xf32>
    // expected-error @+1 {{of unknown kind 'median' (frechet_distance, distinct)}}
    gm.statistic "m" "median" (%f) : tensor<3xf32>
  }
}

// -----

gm.model @m {
  gm.phase eval @p {
    gm.repeat 2 {
      %f = gm.constant dense<1.0> : tensor<3xf32>
      // expected-error @+1 {{takes each batch once: not inside a gm.repeat}}
      gm.statistic "n" "distinct" (%f) : tensor<3xf32>
    }
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x32x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x32x3x3xf32>
    // expected-error @+1 {{layout must be "plain" or "blocked", not "tiled"}}
    %y = gm.reorder %x to "tiled" : tensor<2x32x3x3xf32>
    gm.return %y : tensor<2x32x3x3xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x24x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x24x3x3xf32>
    // expected-error @+1 {{reorders rank-4 f32 tensors whose channels are a multiple of 16, not [2, 24, 3, 3]}}
    %y = gm.reorder %x to "blocked" : tensor<2x24x3x3xf32>
    gm.return %y : tensor<2x24x3x3xf32>
  }
}

// -----

// The discardable attributes the passes hand on are verified: places one per
// result (or returned value), layouts by name, byte counts not negative, and
// no other gm.* attribute.
gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.exp' op attribute 'gm.places' must be an array of 1 #gm.place (one per result)}}
    %y = gm.exp %x {gm.places = []} : tensor<4xf32>
    gm.return %y : tensor<4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.return' op attribute 'gm.places' must be an array of 1 #gm.place (one per returned value)}}
    gm.return {gm.places = [1]} %x : tensor<4xf32>
  }
}

// -----

gm.model @m {
  // expected-error @+1 {{'gm.param' op attribute 'gm.place' must be a #gm.place}}
  gm.param @w : tensor<4xf32> = #gm.fill<0.0> {gm.place = 0}
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4xf32>
    // expected-error @+1 {{'gm.exp' op attribute 'gm.layouts' must be an array of 1 layouts, "plain" or "blocked" (one per result)}}
    %y = gm.exp %x {gm.layouts = ["tiled"]} : tensor<4xf32>
    gm.return %y : tensor<4xf32>
  }
}

// -----

// expected-error @+1 {{'gm.model' op attribute 'gm.arena_bytes' must be a byte count (an integer >= 0)}}
gm.model @m attributes {gm.arena_bytes = -64 : i64} {
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    // expected-error @+1 {{'gm.normal' op has an unknown gm attribute 'gm.colour'}}
    %x = gm.normal {id = 1 : i64, gm.colour = 1} : tensor<4xf32>
    gm.return %x : tensor<4xf32>
  }
}

// -----

// gm.at_position (gm-narrow-autoregressive) marks a draw of an
// autoregressive body: elsewhere there is no position to draw at.
gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    // expected-error @+1 {{'gm.normal' op attribute 'gm.at_position' belongs on a random op of a gm.autoregressive body}}
    %x = gm.normal {id = 1 : i64, gm.at_position} : tensor<4xf32>
    gm.return %x : tensor<4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // expected-error @+1 {{'gm.exp' op attribute 'gm.at_position' belongs on a random op of a gm.autoregressive body}}
      %y = gm.exp %c {gm.at_position} : tensor<2x4xf32>
      gm.yield %y : tensor<2x4xf32>
    }
    gm.return %img : tensor<2x4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // expected-error @+1 {{'gm.normal' op attribute 'gm.at_position' must be a unit attribute}}
      %n = gm.normal {id = 1 : i64, gm.at_position = 3} : tensor<2x4xf32>
      gm.yield %n : tensor<2x4xf32>
    }
    gm.return %img : tensor<2x4xf32>
  }
}

// -----

// The backend leaves the elements at other positions undrawn.
gm.model @m {
  gm.sampler @s() -> tensor<2x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // expected-error @+1 {{'gm.normal' op attribute 'gm.at_position' marks a draw whose values are read at other positions than the step's (or that is not a whole number of lines)}}
      %n = gm.normal {id = 1 : i64, gm.at_position} : tensor<2x4xf32>
      %t = gm.reduce_sum %n dims [1] keepdim : tensor<2x4xf32> -> tensor<2x1xf32>
      %y = gm.add %c, %t : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
      gm.yield %y : tensor<2x4xf32>
    }
    gm.return %img : tensor<2x4xf32>
  }
}

// -----

// gm.row_window (gm-window-rows) takes the rows of a step of a
// gm.autoregressive: elsewhere there is no step.
gm.model @m {
  gm.sampler @s() -> tensor<2x3x4xf32> {
    %x = gm.constant dense<0.0> : tensor<2x4x4xf32>
    // expected-error @+1 {{'gm.row_window' op expects parent op 'gm.autoregressive'}}
    %w = gm.row_window %x dim 1 rows 3 : tensor<2x4x4xf32> -> tensor<2x3x4xf32>
    gm.return %w : tensor<2x3x4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      // expected-error @+1 {{'gm.row_window' op windows dimension 3 of 'tensor<2x4x4xf32>'}}
      %w = gm.row_window %c dim 3 rows 2 : tensor<2x4x4xf32> -> tensor<2x4x2xf32>
      gm.yield %c : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }
}

// -----

// The windowed dimension has the rows of the first filled dimension, or
// fewer (a window of them).
gm.model @m {
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      %x = gm.constant dense<0.0> : tensor<2x6x4xf32>
      // expected-error @+1 {{'gm.row_window' op windows dimension 1 of 'tensor<2x6x4xf32>', which must have at most 4 rows (dimension 0 of those the loop fills)}}
      %w = gm.row_window %x dim 1 rows 2 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>
      gm.yield %c : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }
}

// -----

// A window of a window has fewer rows.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %w = gm.row_window %c dim 1 rows 2 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>
      // expected-error @+1 {{'gm.row_window' op has a window 'tensor<2x3x4xf32>' that is not 'tensor<2x2x4xf32>' with 1 to 2 rows in dimension 1}}
      %v = gm.row_window %w dim 1 rows 3 : tensor<2x2x4xf32> -> tensor<2x3x4xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// A window of columns (along 1) follows the loop's second dimension: the
// whole tensor has its 4 columns.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      // expected-error @+1 {{'gm.row_window' op windows dimension 1 of 'tensor<2x6x4xf32>', which must have at most 4 rows (dimension 1 of those the loop fills)}}
      %w = gm.row_window %c dim 1 rows 2 along 1 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// `along` names one of the dimensions the loop fills.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      // expected-error @+1 {{'gm.row_window' op follows dimension -1 of the loop's 2 (`along` must name one of them)}}
      %w = gm.row_window %c dim 2 rows 2 along -1 : tensor<2x6x4xf32> -> tensor<2x6x2xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----


gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %w = gm.row_window %c dim 2 rows 2 along 1 : tensor<2x6x4xf32> -> tensor<2x6x2xf32>
      // expected-error @+1 {{'gm.row_unwindow' op follows dimension 2 of the loop's 2 (`along` must name one of them)}}
      %u = gm.row_unwindow %w dim 2 along 2 : tensor<2x6x2xf32> -> tensor<2x6x4xf32>
      gm.yield %u : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// What is put back takes all the rows.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %w = gm.row_window %c dim 1 rows 2 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>
      // expected-error @+1 {{'gm.row_unwindow' op windows dimension 1 of 'tensor<2x5x4xf32>', which must have 6 rows (dimension 0 of those the loop fills)}}
      %u = gm.row_unwindow %w dim 1 : tensor<2x2x4xf32> -> tensor<2x5x4xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      // expected-error @+1 {{'gm.row_window' op has a window 'tensor<2x3x5xf32>' that is not 'tensor<2x6x4xf32>' with 1 to 6 rows in dimension 1}}
      %w = gm.row_window %c dim 1 rows 3 : tensor<2x6x4xf32> -> tensor<2x3x5xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      // expected-error @+1 {{'gm.row_window' op takes 2 rows but its result 'tensor<2x3x4xf32>' has 3}}
      %w = gm.row_window %c dim 1 rows 2 : tensor<2x6x4xf32> -> tensor<2x3x4xf32>
      gm.yield %c : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %x = gm.constant dense<0.0> : tensor<2x7x4xf32>
      // expected-error @+1 {{'gm.row_unwindow' op has a window 'tensor<2x7x4xf32>' that is not 'tensor<2x6x4xf32>' with 1 to 6 rows in dimension 1}}
      %u = gm.row_unwindow %x dim 1 : tensor<2x7x4xf32> -> tensor<2x6x4xf32>
      gm.yield %u : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// gm.per_row (gm-per-row): the backend keeps the op's value along a row, so
// it must be the same at every step of one.
gm.model @m {
  gm.sampler @s() -> tensor<4xf32> {
    %x = gm.constant dense<1.0> : tensor<4xf32>
    // expected-error @+1 {{'gm.exp' op attribute 'gm.per_row' belongs on an op of a gm.autoregressive body}}
    %y = gm.exp %x {gm.per_row = 0 : i64} : tensor<4xf32>
    gm.return %y : tensor<4xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      // expected-error @+1 {{'gm.exp' op attribute 'gm.per_row' must be a row (an integer >= 0)}}
      %y = gm.exp %c {gm.per_row = -1 : i64} : tensor<2x6x4xf32>
      gm.yield %y : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// The step's row of the canvas changes along the row.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %w = gm.row_window %c dim 1 rows 2 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>
      // expected-error @+1 {{'gm.exp' op attribute 'gm.per_row' marks an op whose value changes within a row (it reads a draw or the canvas in the step's row, or a reader reads its rows below the step's)}}
      %e = gm.exp %w {gm.per_row = 1 : i64} : tensor<2x2x4xf32>
      %y = gm.row_unwindow %e dim 1 : tensor<2x2x4xf32> -> tensor<2x6x4xf32>
      gm.yield %y : tensor<2x6x4xf32>
    }
    gm.return %img : tensor<2x6x4xf32>
  }
}

// -----

// A window of three rows reaches below the step's row before row 2, and
// the unmasked convolution after it reads those rows into the step's.
gm.model @m {
  gm.sampler @s() -> tensor<2x1x6x4xf32> {
    %k = gm.constant dense<1.0> : tensor<1x1x3x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // expected-error @+1 {{'gm.conv2d' op attribute 'gm.per_row' marks row 1, but the op's value is the same along a row only from row 2 on (before, its window reaches below the step's row, and a reader reads those rows)}}
      %v = gm.conv2d %w, %k {gm.per_row = 1 : i64, padding = array<i64: 1, 0, 1, 0>, mask = dense<[[1], [0], [0]]> : tensor<3x1xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x3x4xf32>
      %d = gm.conv2d %v, %k {padding = array<i64: 1, 0, 1, 0>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x3x4xf32>
      %y = gm.row_unwindow %d dim 2 : tensor<2x1x3x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// A whole value's rows below the step's row vary along it; a reader that
// reads down brings them into the step's row.
gm.model @m {
  gm.sampler @s() -> tensor<2x1x6x4xf32> {
    %k = gm.constant dense<1.0> : tensor<1x1x3x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      // expected-error @+1 {{'gm.conv2d' op attribute 'gm.per_row' marks an op whose value changes within a row (it reads a draw or the canvas in the step's row, or a reader reads its rows below the step's)}}
      %v = gm.conv2d %c, %k {gm.per_row = 0 : i64, padding = array<i64: 1, 0, 1, 0>, mask = dense<[[1], [0], [0]]> : tensor<3x1xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x6x4xf32>
      %d = gm.conv2d %v, %k {padding = array<i64: 1, 0, 1, 0>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %d : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// A loop whose rows are one step each keeps nothing along a row.
gm.model @m {
  gm.sampler @s() -> tensor<2x6x1xf32> {
    %x = gm.constant dense<1.0> : tensor<2x6x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x6x1xf32>
    %img = gm.autoregressive %zero over [6, 1] : tensor<2x6x1xf32> {
    ^bb0(%c: tensor<2x6x1xf32>):
      // expected-error @+1 {{'gm.exp' op attribute 'gm.per_row' marks an op of a loop whose rows are one step each}}
      %e = gm.exp %x {gm.per_row = 0 : i64} : tensor<2x6x1xf32>
      gm.yield %e : tensor<2x6x1xf32>
    }
    gm.return %img : tensor<2x6x1xf32>
  }
}
