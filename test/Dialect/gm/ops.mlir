// Every gm op parses, verifies and prints back in its custom form, and the
// generic form reads back to the same IR.
// RUN: gm-opt %s | gm-opt | FileCheck %s
// RUN: gm-opt %s --mlir-print-op-generic | gm-opt | FileCheck %s

// CHECK-LABEL: gm.model @structure
gm.model @structure {
  // CHECK: gm.dataset @fmnist "fashion-mnist" split "train" fields [tensor<1x28x28xf32>, tensor<i32>]
  gm.dataset @fmnist "fashion-mnist" split "train" fields [tensor<1x28x28xf32>, tensor<i32>]
  // CHECK: gm.param @lin.weight : tensor<4x3xf32> = #gm.uniform<-0.57735, 0.57735>
  gm.param @lin.weight : tensor<4x3xf32> = #gm.uniform<-0.57735, 0.57735>
  // CHECK: gm.param @lin.bias : tensor<4xf32> = #gm.normal<0.0, 0.02>
  gm.param @lin.bias : tensor<4xf32> = #gm.normal<0.0, 0.02>
  // CHECK: gm.state @bn.running_mean : tensor<4xf32> = #gm.fill<0.0>
  gm.state @bn.running_mean : tensor<4xf32> = #gm.fill<0.0>

  // CHECK-LABEL: gm.net @lin(%{{.*}}: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  gm.net @lin(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
    // CHECK: %[[W:.+]] = gm.load @lin.weight : tensor<4x3xf32>
    %w = gm.load @lin.weight : tensor<4x3xf32>
    // CHECK: gm.matmul %{{.*}}, %[[W]] {transpose_rhs} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
    %y = gm.matmul %x, %w {transpose_rhs} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
    // CHECK: gm.return %{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<2x4xf32>
    gm.return %y, %y : tensor<2x4xf32>, tensor<2x4xf32>
  }

  // CHECK-LABEL: gm.phase train @step
  gm.phase train @step {
    // CHECK: %{{.*}}:2 = gm.next @fmnist : tensor<2x1x28x28xf32>, tensor<2xi32>
    %x, %label = gm.next @fmnist : tensor<2x1x28x28xf32>, tensor<2xi32>
    %e = gm.normal {id = 0 : i64} : tensor<2x3xf32>
    // CHECK: gm.call @lin(%{{.*}}) : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
    %a, %b = gm.call @lin(%e) : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
    %s = gm.reduce_sum %a dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    // CHECK: %{{.*}}:2 = gm.grad %{{.*}} wrt %{{.*}}, %{{.*}} : tensor<f32> wrt tensor<2x3xf32>, tensor<2x4xf32>
    %ge, %gb = gm.grad %s wrt %e, %b : tensor<f32> wrt tensor<2x3xf32>, tensor<2x4xf32>
    // CHECK: gm.minimize %{{.*}} : tensor<f32> over [@lin.weight, @lin.bias] with #gm.adam<lr = 0.001, beta1 = 0.5> {clip_norm = 1.000000e+00 : f64}
    gm.minimize %s : tensor<f32> over [@lin.weight, @lin.bias] with #gm.adam<lr = 1.0e-3, beta1 = 0.5> {clip_norm = 1.0 : f64}
    // CHECK: gm.minimize %{{.*}} : tensor<f32> over [@lin.weight] with #gm.adam<lr = 0.001, weight_decay = 0.01, decoupled = true>
    gm.minimize %s : tensor<f32> over [@lin.weight] with #gm.adam<lr = 0.001, weight_decay = 0.01, decoupled = true>
    // CHECK: gm.minimize %{{.*}} : tensor<f32> over [@lin.bias] with #gm.sgd<lr = 0.1, momentum = 0.9, nesterov = true, weight_decay = 0.0005>
    gm.minimize %s : tensor<f32> over [@lin.bias] with #gm.sgd<lr = 0.1, momentum = 0.9, nesterov = true, weight_decay = 5.0e-4>
    // CHECK: gm.minimize %{{.*}} : tensor<f32> over [@lin.bias] with #gm.sgd<lr = 1.0>
    gm.minimize %s : tensor<f32> over [@lin.bias] with #gm.sgd<lr = 1.0>
    // CHECK: gm.apply_gradients [@lin.weight, @lin.bias] with #gm.adam<lr = 0.001> gradients(%{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<4xf32>) {clip_norm = 5.000000e+00 : f64}
    %gw = gm.constant dense<0.5> : tensor<4x3xf32>
    %gbias = gm.constant dense<0.5> : tensor<4xf32>
    gm.apply_gradients [@lin.weight, @lin.bias] with #gm.adam<lr = 0.001> gradients(%gw, %gbias : tensor<4x3xf32>, tensor<4xf32>) {clip_norm = 5.0 : f64}
    // CHECK: gm.report "loss", %{{.*}} : tensor<f32>
    gm.report "loss", %s : tensor<f32>
    %m = gm.load @bn.running_mean : tensor<4xf32>
    // CHECK: gm.store %{{.*}} to @bn.running_mean : tensor<4xf32>
    gm.store %m to @bn.running_mean : tensor<4xf32>
    // CHECK: gm.repeat 5 {
    gm.repeat 5 {
      // CHECK: gm.next @fmnist
      %x2, %l2 = gm.next @fmnist : tensor<2x1x28x28xf32>, tensor<2xi32>
    }
  }

  // CHECK-LABEL: gm.phase eval @test
  gm.phase eval @test {
    %x, %label = gm.next @fmnist : tensor<2x1x28x28xf32>, tensor<2xi32>
    %s = gm.reduce_mean %x dims [0, 1, 2, 3] : tensor<2x1x28x28xf32> -> tensor<f32>
    gm.report "mean", %s : tensor<f32>
    %f = gm.reshape %x : tensor<2x1x28x28xf32> -> tensor<2x784xf32>
    // CHECK: gm.statistic "fid" "frechet_distance"(%{{.*}}, %{{.*}}) : tensor<2x784xf32>, tensor<2x784xf32>
    gm.statistic "fid" "frechet_distance" (%f, %f) : tensor<2x784xf32>, tensor<2x784xf32>
    %lf = gm.cast %label : tensor<2xi32> to tensor<2xf32>
    // CHECK: gm.statistic "classes" "distinct"(%{{.*}}) : tensor<2xf32>
    gm.statistic "classes" "distinct" (%lf) : tensor<2xf32>
  }

  // CHECK-LABEL: gm.sampler @sample() -> tensor<2x1x4x4xf32>
  gm.sampler @sample() -> tensor<2x1x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x1x4x4xf32>
    // CHECK: gm.autoregressive %{{.*}} over [4, 4] : tensor<2x1x4x4xf32> {
    // CHECK-NEXT: ^bb0(%{{.*}}: tensor<2x1x4x4xf32>):
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x1x4x4xf32> {
    ^bb0(%canvas: tensor<2x1x4x4xf32>):
      %p = gm.sigmoid %canvas : tensor<2x1x4x4xf32>
      %s = gm.bernoulli %p {id = 1 : i64} : tensor<2x1x4x4xf32>
      // CHECK: gm.yield %{{.*}} : tensor<2x1x4x4xf32>
      gm.yield %s : tensor<2x1x4x4xf32>
    }
    gm.return %img : tensor<2x1x4x4xf32>
  }
}

