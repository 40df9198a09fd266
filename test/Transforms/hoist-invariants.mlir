// gm-hoist-invariants: an op of a loop body (gm.autoregressive, gm.repeat)
// whose operands come from outside the loop, and that has no effects or
// only reads variables the loop does not write, runs once, before the loop;
// so do the ops that then read only such values. Draws, gm.next, row
// windows, the terminator and what reads the canvas stay.
// RUN: gm-opt %s -split-input-file -gm-hoist-invariants | FileCheck %s
// Hoisting again moves nothing more.
// RUN: gm-opt %s -split-input-file -gm-hoist-invariants > %t.once
// RUN: gm-opt %t.once -split-input-file -gm-hoist-invariants > %t.twice
// RUN: diff %t.once %t.twice

// VQ-VAE-2's bottom prior in small: conditioned on codes drawn before its
// loop. The one-hot codes, their upsampling, the weights and the 1x1
// convolution with its bias leave the loop; the masked convolution of the
// canvas, the sum that reads it, the draw and the yield stay.
// CHECK-LABEL: gm.model @conditioned
gm.model @conditioned {
  gm.param @w : tensor<4x4x1x1xf32> = #gm.fill<0.5>
  gm.param @b : tensor<4xf32> = #gm.fill<0.25>
  gm.param @k : tensor<4x4x2x3xf32> = #gm.fill<0.125>
  gm.sampler @sample() -> tensor<2x4x4xi32> {
    %top = gm.constant dense<1> : tensor<2x2x2xi32>
    %zero = gm.constant dense<0> : tensor<2x4x4xi32>
    // CHECK: %[[ONE:.*]] = gm.one_hot %{{.*}} classes 4
    // CHECK: %[[UP:.*]] = gm.upsample %[[ONE]]
    // CHECK: %[[W:.*]] = gm.load @w
    // CHECK: %[[B:.*]] = gm.load @b
    // CHECK: %[[K:.*]] = gm.load @k
    // CHECK: %[[CONV:.*]] = gm.conv2d %[[UP]], %[[W]]
    // CHECK: %[[BIAS:.*]] = gm.reshape %[[B]]
    // CHECK: %[[COND:.*]] = gm.add %[[CONV]], %[[BIAS]]
    // CHECK: gm.autoregressive
    // CHECK-NEXT: ^bb0(%[[C:.*]]: tensor<2x4x4xi32>):
    // CHECK-NEXT: %[[O:.*]] = gm.one_hot %[[C]]
    // CHECK-NEXT: %[[V:.*]] = gm.conv2d %[[O]], %[[K]]
    // CHECK-NEXT: %[[L:.*]] = gm.add %[[V]], %[[COND]]
    // CHECK-NEXT: %[[X:.*]] = gm.categorical %[[L]]
    // CHECK-NEXT: gm.yield %[[X]]
    %codes = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xi32> {
    ^bb0(%c: tensor<2x4x4xi32>):
      %o = gm.one_hot %c classes 4 {axis = 1 : i64} : tensor<2x4x4xi32> -> tensor<2x4x4x4xf32>
      %t = gm.one_hot %top classes 4 {axis = 1 : i64} : tensor<2x2x2xi32> -> tensor<2x4x2x2xf32>
      %up = gm.upsample %t scale [2, 2] : tensor<2x4x2x2xf32> -> tensor<2x4x4x4xf32>
      %w = gm.load @w : tensor<4x4x1x1xf32>
      %b = gm.load @b : tensor<4xf32>
      %k = gm.load @k : tensor<4x4x2x3xf32>
      %v = gm.conv2d %o, %k {padding = array<i64: 1, 1, 0, 1>, mask = dense<[[1, 1, 1], [1, 0, 0]]> : tensor<2x3xi1>} : (tensor<2x4x4x4xf32>, tensor<4x4x2x3xf32>) -> tensor<2x4x4x4xf32>
      %cw = gm.conv2d %up, %w : (tensor<2x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x4x4xf32>
      %br = gm.reshape %b : tensor<4xf32> -> tensor<4x1x1xf32>
      %cond = gm.add %cw, %br : (tensor<2x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<2x4x4x4xf32>
      %l = gm.add %v, %cond : (tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
      %x = gm.categorical %l axis 1 {id = 1 : i64} : tensor<2x4x4x4xf32> -> tensor<2x4x4xi32>
      gm.yield %x : tensor<2x4x4xi32>
    }
    gm.return %codes : tensor<2x4x4xi32>
  }
}

// -----

// A step's row window reads the step's position, which is no operand: it
// stays, with what reads it, though its input comes from outside. A
// constant leaves; a body that yields a value from outside keeps its
// yield.
// CHECK-LABEL: gm.model @windows
gm.model @windows {
  gm.sampler @sample() -> (tensor<1x3x2xf32>, tensor<1x3x2xf32>) {
    %x = gm.normal {id = 2 : i64} : tensor<1x3x2xf32>
    %zero = gm.constant dense<0.0> : tensor<1x3x2xf32>
    // CHECK: %[[K:.*]] = gm.constant dense<2.0{{.*}}> : tensor<f32>
    // CHECK: gm.autoregressive
    // CHECK-NEXT: ^bb0
    // CHECK-NEXT: %[[W:.*]] = gm.row_window
    // CHECK-NEXT: %[[S:.*]] = gm.mul %[[W]], %[[K]]
    // CHECK-NEXT: %[[U:.*]] = gm.row_unwindow %[[S]]
    // CHECK-NEXT: gm.yield %[[U]]
    %a = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %w = gm.row_window %x dim 1 rows 2 : tensor<1x3x2xf32> -> tensor<1x2x2xf32>
      %k = gm.constant dense<2.0> : tensor<f32>
      %s = gm.mul %w, %k : (tensor<1x2x2xf32>, tensor<f32>) -> tensor<1x2x2xf32>
      %u = gm.row_unwindow %s dim 1 : tensor<1x2x2xf32> -> tensor<1x3x2xf32>
      gm.yield %u : tensor<1x3x2xf32>
    }
    // CHECK: %[[T:.*]] = gm.tanh
    // CHECK-NEXT: gm.autoregressive
    // CHECK-NEXT: ^bb0
    // CHECK-NEXT: gm.yield %[[T]]
    %b = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %t = gm.tanh %x : tensor<1x3x2xf32>
      gm.yield %t : tensor<1x3x2xf32>
    }
    gm.return %a, %b : tensor<1x3x2xf32>, tensor<1x3x2xf32>
  }
}

// -----

// Nested loops: what reads neither canvas leaves both; what reads the
// outer canvas alone leaves the inner loop only. A nested loop whose
// body only computes stays (it reads the outer canvas); its draw keeps
// both loops' draws in place.
// CHECK-LABEL: gm.model @nested
gm.model @nested {
  gm.sampler @sample() -> tensor<2x3x4xf32> {
    %x = gm.normal {id = 3 : i64} : tensor<2x3x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x3x4xf32>
    // CHECK: %[[E:.*]] = gm.exp %{{.*}} : tensor<2x3x4xf32>
    // CHECK-NEXT: gm.autoregressive
    // CHECK-NEXT: ^bb0(%[[C:.*]]: tensor<2x3x4xf32>):
    // CHECK-NEXT: %[[S:.*]] = gm.reduce_sum %[[C]]
    // CHECK-NEXT: gm.autoregressive %[[C]]
    // CHECK-NEXT: ^bb0(%[[D:.*]]: tensor<2x3x4xf32>):
    // CHECK-NEXT: gm.normal
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.add %{{.*}}, %[[S]]
    // CHECK-NEXT: gm.yield
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x3x4xf32> {
    ^bb0(%c: tensor<2x3x4xf32>):
      %inner = gm.autoregressive %c over [4] : tensor<2x3x4xf32> {
      ^bb0(%d: tensor<2x3x4xf32>):
        %e = gm.exp %x : tensor<2x3x4xf32>
        %s = gm.reduce_sum %c dims [1, 2] keepdim : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
        %n = gm.normal {id = 4 : i64} : tensor<2x3x4xf32>
        %y = gm.add %n, %d : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
        %z = gm.add %y, %e : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
        %r = gm.add %z, %s : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
        gm.yield %r : tensor<2x3x4xf32>
      }
      gm.yield %inner : tensor<2x3x4xf32>
    }
    gm.return %img : tensor<2x3x4xf32>
  }
}

// -----

// WGAN-GP's critic rounds write the critic's variables: no load leaves
// (a variable is one resource to the effects), nor does the batch, the
// draw or the store. A product of values from outside leaves.
// CHECK-LABEL: gm.model @rounds
gm.model @rounds {
  gm.dataset @data "mnist" split "train" fields [tensor<1x2x2xf32>]
  gm.param @p : tensor<4x1x2x2xf32> = #gm.fill<1.0>
  gm.param @q : tensor<4x1x2x2xf32> = #gm.fill<1.0>
  gm.phase train @train {
    %lr = gm.constant dense<0.5> : tensor<f32>
    %h = gm.constant dense<0.5> : tensor<f32>
    // CHECK: %[[LH:.*]] = gm.mul
    // CHECK-NEXT: gm.repeat 5 {
    // CHECK-NEXT: gm.next @data
    // CHECK-NEXT: gm.load @q
    // CHECK-NEXT: gm.load @p
    // CHECK-NEXT: gm.normal
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.mul %{{.*}}, %[[LH]]
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.store
    gm.repeat 5 {
      %x = gm.next @data : tensor<4x1x2x2xf32>
      %q = gm.load @q : tensor<4x1x2x2xf32>
      %p = gm.load @p : tensor<4x1x2x2xf32>
      %lh = gm.mul %lr, %h : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %n = gm.normal {id = 5 : i64} : tensor<4x1x2x2xf32>
      %g = gm.add %x, %n : (tensor<4x1x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<4x1x2x2xf32>
      %s = gm.mul %g, %lh : (tensor<4x1x2x2xf32>, tensor<f32>) -> tensor<4x1x2x2xf32>
      %t = gm.add %s, %q : (tensor<4x1x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<4x1x2x2xf32>
      %u = gm.add %t, %p : (tensor<4x1x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<4x1x2x2xf32>
      gm.store %u to @p : tensor<4x1x2x2xf32>
    }
  }
}

// -----

// A loop that writes no variable (here it reports) reads them once, before
// it; a loop inside it that writes one keeps its loads, and so keeps the
// outer loop's too.
// CHECK-LABEL: gm.model @reads
gm.model @reads {
  gm.param @p : tensor<4xf32> = #gm.fill<1.0>
  gm.phase eval @eval {
    // CHECK: %[[P:.*]] = gm.load @p
    // CHECK-NEXT: %[[S:.*]] = gm.reduce_sum %[[P]]
    // CHECK-NEXT: gm.repeat 2 {
    // CHECK-NEXT: gm.normal
    // CHECK-NEXT: gm.add %{{.*}}, %[[S]]
    // CHECK-NEXT: gm.report
    // CHECK-NEXT: }
    gm.repeat 2 {
      %p = gm.load @p : tensor<4xf32>
      %s = gm.reduce_sum %p dims [0] : tensor<4xf32> -> tensor<f32>
      %n = gm.normal {id = 6 : i64} : tensor<f32>
      %r = gm.add %n, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
      gm.report "r", %r : tensor<f32>
    }
    // CHECK: gm.repeat 3 {
    // CHECK-NEXT: gm.load @p
    // CHECK-NEXT: gm.repeat 2 {
    // CHECK-NEXT: gm.load @p
    // CHECK-NEXT: gm.store
    gm.repeat 3 {
      %p = gm.load @p : tensor<4xf32>
      gm.repeat 2 {
        %q = gm.load @p : tensor<4xf32>
        gm.store %q to @p : tensor<4xf32>
      }
      %m = gm.reduce_sum %p dims [0] : tensor<4xf32> -> tensor<f32>
      gm.report "p", %m : tensor<f32>
    }
  }
}
