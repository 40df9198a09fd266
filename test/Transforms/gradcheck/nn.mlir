// Gradients of matmul, the convolutions (strides, asymmetric padding,
// dilation, groups, masks), batch norm, softmax and lookup against central
// finite differences in f64.
// RUN: gm-eval %s --gradcheck-all | FileCheck %s
// CHECK-NOT: FAILED

gm.model @nn {
  // CHECK: gradcheck @matmul argument #0 {{.*}}: ok
  // CHECK: gradcheck @matmul argument #1 {{.*}}: ok
  gm.net @matmul(%a: tensor<3x4xf64>, %b: tensor<4x5xf64>) -> tensor<3x5xf64> {
    %y = gm.matmul %a, %b : (tensor<3x4xf64>, tensor<4x5xf64>) -> tensor<3x5xf64>
    gm.return %y : tensor<3x5xf64>
  }
  // CHECK: gradcheck @matmul_transposed argument #0 {{.*}}: ok
  // CHECK: gradcheck @matmul_transposed argument #1 {{.*}}: ok
  gm.net @matmul_transposed(%a: tensor<4x3xf64>, %b: tensor<5x4xf64>) -> tensor<3x5xf64> {
    %y = gm.matmul %a, %b {transpose_lhs, transpose_rhs} : (tensor<4x3xf64>, tensor<5x4xf64>) -> tensor<3x5xf64>
    gm.return %y : tensor<3x5xf64>
  }
  // CHECK: gradcheck @matmul_lhs_transposed argument #0 {{.*}}: ok
  // CHECK: gradcheck @matmul_lhs_transposed argument #1 {{.*}}: ok
  gm.net @matmul_lhs_transposed(%a: tensor<4x3xf64>, %b: tensor<4x5xf64>) -> tensor<3x5xf64> {
    %y = gm.matmul %a, %b {transpose_lhs} : (tensor<4x3xf64>, tensor<4x5xf64>) -> tensor<3x5xf64>
    gm.return %y : tensor<3x5xf64>
  }
  // CHECK: gradcheck @matmul_batched argument #0 {{.*}}: ok
  // CHECK: gradcheck @matmul_batched argument #1 {{.*}}: ok
  gm.net @matmul_batched(%a: tensor<2x3x4xf64>, %b: tensor<2x5x4xf64>) -> tensor<2x3x5xf64> {
    %y = gm.matmul %a, %b {transpose_rhs} : (tensor<2x3x4xf64>, tensor<2x5x4xf64>) -> tensor<2x3x5xf64>
    gm.return %y : tensor<2x3x5xf64>
  }

  // CHECK: gradcheck @conv2d_strided argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv2d_strided argument #1 {{.*}}: ok
  gm.net @conv2d_strided(%x: tensor<2x2x7x6xf64>, %w: tensor<3x2x3x2xf64>) -> tensor<2x3x4x3xf64> {
    %y = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 1>} : (tensor<2x2x7x6xf64>, tensor<3x2x3x2xf64>) -> tensor<2x3x4x3xf64>
    gm.return %y : tensor<2x3x4x3xf64>
  }
  // CHECK: gradcheck @conv2d_dilated_grouped argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv2d_dilated_grouped argument #1 {{.*}}: ok
  gm.net @conv2d_dilated_grouped(%x: tensor<1x4x6x6xf64>, %w: tensor<6x2x3x3xf64>) -> tensor<1x6x4x4xf64> {
    %y = gm.conv2d %x, %w {dilation = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x4x6x6xf64>, tensor<6x2x3x3xf64>) -> tensor<1x6x4x4xf64>
    gm.return %y : tensor<1x6x4x4xf64>
  }
  // PixelCNN's mask A on a 3x3 kernel.
  // CHECK: gradcheck @conv2d_masked argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv2d_masked argument #1 {{.*}}: ok
  gm.net @conv2d_masked(%x: tensor<2x1x5x5xf64>, %w: tensor<2x1x3x3xf64>) -> tensor<2x2x5x5xf64> {
    %y = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, false, false], [false, false, false]]> : tensor<3x3xi1>} : (tensor<2x1x5x5xf64>, tensor<2x1x3x3xf64>) -> tensor<2x2x5x5xf64>
    gm.return %y : tensor<2x2x5x5xf64>
  }
  // CHECK: gradcheck @conv2d_backward_data argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv2d_backward_data argument #1 {{.*}}: ok
  gm.net @conv2d_backward_data(%dy: tensor<2x3x4x3xf64>, %w: tensor<3x2x3x2xf64>) -> tensor<2x2x7x6xf64> {
    %y = gm.conv2d_backward_data %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 1>, mask = dense<[[true, false], [true, true], [false, true]]> : tensor<3x2xi1>} : (tensor<2x3x4x3xf64>, tensor<3x2x3x2xf64>) -> tensor<2x2x7x6xf64>
    gm.return %y : tensor<2x2x7x6xf64>
  }
  // CHECK: gradcheck @conv2d_backward_weights argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv2d_backward_weights argument #1 {{.*}}: ok
  gm.net @conv2d_backward_weights(%x: tensor<1x4x6x6xf64>, %dy: tensor<1x6x4x4xf64>) -> tensor<6x2x3x3xf64> {
    %y = gm.conv2d_backward_weights %x, %dy {dilation = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x4x6x6xf64>, tensor<1x6x4x4xf64>) -> tensor<6x2x3x3xf64>
    gm.return %y : tensor<6x2x3x3xf64>
  }
  // CHECK: gradcheck @conv_transpose2d argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv_transpose2d argument #1 {{.*}}: ok
  gm.net @conv_transpose2d(%x: tensor<2x4x3x3xf64>, %w: tensor<4x1x4x4xf64>) -> tensor<2x2x6x6xf64> {
    %y = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<2x4x3x3xf64>, tensor<4x1x4x4xf64>) -> tensor<2x2x6x6xf64>
    gm.return %y : tensor<2x2x6x6xf64>
  }
  // CHECK: gradcheck @conv_transpose2d_output_padding argument #0 {{.*}}: ok
  // CHECK: gradcheck @conv_transpose2d_output_padding argument #1 {{.*}}: ok
  gm.net @conv_transpose2d_output_padding(%x: tensor<1x2x3x3xf64>, %w: tensor<2x3x3x3xf64>) -> tensor<1x3x6x6xf64> {
    %y = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<1x2x3x3xf64>, tensor<2x3x3x3xf64>) -> tensor<1x3x6x6xf64>
    gm.return %y : tensor<1x3x6x6xf64>
  }

  // Training-mode batch norm, through the output and the batch statistics.
  // CHECK: gradcheck @batch_norm argument #0 {{.*}}: ok
  // CHECK: gradcheck @batch_norm argument #1 {{.*}}: ok
  // CHECK: gradcheck @batch_norm argument #2 {{.*}}: ok
  gm.net @batch_norm(%x: tensor<3x2x2x2xf64>, %g: tensor<2xf64>, %b: tensor<2xf64>) -> tensor<3x2x2x2xf64> {
    %y, %m, %v = gm.batch_norm %x, %g, %b : (tensor<3x2x2x2xf64>, tensor<2xf64>, tensor<2xf64>) -> (tensor<3x2x2x2xf64>, tensor<2xf64>, tensor<2xf64>)
    %mr = gm.reshape %m : tensor<2xf64> -> tensor<2x1x1xf64>
    %vr = gm.reshape %v : tensor<2xf64> -> tensor<2x1x1xf64>
    %s = gm.add %mr, %vr : (tensor<2x1x1xf64>, tensor<2x1x1xf64>) -> tensor<2x1x1xf64>
    %z = gm.add %y, %s : (tensor<3x2x2x2xf64>, tensor<2x1x1xf64>) -> tensor<3x2x2x2xf64>
    gm.return %z : tensor<3x2x2x2xf64>
  }
  // CHECK: gradcheck @batch_norm_inference argument #0 {{.*}}: ok
  // CHECK: gradcheck @batch_norm_inference argument #4 {{.*}}: ok
  gm.net @batch_norm_inference(%x: tensor<4x3xf64>, %g: tensor<3xf64>, %b: tensor<3xf64>, %m: tensor<3xf64>, %lv: tensor<3xf64>) -> tensor<4x3xf64> {
    %v = gm.exp %lv : tensor<3xf64>
    %y = gm.batch_norm_inference %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f64} : (tensor<4x3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<4x3xf64>
    gm.return %y : tensor<4x3xf64>
  }

  // CHECK: gradcheck @softmax argument #0 {{.*}}: ok
  gm.net @softmax(%x: tensor<2x4x3xf64>) -> tensor<2x4x3xf64> {
    %y = gm.softmax %x axis 1 : tensor<2x4x3xf64>
    gm.return %y : tensor<2x4x3xf64>
  }
  // CHECK: gradcheck @log_softmax argument #0 {{.*}}: ok
  gm.net @log_softmax(%x: tensor<2x4x3xf64>) -> tensor<2x4x3xf64> {
    %y = gm.log_softmax %x axis 2 : tensor<2x4x3xf64>
    gm.return %y : tensor<2x4x3xf64>
  }
  // Rows gathered twice accumulate both gradients.
  // CHECK: gradcheck @lookup argument #0 {{.*}}: ok
  gm.net @lookup(%table: tensor<4x3xf64>) -> tensor<2x3x3xf64> {
    %i = gm.constant dense<[[0, 2, 2], [3, 0, 1]]> : tensor<2x3xi32>
    %y = gm.lookup %table, %i : (tensor<4x3xf64>, tensor<2x3xi32>) -> tensor<2x3x3xf64>
    gm.return %y : tensor<2x3x3xf64>
  }
}