// CHECK-LABEL: gm.model @math
gm.model @math {
  // CHECK-LABEL: gm.net @elementwise
  gm.net @elementwise(%x: tensor<2x3xf32>, %v: tensor<3xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
    // CHECK: gm.constant dense<5.000000e-01> : tensor<f32>
    %half = gm.constant dense<0.5> : tensor<f32>
    // CHECK: gm.stop_gradient %{{.*}} : tensor<2x3xf32>
    %sg = gm.stop_gradient %x : tensor<2x3xf32>
    // CHECK: gm.cast %{{.*}} : tensor<2x3xi32> to tensor<2x3xf32>
    %c = gm.cast %i : tensor<2x3xi32> to tensor<2x3xf32>
    // CHECK: gm.neg
    %0 = gm.neg %x : tensor<2x3xf32>
    // CHECK: gm.abs
    %1 = gm.abs %0 : tensor<2x3xf32>
    // CHECK: gm.sign
    %2 = gm.sign %1 : tensor<2x3xf32>
    // CHECK: gm.exp
    %3 = gm.exp %2 : tensor<2x3xf32>
    // CHECK: gm.log
    %4 = gm.log %3 : tensor<2x3xf32>
    // CHECK: gm.log1p
    %5 = gm.log1p %4 : tensor<2x3xf32>
    // CHECK: gm.sqrt
    %6 = gm.sqrt %5 : tensor<2x3xf32>
    // CHECK: gm.rsqrt
    %7 = gm.rsqrt %6 : tensor<2x3xf32>
    // CHECK: gm.square
    %8 = gm.square %7 : tensor<2x3xf32>
    // CHECK: gm.reciprocal
    %9 = gm.reciprocal %8 : tensor<2x3xf32>
    // CHECK: gm.tanh
    %10 = gm.tanh %9 : tensor<2x3xf32>
    // CHECK: gm.sigmoid
    %11 = gm.sigmoid %10 : tensor<2x3xf32>
    // CHECK: gm.softplus
    %12 = gm.softplus %11 : tensor<2x3xf32>
    // CHECK: gm.relu
    %13 = gm.relu %12 : tensor<2x3xf32>
    // CHECK: gm.floor
    %14 = gm.floor %13 : tensor<2x3xf32>
    // CHECK: gm.round
    %15 = gm.round %14 : tensor<2x3xf32>
    // CHECK: gm.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f64} : tensor<2x3xf32>
    %16 = gm.leaky_relu %15 {alpha = 0.2 : f64} : tensor<2x3xf32>
    // CHECK: gm.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    %17 = gm.add %16, %v : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    // CHECK: gm.sub
    %18 = gm.sub %17, %half : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    // CHECK: gm.mul
    %19 = gm.mul %18, %sg : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    // CHECK: gm.div
    %20 = gm.div %19, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    // CHECK: gm.pow
    %21 = gm.pow %20, %half : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    // CHECK: gm.maximum
    %22 = gm.maximum %21, %half : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    // CHECK: gm.minimum
    %23 = gm.minimum %22, %half : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    // CHECK: gm.compare gt, %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
    %pos = gm.compare gt, %23, %half : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
    // CHECK: gm.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    %24 = gm.select %pos, %23, %half : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    // CHECK: gm.add %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
    %25 = gm.add %i, %i : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
    gm.return %24 : tensor<2x3xf32>
  }

  // CHECK-LABEL: gm.net @reductions
  gm.net @reductions(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
    // CHECK: gm.reduce_sum %{{.*}} dims [1] keepdim : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
    %0 = gm.reduce_sum %x dims [1] keepdim : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
    // CHECK: gm.reduce_mean %{{.*}} dims [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
    %1 = gm.reduce_mean %x dims [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
    // CHECK: gm.reduce_max %{{.*}} dims [2] : tensor<2x3x4xf32> -> tensor<2x3xf32>
    %2 = gm.reduce_max %x dims [2] : tensor<2x3x4xf32> -> tensor<2x3xf32>
    gm.return %0 : tensor<2x1x4xf32>
  }
}

// CHECK-LABEL: gm.model @nn
gm.model @nn {
  // CHECK-LABEL: gm.net @convolutions
  gm.net @convolutions(%x: tensor<2x1x28x28xf32>, %w: tensor<32x1x4x4xf32>, %dy: tensor<2x32x14x14xf32>,
                       %h: tensor<2x64x7x7xf32>, %wt: tensor<64x32x4x4xf32>, %wm: tensor<8x1x3x3xf32>) -> tensor<2x32x14x14xf32> {
    // CHECK: gm.conv2d %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x1x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x14x14xf32>
    %y = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x14x14xf32>
    // CHECK: gm.conv2d %{{.*}}, %{{.*}} {mask = dense<{{\[\[}}true, true, true], [true, false, false], [false, false, false]]> : tensor<3x3xi1>, padding = array<i64: 1, 1, 1, 1>}
    %m = gm.conv2d %x, %wm {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, false, false], [false, false, false]]> : tensor<3x3xi1>} : (tensor<2x1x28x28xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x28x28xf32>
    // CHECK: gm.conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 2, 2>, groups = 2 : i64}
    %g = gm.conv2d %h, %wt {dilation = array<i64: 2, 2>, groups = 2 : i64} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x64x1x1xf32>
    // CHECK: gm.conv2d_backward_data %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x32x14x14xf32>, tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32>
    %dx = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x14x14xf32>, tensor<32x1x4x4xf32>) -> tensor<2x1x28x28xf32>
    // CHECK: gm.conv2d_backward_weights %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x1x28x28xf32>, tensor<2x32x14x14xf32>) -> tensor<32x1x4x4xf32>
    %dw = gm.conv2d_backward_weights %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x28x28xf32>, tensor<2x32x14x14xf32>) -> tensor<32x1x4x4xf32>
    // CHECK: gm.conv_transpose2d %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x32x14x14xf32>
    %t = gm.conv_transpose2d %h, %wt {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x32x14x14xf32>
    // CHECK: gm.conv_transpose2d %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
    %o = gm.conv_transpose2d %h, %wt {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<2x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<2x32x15x15xf32>
    gm.return %t : tensor<2x32x14x14xf32>
  }

  // CHECK-LABEL: gm.net @matmuls
  gm.net @matmuls(%a: tensor<8x4x5xf32>, %b: tensor<8x6x5xf32>, %c: tensor<5x4xf64>) -> tensor<8x4x6xf32> {
    // CHECK: gm.matmul %{{.*}}, %{{.*}} {transpose_rhs} : (tensor<8x4x5xf32>, tensor<8x6x5xf32>) -> tensor<8x4x6xf32>
    %0 = gm.matmul %a, %b {transpose_rhs} : (tensor<8x4x5xf32>, tensor<8x6x5xf32>) -> tensor<8x4x6xf32>
    // CHECK: gm.matmul %{{.*}}, %{{.*}} {transpose_lhs} : (tensor<5x4xf64>, tensor<5x4xf64>) -> tensor<4x4xf64>
    %1 = gm.matmul %c, %c {transpose_lhs} : (tensor<5x4xf64>, tensor<5x4xf64>) -> tensor<4x4xf64>
    gm.return %0 : tensor<8x4x6xf32>
  }

  // CHECK-LABEL: gm.net @batch_norms
  gm.net @batch_norms(%x: tensor<2x4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
    // CHECK: gm.batch_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
    %y, %mean, %var = gm.batch_norm %x, %g, %b : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
    // CHECK: gm.batch_norm_inference %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f64}
    %e = gm.batch_norm_inference %x, %g, %b, %mean, %var {epsilon = 1.0e-3 : f64} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
    // CHECK: gm.batch_norm_backward
    %dx, %dg, %db = gm.batch_norm_backward %y, %x, %g, %mean, %var : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
    gm.return %e : tensor<2x4x3x3xf32>
  }

  // CHECK-LABEL: gm.net @classification
  gm.net @classification(%logits: tensor<2x10xf32>, %labels: tensor<2xi32>) -> tensor<2x10xf32> {
    // CHECK: gm.softmax %{{.*}} axis 1 : tensor<2x10xf32>
    %p = gm.softmax %logits axis 1 : tensor<2x10xf32>
    // CHECK: gm.log_softmax %{{.*}} axis 1 : tensor<2x10xf32>
    %lp = gm.log_softmax %logits axis 1 : tensor<2x10xf32>
    // CHECK: gm.one_hot %{{.*}} classes 10 : tensor<2xi32> -> tensor<2x10xf32>
    %t = gm.one_hot %labels classes 10 : tensor<2xi32> -> tensor<2x10xf32>
    // CHECK: gm.one_hot %{{.*}} classes 3 {axis = 0 : i64} : tensor<2xi32> -> tensor<3x2xf64>
    %t0 = gm.one_hot %labels classes 3 {axis = 0 : i64} : tensor<2xi32> -> tensor<3x2xf64>
    // CHECK: gm.argmax %{{.*}} axis 1 : tensor<2x10xf32> -> tensor<2xi32>
    %c = gm.argmax %logits axis 1 : tensor<2x10xf32> -> tensor<2xi32>
    gm.return %p : tensor<2x10xf32>
  }

  // CHECK-LABEL: gm.net @quantization
  gm.net @quantization(%z: tensor<2x7x7x32xf32>, %codebook: tensor<64x32xf32>) -> tensor<2x7x7x32xf32> {
    // CHECK: gm.nearest %{{.*}}, %{{.*}} : (tensor<2x7x7x32xf32>, tensor<64x32xf32>) -> tensor<2x7x7xi32>
    %codes = gm.nearest %z, %codebook : (tensor<2x7x7x32xf32>, tensor<64x32xf32>) -> tensor<2x7x7xi32>
    // CHECK: gm.lookup %{{.*}}, %{{.*}} : (tensor<64x32xf32>, tensor<2x7x7xi32>) -> tensor<2x7x7x32xf32>
    %e = gm.lookup %codebook, %codes : (tensor<64x32xf32>, tensor<2x7x7xi32>) -> tensor<2x7x7x32xf32>
    gm.return %e : tensor<2x7x7x32xf32>
  }
}

