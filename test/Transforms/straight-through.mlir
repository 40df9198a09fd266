// The straight-through estimator of VQ-VAE, zq = z + stop_gradient(e - z):
// the forward value is the quantized e, the gradient the identity.
// RUN: gm-opt %s -gm-autodiff -gm-expand-optimizers > %t
// RUN: gm-eval %t --phase=step --print-variables=z | FileCheck %s

// z = 0.3 everywhere is nearest to the code [0.5, 0.5]: zq sums to 8 x 0.5.
// CHECK: step 0: zq_sum=4
// d loss / d z = c exactly, so one SGD step with lr 1 gives z = 0.3 - c.
// CHECK: @z = tensor<4x2xf64> {{\[\[}}-0.7, -1.7], [-2.7, -3.7], [0.3, 0.8], [1.3, 1.8]]
gm.model @vq {
  gm.param @z : tensor<4x2xf64> = #gm.fill<0.3>
  gm.phase train @step {
    %z = gm.load @z : tensor<4x2xf64>
    %book = gm.constant dense<[[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]> : tensor<3x2xf64>
    %codes = gm.nearest %z, %book : (tensor<4x2xf64>, tensor<3x2xf64>) -> tensor<4xi32>
    %e = gm.lookup %book, %codes : (tensor<3x2xf64>, tensor<4xi32>) -> tensor<4x2xf64>
    %d = gm.sub %e, %z : (tensor<4x2xf64>, tensor<4x2xf64>) -> tensor<4x2xf64>
    %sg = gm.stop_gradient %d : tensor<4x2xf64>
    %zq = gm.add %z, %sg : (tensor<4x2xf64>, tensor<4x2xf64>) -> tensor<4x2xf64>
    %sum = gm.reduce_sum %zq dims [0, 1] : tensor<4x2xf64> -> tensor<f64>
    gm.report "zq_sum", %sum : tensor<f64>
    %c = gm.constant dense<[[1.0, 2.0], [3.0, 4.0], [0.0, -0.5], [-1.0, -1.5]]> : tensor<4x2xf64>
    %m = gm.mul %zq, %c : (tensor<4x2xf64>, tensor<4x2xf64>) -> tensor<4x2xf64>
    %l = gm.reduce_sum %m dims [0, 1] : tensor<4x2xf64> -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@z] with #gm.sgd<lr = 1.0>
  }
}
