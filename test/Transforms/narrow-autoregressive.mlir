// gm-narrow-autoregressive: a random op of an autoregressive body whose
// values reach the yield only through ops that keep positions (elementwise
// on its own shape, fused chains of them, a Bernoulli draw, reshapes) is
// drawn at the step's position alone (gm.at_position); any other reader,
// or an integer division (it would trap on an element never drawn), keeps
// the whole draw.
// RUN: gm-opt %s -gm-narrow-autoregressive | FileCheck %s

gm.model @m {
  // PixelCNN's sampler: a categorical through float, a scale and a reshape.
  // CHECK-LABEL: gm.sampler @pixels
  gm.sampler @pixels() -> tensor<2x1x3x4xf32> {
    // CHECK: gm.normal {id = 20 : i64}
    %w = gm.normal {id = 20 : i64} : tensor<8x1x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x1x3x4xf32> {
    ^bb0(%c: tensor<2x1x3x4xf32>):
      %logits = gm.conv2d %c, %w : (tensor<2x1x3x4xf32>, tensor<8x1x1x1xf32>) -> tensor<2x8x3x4xf32>
      // CHECK: gm.categorical %{{.*}} axis 1 {gm.at_position, id = 1 : i64}
      %v = gm.categorical %logits axis 1 {id = 1 : i64} : tensor<2x8x3x4xf32> -> tensor<2x3x4xi32>
      %f = gm.cast %v : tensor<2x3x4xi32> to tensor<2x3x4xf32>
      %k = gm.constant dense<0.125> : tensor<f32>
      %s = gm.mul %f, %k : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
      %r = gm.reshape %s : tensor<2x3x4xf32> -> tensor<2x1x3x4xf32>
      gm.yield %r : tensor<2x1x3x4xf32>
    }
    gm.return %img : tensor<2x1x3x4xf32>
  }

  // Noise read at its own index by elementwise ops and a Bernoulli draw:
  // both at the position. A reduction of the canvas joins by broadcast.
  // CHECK-LABEL: gm.sampler @binary
  gm.sampler @binary() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      %sum = gm.reduce_sum %c dims [1, 2] keepdim : tensor<2x4x4xf32> -> tensor<2x1x1xf32>
      // CHECK: gm.normal {gm.at_position, id = 2 : i64}
      %n = gm.normal {id = 2 : i64} : tensor<2x4x4xf32>
      %next = gm.add %n, %sum : (tensor<2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<2x4x4xf32>
      %p = gm.sigmoid %next : tensor<2x4x4xf32>
      // CHECK: gm.bernoulli %{{.*}} {gm.at_position, id = 3 : i64}
      %s = gm.bernoulli %p {id = 3 : i64} : tensor<2x4x4xf32>
      gm.yield %s : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }

  // Readers that need the whole draw.
  // CHECK-LABEL: gm.sampler @whole
  gm.sampler @whole() -> (tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>) {
    %w = gm.normal {id = 21 : i64} : tensor<1x1x3x3xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x4x4xf32>
    // A sum over the draw, besides the yield.
    %a = gm.autoregressive %zero over [4, 4] : tensor<2x1x4x4xf32> {
    ^bb0(%c: tensor<2x1x4x4xf32>):
      // CHECK: gm.normal {id = 4 : i64}
      %n = gm.normal {id = 4 : i64} : tensor<2x1x4x4xf32>
      %t = gm.reduce_sum %n dims [2, 3] keepdim : tensor<2x1x4x4xf32> -> tensor<2x1x1x1xf32>
      %y = gm.add %n, %t : (tensor<2x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<2x1x4x4xf32>
      gm.yield %y : tensor<2x1x4x4xf32>
    }
    // Broadcast to a larger shape: element f of the result reads another.
    %b = gm.autoregressive %zero over [4, 4] : tensor<2x1x4x4xf32> {
    ^bb0(%c: tensor<2x1x4x4xf32>):
      // CHECK: gm.uniform {id = 5 : i64}
      %u = gm.uniform {id = 5 : i64} : tensor<2x1x1x4xf32>
      %y = gm.add %c, %u : (tensor<2x1x4x4xf32>, tensor<2x1x1x4xf32>) -> tensor<2x1x4x4xf32>
      gm.yield %y : tensor<2x1x4x4xf32>
    }
    // A convolution of the draw.
    %d = gm.autoregressive %zero over [4, 4] : tensor<2x1x4x4xf32> {
    ^bb0(%c: tensor<2x1x4x4xf32>):
      // CHECK: gm.normal {id = 6 : i64}
      %n = gm.normal {id = 6 : i64} : tensor<2x1x4x4xf32>
      %y = gm.conv2d %n, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x4x4xf32>
      gm.yield %y : tensor<2x1x4x4xf32>
    }
    // A transpose moves elements: not a reshape.
    %e = gm.autoregressive %zero over [4, 4] : tensor<2x1x4x4xf32> {
    ^bb0(%c: tensor<2x1x4x4xf32>):
      // CHECK: gm.normal {id = 7 : i64}
      %n = gm.normal {id = 7 : i64} : tensor<2x1x4x4xf32>
      %y = gm.transpose %n perm [0, 1, 3, 2] : tensor<2x1x4x4xf32> -> tensor<2x1x4x4xf32>
      gm.yield %y : tensor<2x1x4x4xf32>
    }
    gm.return %a, %b, %d, %e : tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>, tensor<2x1x4x4xf32>
  }

  // Outside a body, or in a nested loop whose step is another position:
  // drawn whole.
  // CHECK-LABEL: gm.sampler @nested
  gm.sampler @nested() -> (tensor<2x4xf32>, tensor<2x4xf32>) {
    // CHECK: gm.normal {id = 8 : i64}
    %outside = gm.normal {id = 8 : i64} : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // CHECK: gm.normal {id = 9 : i64}
      %n = gm.normal {id = 9 : i64} : tensor<2x4xf32>
      %inner = gm.autoregressive %c over [4] : tensor<2x4xf32> {
      ^bb0(%d: tensor<2x4xf32>):
        %y = gm.add %d, %n : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
        gm.yield %y : tensor<2x4xf32>
      }
      gm.yield %inner : tensor<2x4xf32>
    }
    gm.return %outside, %img : tensor<2x4xf32>, tensor<2x4xf32>
  }

  // CHECK-LABEL: gm.sampler @fused
  gm.sampler @fused() -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    // An elementwise fused chain keeps positions.
    %a = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // CHECK: gm.normal {gm.at_position, id = 10 : i64}
      %n = gm.normal {id = 10 : i64} : tensor<2x4xf32>
      %y = gm.fused(%n, %c) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> {
      ^bb0(%x: tensor<2x4xf32>, %d: tensor<2x4xf32>):
        %0 = gm.add %x, %d : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
        %1 = gm.tanh %0 : tensor<2x4xf32>
        gm.yield %1 : tensor<2x4xf32>
      }
      gm.yield %y : tensor<2x4xf32>
    }
    // A fused chain ending in a reduction reads every element.
    %b = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // CHECK: gm.normal {id = 11 : i64}
      %n = gm.normal {id = 11 : i64} : tensor<2x4xf32>
      %s = gm.fused(%n) : (tensor<2x4xf32>) -> tensor<2x1xf32> {
      ^bb0(%x: tensor<2x4xf32>):
        %0 = gm.exp %x : tensor<2x4xf32>
        %1 = gm.reduce_sum %0 dims [1] keepdim : tensor<2x4xf32> -> tensor<2x1xf32>
        gm.yield %1 : tensor<2x1xf32>
      }
      %y = gm.add %c, %s : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
      gm.yield %y : tensor<2x4xf32>
    }
    // An integer division would trap on a stale zero; a draw of another
    // size than whole lines has no position to be drawn at.
    %d = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%c: tensor<2x4xf32>):
      // CHECK: gm.normal {id = 13 : i64}
      %l = gm.normal {id = 13 : i64} : tensor<2x3x4xf32>
      // CHECK: gm.categorical %{{.*}} axis 1 {id = 12 : i64}
      %v = gm.categorical %l axis 1 {id = 12 : i64} : tensor<2x3x4xf32> -> tensor<2x4xi32>
      %k = gm.constant dense<24> : tensor<i32>
      %q = gm.div %k, %v : (tensor<i32>, tensor<2x4xi32>) -> tensor<2x4xi32>
      %f = gm.cast %q : tensor<2x4xi32> to tensor<2x4xf32>
      // CHECK: gm.normal {id = 14 : i64}
      %unused = gm.normal {id = 14 : i64} : tensor<3xf32>
      gm.yield %f : tensor<2x4xf32>
    }
    gm.return %a, %b, %d : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
  }

  // A draw in a nested loop is drawn at the inner step's position; the
  // outer loop's draw at the outer one's.
  // CHECK-LABEL: gm.sampler @inner
  gm.sampler @inner() -> tensor<2x3x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x3x4xf32> {
    ^bb0(%c: tensor<2x3x4xf32>):
      %s = gm.reduce_sum %c dims [1, 2] keepdim : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
      %inner = gm.autoregressive %c over [4] : tensor<2x3x4xf32> {
      ^bb0(%d: tensor<2x3x4xf32>):
        %t = gm.reduce_sum %d dims [2] keepdim : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
        // CHECK: gm.normal {gm.at_position, id = 15 : i64}
        %n = gm.normal {id = 15 : i64} : tensor<2x3x4xf32>
        %y = gm.add %n, %t : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
        gm.yield %y : tensor<2x3x4xf32>
      }
      // CHECK: gm.uniform {gm.at_position, id = 16 : i64}
      %u = gm.uniform {id = 16 : i64} : tensor<2x3x4xf32>
      %a = gm.add %inner, %u : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
      %b = gm.add %a, %s : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
      gm.yield %b : tensor<2x3x4xf32>
    }
    gm.return %img : tensor<2x3x4xf32>
  }
}
