// The library ops (oneDNN), compiled for the CPU, against the reference
// evaluator: every result within 1e-4 (relative; gm-compare). Convolutions
// in the geometries the models use (strided, masked as in PixelCNN,
// grouped and dilated, with unused trailing rows), both gradients, the
// transposed convolution, convolutions and matmuls with a bias and
// activation epilogue, matmul in every transposition, batch norm and
// softmax.
// RUN: %compare-samplers %s %t | FileCheck %s

// CHECK-DAG: conv.npy: 2048 elements, {{.*}} ok
// CHECK-DAG: conv.3.npy: 128 elements, {{.*}} ok
// CHECK-DAG: conv_grads.npy: 3072 elements, {{.*}} ok
// CHECK-DAG: conv_grads.3.npy: 108 elements, {{.*}} ok
// CHECK-DAG: conv_transpose.1.npy: 1568 elements, {{.*}} ok
// CHECK-DAG: matmul.3.npy: 120 elements, {{.*}} ok
// CHECK-DAG: batch_norm.6.npy: 6 elements, {{.*}} ok
// CHECK-DAG: conv_epilogue.npy: 2048 elements, {{.*}} ok
// CHECK-DAG: conv_epilogue.1.npy: 2048 elements, {{.*}} ok
// CHECK-DAG: conv_epilogue.2.npy: 4096 elements, {{.*}} ok
// CHECK-DAG: matmul_epilogue.npy: 384 elements, {{.*}} ok
// CHECK-DAG: matmul_epilogue.1.npy: 144 elements, {{.*}} ok
// CHECK-DAG: matmul_epilogue.2.npy: 384 elements, {{.*}} ok
// CHECK-DAG: softmax.npy: 320 elements, {{.*}} ok
// CHECK-DAG: softmax.1.npy: 320 elements, {{.*}} ok
// CHECK-DAG: softmax.2.npy: 320 elements, {{.*}} ok
// CHECK-DAG: softmax.3.npy: 320 elements, {{.*}} ok
// CHECK-DAG: confident.npy: 256 elements, {{.*}} ok
// CHECK-DAG: confident.1.npy: 5 elements, {{.*}} ok
// CHECK-NOT: FAIL