// CHECK-LABEL: gm.model @shapes
gm.model @shapes {
  // CHECK-LABEL: gm.net @moves
  gm.net @moves(%x: tensor<2x64x7x7xf32>, %y: tensor<2x32x7x7xf32>, %b: tensor<32x1x1xf32>) -> tensor<2x96x7x7xf32> {
    // CHECK: gm.reshape %{{.*}} : tensor<2x64x7x7xf32> -> tensor<2x3136xf32>
    %flat = gm.reshape %x : tensor<2x64x7x7xf32> -> tensor<2x3136xf32>
    // CHECK: gm.transpose %{{.*}} perm [0, 2, 3, 1] : tensor<2x64x7x7xf32> -> tensor<2x7x7x64xf32>
    %t = gm.transpose %x perm [0, 2, 3, 1] : tensor<2x64x7x7xf32> -> tensor<2x7x7x64xf32>
    // CHECK: gm.broadcast %{{.*}} : tensor<32x1x1xf32> -> tensor<2x32x7x7xf32>
    %bb = gm.broadcast %b : tensor<32x1x1xf32> -> tensor<2x32x7x7xf32>
    // CHECK: gm.concat %{{.*}}, %{{.*}} axis 1 : (tensor<2x64x7x7xf32>, tensor<2x32x7x7xf32>) -> tensor<2x96x7x7xf32>
    %c = gm.concat %x, %y axis 1 : (tensor<2x64x7x7xf32>, tensor<2x32x7x7xf32>) -> tensor<2x96x7x7xf32>
    // CHECK: gm.slice %{{.*}} offsets [0, 0, 0, 0] sizes [2, 32, 7, 7] : tensor<2x64x7x7xf32> -> tensor<2x32x7x7xf32>
    %s = gm.slice %x offsets [0, 0, 0, 0] sizes [2, 32, 7, 7] : tensor<2x64x7x7xf32> -> tensor<2x32x7x7xf32>
    // CHECK: gm.slice %{{.*}} offsets [0, 0, 1, 1] sizes [2, 64, 3, 3] strides [1, 1, 2, 2] : tensor<2x64x7x7xf32> -> tensor<2x64x3x3xf32>
    %ss = gm.slice %x offsets [0, 0, 1, 1] sizes [2, 64, 3, 3] strides [1, 1, 2, 2] : tensor<2x64x7x7xf32> -> tensor<2x64x3x3xf32>
    // CHECK: gm.pad %{{.*}} low [0, 0, 1, 0] high [0, 0, 0, 0] : tensor<2x64x7x7xf32> -> tensor<2x64x8x7xf32>
    %p = gm.pad %x low [0, 0, 1, 0] high [0, 0, 0, 0] : tensor<2x64x7x7xf32> -> tensor<2x64x8x7xf32>
    // CHECK: gm.pad %{{.*}} low [0, 0, 1, 1] high [0, 0, 1, 1] interior [0, 0, 1, 1] {value = -1.000000e+00 : f64} : tensor<2x64x3x3xf32> -> tensor<2x64x7x7xf32>
    %pi = gm.pad %ss low [0, 0, 1, 1] high [0, 0, 1, 1] interior [0, 0, 1, 1] {value = -1.0 : f64} : tensor<2x64x3x3xf32> -> tensor<2x64x7x7xf32>
    // CHECK: gm.upsample %{{.*}} scale [2, 2] : tensor<2x32x7x7xf32> -> tensor<2x32x14x14xf32>
    %u = gm.upsample %y scale [2, 2] : tensor<2x32x7x7xf32> -> tensor<2x32x14x14xf32>
    // CHECK: gm.reorder %{{.*}} to "blocked" : tensor<2x32x14x14xf32>
    %ub = gm.reorder %u to "blocked" : tensor<2x32x14x14xf32>
    gm.return %c : tensor<2x96x7x7xf32>
  }
}

