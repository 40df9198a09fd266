// gm-fuse: chains of elementwise ops of one shape become one gm.fused;
// values read outside become results; a use between the chain's ops, or
// another shape, keeps ops apart. A reduction takes in the chain only it
// reads, unless it keeps too few elements to share among threads.
// RUN: gm-opt %s -gm-fuse -split-input-file | FileCheck %s
// RUN: gm-opt %s -gm-fuse=epilogues=false -split-input-file | FileCheck %s --check-prefix=APART

// CHECK-LABEL: gm.model @chain
gm.model @chain {
  gm.sampler @s() -> tensor<4x8xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x8xf32>
    %b = gm.normal {id = 2 : i64} : tensor<8xf32>
    // The bias is an input, read by index; the chain's inner values are
    // the body's only.
    // CHECK: %[[X:.*]] = gm.normal {id = 1
    // CHECK: %[[B:.*]] = gm.normal {id = 2
    // CHECK: %[[Y:.*]] = gm.fused(%[[X]], %[[B]]) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> {
    // CHECK-NEXT: ^bb0(%[[A0:.*]]: tensor<4x8xf32>, %[[A1:.*]]: tensor<8xf32>):
    // CHECK-NEXT: %[[S:.*]] = gm.add %[[A0]], %[[A1]]
    // CHECK-NEXT: %[[T:.*]] = gm.tanh %[[S]]
    // CHECK-NEXT: %[[U:.*]] = gm.mul %[[T]], %[[A0]]
    // CHECK-NEXT: gm.yield %[[U]] : tensor<4x8xf32>
    // CHECK-NEXT: }
    // CHECK-NEXT: gm.return %[[Y]]
    %0 = gm.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %1 = gm.tanh %0 : tensor<4x8xf32>
    %2 = gm.mul %1, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    gm.return %2 : tensor<4x8xf32>
  }
}

// -----

// A value of the chain that a later op reads becomes a second result.
// CHECK-LABEL: gm.model @outputs
gm.model @outputs {
  gm.param @w : tensor<4x8xf32> = #gm.fill<1.0>
  gm.sampler @s() -> tensor<4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x8xf32>
    // CHECK: %[[F:.*]]:2 = gm.fused
    // CHECK: gm.yield %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>
    %0 = gm.exp %x : tensor<4x8xf32>
    %1 = gm.neg %0 : tensor<4x8xf32>
    // CHECK: gm.matmul %[[F]]#0, %[[F]]#1
    %2 = gm.matmul %0, %1 {transpose_rhs} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x4xf32>
    gm.return %2 : tensor<4x4xf32>
  }
}

// -----

// %0 is read by the matmul before %2: fusing %0 with %2 would move %0 after
// its reader. The ops stay apart; %2 and %3 fuse.
// CHECK-LABEL: gm.model @between
gm.model @between {
  gm.sampler @s() -> tensor<4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x4xf32>
    // CHECK: %[[E:.*]] = gm.exp
    %0 = gm.exp %x : tensor<4x4xf32>
    // CHECK: %[[M:.*]] = gm.matmul %[[E]], %[[E]]
    %1 = gm.matmul %0, %0 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    // CHECK: gm.fused(%[[M]], %[[E]])
    // CHECK-NOT: gm.exp
    // CHECK: gm.yield
    %2 = gm.add %1, %0 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %3 = gm.relu %2 : tensor<4x4xf32>
    gm.return %3 : tensor<4x4xf32>
  }
}

// -----

// Two chains that meet become one; a chain of another shape stays apart,
// and so does a lone op.
// CHECK-LABEL: gm.model @meet
gm.model @meet {
  gm.sampler @s() -> (tensor<8xf32>, tensor<f32>, tensor<8xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<8xf32>
    %y = gm.normal {id = 2 : i64} : tensor<8xf32>
    // CHECK: gm.fused(%{{.*}}, %{{.*}}) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    // CHECK-COUNT-4: gm.{{exp|sqrt|square|sub}}
    // CHECK: gm.yield
    %0 = gm.exp %x : tensor<8xf32>
    %1 = gm.square %y : tensor<8xf32>
    %2 = gm.sqrt %1 : tensor<8xf32>
    %3 = gm.sub %0, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    // CHECK: %[[S:.*]] = gm.reduce_sum
    %s = gm.reduce_sum %x dims [0] : tensor<8xf32> -> tensor<f32>
    // CHECK: gm.fused(%[[S]]) : (tensor<f32>) -> tensor<f32>
    %4 = gm.exp %s : tensor<f32>
    %5 = gm.log1p %4 : tensor<f32>
    // CHECK: gm.abs %{{.*}} : tensor<8xf32>
    %6 = gm.abs %y : tensor<8xf32>
    gm.return %3, %5, %6 : tensor<8xf32>, tensor<f32>, tensor<8xf32>
  }
}

