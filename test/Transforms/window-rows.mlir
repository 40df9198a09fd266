// gm-window-rows: the row-causal ops of an autoregressive body (convolutions
// whose live taps lie at or above their centre row, elementwise ops, channel
// slices, one_hot) run on windows of rows ending at the step's row: each on
// the rows its readers need plus those it reaches up, what is put back for
// the other ops on the step's row alone. Not when an op would need the whole
// height, when an op reads rows below, or when what is put back reaches the
// yield through an op that mixes rows or may fail on the rows left zero.
// Then the same along the step's row (`along 1`): what reads the step's row
// alone (a window of one row) of a value that reads the canvas's step row
// runs on windows of columns ending at the step's column.
// RUN: gm-opt %s -gm-window-rows | FileCheck %s
// Windows read the step's position: CSE keeps a nested loop's own.
// RUN: gm-opt %s -gm-window-rows -cse | FileCheck %s --check-prefix=CSE
// A second run finds nothing more to window (the windows it made read the
// canvas, and they are no ops it windows).
// RUN: gm-opt %s -gm-window-rows > %t.once
// RUN: gm-opt %t.once -gm-window-rows > %t.twice
// RUN: diff %t.once %t.twice

gm.model @m {
  // A gated PixelCNN layer in small: mask A (3x3, reaches 1 row up), the
  // horizontal stack (no reach), gates on channel halves, mask B (1 more).
  // The logits are put back for the draw: they need the step's row (1),
  // mask B's output 1, its input 2, mask A's output 2 and its input 3. The
  // weights are drawn outside the loop.
  // CHECK-LABEL: gm.sampler @gated
  gm.sampler @gated() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 1 : i64} : tensor<4x1x3x3xf32>
    %wh = gm.normal {id = 2 : i64} : tensor<4x1x1x3xf32>
    %wb = gm.normal {id = 3 : i64} : tensor<4x2x3x3xf32>
    %wo = gm.normal {id = 4 : i64} : tensor<8x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      // CHECK: %[[W2:.*]] = gm.row_window %[[C:.*]] dim 2 rows 2 : tensor<2x1x6x4xf32> -> tensor<2x1x2x4xf32>
      // CHECK: %[[W3:.*]] = gm.row_window %[[C]] dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      // CHECK: %[[V:.*]] = gm.conv2d %[[W3]], %{{.*}} : (tensor<2x1x3x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x3x4xf32>
      // CHECK: %[[V2:.*]] = gm.row_window %[[V]] dim 2 rows 2 : tensor<2x4x3x4xf32> -> tensor<2x4x2x4xf32>
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x4xf32>
      // CHECK: %[[H:.*]] = gm.conv2d %[[W2]], %{{.*}} -> tensor<2x4x2x4xf32>
      %h = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x4xf32>
      // CHECK: gm.add %[[V2]], %[[H]] : (tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>) -> tensor<2x4x2x4xf32>
      %vh = gm.add %v, %h : (tensor<2x4x6x4xf32>, tensor<2x4x6x4xf32>) -> tensor<2x4x6x4xf32>
      // CHECK: gm.slice %{{.*}} offsets [0, 0, 0, 0] sizes [2, 2, 2, 4] : tensor<2x4x2x4xf32> -> tensor<2x2x2x4xf32>
      %a = gm.slice %vh offsets [0, 0, 0, 0] sizes [2, 2, 6, 4] : tensor<2x4x6x4xf32> -> tensor<2x2x6x4xf32>
      %b = gm.slice %vh offsets [0, 2, 0, 0] sizes [2, 2, 6, 4] : tensor<2x4x6x4xf32> -> tensor<2x2x6x4xf32>
      %ta = gm.tanh %a : tensor<2x2x6x4xf32>
      %sb = gm.sigmoid %b : tensor<2x2x6x4xf32>
      %g = gm.mul %ta, %sb : (tensor<2x2x6x4xf32>, tensor<2x2x6x4xf32>) -> tensor<2x2x6x4xf32>
      // CHECK: %[[V3:.*]] = gm.conv2d %{{.*}} : (tensor<2x2x2x4xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x2x4xf32>
      // CHECK: %[[ROW:.*]] = gm.row_window %[[V3]] dim 2 rows 1 : tensor<2x4x2x4xf32> -> tensor<2x4x1x4xf32>
      // Mask B reads the step's row (through the horizontal stack): the
      // rest runs on the step's column alone.
      // CHECK: %[[COL:.*]] = gm.row_window %[[ROW]] dim 3 rows 1 along 1 : tensor<2x4x1x4xf32> -> tensor<2x4x1x1xf32>
      // CHECK: gm.relu %[[COL]] : tensor<2x4x1x1xf32>
      %v2 = gm.conv2d %g, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 1, 1], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x2x6x4xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x6x4xf32>
      %r = gm.relu %v2 : tensor<2x4x6x4xf32>
      // CHECK: %[[L:.*]] = gm.conv2d %{{.*}} : (tensor<2x4x1x1xf32>, tensor<8x4x1x1xf32>) -> tensor<2x8x1x1xf32>
      // CHECK: %[[LC:.*]] = gm.row_unwindow %[[L]] dim 3 along 1 : tensor<2x8x1x1xf32> -> tensor<2x8x1x4xf32>
      // CHECK: %[[P:.*]] = gm.row_unwindow %[[LC]] dim 2 : tensor<2x8x1x4xf32> -> tensor<2x8x6x4xf32>
      %logits = gm.conv2d %r, %wo : (tensor<2x4x6x4xf32>, tensor<8x4x1x1xf32>) -> tensor<2x8x6x4xf32>
      // CHECK: gm.categorical %[[P]] axis 1
      %x = gm.categorical %logits axis 1 {id = 5 : i64} : tensor<2x8x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // Then along the step's row (`along 1`): what reads the canvas's window
  // of one row runs on windows of columns ending at the step's column: the
  // horizontal 1x3 mask A reaches one column left, the 1x3 mask B one more,
  // the 1x1 head none (3, 2, 2, 1 columns). The vertical stack's value
  // (rows above the step's, whole in columns) is read through a window of
  // columns; the canvas's window of 2 rows is not windowed in columns.
  // CHECK-LABEL: gm.sampler @columns
  // CHECK: %[[ROW:.*]] = gm.row_window %arg0 dim 2 rows 1 : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
  // CHECK: %[[H3:.*]] = gm.row_window %[[ROW]] dim 3 rows 3 along 1 : tensor<2x1x1x4xf32> -> tensor<2x1x1x3xf32>
  // CHECK: %[[R2:.*]] = gm.row_window %arg0 dim 2 rows 2 : tensor<2x1x6x4xf32> -> tensor<2x1x2x4xf32>
  // CHECK: %[[V:.*]] = gm.conv2d %[[R2]], {{.*}} -> tensor<2x4x2x4xf32>
  // CHECK: %[[V1:.*]] = gm.row_window %[[V]] dim 2 rows 1
  // CHECK: %[[V2:.*]] = gm.row_window %[[V1]] dim 3 rows 2 along 1 : tensor<2x4x1x4xf32> -> tensor<2x4x1x2xf32>
  // CHECK: %[[H:.*]] = gm.conv2d %[[H3]], {{.*}} -> tensor<2x4x1x3xf32>
  // CHECK: %[[H2:.*]] = gm.row_window %[[H]] dim 3 rows 2 along 1
  // CHECK: %[[S:.*]] = gm.add %[[H2]], %[[V2]] : (tensor<2x4x1x2xf32>, tensor<2x4x1x2xf32>)
  // CHECK: gm.conv2d %[[S]], {{.*}} -> tensor<2x4x1x2xf32>
  // CHECK: gm.row_window %{{.*}} dim 3 rows 1 along 1
  // CHECK: %[[L:.*]] = gm.conv2d {{.*}} -> tensor<2x3x1x1xf32>
  // CHECK: %[[LC:.*]] = gm.row_unwindow %[[L]] dim 3 along 1 : tensor<2x3x1x1xf32> -> tensor<2x3x1x4xf32>
  // CHECK: gm.row_unwindow %[[LC]] dim 2 : tensor<2x3x1x4xf32> -> tensor<2x3x6x4xf32>
  gm.sampler @columns() -> tensor<2x1x6x4xf32> {
    %wv = gm.normal {id = 30 : i64} : tensor<4x1x3x3xf32>
    %wh = gm.normal {id = 31 : i64} : tensor<4x1x1x3xf32>
    %wh2 = gm.normal {id = 32 : i64} : tensor<4x4x1x3xf32>
    %wo = gm.normal {id = 33 : i64} : tensor<3x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %v = gm.conv2d %c, %wv {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x4xf32>
      %h = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x4xf32>
      %s = gm.add %h, %v : (tensor<2x4x6x4xf32>, tensor<2x4x6x4xf32>) -> tensor<2x4x6x4xf32>
      %h2 = gm.conv2d %s, %wh2 {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 1, 0]]> : tensor<1x3xi1>} : (tensor<2x4x6x4xf32>, tensor<4x4x1x3xf32>) -> tensor<2x4x6x4xf32>
      %l = gm.conv2d %h2, %wo : (tensor<2x4x6x4xf32>, tensor<3x4x1x1xf32>) -> tensor<2x3x6x4xf32>
      %x = gm.categorical %l axis 1 {id = 34 : i64} : tensor<2x3x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // A convolution on the step's row that reads right of its column: the
  // rows are windowed, the columns not.
  // CHECK-LABEL: gm.sampler @right
  // CHECK: gm.row_window %arg0 dim 2 rows 1
  // CHECK-NOT: along
  // CHECK: gm.yield
  gm.sampler @right() -> tensor<2x1x6x4xf32> {
    %wh = gm.normal {id = 35 : i64} : tensor<4x1x1x3xf32>
    %wo = gm.normal {id = 36 : i64} : tensor<3x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %h = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 1]]> : tensor<1x3xi1>} : (tensor<2x1x6x4xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x4xf32>
      %l = gm.conv2d %h, %wo : (tensor<2x4x6x4xf32>, tensor<3x4x1x1xf32>) -> tensor<2x3x6x4xf32>
      %x = gm.categorical %l axis 1 {id = 37 : i64} : tensor<2x3x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // The columns are where the canvas's columns went, not the dimension
  // after the rows: one_hot on axis 2 puts classes (as many as the columns)
  // there. The sum over the step row's columns reads right of the step's
  // column: nothing is windowed in columns.
  // CHECK-LABEL: gm.sampler @cls
  // CHECK: gm.row_window %{{.*}} dim 1 rows 1
  // CHECK-NOT: along
  // CHECK: gm.yield
  gm.sampler @cls() -> tensor<1x5x4xf32> {
    %u = gm.uniform {id = 38 : i64} : tensor<1x5x4xf32>
    %four = gm.constant dense<3.99> : tensor<f32>
    %init = gm.mul %u, %four : (tensor<1x5x4xf32>, tensor<f32>) -> tensor<1x5x4xf32>
    %img = gm.autoregressive %init over [5, 4] : tensor<1x5x4xf32> {
    ^bb0(%c: tensor<1x5x4xf32>):
      %i = gm.cast %c : tensor<1x5x4xf32> to tensor<1x5x4xi32>
      %o = gm.one_hot %i classes 4 {axis = 2 : i64} : tensor<1x5x4xi32> -> tensor<1x5x4x4xf32>
      %r = gm.row_window %o dim 1 rows 1 : tensor<1x5x4x4xf32> -> tensor<1x1x4x4xf32>
      %e = gm.exp %r : tensor<1x1x4x4xf32>
      %s = gm.reduce_sum %e dims [3] : tensor<1x1x4x4xf32> -> tensor<1x1x4xf32>
      %b = gm.row_unwindow %s dim 1 : tensor<1x1x4xf32> -> tensor<1x5x4xf32>
      %q = gm.constant dense<0.3> : tensor<f32>
      %y = gm.mul %b, %q : (tensor<1x5x4xf32>, tensor<f32>) -> tensor<1x5x4xf32>
      gm.yield %y : tensor<1x5x4xf32>
    }
    gm.return %img : tensor<1x5x4xf32>
  }

  // Codes in the canvas (one_hot moves the rows to dimension 2) and a whole
  // value from outside the loop joined by an elementwise op (its window is
  // taken once, at the top of the body). Nothing reaches up: R = 1, and
  // along the step's row nothing reaches left: one column.
  // CHECK-LABEL: gm.sampler @codes
  gm.sampler @codes() -> tensor<2x5x3xi32> {
    %cond = gm.normal {id = 6 : i64} : tensor<2x4x5x3xf32>
    %zero = gm.constant dense<0> : tensor<2x5x3xi32>
    %codes = gm.autoregressive %zero over [5, 3] : tensor<2x5x3xi32> {
    ^bb0(%c: tensor<2x5x3xi32>):
      // CHECK: %[[CR:.*]] = gm.row_window %{{.*}} dim 2 rows 1 : tensor<2x4x5x3xf32> -> tensor<2x4x1x3xf32>
      // CHECK: gm.row_window %[[CR]] dim 3 rows 1 along 1 : tensor<2x4x1x3xf32> -> tensor<2x4x1x1xf32>
      // CHECK: %[[ROW:.*]] = gm.row_window %{{.*}} dim 1 rows 1 : tensor<2x5x3xi32> -> tensor<2x1x3xi32>
      // CHECK: gm.row_window %[[ROW]] dim 2 rows 1 along 1 : tensor<2x1x3xi32> -> tensor<2x1x1xi32>
      // CHECK: gm.one_hot %{{.*}} classes 4 {axis = 1 : i64} : tensor<2x1x1xi32> -> tensor<2x4x1x1xf32>
      %o = gm.one_hot %c classes 4 {axis = 1 : i64} : tensor<2x5x3xi32> -> tensor<2x4x5x3xf32>
      // CHECK: gm.add %{{.*}} : (tensor<2x4x1x1xf32>, tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
      %l = gm.add %o, %cond : (tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xf32>
      // CHECK: gm.row_unwindow %{{.*}} dim 3 along 1 : tensor<2x4x1x1xf32> -> tensor<2x4x1x3xf32>
      // CHECK: gm.row_unwindow %{{.*}} dim 2 : tensor<2x4x1x3xf32> -> tensor<2x4x5x3xf32>
      %x = gm.categorical %l axis 1 {id = 7 : i64} : tensor<2x4x5x3xf32> -> tensor<2x5x3xi32>
      gm.yield %x : tensor<2x5x3xi32>
    }
    gm.return %codes : tensor<2x5x3xi32>
  }

  // The canvas's rows where the op that reads it has them: a reshape that
  // adds a trailing dimension, one_hot on the last axis, a sum over the
  // columns of a 2-D canvas (its rows are dimension 0). The columns too,
  // but the sum reads the step's row whole.
  // CHECK-LABEL: gm.sampler @elsewhere
  gm.sampler @elsewhere() -> (tensor<2x5x3xf32>, tensor<2x5x3xi32>, tensor<4x4xf32>) {
    %init = gm.normal {id = 19 : i64} : tensor<2x5x3xf32>
    // CHECK: gm.row_window %{{.*}} dim 1 rows 1 : tensor<2x5x3xf32> -> tensor<2x1x3xf32>
    // CHECK: gm.row_window %{{.*}} dim 2 rows 1 along 1 : tensor<2x1x3xf32> -> tensor<2x1x1xf32>
    // CHECK: gm.reshape %{{.*}} : tensor<2x1x1xf32> -> tensor<2x1x1x1xf32>
    %a = gm.autoregressive %init over [5, 3] : tensor<2x5x3xf32> {
    ^bb0(%c: tensor<2x5x3xf32>):
      %r = gm.reshape %c : tensor<2x5x3xf32> -> tensor<2x5x3x1xf32>
      %e = gm.exp %r : tensor<2x5x3x1xf32>
      %y = gm.reshape %e : tensor<2x5x3x1xf32> -> tensor<2x5x3xf32>
      gm.yield %y : tensor<2x5x3xf32>
    }
    %zero = gm.constant dense<0> : tensor<2x5x3xi32>
    // CHECK: gm.row_window %{{.*}} dim 1 rows 1 : tensor<2x5x3xi32> -> tensor<2x1x3xi32>
    // CHECK: gm.row_window %{{.*}} dim 2 rows 1 along 1 : tensor<2x1x3xi32> -> tensor<2x1x1xi32>
    // CHECK: gm.one_hot %{{.*}} classes 4 : tensor<2x1x1xi32> -> tensor<2x1x1x4xf32>
    %b = gm.autoregressive %zero over [5, 3] : tensor<2x5x3xi32> {
    ^bb0(%c: tensor<2x5x3xi32>):
      %o = gm.one_hot %c classes 4 : tensor<2x5x3xi32> -> tensor<2x5x3x4xf32>
      %x = gm.categorical %o axis 3 {id = 20 : i64} : tensor<2x5x3x4xf32> -> tensor<2x5x3xi32>
      gm.yield %x : tensor<2x5x3xi32>
    }
    %init2 = gm.normal {id = 21 : i64} : tensor<4x4xf32>
    // CHECK: %[[ROW:.*]] = gm.row_window %{{.*}} dim 0 rows 1 : tensor<4x4xf32> -> tensor<1x4xf32>
    // CHECK: gm.row_window %[[ROW]] dim 1 rows 1 along 1 : tensor<1x4xf32> -> tensor<1x1xf32>
    // CHECK: gm.reduce_sum %[[ROW]] dims [1] : tensor<1x4xf32> -> tensor<1xf32>
    %d = gm.autoregressive %init2 over [4, 4] : tensor<4x4xf32> {
    ^bb0(%c: tensor<4x4xf32>):
      %s = gm.reduce_sum %c dims [1] : tensor<4x4xf32> -> tensor<4xf32>
      %t = gm.reshape %s : tensor<4xf32> -> tensor<4x1xf32>
      %y = gm.add %c, %t : (tensor<4x4xf32>, tensor<4x1xf32>) -> tensor<4x4xf32>
      gm.yield %y : tensor<4x4xf32>
    }
    gm.return %a, %b, %d : tensor<2x5x3xf32>, tensor<2x5x3xi32>, tensor<4x4xf32>
  }

  // one_hot after a convolution that reaches up: it reads the bottom row of
  // the convolution's window of 2, which is exact (and of that row, the
  // step's column).
  // CHECK-LABEL: gm.sampler @fallible
  // CHECK: gm.conv2d %{{.*}} -> tensor<2x3x2x4xf32>
  // CHECK: gm.row_window %{{.*}} dim 2 rows 1 : tensor<2x3x2x4xf32> -> tensor<2x3x1x4xf32>
  // CHECK: gm.row_window %{{.*}} dim 3 rows 1 along 1 : tensor<2x3x1x4xf32> -> tensor<2x3x1x1xf32>
  // CHECK: gm.argmax
  // CHECK: gm.one_hot %{{.*}} -> tensor<2x3x1x1xf32>
  gm.sampler @fallible() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 22 : i64} : tensor<3x1x3x3xf32>
    %wo = gm.normal {id = 23 : i64} : tensor<5x3x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<3x1x3x3xf32>) -> tensor<2x3x6x4xf32>
      %a = gm.argmax %v axis 1 : tensor<2x3x6x4xf32> -> tensor<2x6x4xi32>
      %o = gm.one_hot %a classes 3 {axis = 1 : i64} : tensor<2x6x4xi32> -> tensor<2x3x6x4xf32>
      %l = gm.conv2d %o, %wo : (tensor<2x3x6x4xf32>, tensor<5x3x1x1xf32>) -> tensor<2x5x6x4xf32>
      %x = gm.categorical %l axis 1 {id = 24 : i64} : tensor<2x5x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // A convolution that reads the row below (no mask): nothing is windowed.
  // CHECK-LABEL: gm.sampler @below
  // CHECK-NOT: gm.row_window
  gm.sampler @below() -> tensor<2x1x6x4xf32> {
    %w = gm.normal {id = 8 : i64} : tensor<8x1x3x3xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %logits = gm.conv2d %c, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x6x4xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x6x4xf32>
      %x = gm.categorical %logits axis 1 {id = 9 : i64} : tensor<2x8x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // Two mask-A layers reach 2 rows up: R = 3 would be all of 3 rows.
  // CHECK-LABEL: gm.sampler @short
  // CHECK-NOT: gm.row_window
  gm.sampler @short() -> tensor<2x1x3x4xf32> {
    %w = gm.normal {id = 10 : i64} : tensor<1x1x3x3xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x1x3x4xf32> {
    ^bb0(%c: tensor<2x1x3x4xf32>):
      %a = gm.conv2d %c, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x3x4xf32>
      %b = gm.conv2d %a, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x3x4xf32>
      gm.yield %b : tensor<2x1x3x4xf32>
    }
    gm.return %img : tensor<2x1x3x4xf32>
  }

  // What is put back is exact at the step's row alone; a sum over the rows,
  // an integer division (a zero left outside the window would trap), or a
  // convolution reaching up from the drawn pixels would read the rest.
  // CHECK-LABEL: gm.sampler @rest
  // CHECK-NOT: gm.row_window
  gm.sampler @rest() -> (tensor<2x6x4xf32>, tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %sum = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %e = gm.exp %c : tensor<2x6x4xf32>
      %s = gm.reduce_sum %e dims [1] keepdim : tensor<2x6x4xf32> -> tensor<2x1x4xf32>
      %y = gm.add %c, %s : (tensor<2x6x4xf32>, tensor<2x1x4xf32>) -> tensor<2x6x4xf32>
      gm.yield %y : tensor<2x6x4xf32>
    }
    %w0 = gm.normal {id = 16 : i64} : tensor<8x1x1x1xf32>
    %one = gm.constant dense<1.0> : tensor<2x1x6x4xf32>
    %div = gm.autoregressive %one over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %logits = gm.conv2d %c, %w0 : (tensor<2x1x6x4xf32>, tensor<8x1x1x1xf32>) -> tensor<2x8x6x4xf32>
      %x = gm.categorical %logits axis 1 {id = 17 : i64} : tensor<2x8x6x4xf32> -> tensor<2x6x4xi32>
      %k = gm.constant dense<24> : tensor<i32>
      %q = gm.div %k, %x : (tensor<i32>, tensor<2x6x4xi32>) -> tensor<2x6x4xi32>
      %f = gm.cast %q : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    %w = gm.normal {id = 11 : i64} : tensor<8x1x1x1xf32>
    %wa = gm.normal {id = 12 : i64} : tensor<1x1x3x3xf32>
    %fzero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %twice = gm.autoregressive %fzero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %logits = gm.conv2d %c, %w : (tensor<2x1x6x4xf32>, tensor<8x1x1x1xf32>) -> tensor<2x8x6x4xf32>
      %x = gm.categorical %logits axis 1 {id = 13 : i64} : tensor<2x8x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %r = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      %y = gm.conv2d %r, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %sum, %div, %twice : tensor<2x6x4xf32>, tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>
  }

  // A loop in a loop: each windows the noise at its own step.
  // CHECK-LABEL: gm.sampler @nested
  // CSE-LABEL: gm.sampler @nested
  // CSE: ^bb0(%{{.*}}: tensor<2x6x4xf32>):
  // CSE: gm.row_window %[[E:[^ ]*]] dim 1 rows 1
  // CSE: ^bb0(%{{.*}}: tensor<2x6x4xf32>):
  // CSE: gm.row_window %[[E]] dim 1 rows 1
  gm.sampler @nested() -> tensor<2x6x4xf32> {
    %e = gm.normal {id = 18 : i64} : tensor<2x6x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %out = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %t = gm.add %c, %e : (tensor<2x6x4xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
      %in = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
      ^bb0(%d: tensor<2x6x4xf32>):
        %u = gm.add %d, %e : (tensor<2x6x4xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
        gm.yield %u : tensor<2x6x4xf32>
      }
      %s = gm.reduce_sum %in dims [1] keepdim : tensor<2x6x4xf32> -> tensor<2x1x4xf32>
      %y = gm.add %t, %s : (tensor<2x6x4xf32>, tensor<2x1x4xf32>) -> tensor<2x6x4xf32>
      gm.yield %y : tensor<2x6x4xf32>
    }
    gm.return %out : tensor<2x6x4xf32>
  }

  // A draw made at the step's position alone (gm-narrow-autoregressive)
  // stays whole, and so does what reads it; a strided convolution keeps
  // its rows whole too.
  // CHECK-LABEL: gm.sampler @kept
  // CHECK-NOT: gm.row_window
  // CHECK: gm.return
  gm.sampler @kept() -> (tensor<2x6x4xf32>, tensor<2x4x6x4xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xf32> {
    ^bb0(%c: tensor<2x6x4xf32>):
      %n = gm.normal {gm.at_position, id = 14 : i64} : tensor<2x6x4xf32>
      %y = gm.add %n, %c : (tensor<2x6x4xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xf32>
      gm.yield %y : tensor<2x6x4xf32>
    }
    %w = gm.normal {id = 15 : i64} : tensor<4x4x1x1xf32>
    %z4 = gm.constant dense<0.0> : tensor<2x4x6x4xf32>
    %s = gm.autoregressive %z4 over [6, 4] : tensor<2x4x6x4xf32> {
    ^bb0(%c: tensor<2x4x6x4xf32>):
      // Output row y reads row 2y - 3: below it from y = 4 on.
      %d = gm.conv2d %c, %w {stride = array<i64: 2, 1>, padding = array<i64: 3, 0, 3, 0>} : (tensor<2x4x6x4xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x6x4xf32>
      %u = gm.tanh %d : tensor<2x4x6x4xf32>
      gm.yield %u : tensor<2x4x6x4xf32>
    }
    gm.return %img, %s : tensor<2x6x4xf32>, tensor<2x4x6x4xf32>
  }
}