// CHECK-LABEL: gm.model @random
gm.model @random {
  // CHECK-LABEL: gm.sampler @draw() -> (tensor<2x20xf32>, tensor<2x28x28xi32>)
  gm.sampler @draw() -> (tensor<2x20xf32>, tensor<2x28x28xi32>) {
    // CHECK: gm.normal {id = 0 : i64} : tensor<2x20xf32>
    %n = gm.normal {id = 0 : i64} : tensor<2x20xf32>
    // CHECK: gm.uniform {high = 2.000000e+00 : f64, id = 1 : i64, low = -1.000000e+00 : f64} : tensor<2x1x1x1xf32>
    %u = gm.uniform {id = 1 : i64, low = -1.0 : f64, high = 2.0 : f64} : tensor<2x1x1x1xf32>
    // CHECK: gm.uniform {id = 4 : i64} : tensor<3xbf16>
    %ub = gm.uniform {id = 4 : i64} : tensor<3xbf16>
    // CHECK: gm.bernoulli %{{.*}} {id = 2 : i64} : tensor<2x1x1x1xf32>
    %b = gm.bernoulli %u {id = 2 : i64} : tensor<2x1x1x1xf32>
    %logits = gm.constant dense<0.0> : tensor<2x256x28x28xf32>
    // CHECK: gm.categorical %{{.*}} axis 1 {id = 3 : i64} : tensor<2x256x28x28xf32> -> tensor<2x28x28xi32>
    %c = gm.categorical %logits axis 1 {id = 3 : i64} : tensor<2x256x28x28xf32> -> tensor<2x28x28xi32>
    gm.return %n, %c : tensor<2x20xf32>, tensor<2x28x28xi32>
  }
}