// -----

// Loop bodies fuse on their own.
// CHECK-LABEL: gm.model @loop
gm.model @loop {
  gm.param @p : tensor<8xf32> = #gm.fill<1.0>
  gm.phase train @train {
    // CHECK: gm.repeat 2 {
    gm.repeat 2 {
      %p = gm.load @p : tensor<8xf32>
      // CHECK: gm.fused
      %0 = gm.mul %p, %p : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
      %1 = gm.neg %0 : tensor<8xf32>
      gm.store %1 to @p : tensor<8xf32>
    }
  }
}

// -----

// CHECK-LABEL: gm.model @reductions
gm.model @reductions {
  gm.sampler @s() -> (tensor<4x1x32xf32>, tensor<32xf32>, tensor<f32>, tensor<4x8x32xf32>, tensor<4x32xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x8x32xf32>
    %m = gm.normal {id = 2 : i64} : tensor<4x1x32xf32>
    // A chain read only by a sum over an inner axis: one gm.fused.
    // CHECK: %[[S:.*]] = gm.fused(%[[X:.*]], %[[M:.*]]) : (tensor<4x8x32xf32>, tensor<4x1x32xf32>) -> tensor<4x1x32xf32> {
    // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4x8x32xf32>, %[[B:.*]]: tensor<4x1x32xf32>):
    // CHECK-NEXT: %[[D:.*]] = gm.sub %[[A]], %[[B]]
    // CHECK-NEXT: %[[E:.*]] = gm.exp %[[D]]
    // CHECK-NEXT: %[[R:.*]] = gm.reduce_sum %[[E]] dims [1] keepdim
    // CHECK-NEXT: gm.yield %[[R]] : tensor<4x1x32xf32>
    %d = gm.sub %x, %m : (tensor<4x8x32xf32>, tensor<4x1x32xf32>) -> tensor<4x8x32xf32>
    %e = gm.exp %d : tensor<4x8x32xf32>
    %s = gm.reduce_sum %e dims [1] keepdim : tensor<4x8x32xf32> -> tensor<4x1x32xf32>
    // One elementwise op and a mean keeping 32: fused too.
    // CHECK: gm.fused(%[[X]]) : (tensor<4x8x32xf32>) -> tensor<32xf32> {
    // CHECK: gm.square
    // CHECK-NEXT: gm.reduce_mean
    %q = gm.square %x : tensor<4x8x32xf32>
    %c = gm.reduce_mean %q dims [0, 1] : tensor<4x8x32xf32> -> tensor<32xf32>
    // A full reduction stays apart from its producer (one thread would do
    // the chain's math).
    // CHECK: %[[T:.*]] = gm.tanh %[[X]]
    // CHECK-NEXT: gm.reduce_sum %[[T]] dims [0, 1, 2]
    %t = gm.tanh %x : tensor<4x8x32xf32>
    %f = gm.reduce_sum %t dims [0, 1, 2] : tensor<4x8x32xf32> -> tensor<f32>
    // A chain also read elsewhere stays in memory.
    // CHECK: %[[L:.*]] = gm.log %[[X]]
    // CHECK-NEXT: gm.reduce_max %[[L]] dims [1]
    %l = gm.log %x : tensor<4x8x32xf32>
    %g = gm.reduce_max %l dims [1] : tensor<4x8x32xf32> -> tensor<4x32xf32>
    gm.return %s, %c, %f, %l, %g : tensor<4x1x32xf32>, tensor<32xf32>, tensor<f32>, tensor<4x8x32xf32>, tensor<4x32xf32>
  }
}

// -----

