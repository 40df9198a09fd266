// Layout ops and random draws, compiled for the CPU, against the reference
// evaluator. Layout ops must be exact; random draws use the same Philox
// streams, so they are exact too up to the float transforms (1e-4 relative).
// RUN: %compare-samplers %s %t | FileCheck %s
// What the optimizations below made of the samplers the evaluator checks:
// RUN: gmc compile --emit=mlir-opt %s -o - | FileCheck %s --check-prefix=PLAN

// CHECK-DAG: layout.npy: 9408 elements, {{.*}} ok
// CHECK-DAG: layout.6.npy: 37632 elements, {{.*}} ok
// CHECK-DAG: random.3.npy: 512 elements, {{.*}} ok
// CHECK-DAG: quantize.3.npy: 40 elements, {{.*}} ok
// CHECK-DAG: canvas.npy: 32 elements, {{.*}} ok
// CHECK-DAG: pixels.npy: 24 elements, {{.*}} ok
// CHECK-DAG: nest.npy: 24 elements, {{.*}} ok
// CHECK-DAG: classes.npy: 24 elements, {{.*}} ok
// CHECK-DAG: classes.1.npy: 24 elements, {{.*}} ok
// CHECK-DAG: windows.npy: 30 elements, {{.*}} ok
// CHECK-DAG: windows.1.npy: 60 elements, {{.*}} ok
// CHECK-DAG: windows.2.npy: 3 elements, {{.*}} ok
// CHECK-DAG: rows.npy: 6 elements, {{.*}} ok
// CHECK-DAG: rows.1.npy: 6 elements, {{.*}} ok
// CHECK-DAG: gated.npy: 96 elements, {{.*}} ok
// CHECK-DAG: codes.npy: 30 elements, {{.*}} ok
// CHECK-DAG: greedy.npy: 48 elements, {{.*}} ok
// CHECK-DAG: select.npy: 48 elements, {{.*}} ok
// CHECK-DAG: fallible.npy: 48 elements, {{.*}} ok
// CHECK-DAG: last_axis.npy: 30 elements, {{.*}} ok
// CHECK-DAG: conditioned.npy: 32 elements, {{.*}} ok
// CHECK-DAG: stacks.npy: 60 elements, {{.*}} ok
// CHECK-DAG: stacks_below.npy: 60 elements, {{.*}} ok
// CHECK-DAG: whole_rows.npy: 48 elements, {{.*}} ok
// CHECK-DAG: columns.npy: 60 elements, {{.*}} ok
// CHECK-NOT: FAIL