gm.model @nn {
  gm.param @w : tensor<8x3x4x4xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @wm : tensor<6x2x3x3xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @wg : tensor<6x2x3x3xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @wr : tensor<4x3x3x3xf32> = #gm.uniform<-0.3, 0.3>

  gm.sampler @conv() -> (tensor<4x8x8x8xf32>, tensor<4x6x10x10xf32>, tensor<2x6x7x7xf32>, tensor<2x4x4x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x3x16x16xf32>
    %w = gm.load @w : tensor<8x3x4x4xf32>
    %0 = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x3x16x16xf32>, tensor<8x3x4x4xf32>) -> tensor<4x8x8x8xf32>
    %xm = gm.normal {id = 2 : i64} : tensor<4x2x10x10xf32>
    %wm = gm.load @wm : tensor<6x2x3x3xf32>
    %1 = gm.conv2d %xm, %wm {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, false, false], [false, false, false]]> : tensor<3x3xi1>} : (tensor<4x2x10x10xf32>, tensor<6x2x3x3xf32>) -> tensor<4x6x10x10xf32>
    %xg = gm.normal {id = 3 : i64} : tensor<2x4x9x9xf32>
    %wg = gm.load @wg : tensor<6x2x3x3xf32>
    %2 = gm.conv2d %xg, %wg {dilation = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x7x7xf32>
    // 10 rows, kernel 3, stride 2: the last row is never read.
    %xr = gm.normal {id = 4 : i64} : tensor<2x3x10x10xf32>
    %wr = gm.load @wr : tensor<4x3x3x3xf32>
    %3 = gm.conv2d %xr, %wr {stride = array<i64: 2, 2>} : (tensor<2x3x10x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
    gm.return %0, %1, %2, %3 : tensor<4x8x8x8xf32>, tensor<4x6x10x10xf32>, tensor<2x6x7x7xf32>, tensor<2x4x4x4xf32>
  }

  gm.sampler @conv_grads() -> (tensor<4x3x16x16xf32>, tensor<8x3x4x4xf32>, tensor<4x2x10x10xf32>, tensor<6x2x3x3xf32>, tensor<2x3x10x10xf32>) {
    %w = gm.load @w : tensor<8x3x4x4xf32>
    %x = gm.normal {id = 5 : i64} : tensor<4x3x16x16xf32>
    %dy = gm.normal {id = 6 : i64} : tensor<4x8x8x8xf32>
    %0 = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<4x3x16x16xf32>
    %1 = gm.conv2d_backward_weights %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x3x16x16xf32>, tensor<4x8x8x8xf32>) -> tensor<8x3x4x4xf32>
    %wm = gm.load @wm : tensor<6x2x3x3xf32>
    %xm = gm.normal {id = 7 : i64} : tensor<4x2x10x10xf32>
    %dym = gm.normal {id = 8 : i64} : tensor<4x6x10x10xf32>
    %2 = gm.conv2d_backward_data %dym, %wm {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, true, false], [false, false, false]]> : tensor<3x3xi1>} : (tensor<4x6x10x10xf32>, tensor<6x2x3x3xf32>) -> tensor<4x2x10x10xf32>
    %3 = gm.conv2d_backward_weights %xm, %dym {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, true, false], [false, false, false]]> : tensor<3x3xi1>} : (tensor<4x2x10x10xf32>, tensor<4x6x10x10xf32>) -> tensor<6x2x3x3xf32>
    %wr = gm.load @wr : tensor<4x3x3x3xf32>
    %dyr = gm.normal {id = 9 : i64} : tensor<2x4x4x4xf32>
    %4 = gm.conv2d_backward_data %dyr, %wr {stride = array<i64: 2, 2>} : (tensor<2x4x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x10x10xf32>
    gm.return %0, %1, %2, %3, %4 : tensor<4x3x16x16xf32>, tensor<8x3x4x4xf32>, tensor<4x2x10x10xf32>, tensor<6x2x3x3xf32>, tensor<2x3x10x10xf32>
  }

  gm.param @wt : tensor<8x4x4x4xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @wt3 : tensor<8x4x3x3xf32> = #gm.uniform<-0.3, 0.3>
  gm.sampler @conv_transpose() -> (tensor<2x4x14x14xf32>, tensor<2x4x14x14xf32>) {
    %h = gm.normal {id = 10 : i64} : tensor<2x8x7x7xf32>
    %wt = gm.load @wt : tensor<8x4x4x4xf32>
    %0 = gm.conv_transpose2d %h, %wt {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x7x7xf32>, tensor<8x4x4x4xf32>) -> tensor<2x4x14x14xf32>
    %wt3 = gm.load @wt3 : tensor<8x4x3x3xf32>
    %1 = gm.conv_transpose2d %h, %wt3 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<2x8x7x7xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x14x14xf32>
    gm.return %0, %1 : tensor<2x4x14x14xf32>, tensor<2x4x14x14xf32>
  }

  gm.sampler @matmul() -> (tensor<32x24xf32>, tensor<32x24xf32>, tensor<32x24xf32>, tensor<3x8x5xf32>) {
    %a = gm.normal {id = 11 : i64} : tensor<32x48xf32>
    %b = gm.normal {id = 12 : i64} : tensor<48x24xf32>
    %bt = gm.normal {id = 13 : i64} : tensor<24x48xf32>
    %at = gm.normal {id = 14 : i64} : tensor<48x32xf32>
    %0 = gm.matmul %a, %b : (tensor<32x48xf32>, tensor<48x24xf32>) -> tensor<32x24xf32>
    %1 = gm.matmul %a, %bt {transpose_rhs} : (tensor<32x48xf32>, tensor<24x48xf32>) -> tensor<32x24xf32>
    %2 = gm.matmul %at, %b {transpose_lhs} : (tensor<48x32xf32>, tensor<48x24xf32>) -> tensor<32x24xf32>
    %x = gm.normal {id = 15 : i64} : tensor<3x8x16xf32>
    %y = gm.normal {id = 16 : i64} : tensor<3x16x5xf32>
    %3 = gm.matmul %x, %y : (tensor<3x8x16xf32>, tensor<3x16x5xf32>) -> tensor<3x8x5xf32>
    gm.return %0, %1, %2, %3 : tensor<32x24xf32>, tensor<32x24xf32>, tensor<32x24xf32>, tensor<3x8x5xf32>
  }

  gm.param @scale : tensor<6xf32> = #gm.uniform<0.5, 1.5>
  gm.param @shift : tensor<6xf32> = #gm.uniform<-0.5, 0.5>
  gm.sampler @batch_norm() -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<8x6x5x5xf32>, tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) {
    %x = gm.normal {id = 17 : i64} : tensor<8x6x5x5xf32>
    %g = gm.load @scale : tensor<6xf32>
    %b = gm.load @shift : tensor<6xf32>
    %y, %mean, %var = gm.batch_norm %x, %g, %b : (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>)
    %e = gm.batch_norm_inference %x, %g, %b, %mean, %var {epsilon = 1.0e-3 : f64} : (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<8x6x5x5xf32>
    %dy = gm.normal {id = 18 : i64} : tensor<8x6x5x5xf32>
    %dx, %dg, %db = gm.batch_norm_backward %dy, %x, %g, %mean, %var : (tensor<8x6x5x5xf32>, tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>)
    gm.return %y, %mean, %var, %e, %dx, %dg, %db : tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<8x6x5x5xf32>, tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>
  }

  // Convolutions with their epilogues (gm-fuse): bias and relu, bias and
  // leaky relu, bias alone, each as one oneDNN convolution; in both of the
  // layouts the runtime may choose (1 and 3 input channels).
  gm.sampler @conv_epilogue() -> (tensor<4x8x8x8xf32>, tensor<4x8x8x8xf32>, tensor<4x16x8x8xf32>) {
    %x = gm.normal {id = 30 : i64} : tensor<4x3x16x16xf32>
    %w = gm.load @w : tensor<8x3x4x4xf32>
    %b = gm.normal {id = 31 : i64} : tensor<8x1x1xf32>
    %c0 = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x3x16x16xf32>, tensor<8x3x4x4xf32>) -> tensor<4x8x8x8xf32>
    %s0 = gm.add %c0, %b : (tensor<4x8x8x8xf32>, tensor<8x1x1xf32>) -> tensor<4x8x8x8xf32>
    %y0 = gm.relu %s0 : tensor<4x8x8x8xf32>
    %w1 = gm.normal {id = 35 : i64} : tensor<8x3x4x4xf32>
    %c1 = gm.conv2d %x, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x3x16x16xf32>, tensor<8x3x4x4xf32>) -> tensor<4x8x8x8xf32>
    %s1 = gm.add %c1, %b : (tensor<4x8x8x8xf32>, tensor<8x1x1xf32>) -> tensor<4x8x8x8xf32>
    %y1 = gm.leaky_relu %s1 {alpha = 2.000000e-01 : f64} : tensor<4x8x8x8xf32>
    %h = gm.normal {id = 32 : i64} : tensor<4x8x8x8xf32>
    %w2 = gm.normal {id = 33 : i64} : tensor<16x8x3x3xf32>
    %b2 = gm.normal {id = 34 : i64} : tensor<16x1x1xf32>
    %c2 = gm.conv2d %h, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<4x16x8x8xf32>
    %y2 = gm.add %c2, %b2 : (tensor<4x16x8x8xf32>, tensor<16x1x1xf32>) -> tensor<4x16x8x8xf32>
    gm.return %y0, %y1, %y2 : tensor<4x8x8x8xf32>, tensor<4x8x8x8xf32>, tensor<4x16x8x8xf32>
  }

  // Matmuls with their epilogues: a linear layer's bias and relu, bias and
  // leaky relu on a batched matmul, bias alone.
  gm.sampler @matmul_epilogue() -> (tensor<16x24xf32>, tensor<3x8x6xf32>, tensor<16x24xf32>) {
    %x = gm.normal {id = 40 : i64} : tensor<16x40xf32>
    %w = gm.normal {id = 41 : i64} : tensor<24x40xf32>
    %b = gm.normal {id = 42 : i64} : tensor<24xf32>
    %m0 = gm.matmul %x, %w {transpose_rhs} : (tensor<16x40xf32>, tensor<24x40xf32>) -> tensor<16x24xf32>
    %s0 = gm.add %m0, %b : (tensor<16x24xf32>, tensor<24xf32>) -> tensor<16x24xf32>
    %y0 = gm.relu %s0 : tensor<16x24xf32>
    %xs = gm.normal {id = 43 : i64} : tensor<3x5x8xf32>
    %ws = gm.normal {id = 44 : i64} : tensor<3x5x6xf32>
    %bs = gm.normal {id = 45 : i64} : tensor<6xf32>
    %m1 = gm.matmul %xs, %ws {transpose_lhs} : (tensor<3x5x8xf32>, tensor<3x5x6xf32>) -> tensor<3x8x6xf32>
    %s1 = gm.add %bs, %m1 : (tensor<6xf32>, tensor<3x8x6xf32>) -> tensor<3x8x6xf32>
    %y1 = gm.leaky_relu %s1 {alpha = 2.000000e-01 : f64} : tensor<3x8x6xf32>
    %m2 = gm.matmul %x, %w {transpose_rhs} : (tensor<16x40xf32>, tensor<24x40xf32>) -> tensor<16x24xf32>
    %y2 = gm.add %m2, %b : (tensor<16x24xf32>, tensor<24xf32>) -> tensor<16x24xf32>
    gm.return %y0, %y1, %y2 : tensor<16x24xf32>, tensor<3x8x6xf32>, tensor<16x24xf32>
  }

  // Softmax over an inner axis and log-softmax over any, expanded into
  // loops (gm-expand-softmax); softmax over the innermost, oneDNN's.
  gm.sampler @softmax() -> (tensor<8x10x4xf32>, tensor<8x10x4xf32>, tensor<8x10x4xf32>, tensor<8x10x4xf32>) {
    %x = gm.normal {id = 19 : i64} : tensor<8x10x4xf32>
    %big = gm.constant dense<30.0> : tensor<f32>
    %xs = gm.mul %x, %big : (tensor<8x10x4xf32>, tensor<f32>) -> tensor<8x10x4xf32>
    %0 = gm.softmax %xs axis 1 : tensor<8x10x4xf32>
    %1 = gm.log_softmax %x axis 2 : tensor<8x10x4xf32>
    %2 = gm.log_softmax %xs axis 1 : tensor<8x10x4xf32>
    %3 = gm.softmax %x axis 2 : tensor<8x10x4xf32>
    gm.return %0, %1, %2, %3 : tensor<8x10x4xf32>, tensor<8x10x4xf32>, tensor<8x10x4xf32>, tensor<8x10x4xf32>
  }

  // Log-probabilities near 0 (a confident class) and over an axis of one,
  // where oneDNN's log-softmax was 0.7% and 1.4e-6 off.
  gm.sampler @confident() -> (tensor<64x4xf32>, tensor<5x1xf32>) {
    %x = gm.normal {id = 20 : i64} : tensor<64x4xf32>
    %shift = gm.constant dense<[[9.0, 0.0, 0.0, 0.0]]> : tensor<1x4xf32>
    %y = gm.add %x, %shift : (tensor<64x4xf32>, tensor<1x4xf32>) -> tensor<64x4xf32>
    %0 = gm.log_softmax %y axis 1 : tensor<64x4xf32>
    %z = gm.normal {id = 21 : i64} : tensor<5x1xf32>
    %1 = gm.log_softmax %z axis 1 : tensor<5x1xf32>
    gm.return %0, %1 : tensor<64x4xf32>, tensor<5x1xf32>
  }
}