// A convolution read only by its epilogue (a per-channel bias, then relu,
// leaky_relu or nothing) takes it in: one gm.fused starting with the
// convolution. Not when the convolution is read elsewhere, nor for a bias
// of another shape.
// CHECK-LABEL: gm.model @epilogues
gm.model @epilogues {
  gm.sampler @s() -> (tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4x1x1xf32>
    %r = gm.normal {id = 4 : i64} : tensor<6xf32>
    // CHECK: %[[Y:.*]] = gm.fused(%[[X:.*]], %[[W:.*]], %[[B:.*]]) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32> {
    // CHECK-NEXT: ^bb0(%[[A0:.*]]: tensor<2x3x6x6xf32>, %[[A1:.*]]: tensor<4x3x3x3xf32>, %[[A2:.*]]: tensor<4x1x1xf32>):
    // CHECK-NEXT: %[[C:.*]] = gm.conv2d %[[A0]], %[[A1]] {padding = array<i64: 1, 1, 1, 1>}
    // CHECK-NEXT: %[[S:.*]] = gm.add %[[C]], %[[A2]]
    // CHECK-NEXT: %[[R:.*]] = gm.relu %[[S]]
    // CHECK-NEXT: gm.yield %[[R]]
    %c0 = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %s0 = gm.add %c0, %b : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
    %y0 = gm.relu %s0 : tensor<2x4x6x6xf32>
    // A bias alone, added on the left, and a leaky relu.
    // CHECK: gm.fused(%[[X]], %[[W]], %[[B]])
    // CHECK: gm.conv2d
    // CHECK-NEXT: gm.add %[[A2b:.*]], %{{.*}}
    // CHECK-NEXT: gm.leaky_relu
    %c1 = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %s1 = gm.add %b, %c1 : (tensor<4x1x1xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
    %y1 = gm.leaky_relu %s1 {alpha = 2.000000e-01 : f64} : tensor<2x4x6x6xf32>
    // CHECK: gm.fused(%[[X]], %[[W]], %[[B]])
    // CHECK: gm.conv2d
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.yield
    %c2 = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %y2 = gm.add %c2, %b : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
    // Read twice: stays a convolution.
    // CHECK: %[[C3:.*]] = gm.conv2d %[[X]], %[[W]]
    %c3 = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %y3 = gm.add %c3, %c3 : (tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
    // A bias along the width, not the channels: stays apart.
    // CHECK: %[[C4:.*]] = gm.conv2d %[[X]], %[[W]]
    // CHECK-NEXT: gm.add %[[C4]], %{{.*}} : (tensor<2x4x6x6xf32>, tensor<6xf32>)
    %c4 = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %y4 = gm.add %c4, %r : (tensor<2x4x6x6xf32>, tensor<6xf32>) -> tensor<2x4x6x6xf32>
    gm.return %y0, %y1, %y2, %y3, %y4 : tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>, tensor<2x4x6x6xf32>
  }
}

// -----

// A convolution with its epilogue stays one library op: a reduction of it
// does not take it in.
// CHECK-LABEL: gm.model @epilogue_then_reduction
gm.model @epilogue_then_reduction {
  gm.sampler @s() -> tensor<2x4x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4x1x1xf32>
    // CHECK: %[[Y:.*]] = gm.fused
    // CHECK: gm.conv2d
    // CHECK: gm.relu
    // CHECK: gm.reduce_sum %[[Y]] dims [3]
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %s = gm.add %c, %b : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
    %y = gm.relu %s : tensor<2x4x6x6xf32>
    %r = gm.reduce_sum %y dims [3] : tensor<2x4x6x6xf32> -> tensor<2x4x6xf32>
    gm.return %r : tensor<2x4x6xf32>
  }
}

// -----

// A matmul read only by its epilogue (a bias per column, then relu, leaky
// relu or nothing) takes it in too; batched matmuls as well. Not a bias per
// row, nor a matmul read elsewhere.
// CHECK-LABEL: gm.model @matmul_epilogues
// With epilogues=false, every matmul stays a library op of its own.
// APART-LABEL: gm.model @matmul_epilogues
// APART-COUNT-5: %{{.*}} = gm.matmul %{{.*}} : (tensor<{{.*}}>, tensor<{{.*}}>) -> tensor<{{.*}}>
// APART-NOT: gm.matmul
gm.model @matmul_epilogues {
  gm.sampler @s() -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<3x8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<8x5xf32>
    %w = gm.normal {id = 2 : i64} : tensor<4x5xf32>
    %b = gm.normal {id = 3 : i64} : tensor<4xf32>
    %rows = gm.normal {id = 4 : i64} : tensor<8x1xf32>
    %xs = gm.normal {id = 5 : i64} : tensor<3x8x5xf32>
    %ws = gm.normal {id = 6 : i64} : tensor<3x4x5xf32>
    // CHECK: gm.fused(%[[X:.*]], %[[W:.*]], %[[B:.*]]) : (tensor<8x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<8x4xf32> {
    // CHECK-NEXT: ^bb0(%[[A0:.*]]: tensor<8x5xf32>, %[[A1:.*]]: tensor<4x5xf32>, %[[A2:.*]]: tensor<4xf32>):
    // CHECK-NEXT: %[[M:.*]] = gm.matmul %[[A0]], %[[A1]] {transpose_rhs}
    // CHECK-NEXT: %[[S:.*]] = gm.add %[[M]], %[[A2]]
    // CHECK-NEXT: %[[R:.*]] = gm.relu %[[S]]
    // CHECK-NEXT: gm.yield %[[R]]
    %m0 = gm.matmul %x, %w {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
    %s0 = gm.add %m0, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
    %y0 = gm.relu %s0 : tensor<8x4xf32>
    // CHECK: gm.fused(%[[X]], %[[W]], %[[B]])
    // CHECK-NEXT: ^bb0
    // CHECK-NEXT: gm.matmul
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.leaky_relu
    %m1 = gm.matmul %x, %w {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
    %s1 = gm.add %b, %m1 : (tensor<4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
    %y1 = gm.leaky_relu %s1 {alpha = 2.000000e-01 : f64} : tensor<8x4xf32>
    // CHECK: gm.fused(%[[XS:.*]], %[[WS:.*]], %[[B]]) : (tensor<3x8x5xf32>, tensor<3x4x5xf32>, tensor<4xf32>) -> tensor<3x8x4xf32>
    // CHECK-NEXT: ^bb0
    // CHECK-NEXT: gm.matmul
    // CHECK-NEXT: gm.add
    // CHECK-NEXT: gm.yield
    %m2 = gm.matmul %xs, %ws {transpose_rhs} : (tensor<3x8x5xf32>, tensor<3x4x5xf32>) -> tensor<3x8x4xf32>
    %y2 = gm.add %m2, %b : (tensor<3x8x4xf32>, tensor<4xf32>) -> tensor<3x8x4xf32>
    // A bias per row: an elementwise loop after the matmul.
    // CHECK: %[[M3:.*]] = gm.matmul %[[X]], %[[W]]
    // CHECK-NEXT: gm.fused(%[[M3]], %{{.*}}) : (tensor<8x4xf32>, tensor<8x1xf32>)
    %m3 = gm.matmul %x, %w {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
    %s3 = gm.add %m3, %rows : (tensor<8x4xf32>, tensor<8x1xf32>) -> tensor<8x4xf32>
    %y3 = gm.relu %s3 : tensor<8x4xf32>
    // Read twice: stays a matmul.
    // CHECK: %[[M4:.*]] = gm.matmul %[[X]], %[[W]]
    // CHECK: gm.fused(%[[M4]], %[[B]])
    %m4 = gm.matmul %x, %w {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
    %s4 = gm.add %m4, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
    %y4 = gm.relu %s4 : tensor<8x4xf32>
    gm.return %y0, %y1, %y2, %y3, %y4, %m4 : tensor<8x4xf32>, tensor<8x4xf32>, tensor<3x8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>
  }
}

// -----

// A matmul of a value with itself keeps its epilogue apart: a library call
// reads two inputs, and x would be one input read twice.
// CHECK-LABEL: gm.model @self_matmul
// APART-LABEL: gm.model @self_matmul
// CHECK: %[[M:.*]] = gm.matmul %[[X:.*]], %[[X]] {transpose_rhs}
// CHECK-NOT: gm.fused
// CHECK: gm.add %[[M]]
gm.model @self_matmul {
  gm.sampler @s() -> tensor<4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x8xf32>
    %b = gm.normal {id = 2 : i64} : tensor<4xf32>
    %m = gm.matmul %x, %x {transpose_rhs} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x4xf32>
    %y = gm.add %m, %b : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
    gm.return %y : tensor<4x4xf32>
  }
}
