// Gradients of gradients against finite differences in f64: each net below
// contains a gm.grad, and the check differentiates it again (the double
// backward of WGAN-GP's gradient penalty).
// RUN: gm-eval %s --gradcheck-all | FileCheck %s
// CHECK-NOT: FAILED

gm.model @second_order {
  // WGAN-GP: penalty = mean((|dD(x)/dx|_2 - 1)^2) for a critic
  // D = linear(leaky_relu(conv(x) + b)), differentiated with respect to the
  // input and every weight.
  // CHECK: gradcheck @penalty argument #0 (tensor<2x1x6x6xf64>){{.*}}: ok
  // CHECK: gradcheck @penalty argument #1 (tensor<3x1x4x4xf64>){{.*}}: ok
  // CHECK: gradcheck @penalty argument #2 (tensor<3xf64>){{.*}}: ok
  // CHECK: gradcheck @penalty argument #3 (tensor<1x27xf64>){{.*}}: ok
  gm.net @penalty(%x: tensor<2x1x6x6xf64>, %w: tensor<3x1x4x4xf64>, %b: tensor<3xf64>, %v: tensor<1x27xf64>) -> tensor<f64> {
    %c = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x6x6xf64>, tensor<3x1x4x4xf64>) -> tensor<2x3x3x3xf64>
    %br = gm.reshape %b : tensor<3xf64> -> tensor<3x1x1xf64>
    %a = gm.add %c, %br : (tensor<2x3x3x3xf64>, tensor<3x1x1xf64>) -> tensor<2x3x3x3xf64>
    %h = gm.leaky_relu %a {alpha = 0.2 : f64} : tensor<2x3x3x3xf64>
    %f = gm.reshape %h : tensor<2x3x3x3xf64> -> tensor<2x27xf64>
    %d = gm.matmul %f, %v {transpose_rhs} : (tensor<2x27xf64>, tensor<1x27xf64>) -> tensor<2x1xf64>
    %s = gm.reduce_sum %d dims [0, 1] : tensor<2x1xf64> -> tensor<f64>
    %g = gm.grad %s wrt %x : tensor<f64> wrt tensor<2x1x6x6xf64>
    %g2 = gm.square %g : tensor<2x1x6x6xf64>
    %n2 = gm.reduce_sum %g2 dims [1, 2, 3] : tensor<2x1x6x6xf64> -> tensor<2xf64>
    %n = gm.sqrt %n2 : tensor<2xf64>
    %one = gm.constant dense<1.0> : tensor<f64>
    %e = gm.sub %n, %one : (tensor<2xf64>, tensor<f64>) -> tensor<2xf64>
    %e2 = gm.square %e : tensor<2xf64>
    %p = gm.reduce_mean %e2 dims [0] : tensor<2xf64> -> tensor<f64>
    gm.return %p : tensor<f64>
  }

  // With leaky_relu the critic is piecewise linear, so the penalty is
  // piecewise constant in x and the bias (zero gradients, checked above); a
  // smooth critic makes every second derivative non-zero.
  // CHECK: gradcheck @penalty_smooth argument #0 {{.*}}: ok
  // CHECK: gradcheck @penalty_smooth argument #1 {{.*}}: ok
  // CHECK: gradcheck @penalty_smooth argument #2 {{.*}}: ok
  // CHECK: gradcheck @penalty_smooth argument #3 {{.*}}: ok
  gm.net @penalty_smooth(%x: tensor<2x1x6x6xf64>, %w: tensor<3x1x4x4xf64>, %b: tensor<3xf64>, %v: tensor<1x27xf64>) -> tensor<f64> {
    %c = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x6x6xf64>, tensor<3x1x4x4xf64>) -> tensor<2x3x3x3xf64>
    %br = gm.reshape %b : tensor<3xf64> -> tensor<3x1x1xf64>
    %a = gm.add %c, %br : (tensor<2x3x3x3xf64>, tensor<3x1x1xf64>) -> tensor<2x3x3x3xf64>
    %h = gm.tanh %a : tensor<2x3x3x3xf64>
    %f = gm.reshape %h : tensor<2x3x3x3xf64> -> tensor<2x27xf64>
    %d = gm.matmul %f, %v {transpose_rhs} : (tensor<2x27xf64>, tensor<1x27xf64>) -> tensor<2x1xf64>
    %s = gm.reduce_sum %d dims [0, 1] : tensor<2x1xf64> -> tensor<f64>
    %g = gm.grad %s wrt %x : tensor<f64> wrt tensor<2x1x6x6xf64>
    %g2 = gm.square %g : tensor<2x1x6x6xf64>
    %n2 = gm.reduce_sum %g2 dims [1, 2, 3] : tensor<2x1x6x6xf64> -> tensor<2xf64>
    %n = gm.sqrt %n2 : tensor<2xf64>
    %one = gm.constant dense<1.0> : tensor<f64>
    %e = gm.sub %n, %one : (tensor<2xf64>, tensor<f64>) -> tensor<2xf64>
    %e2 = gm.square %e : tensor<2xf64>
    %p = gm.reduce_mean %e2 dims [0] : tensor<2xf64> -> tensor<f64>
    gm.return %p : tensor<f64>
  }

  // The gradient of a smooth elementwise chain, differentiated again:
  // exercises the rules of the gradient's own ops (tanh', mul, sigmoid').
  // CHECK: gradcheck @hessian_vector argument #0 {{.*}}: ok
  gm.net @hessian_vector(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {
    %t = gm.tanh %x : tensor<3x4xf64>
    %s = gm.sigmoid %x : tensor<3x4xf64>
    %m = gm.mul %t, %s : (tensor<3x4xf64>, tensor<3x4xf64>) -> tensor<3x4xf64>
    %l = gm.reduce_sum %m dims [0, 1] : tensor<3x4xf64> -> tensor<f64>
    %g = gm.grad %l wrt %x : tensor<f64> wrt tensor<3x4xf64>
    gm.return %g : tensor<3x4xf64>
  }

  // Second order through softmax, batch-norm inference, pad/slice and a
  // transposed convolution.
  // CHECK: gradcheck @mixed argument #0 {{.*}}: ok
  // CHECK: gradcheck @mixed argument #1 {{.*}}: ok
  gm.net @mixed(%x: tensor<1x2x3x3xf64>, %w: tensor<2x2x2x2xf64>) -> tensor<1x2x6x6xf64> {
    %y = gm.conv_transpose2d %x, %w {stride = array<i64: 2, 2>} : (tensor<1x2x3x3xf64>, tensor<2x2x2x2xf64>) -> tensor<1x2x6x6xf64>
    %p = gm.softmax %y axis 1 : tensor<1x2x6x6xf64>
    %q = gm.pad %p low [0, 0, 1, 0] high [0, 0, 0, 0] : tensor<1x2x6x6xf64> -> tensor<1x2x7x6xf64>
    %r = gm.slice %q offsets [0, 0, 0, 0] sizes [1, 2, 6, 6] : tensor<1x2x7x6xf64> -> tensor<1x2x6x6xf64>
    %m = gm.mul %r, %y : (tensor<1x2x6x6xf64>, tensor<1x2x6x6xf64>) -> tensor<1x2x6x6xf64>
    %l = gm.reduce_sum %m dims [0, 1, 2, 3] : tensor<1x2x6x6xf64> -> tensor<f64>
    %gx, %gw = gm.grad %l wrt %x, %w : tensor<f64> wrt tensor<1x2x3x3xf64>, tensor<2x2x2x2xf64>
    %gw2 = gm.reduce_sum %gw dims [0, 1, 2, 3] : tensor<2x2x2x2xf64> -> tensor<f64>
    %o = gm.mul %m, %gw2 : (tensor<1x2x6x6xf64>, tensor<f64>) -> tensor<1x2x6x6xf64>
    gm.return %o : tensor<1x2x6x6xf64>
  }
}