// gm.fused holds elementwise ops of one shape; its inputs broadcast.
// CHECK-LABEL: gm.model @fused
gm.model @fused {
  gm.sampler @s() -> (tensor<2x3xf32>, tensor<2x3xf32>) {
    %x = gm.normal {id = 0 : i64} : tensor<2x3xf32>
    %b = gm.normal {id = 1 : i64} : tensor<3xf32>
    // CHECK: %{{.*}}:2 = gm.fused(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
    // CHECK-NEXT: ^bb0(%{{.*}}: tensor<2x3xf32>, %{{.*}}: tensor<3xf32>):
    // CHECK: gm.yield %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2x3xf32>
    %y:2 = gm.fused(%x, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
    ^bb0(%a: tensor<2x3xf32>, %c: tensor<3xf32>):
      %0 = gm.add %a, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %1 = gm.sigmoid %0 : tensor<2x3xf32>
      gm.yield %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
    }
    gm.return %y#0, %y#1 : tensor<2x3xf32>, tensor<2x3xf32>
  }
}

// Hyper-parameters print in the shortest form that reads back exactly.
// CHECK-LABEL: gm.model @hyperparameters
gm.model @hyperparameters {
  // CHECK: gm.param @tiny : tensor<2xf32> = #gm.uniform<-1.0e-20, 3.0e+20>
  gm.param @tiny : tensor<2xf32> = #gm.uniform<-1.0e-20, 3.0e+20>
  // CHECK: gm.param @third : tensor<2xf32> = #gm.fill<0.3333333333333333>
  gm.param @third : tensor<2xf32> = #gm.fill<0.333333333333333314829616256247>
}