gm.model @shapes {
  gm.sampler @layout() -> (tensor<2x7x7x96xf32>, tensor<2x96x7x7xf32>, tensor<2x32x3x7xf32>, tensor<2x32x9x7xf32>, tensor<2x32x13x13xf32>, tensor<2x32x7x7xf32>, tensor<2x96x14x14xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<2x64x7x7xf32>
    %y = gm.normal {id = 2 : i64} : tensor<2x32x7x7xf32>
    %c = gm.concat %x, %y axis 1 : (tensor<2x64x7x7xf32>, tensor<2x32x7x7xf32>) -> tensor<2x96x7x7xf32>
    %0 = gm.transpose %c perm [0, 2, 3, 1] : tensor<2x96x7x7xf32> -> tensor<2x7x7x96xf32>
    %s = gm.slice %x offsets [0, 16, 1, 0] sizes [2, 32, 3, 7] strides [1, 1, 2, 1] : tensor<2x64x7x7xf32> -> tensor<2x32x3x7xf32>
    %p = gm.pad %y low [0, 0, 1, 0] high [0, 0, 1, 0] : tensor<2x32x7x7xf32> -> tensor<2x32x9x7xf32>
    %i = gm.pad %y low [0, 0, 0, 0] high [0, 0, 0, 0] interior [0, 0, 1, 1] : tensor<2x32x7x7xf32> -> tensor<2x32x13x13xf32>
    %b = gm.normal {id = 3 : i64} : tensor<32x1x1xf32>
    %bb = gm.broadcast %b : tensor<32x1x1xf32> -> tensor<2x32x7x7xf32>
    %u = gm.upsample %c scale [2, 2] : tensor<2x96x7x7xf32> -> tensor<2x96x14x14xf32>
    gm.return %0, %c, %s, %p, %i, %bb, %u : tensor<2x7x7x96xf32>, tensor<2x96x7x7xf32>, tensor<2x32x3x7xf32>, tensor<2x32x9x7xf32>, tensor<2x32x13x13xf32>, tensor<2x32x7x7xf32>, tensor<2x96x14x14xf32>
  }

  gm.sampler @random() -> (tensor<4x128xf32>, tensor<4x128xf32>, tensor<4x128xf32>, tensor<4x128xi32>) {
    %0 = gm.normal {id = 4 : i64} : tensor<4x128xf32>
    %1 = gm.uniform {id = 5 : i64, low = -1.0 : f64, high = 2.0 : f64} : tensor<4x128xf32>
    %p = gm.uniform {id = 6 : i64} : tensor<4x128xf32>
    %2 = gm.bernoulli %p {id = 7 : i64} : tensor<4x128xf32>
    %logits = gm.normal {id = 8 : i64} : tensor<4x10x128xf32>
    %3 = gm.categorical %logits axis 1 {id = 9 : i64} : tensor<4x10x128xf32> -> tensor<4x128xi32>
    gm.return %0, %1, %2, %3 : tensor<4x128xf32>, tensor<4x128xf32>, tensor<4x128xf32>, tensor<4x128xi32>
  }

  // Vector quantization: nearest code, its row, one-hot of labels, argmax.
  gm.param @codebook : tensor<16x8xf32> = #gm.normal<0.0, 1.0>
  gm.sampler @quantize() -> (tensor<2x5x5xi32>, tensor<2x5x5x8xf32>, tensor<4x10xf32>, tensor<4x10xi32>) {
    %z = gm.normal {id = 10 : i64} : tensor<2x5x5x8xf32>
    %book = gm.load @codebook : tensor<16x8xf32>
    %codes = gm.nearest %z, %book : (tensor<2x5x5x8xf32>, tensor<16x8xf32>) -> tensor<2x5x5xi32>
    %rows = gm.lookup %book, %codes : (tensor<16x8xf32>, tensor<2x5x5xi32>) -> tensor<2x5x5x8xf32>
    %scores = gm.normal {id = 11 : i64} : tensor<4x10xf32>
    %labels = gm.argmax %scores axis 1 : tensor<4x10xf32> -> tensor<4xi32>
    %hot = gm.one_hot %labels classes 10 : tensor<4xi32> -> tensor<4x10xf32>
    %x = gm.normal {id = 12 : i64} : tensor<4x10x10xf32>
    %max = gm.argmax %x axis 2 : tensor<4x10x10xf32> -> tensor<4x10xi32>
    gm.return %codes, %rows, %hot, %max : tensor<2x5x5xi32>, tensor<2x5x5x8xf32>, tensor<4x10xf32>, tensor<4x10xi32>
  }

  // An autoregressive canvas: each position sees the ones before it.
  gm.sampler @canvas() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      %sum = gm.reduce_sum %c dims [1, 2] keepdim : tensor<2x4x4xf32> -> tensor<2x1x1xf32>
      %n = gm.normal {id = 13 : i64} : tensor<2x4x4xf32>
      %next = gm.add %n, %sum : (tensor<2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<2x4x4xf32>
      %p = gm.sigmoid %next : tensor<2x4x4xf32>
      %s = gm.bernoulli %p {id = 14 : i64} : tensor<2x4x4xf32>
      gm.yield %s : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }

  // The canvas above draws its noise and its Bernoulli at each step's
  // position alone (gm-narrow-autoregressive); here a categorical is drawn
  // there too, and noise a convolution reads is drawn whole. Either way the
  // numbers are the whole draw's.
  gm.sampler @pixels() -> tensor<2x1x3x4xf32> {
    %w = gm.normal {id = 30 : i64} : tensor<8x1x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x1x3x4xf32> {
    ^bb0(%c: tensor<2x1x3x4xf32>):
      %n = gm.normal {id = 31 : i64} : tensor<2x1x3x4xf32>
      %in = gm.add %c, %n : (tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>) -> tensor<2x1x3x4xf32>
      %logits = gm.conv2d %in, %w : (tensor<2x1x3x4xf32>, tensor<8x1x1x1xf32>) -> tensor<2x8x3x4xf32>
      %v = gm.categorical %logits axis 1 {id = 32 : i64} : tensor<2x8x3x4xf32> -> tensor<2x3x4xi32>
      %f = gm.cast %v : tensor<2x3x4xi32> to tensor<2x3x4xf32>
      %k = gm.constant dense<0.125> : tensor<f32>
      %s = gm.mul %f, %k : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
      %r = gm.reshape %s : tensor<2x3x4xf32> -> tensor<2x1x3x4xf32>
      gm.yield %r : tensor<2x1x3x4xf32>
    }
    gm.return %img : tensor<2x1x3x4xf32>
  }

  // A draw in a nested loop (at the inner step's position) and the outer
  // loop's draw (at the outer one's).
  gm.sampler @nest() -> tensor<2x3x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x3x4xf32> {
    ^bb0(%c: tensor<2x3x4xf32>):
      %s = gm.reduce_sum %c dims [1, 2] keepdim : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
      %inner = gm.autoregressive %c over [4] : tensor<2x3x4xf32> {
      ^bb0(%d: tensor<2x3x4xf32>):
        %t = gm.reduce_sum %d dims [2] keepdim : tensor<2x3x4xf32> -> tensor<2x3x1xf32>
        %n = gm.normal {id = 33 : i64} : tensor<2x3x4xf32>
        %y = gm.add %n, %t : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
        gm.yield %y : tensor<2x3x4xf32>
      }
      %u = gm.uniform {id = 34 : i64} : tensor<2x3x4xf32>
      %a = gm.add %inner, %u : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
      %b = gm.add %a, %s : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
      gm.yield %b : tensor<2x3x4xf32>
    }
    gm.return %img : tensor<2x3x4xf32>
  }

  // A categorical over the last axis, drawn at the position; and one whose
  // classes an integer division reads (drawn whole: a stale zero would
  // trap; class 0 is never drawn).
  gm.sampler @classes() -> (tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x1x3x4xf32>
    %img = gm.autoregressive %zero over [3, 4] : tensor<2x1x3x4xf32> {
    ^bb0(%c: tensor<2x1x3x4xf32>):
      %r0 = gm.reshape %c : tensor<2x1x3x4xf32> -> tensor<2x12x1xf32>
      %l = gm.normal {id = 35 : i64} : tensor<2x12x5xf32>
      %logits = gm.add %l, %r0 : (tensor<2x12x5xf32>, tensor<2x12x1xf32>) -> tensor<2x12x5xf32>
      %v = gm.categorical %logits axis 2 {id = 36 : i64} : tensor<2x12x5xf32> -> tensor<2x12xi32>
      %f = gm.cast %v : tensor<2x12xi32> to tensor<2x12xf32>
      %r = gm.reshape %f : tensor<2x12xf32> -> tensor<2x1x3x4xf32>
      %g = gm.add %r, %c : (tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>) -> tensor<2x1x3x4xf32>
      gm.yield %g : tensor<2x1x3x4xf32>
    }
    %div = gm.autoregressive %zero over [3, 4] : tensor<2x1x3x4xf32> {
    ^bb0(%c: tensor<2x1x3x4xf32>):
      %bias = gm.constant dense<[-1.0e30, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<8xf32>
      %b = gm.reshape %bias : tensor<8xf32> -> tensor<1x8x1x1xf32>
      %logits = gm.add %c, %b : (tensor<2x1x3x4xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x3x4xf32>
      %v = gm.categorical %logits axis 1 {id = 37 : i64} : tensor<2x8x3x4xf32> -> tensor<2x3x4xi32>
      %k = gm.constant dense<24> : tensor<i32>
      %q = gm.div %k, %v : (tensor<i32>, tensor<2x3x4xi32>) -> tensor<2x3x4xi32>
      %f = gm.cast %q : tensor<2x3x4xi32> to tensor<2x3x4xf32>
      %r = gm.reshape %f : tensor<2x3x4xf32> -> tensor<2x1x3x4xf32>
      gm.yield %r : tensor<2x1x3x4xf32>
    }
    gm.return %img, %div : tensor<2x1x3x4xf32>, tensor<2x1x3x4xf32>
  }

  // Strided windows: channel ranges of a batch that only loops read are
  // read in place (gm-plan-memory), and a concat's input a loop computes
  // for it alone is written into its window; one also returned is copied.
  gm.sampler @windows() -> (tensor<2x3x5xf32>, tensor<2x6x5xf32>, tensor<3xf32>) {
    %x = gm.normal {id = 15 : i64} : tensor<2x6x5xf32>
    %a = gm.slice %x offsets [0, 1, 0] sizes [2, 3, 5] : tensor<2x6x5xf32> -> tensor<2x3x5xf32>
    %b = gm.slice %x offsets [0, 3, 0] sizes [2, 3, 5] : tensor<2x6x5xf32> -> tensor<2x3x5xf32>
    %t = gm.tanh %a : tensor<2x3x5xf32>
    %e = gm.exp %b : tensor<2x3x5xf32>
    %m = gm.mul %t, %e : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    %n = gm.sub %e, %t : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    %c = gm.concat %n, %m axis 1 : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x6x5xf32>
    // A sum whose chain reads the windows (one gm.fused with a reduction).
    %q = gm.mul %a, %b : (tensor<2x3x5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    %s = gm.reduce_sum %q dims [0, 2] : tensor<2x3x5xf32> -> tensor<3xf32>
    gm.return %m, %c, %s : tensor<2x3x5xf32>, tensor<2x6x5xf32>, tensor<3xf32>
  }

  // Step windows as written (the reference's own case, Reference/ops.mlir):
  // which rows a window takes, and zeros outside it when put back.
  gm.sampler @rows() -> (tensor<1x3x2xf32>, tensor<1x3x2xf32>) {
    %x = gm.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<1x3x2xf32>
    %zero = gm.constant dense<0.0> : tensor<1x3x2xf32>
    %first = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %w = gm.row_window %x dim 1 rows 2 : tensor<1x3x2xf32> -> tensor<1x2x2xf32>
      %top = gm.slice %w offsets [0, 0, 0] sizes [1, 1, 2] : tensor<1x2x2xf32> -> tensor<1x1x2xf32>
      %y = gm.add %x, %top : (tensor<1x3x2xf32>, tensor<1x1x2xf32>) -> tensor<1x3x2xf32>
      gm.yield %y : tensor<1x3x2xf32>
    }
    %sums = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %w = gm.row_window %x dim 1 rows 2 : tensor<1x3x2xf32> -> tensor<1x2x2xf32>
      %u = gm.row_unwindow %w dim 1 : tensor<1x2x2xf32> -> tensor<1x3x2xf32>
      %s = gm.reduce_sum %u dims [1] keepdim : tensor<1x3x2xf32> -> tensor<1x1x2xf32>
      %y = gm.broadcast %s : tensor<1x1x2xf32> -> tensor<1x3x2xf32>
      gm.yield %y : tensor<1x3x2xf32>
    }
    gm.return %first, %sums : tensor<1x3x2xf32>, tensor<1x3x2xf32>
  }

  // gm-window-rows against the whole computation: a gated PixelCNN layer
  // in small (masks A and B, the horizontal stack, gates) compiled on
  // windows of 3 of 6 rows, from row 3 on starting below the top; and
  // codes through one_hot with a condition from outside the loop.
  gm.sampler @gated() -> tensor<2x1x6x8xf32> {
    %wa = gm.normal {id = 40 : i64} : tensor<4x1x3x3xf32>
    %wh = gm.normal {id = 41 : i64} : tensor<4x1x1x3xf32>
    %wb = gm.normal {id = 42 : i64} : tensor<4x2x3x3xf32>
    %wo = gm.normal {id = 43 : i64} : tensor<8x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x8xf32>
    %img = gm.autoregressive %zero over [6, 8] : tensor<2x1x6x8xf32> {
    ^bb0(%c: tensor<2x1x6x8xf32>):
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x8xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x8xf32>
      %h = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x8xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x8xf32>
      %vh = gm.add %v, %h : (tensor<2x4x6x8xf32>, tensor<2x4x6x8xf32>) -> tensor<2x4x6x8xf32>
      %a = gm.slice %vh offsets [0, 0, 0, 0] sizes [2, 2, 6, 8] : tensor<2x4x6x8xf32> -> tensor<2x2x6x8xf32>
      %b = gm.slice %vh offsets [0, 2, 0, 0] sizes [2, 2, 6, 8] : tensor<2x4x6x8xf32> -> tensor<2x2x6x8xf32>
      %ta = gm.tanh %a : tensor<2x2x6x8xf32>
      %sb = gm.sigmoid %b : tensor<2x2x6x8xf32>
      %g = gm.mul %ta, %sb : (tensor<2x2x6x8xf32>, tensor<2x2x6x8xf32>) -> tensor<2x2x6x8xf32>
      %v2 = gm.conv2d %g, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 1, 1], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x2x6x8xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x6x8xf32>
      %r = gm.relu %v2 : tensor<2x4x6x8xf32>
      %logits = gm.conv2d %r, %wo : (tensor<2x4x6x8xf32>, tensor<8x4x1x1xf32>) -> tensor<2x8x6x8xf32>
      %x = gm.categorical %logits axis 1 {id = 44 : i64} : tensor<2x8x6x8xf32> -> tensor<2x6x8xi32>
      %f = gm.cast %x : tensor<2x6x8xi32> to tensor<2x6x8xf32>
      %k = gm.constant dense<0.125> : tensor<f32>
      %s = gm.mul %f, %k : (tensor<2x6x8xf32>, tensor<f32>) -> tensor<2x6x8xf32>
      %y = gm.reshape %s : tensor<2x6x8xf32> -> tensor<2x1x6x8xf32>
      gm.yield %y : tensor<2x1x6x8xf32>
    }
    gm.return %img : tensor<2x1x6x8xf32>
  }

  gm.sampler @codes() -> tensor<2x5x3xi32> {
    %cond = gm.normal {id = 45 : i64} : tensor<2x4x5x3xf32>
    %w = gm.normal {id = 46 : i64} : tensor<4x4x2x3xf32>
    %zero = gm.constant dense<0> : tensor<2x5x3xi32>
    %codes = gm.autoregressive %zero over [5, 3] : tensor<2x5x3xi32> {
    ^bb0(%c: tensor<2x5x3xi32>):
      %o = gm.one_hot %c classes 4 {axis = 1 : i64} : tensor<2x5x3xi32> -> tensor<2x4x5x3xf32>
      %v = gm.conv2d %o, %w {padding = array<i64: 1, 1, 0, 1>, mask = dense<[[1, 1, 1], [1, 0, 0]]> : tensor<2x3xi1>} : (tensor<2x4x5x3xf32>, tensor<4x4x2x3xf32>) -> tensor<2x4x5x3xf32>
      %l = gm.add %v, %cond : (tensor<2x4x5x3xf32>, tensor<2x4x5x3xf32>) -> tensor<2x4x5x3xf32>
      %x = gm.categorical %l axis 1 {id = 47 : i64} : tensor<2x4x5x3xf32> -> tensor<2x5x3xi32>
      gm.yield %x : tensor<2x5x3xi32>
    }
    gm.return %codes : tensor<2x5x3xi32>
  }

  // PLAN-LABEL: gm.sampler @conditioned
  // PLAN: gm.autoregressive
  // PLAN: gm.upsample
  // PLAN-NEXT: gm.conv2d
  // PLAN-NEXT: gm.autoregressive
  // PLAN: gm.row_window %{{.*}} {gm.per_row = 0 : i64
  // gm-hoist-invariants: codes drawn by one loop condition the next (a
  // VQ-VAE-2 prior in small). Their one-hot upsampling and the 1x1
  // convolution on it run once, before the second loop, beside its
  // windowed masked convolution of the canvas.
  gm.sampler @conditioned() -> tensor<2x4x4xi32> {
    %wt = gm.normal {id = 60 : i64} : tensor<3x3x1x3xf32>
    %wc = gm.normal {id = 61 : i64} : tensor<3x3x1x1xf32>
    %wb = gm.normal {id = 62 : i64} : tensor<3x3x2x3xf32>
    %zt = gm.constant dense<0> : tensor<2x2x2xi32>
    %top = gm.autoregressive %zt over [2, 2] : tensor<2x2x2xi32> {
    ^bb0(%c: tensor<2x2x2xi32>):
      %o = gm.one_hot %c classes 3 {axis = 1 : i64} : tensor<2x2x2xi32> -> tensor<2x3x2x2xf32>
      %v = gm.conv2d %o, %wt {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x3x2x2xf32>, tensor<3x3x1x3xf32>) -> tensor<2x3x2x2xf32>
      %x = gm.categorical %v axis 1 {id = 63 : i64} : tensor<2x3x2x2xf32> -> tensor<2x2x2xi32>
      gm.yield %x : tensor<2x2x2xi32>
    }
    %zb = gm.constant dense<0> : tensor<2x4x4xi32>
    %codes = gm.autoregressive %zb over [4, 4] : tensor<2x4x4xi32> {
    ^bb0(%c: tensor<2x4x4xi32>):
      %t = gm.one_hot %top classes 3 {axis = 1 : i64} : tensor<2x2x2xi32> -> tensor<2x3x2x2xf32>
      %up = gm.upsample %t scale [2, 2] : tensor<2x3x2x2xf32> -> tensor<2x3x4x4xf32>
      %cond = gm.conv2d %up, %wc : (tensor<2x3x4x4xf32>, tensor<3x3x1x1xf32>) -> tensor<2x3x4x4xf32>
      %o = gm.one_hot %c classes 3 {axis = 1 : i64} : tensor<2x4x4xi32> -> tensor<2x3x4x4xf32>
      %v = gm.conv2d %o, %wb {padding = array<i64: 1, 1, 0, 1>, mask = dense<[[1, 1, 1], [1, 0, 0]]> : tensor<2x3xi1>} : (tensor<2x3x4x4xf32>, tensor<3x3x2x3xf32>) -> tensor<2x3x4x4xf32>
      %l = gm.add %v, %cond : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
      %x = gm.categorical %l axis 1 {id = 64 : i64} : tensor<2x3x4x4xf32> -> tensor<2x4x4xi32>
      gm.yield %x : tensor<2x4x4xi32>
    }
    gm.return %codes : tensor<2x4x4xi32>
  }

  // gm-per-row: a vertical stack of two layers (mask A, then mask B) and
  // the 1x1 convolution that feeds it to the horizontal stack run once per
  // row of 5 steps, from row 0 (in rows 0 and 1 the first layer's window of
  // 3 rows reaches below the step's row, where nothing the step keeps
  // reads), read at the other steps as kept (the marks are checked above
  // the sampler).
  // The horizontal stack runs on windows of columns: its 1x3 mask A on the
  // step's row, 2 of its 5 columns; the sum and the head on the step's
  // column alone, which is put back for the draw.
  // PLAN-LABEL: gm.sampler @stacks
  // PLAN: gm.row_window %{{.*}} dim 3 rows 2 along 1 {{.*}} -> tensor<2x1x1x2xf32>
  // PLAN: gm.conv2d {{.*}}{gm.per_row = 0 : i64
  // PLAN: gm.conv2d {{.*}}{gm.per_row = 0 : i64
  // PLAN: gm.conv2d {{.*}}{gm.per_row = 0 : i64
  // PLAN: gm.row_window %{{.*}} dim 3 rows 1 along 1 {{.*}} -> tensor<2x4x1x1xf32>
  // PLAN: gm.row_unwindow %{{.*}} dim 3 along 1 {{.*}} : tensor<2x3x1x1xf32> -> tensor<2x3x1x5xf32>
  // PLAN: gm.categorical
  gm.sampler @stacks() -> tensor<2x1x6x5xf32> {
    %wa = gm.normal {id = 70 : i64} : tensor<4x1x3x3xf32>
    %wb = gm.normal {id = 71 : i64} : tensor<4x4x3x3xf32>
    %wv = gm.normal {id = 72 : i64} : tensor<4x4x1x1xf32>
    %wh = gm.normal {id = 73 : i64} : tensor<4x1x1x3xf32>
    %wo = gm.normal {id = 74 : i64} : tensor<3x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x5xf32>
    %img = gm.autoregressive %zero over [6, 5] : tensor<2x1x6x5xf32> {
    ^bb0(%c: tensor<2x1x6x5xf32>):
      %v1 = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x5xf32>
      %g1 = gm.tanh %v1 : tensor<2x4x6x5xf32>
      %v2 = gm.conv2d %g1, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 1, 1], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x4x6x5xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x6x5xf32>
      %vh = gm.conv2d %v2, %wv : (tensor<2x4x6x5xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x6x5xf32>
      %h1 = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x5xf32>
      %h = gm.add %h1, %vh : (tensor<2x4x6x5xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x6x5xf32>
      %r = gm.relu %h : tensor<2x4x6x5xf32>
      %logits = gm.conv2d %r, %wo : (tensor<2x4x6x5xf32>, tensor<3x4x1x1xf32>) -> tensor<2x3x6x5xf32>
      %x = gm.categorical %logits axis 1 {id = 75 : i64} : tensor<2x3x6x5xf32> -> tensor<2x6x5xi32>
      %f = gm.cast %x : tensor<2x6x5xi32> to tensor<2x6x5xf32>
      %y = gm.reshape %f : tensor<2x6x5xf32> -> tensor<2x1x6x5xf32>
      gm.yield %y : tensor<2x1x6x5xf32>
    }
    gm.return %img : tensor<2x1x6x5xf32>
  }

  // The same with the first layer read through a one_hot of its argmax
  // (which may fail on any row, so it brings the rows below the step's into
  // the step's): the first layer runs at every step of rows 0 and 1, the
  // argmax on its window of 2 rows at every step of row 0, where their
  // windows reach below, and once per row after; what follows the one_hot
  // once per row from row 0.
  // PLAN-LABEL: gm.sampler @stacks_below
  // PLAN: gm.conv2d {{.*}}{gm.per_row = 2 : i64
  // PLAN: gm.row_window {{.*}}{gm.per_row = 1 : i64
  // PLAN: gm.argmax {{.*}}{gm.per_row = 1 : i64
  // PLAN: gm.one_hot {{.*}}gm.per_row = 0 : i64
  // PLAN: gm.categorical
  gm.sampler @stacks_below() -> tensor<2x1x6x5xf32> {
    %wa = gm.normal {id = 76 : i64} : tensor<4x1x3x3xf32>
    %wb = gm.normal {id = 77 : i64} : tensor<4x4x3x3xf32>
    %wv = gm.normal {id = 78 : i64} : tensor<4x4x1x1xf32>
    %wh = gm.normal {id = 79 : i64} : tensor<4x1x1x3xf32>
    %wo = gm.normal {id = 80 : i64} : tensor<3x4x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x5xf32>
    %img = gm.autoregressive %zero over [6, 5] : tensor<2x1x6x5xf32> {
    ^bb0(%c: tensor<2x1x6x5xf32>):
      %v1 = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x5xf32>
      %a = gm.argmax %v1 axis 1 : tensor<2x4x6x5xf32> -> tensor<2x6x5xi32>
      %o = gm.one_hot %a classes 4 {axis = 1 : i64} : tensor<2x6x5xi32> -> tensor<2x4x6x5xf32>
      %g1 = gm.add %o, %v1 : (tensor<2x4x6x5xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x6x5xf32>
      %v2 = gm.conv2d %g1, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 1, 1], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x4x6x5xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x6x5xf32>
      %vh = gm.conv2d %v2, %wv : (tensor<2x4x6x5xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x6x5xf32>
      %h1 = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x5xf32>
      %h = gm.add %h1, %vh : (tensor<2x4x6x5xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x6x5xf32>
      %r = gm.relu %h : tensor<2x4x6x5xf32>
      %logits = gm.conv2d %r, %wo : (tensor<2x4x6x5xf32>, tensor<3x4x1x1xf32>) -> tensor<2x3x6x5xf32>
      %x = gm.categorical %logits axis 1 {id = 81 : i64} : tensor<2x3x6x5xf32> -> tensor<2x6x5xi32>
      %f = gm.cast %x : tensor<2x6x5xi32> to tensor<2x6x5xf32>
      %y = gm.reshape %f : tensor<2x6x5xf32> -> tensor<2x1x6x5xf32>
      gm.yield %y : tensor<2x1x6x5xf32>
    }
    gm.return %img : tensor<2x1x6x5xf32>
  }

  // Whole values (a mean over rows leaves nothing to window): a mask-A
  // convolution whose rows below the step's nothing the step keeps reads
  // runs once per row; one whose rows a mean over rows reads runs at
  // every step (kept along the row, the mean would read stale rows).
  // PLAN-LABEL: gm.sampler @whole_rows
  // PLAN: %[[V:.*]] = gm.conv2d %arg0, %{{.*}} {gm.places
  // PLAN: gm.reduce_mean %[[V]] {{.*}}{gm.places
  // PLAN: gm.conv2d %arg0, %{{.*}} {gm.per_row = 0 : i64
  // PLAN: gm.yield
  gm.sampler @whole_rows() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 82 : i64} : tensor<1x1x3x3xf32>
    %wb = gm.normal {id = 83 : i64} : tensor<1x1x3x3xf32>
    %zero = gm.constant dense<0.5> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x6x4xf32>
      %m = gm.reduce_mean %v dims [2] keepdim : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
      %u = gm.conv2d %c, %wb {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x6x4xf32>
      %t = gm.tanh %u : tensor<2x1x6x4xf32>
      %s = gm.add %t, %m : (tensor<2x1x6x4xf32>, tensor<2x1x1x4xf32>) -> tensor<2x1x6x4xf32>
      %n = gm.normal {id = 84 : i64} : tensor<2x1x6x4xf32>
      %y = gm.add %s, %n : (tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // Windows of columns on values, not draws: a horizontal stack (1x3 mask
  // A, then mask B) on the step's row plus a vertical stack's value, whose
  // output the step keeps with noise. A column short of what an op reaches
  // left would change the values.
  // PLAN-LABEL: gm.sampler @columns
  // PLAN: gm.row_window %{{.*}} dim 3 rows 3 along 1
  // PLAN: gm.row_unwindow %{{.*}} dim 3 along 1
  // PLAN: gm.yield
  gm.sampler @columns() -> tensor<2x1x6x5xf32> {
    %wv = gm.normal {id = 85 : i64} : tensor<4x1x3x3xf32>
    %wh = gm.normal {id = 86 : i64} : tensor<4x1x1x3xf32>
    %wb = gm.normal {id = 87 : i64} : tensor<4x4x1x3xf32>
    %wo = gm.normal {id = 88 : i64} : tensor<1x4x1x1xf32>
    %init = gm.constant dense<0.5> : tensor<2x1x6x5xf32>
    %img = gm.autoregressive %init over [6, 5] : tensor<2x1x6x5xf32> {
    ^bb0(%c: tensor<2x1x6x5xf32>):
      %v = gm.conv2d %c, %wv {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x5xf32>
      %h = gm.conv2d %c, %wh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x1x6x5xf32>, tensor<4x1x1x3xf32>) -> tensor<2x4x6x5xf32>
      %a = gm.add %h, %v : (tensor<2x4x6x5xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x6x5xf32>
      %t = gm.tanh %a : tensor<2x4x6x5xf32>
      %h2 = gm.conv2d %t, %wb {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 1, 0]]> : tensor<1x3xi1>} : (tensor<2x4x6x5xf32>, tensor<4x4x1x3xf32>) -> tensor<2x4x6x5xf32>
      %o = gm.conv2d %h2, %wo : (tensor<2x4x6x5xf32>, tensor<1x4x1x1xf32>) -> tensor<2x1x6x5xf32>
      %n = gm.normal {id = 89 : i64} : tensor<2x1x6x5xf32>
      %y = gm.add %o, %n : (tensor<2x1x6x5xf32>, tensor<2x1x6x5xf32>) -> tensor<2x1x6x5xf32>
      gm.yield %y : tensor<2x1x6x5xf32>
    }
    gm.return %img : tensor<2x1x6x5xf32>
  }

  // Put back as integers (an argmax on the window) and through booleans.
  gm.sampler @greedy() -> tensor<2x6x4xi32> {
    %w = gm.normal {id = 48 : i64} : tensor<5x5x3x3xf32>
    %zero = gm.constant dense<0> : tensor<2x6x4xi32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xi32> {
    ^bb0(%c: tensor<2x6x4xi32>):
      %o = gm.one_hot %c classes 5 {axis = 1 : i64} : tensor<2x6x4xi32> -> tensor<2x5x6x4xf32>
      %v = gm.conv2d %o, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x5x6x4xf32>, tensor<5x5x3x3xf32>) -> tensor<2x5x6x4xf32>
      %x = gm.argmax %v axis 1 : tensor<2x5x6x4xf32> -> tensor<2x6x4xi32>
      gm.yield %x : tensor<2x6x4xi32>
    }
    gm.return %img : tensor<2x6x4xi32>
  }

  gm.sampler @select() -> tensor<2x1x6x4xf32> {
    %w = gm.normal {id = 49 : i64} : tensor<1x1x3x3xf32>
    %half = gm.constant dense<0.5> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %half over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %v = gm.conv2d %c, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x6x4xf32>
      %k = gm.constant dense<0.0> : tensor<f32>
      %m = gm.compare gt, %v, %k : (tensor<2x1x6x4xf32>, tensor<f32>) -> tensor<2x1x6x4xi1>
      %n = gm.normal {id = 50 : i64} : tensor<2x1x6x4xf32>
      %y = gm.select %m, %n, %v : (tensor<2x1x6x4xi1>, tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  // A one_hot of what a convolution reaching up computed; one_hot on the
  // last axis of the canvas.
  gm.sampler @fallible() -> tensor<2x1x6x4xf32> {
    %wa = gm.normal {id = 51 : i64} : tensor<3x1x3x3xf32>
    %wo = gm.normal {id = 52 : i64} : tensor<5x3x1x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %v = gm.conv2d %c, %wa {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [1, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x1x6x4xf32>, tensor<3x1x3x3xf32>) -> tensor<2x3x6x4xf32>
      %a = gm.argmax %v axis 1 : tensor<2x3x6x4xf32> -> tensor<2x6x4xi32>
      %o = gm.one_hot %a classes 3 {axis = 1 : i64} : tensor<2x6x4xi32> -> tensor<2x3x6x4xf32>
      %l = gm.conv2d %o, %wo : (tensor<2x3x6x4xf32>, tensor<5x3x1x1xf32>) -> tensor<2x5x6x4xf32>
      %x = gm.categorical %l axis 1 {id = 53 : i64} : tensor<2x5x6x4xf32> -> tensor<2x6x4xi32>
      %f = gm.cast %x : tensor<2x6x4xi32> to tensor<2x6x4xf32>
      %y = gm.reshape %f : tensor<2x6x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }

  gm.sampler @last_axis() -> tensor<2x5x3xi32> {
    %zero = gm.constant dense<1> : tensor<2x5x3xi32>
    %codes = gm.autoregressive %zero over [5, 3] : tensor<2x5x3xi32> {
    ^bb0(%c: tensor<2x5x3xi32>):
      %o = gm.one_hot %c classes 4 : tensor<2x5x3xi32> -> tensor<2x5x3x4xf32>
      %n = gm.normal {id = 54 : i64} : tensor<2x5x3x4xf32>
      %l = gm.add %o, %n : (tensor<2x5x3x4xf32>, tensor<2x5x3x4xf32>) -> tensor<2x5x3x4xf32>
      %x = gm.categorical %l axis 3 {id = 55 : i64} : tensor<2x5x3x4xf32> -> tensor<2x5x3xi32>
      gm.yield %x : tensor<2x5x3xi32>
    }
    gm.return %codes : tensor<2x5x3xi32>
  }
}
