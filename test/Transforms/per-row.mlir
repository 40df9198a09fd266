// gm-per-row: an op of an autoregressive body over [H, W] whose value reads
// the canvas only in rows above its own, or values fixed before the loop
// and the row alone, is the same at every step of a row in the rows at and
// above the step's: it gets gm.per_row = N, from row N on. Its rows below
// vary: N = 0 when what the step keeps never reads them (each reader up to
// the yield keeps rows or reads up), else R - 1 for a window of R rows (no
// row below the step's from there), and no mark for a whole value. What
// reads the step's row of the canvas, a draw or a variable is not marked;
// nor is anything when a row is one step.
// RUN: gm-opt %s -split-input-file -gm-per-row | FileCheck %s
// The dialect checks the marks: the output verifies, and marking again
// changes nothing.
// RUN: gm-opt %s -split-input-file -gm-per-row > %t.once
// RUN: gm-opt %t.once -split-input-file -gm-per-row > %t.twice
// RUN: diff %t.once %t.twice

// A gated PixelCNN layer after gm-window-rows: the vertical stack (mask A
// reads one row up at least; mask B and 1x1 keep that), the slice and gates
// on it, its window of one row and the 1x1 convolution that feeds it to the
// horizontal stack, and a window of a value from outside. The horizontal
// stack reads the step's row.
// CHECK-LABEL: gm.model @gated
gm.model @gated {
  gm.sampler @sample() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<4x1x3x3xf32>
    %wh = gm.normal {id = 2 : i64} : tensor<4x1x1x3xf32>
    %wb = gm.normal {id = 3 : i64} : tensor<4x2x3x3xf32>
    %wv = gm.normal {id = 4 : i64} : tensor<4x4x1x1xf32>
    %wo = gm.normal {id = 5 : i64} : tensor<8x4x1x1xf32>
    %wb1 = gm.normal {id = 8 : i64} : tensor<4x1x3x3xf32>
    %cond = gm.normal {id = 6 : i64} : tensor<2x4x6x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      // CHECK: %[[ROW:.*]] = gm.row_window %{{.*}} dim 2 rows 1 : tensor<2x1x6x4xf32>
      // CHECK: %[[W3:.*]] = gm.row_window %{{.*}} dim 2 rows 3 : tensor<2x1x6x4xf32>
      %row = gm.row_window %c dim 2 rows 1 : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
      %w3 = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // CHECK: gm.conv2d %[[W3]], %{{.*}} {gm.per_row = 0 : i64
      %v = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      // CHECK: gm.slice %{{.*}} {gm.per_row = 0 : i64}
      // CHECK: gm.slice %{{.*}} {gm.per_row = 0 : i64}
      // CHECK: gm.tanh %{{.*}} {gm.per_row = 0 : i64}
      // CHECK: gm.sigmoid %{{.*}} {gm.per_row = 0 : i64}
      // CHECK: gm.mul %{{.*}} {gm.per_row = 0 : i64}
      %a = gm.slice %v offsets [0, 0, 0, 0] sizes [2, 2, 3, 4] : tensor<2x4x3x4xf32> -> tensor<2x2x3x4xf32>
      %b = gm.slice %v offsets [0, 2, 0, 0] sizes [2, 2, 3, 4] : tensor<2x4x3x4xf32> -> tensor<2x2x3x4xf32>
      %ta = gm.tanh %a : tensor<2x2x3x4xf32>
      %sb = gm.sigmoid %b : tensor<2x2x3x4xf32>
      %g = gm.mul %ta, %sb : (tensor<2x2x3x4xf32>, tensor<2x2x3x4xf32>) -> tensor<2x2x3x4xf32>
      // Mask B keeps the lag. What the step keeps reads the rows at and
      // above its own alone: every window is the same along a row from row 0.
      // CHECK: %[[V2:.*]] = gm.conv2d %{{.*}} {gm.per_row = 0 : i64
      // CHECK: gm.row_window %[[V2]] dim 2 rows 2 {gm.per_row = 0 : i64}
      // CHECK: %[[V1:.*]] = gm.row_window %[[V2]] dim 2 rows 1 {gm.per_row = 0 : i64}
      // CHECK: %[[VH:.*]] = gm.conv2d %[[V1]], %{{.*}} {gm.per_row = 0 : i64}
      %v2 = gm.conv2d %g, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 1, 1], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x2x3x4xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x3x4xf32>
      %v22 = gm.row_window %v2 dim 2 rows 2 : tensor<2x4x3x4xf32> -> tensor<2x4x2x4xf32>
      %v1 = gm.row_window %v2 dim 2 rows 1 : tensor<2x4x3x4xf32> -> tensor<2x4x1x4xf32>
      %vh = gm.conv2d %v1, %wv : (tensor<2x4x1x4xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x4xf32>
      // A window of a value fixed before the loop: from row 0.
      // CHECK: %[[K:.*]] = gm.row_window %{{.*}} dim 2 rows 1 {gm.per_row = 0 : i64}
      %k = gm.row_window %cond dim 2 rows 1 : tensor<2x4x6x4xf32> -> tensor<2x4x1x4xf32>
      // Mask B on the canvas's window reads the step's row: not the same
      // along it.
      // CHECK: gm.conv2d %[[W3]], %{{.*}} {mask
      %b3 = gm.conv2d %w3, %wb1 {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      %b1 = gm.row_window %b3 dim 2 rows 1 : tensor<2x4x3x4xf32> -> tensor<2x4x1x4xf32>
      // CHECK: %[[H:.*]] = gm.conv2d %[[ROW]], %{{.*}} {mask
      // CHECK-NOT: gm.per_row
      // CHECK: gm.yield
      %h = gm.conv2d %row, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x1x4xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x1x4xf32>
      %s = gm.add %h, %vh : (tensor<2x4x1x4xf32>, tensor<2x4x1x4xf32>) -> tensor<2x4x1x4xf32>
      %s1 = gm.add %s, %k : (tensor<2x4x1x4xf32>, tensor<2x4x1x4xf32>) -> tensor<2x4x1x4xf32>
      %s2 = gm.add %s1, %b1 : (tensor<2x4x1x4xf32>, tensor<2x4x1x4xf32>) -> tensor<2x4x1x4xf32>
      %logits = gm.conv2d %s2, %wo : (tensor<2x4x1x4xf32>, tensor<8x4x1x1xf32>) -> tensor<2x8x1x4xf32>
      %l = gm.row_unwindow %logits dim 2 : tensor<2x8x1x4xf32> -> tensor<2x8x6x4xf32>
      %x = gm.categorical %l axis 1 {id = 7 : i64} : tensor<2x8x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// A fused body is read through: the vertical stack's bias and gate, fused,
// are the same along a row; a chain that adds the step's row is not. A
// whole convolution of the canvas reads rows above alone; its rows below
// the step's vary, but only its window of the step's row is read. A draw,
// and a sum with it, vary.
// CHECK-LABEL: gm.model @fused
gm.model @fused {
  gm.sampler @sample() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<4x1x3x3xf32>
    %bias = gm.normal {id = 2 : i64} : tensor<4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w3 = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      %row = gm.row_window %c dim 2 rows 1 : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
      %v = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      // CHECK: %[[G:.*]] = gm.fused(%{{.*}}, %{{.*}}) {gm.per_row = 0 : i64}
      %g = gm.fused(%v, %bias) : (tensor<2x4x3x4xf32>, tensor<4x1x1xf32>) -> tensor<2x4x3x4xf32> {
      ^bb0(%a0: tensor<2x4x3x4xf32>, %a1: tensor<4x1x1xf32>):
        %t = gm.add %a0, %a1 : (tensor<2x4x3x4xf32>, tensor<4x1x1xf32>) -> tensor<2x4x3x4xf32>
        %u = gm.tanh %t : tensor<2x4x3x4xf32>
        gm.yield %u : tensor<2x4x3x4xf32>
      }
      // CHECK: %[[G1:.*]] = gm.row_window %[[G]] dim 2 rows 1 {gm.per_row = 0 : i64}
      %g1 = gm.row_window %g dim 2 rows 1 : tensor<2x4x3x4xf32> -> tensor<2x4x1x4xf32>
      // CHECK: gm.fused(%[[G1]], %{{.*}}) : (
      %m = gm.fused(%g1, %row) : (tensor<2x4x1x4xf32>, tensor<2x1x1x4xf32>) -> tensor<2x4x1x4xf32> {
      ^bb0(%a0: tensor<2x4x1x4xf32>, %a1: tensor<2x1x1x4xf32>):
        %t = gm.add %a0, %a1 : (tensor<2x4x1x4xf32>, tensor<2x1x1x4xf32>) -> tensor<2x4x1x4xf32>
        gm.yield %t : tensor<2x4x1x4xf32>
      }
      // CHECK: %[[WHOLE:.*]] = gm.conv2d %arg0, %{{.*}} {gm.per_row = 0 : i64
      // CHECK: gm.row_window %[[WHOLE]] dim 2 rows 1 {gm.per_row = 0 : i64}
      %whole = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x4xf32>
      %whole1 = gm.row_window %whole dim 2 rows 1 : tensor<2x4x6x4xf32> -> tensor<2x4x1x4xf32>
      // CHECK: %[[N:.*]] = gm.normal {id = 3 : i64}
      // CHECK-NEXT: gm.add %[[N]], %{{.*}} : (
      %n = gm.normal {id = 3 : i64} : tensor<2x4x1x4xf32>
      %nw = gm.add %n, %whole1 : (tensor<2x4x1x4xf32>, tensor<2x4x1x4xf32>) -> tensor<2x4x1x4xf32>
      %s = gm.add %m, %nw : (tensor<2x4x1x4xf32>, tensor<2x4x1x4xf32>) -> tensor<2x4x1x4xf32>
      %r = gm.reduce_sum %s dims [1] keepdim : tensor<2x4x1x4xf32> -> tensor<2x1x1x4xf32>
      %y = gm.row_unwindow %r dim 2 : tensor<2x1x1x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// One step a row (a loop over [6, 1]): nothing to keep along one.
// A variable read in the loop is no fixed value to this pass (gm-hoist-
// invariants moves what it may).
// CHECK-LABEL: gm.model @rows
// CHECK-NOT: gm.per_row
gm.model @rows {
  gm.param @k : tensor<4x1x3x1xf32> = #gm.fill<0.5>
  gm.sampler @sample() -> (tensor<2x1x6x1xf32>, tensor<2x1x6x4xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x1x6x1xf32>
    %a = gm.autoregressive %zero over [6, 1] : tensor<2x1x6x1xf32> {
    ^bb0(%c: tensor<2x1x6x1xf32>):
      %w = gm.row_window %c dim 2 rows 2 : tensor<2x1x6x1xf32> -> tensor<2x1x2x1xf32>
      %t = gm.tanh %w : tensor<2x1x2x1xf32>
      %u = gm.row_unwindow %t dim 2 : tensor<2x1x2x1xf32> -> tensor<2x1x6x1xf32>
      gm.yield %u : tensor<2x1x6x1xf32>
    }
    %zero4 = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %b = gm.autoregressive %zero4 over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %k = gm.load @k : tensor<4x1x3x1xf32>
      %w = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      %v = gm.conv2d %w, %k {padding = array<i64: 1, 0, 1, 0>, mask = dense<[[1], [0], [0]]> : tensor<3x1xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x1xf32>) -> tensor<2x4x3x4xf32>
      %s = gm.reduce_sum %v dims [1] keepdim : tensor<2x4x3x4xf32> -> tensor<2x1x3x4xf32>
      %u = gm.row_unwindow %s dim 2 : tensor<2x1x3x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %u : tensor<2x1x6x4xf32>
    }
    gm.return %a, %b : tensor<2x1x6x1xf32>, tensor<2x1x6x4xf32>
  }
}

// -----

// Other row-keeping ops read through: a concat over channels with a fixed
// value, a reshape that keeps the rows, a reduction over channels, the
// put-back of a window; a convolution without a live tap reads nothing of
// the canvas. A sum with the canvas reads the step's row.
// CHECK-LABEL: gm.model @paths
gm.model @paths {
  gm.sampler @sample() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<2x1x3x3xf32>
    %fixed = gm.normal {id = 2 : i64} : tensor<2x2x3x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w3 = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // CHECK: %[[V:.*]] = gm.conv2d {{.*}}{gm.per_row = 0 : i64
      %v = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<2x1x3x3xf32>) -> tensor<2x2x3x4xf32>
      // CHECK: gm.concat {{.*}}{gm.per_row = 0 : i64}
      %j = gm.concat %v, %fixed axis 1 : (tensor<2x2x3x4xf32>, tensor<2x2x3x4xf32>) -> tensor<2x4x3x4xf32>
      // CHECK: gm.reshape {{.*}}{gm.per_row = 0 : i64}
      %r = gm.reshape %j : tensor<2x4x3x4xf32> -> tensor<8x3x4xf32>
      // CHECK: gm.reduce_sum {{.*}}{gm.per_row = 0 : i64}
      %s = gm.reduce_sum %r dims [0] keepdim : tensor<8x3x4xf32> -> tensor<1x3x4xf32>
      // CHECK: gm.conv2d {{.*}}{gm.per_row = 0 : i64
      %z = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<false> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<2x1x3x3xf32>) -> tensor<2x2x3x4xf32>
      %zs = gm.reduce_sum %z dims [0, 1] keepdim : tensor<2x2x3x4xf32> -> tensor<1x1x3x4xf32>
      %zr = gm.reshape %zs : tensor<1x1x3x4xf32> -> tensor<1x3x4xf32>
      %t = gm.add %s, %zr : (tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
      %t4 = gm.reshape %t : tensor<1x3x4xf32> -> tensor<1x1x3x4xf32>
      // CHECK: %[[U:.*]] = gm.row_unwindow {{.*}}{gm.per_row = 0 : i64}
      // CHECK: gm.add %arg0, %[[U]] : (
      %u = gm.row_unwindow %t4 dim 2 : tensor<1x1x3x4xf32> -> tensor<1x1x6x4xf32>
      %y = gm.add %c, %u : (tensor<2x1x6x4xf32>, tensor<1x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// Rows below the step's row that a reader brings into it: a convolution
// that reads down, a one_hot (it may fail on any row). A window is then the
// same along a row only where no row of it lies below the step's, from row
// R - 1; a whole value never is.
// CHECK-LABEL: gm.model @below
gm.model @below {
  gm.sampler @sample() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<1x1x3x3xf32>
    %kd = gm.normal {id = 2 : i64} : tensor<1x1x3x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w3 = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // CHECK: %[[V:.*]] = gm.conv2d {{.*}}{gm.per_row = 2 : i64
      %v = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x3x4xf32>
      // CHECK: gm.conv2d %[[V]], %{{.*}} {padding
      %d = gm.conv2d %v, %kd {padding = array<i64: 1, 0, 1, 0>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x3x4xf32>
      // CHECK: %[[I:.*]] = gm.cast {{.*}}{gm.per_row = 2 : i64}
      // CHECK: gm.one_hot %[[I]] classes 4 {axis = 1 : i64, gm.per_row = 0 : i64}
      %e = gm.exp %v : tensor<2x1x3x4xf32>
      %i = gm.cast %e : tensor<2x1x3x4xf32> to tensor<2x1x3x4xi32>
      %o = gm.one_hot %i classes 4 {axis = 1 : i64} : tensor<2x1x3x4xi32> -> tensor<2x4x1x3x4xf32>
      %r = gm.reduce_sum %o dims [1] : tensor<2x4x1x3x4xf32> -> tensor<2x1x3x4xf32>
      // A convolution without a live tap still multiplies the rows below
      // by zero (a stale infinity there would be a NaN).
      // CHECK: %[[VZ:.*]] = gm.conv2d {{.*}}{gm.per_row = 2 : i64
      // CHECK: gm.conv2d %[[VZ]], %{{.*}} {gm.per_row = 0 : i64
      %vz = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x3x4xf32>
      %z = gm.conv2d %vz, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<false> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x3x4xf32>
      %s0 = gm.add %d, %r : (tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>) -> tensor<2x1x3x4xf32>
      %s = gm.add %s0, %z : (tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>) -> tensor<2x1x3x4xf32>
      %u = gm.row_unwindow %s dim 2 : tensor<2x1x3x4xf32> -> tensor<2x1x6x4xf32>
      // CHECK: %[[WHOLE:.*]] = gm.conv2d %arg0, %{{.*}} {mask
      // CHECK: gm.conv2d %[[WHOLE]], %{{.*}} {padding
      %whole = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x6x4xf32>
      %wd = gm.conv2d %whole, %kd {padding = array<i64: 1, 0, 1, 0>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x6x4xf32>
      %y = gm.add %u, %wd : (tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// Windows of columns (along 1) follow the step's column: they vary along
// the row, whatever they read. One of another dimension keeps the rows
// whole, so the value it reads is still the same along the row from row 0;
// one of the rows' own dimension may take rows below the step's.
// CHECK-LABEL: gm.model @columns
gm.model @columns {
  gm.sampler @sample() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<4x1x3x3xf32>
    %cond = gm.normal {id = 2 : i64} : tensor<2x4x6x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w3 = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // CHECK: %[[V:.*]] = gm.conv2d {{.*}}{gm.per_row = 0 : i64
      %v = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      // CHECK: %[[V1:.*]] = gm.row_window %[[V]] dim 2 rows 1 {gm.per_row = 0 : i64}
      // CHECK: gm.row_window %[[V1]] dim 3 rows 2 along 1 :
      %v1 = gm.row_window %v dim 2 rows 1 : tensor<2x4x3x4xf32> -> tensor<2x4x1x4xf32>
      %v1c = gm.row_window %v1 dim 3 rows 2 along 1 : tensor<2x4x1x4xf32> -> tensor<2x4x1x2xf32>
      // CHECK: %[[K:.*]] = gm.row_window %{{.*}} dim 2 rows 1 {gm.per_row = 0 : i64}
      // CHECK: gm.row_window %[[K]] dim 3 rows 2 along 1 :
      %k = gm.row_window %cond dim 2 rows 1 : tensor<2x4x6x4xf32> -> tensor<2x4x1x4xf32>
      %kc = gm.row_window %k dim 3 rows 2 along 1 : tensor<2x4x1x4xf32> -> tensor<2x4x1x2xf32>
      // CHECK: %[[U:.*]] = gm.conv2d {{.*}}{gm.per_row = 2 : i64
      // CHECK: gm.row_window %[[U]] dim 2 rows 2 along 1 :
      %u = gm.conv2d %w3, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      %ub = gm.row_window %u dim 2 rows 2 along 1 : tensor<2x4x3x4xf32> -> tensor<2x4x2x4xf32>
      %s = gm.add %v1c, %kc : (tensor<2x4x1x2xf32>, tensor<2x4x1x2xf32>) -> tensor<2x4x1x2xf32>
      %s1 = gm.row_unwindow %s dim 3 along 1 : tensor<2x4x1x2xf32> -> tensor<2x4x1x4xf32>
      %s2 = gm.row_unwindow %s1 dim 2 : tensor<2x4x1x4xf32> -> tensor<2x4x6x4xf32>
      %r = gm.reduce_sum %s2 dims [1] keepdim : tensor<2x4x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %r : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}

// -----

// What reaches the yield must keep the canvas's rows there: a sum over each
// row, broadcast along the columns, puts rows below the step's at its
// position.
// CHECK-LABEL: gm.model @yield_dim
// CHECK: gm.conv2d %arg0, %{{.*}} {mask
gm.model @yield_dim {
  gm.sampler @s() -> tensor<1x1x6x6xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<1x1x3x3xf32>
    %zero = gm.constant dense<0.0> : tensor<1x1x6x6xf32>
    %img = gm.autoregressive %zero over [6, 6] : tensor<1x1x6x6xf32> {
    ^bb0(%c: tensor<1x1x6x6xf32>):
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x6x6xf32>
      %r = gm.reshape %v : tensor<1x1x6x6xf32> -> tensor<6x6xf32>
      %s = gm.reduce_sum %r dims [1] : tensor<6x6xf32> -> tensor<6xf32>
      %n = gm.normal {id = 2 : i64} : tensor<1x1x6x6xf32>
      %y = gm.add %n, %s : (tensor<1x1x6x6xf32>, tensor<6xf32>) -> tensor<1x1x6x6xf32>
      gm.yield %y : tensor<1x1x6x6xf32>
    }
    gm.return %img : tensor<1x1x6x6xf32>
  }
}
