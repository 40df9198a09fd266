// Gradients of the ops that move elements, against finite differences.
// RUN: gm-eval %s --gradcheck-all | FileCheck %s
// CHECK-NOT: FAILED

gm.model @shape {
  // CHECK: gradcheck @reshape argument #0 {{.*}}: ok
  gm.net @reshape(%x: tensor<2x6xf64>) -> tensor<3x4xf64> {
    %y = gm.reshape %x : tensor<2x6xf64> -> tensor<3x4xf64>
    gm.return %y : tensor<3x4xf64>
  }
  // CHECK: gradcheck @transpose argument #0 {{.*}}: ok
  gm.net @transpose(%x: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {
    %y = gm.transpose %x perm [2, 0, 1] : tensor<2x3x4xf64> -> tensor<4x2x3xf64>
    gm.return %y : tensor<4x2x3xf64>
  }
  // CHECK: gradcheck @broadcast argument #0 {{.*}}: ok
  gm.net @broadcast(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {
    %y = gm.broadcast %x : tensor<3x1xf64> -> tensor<2x3x4xf64>
    gm.return %y : tensor<2x3x4xf64>
  }
  // CHECK: gradcheck @concat argument #0 {{.*}}: ok
  // CHECK: gradcheck @concat argument #1 {{.*}}: ok
  gm.net @concat(%a: tensor<2x3x2xf64>, %b: tensor<2x1x2xf64>) -> tensor<2x4x2xf64> {
    %y = gm.concat %a, %b axis 1 : (tensor<2x3x2xf64>, tensor<2x1x2xf64>) -> tensor<2x4x2xf64>
    gm.return %y : tensor<2x4x2xf64>
  }
  // CHECK: gradcheck @slice argument #0 {{.*}}: ok
  gm.net @slice(%x: tensor<5x7xf64>) -> tensor<2x3xf64> {
    %y = gm.slice %x offsets [1, 1] sizes [2, 3] strides [2, 2] : tensor<5x7xf64> -> tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @pad argument #0 {{.*}}: ok
  gm.net @pad(%x: tensor<2x3xf64>) -> tensor<4x7xf64> {
    %y = gm.pad %x low [1, 0] high [1, 2] interior [0, 1] {value = 0.5 : f64} : tensor<2x3xf64> -> tensor<4x7xf64>
    gm.return %y : tensor<4x7xf64>
  }
  // CHECK: gradcheck @upsample argument #0 {{.*}}: ok
  gm.net @upsample(%x: tensor<1x2x2x3xf64>) -> tensor<1x2x4x9xf64> {
    %y = gm.upsample %x scale [2, 3] : tensor<1x2x2x3xf64> -> tensor<1x2x4x9xf64>
    gm.return %y : tensor<1x2x4x9xf64>
  }
}
