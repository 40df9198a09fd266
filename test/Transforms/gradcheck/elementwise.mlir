// The gradient of every elementwise op and reduction against central finite
// differences in f64 (tolerance printed by gm-eval: 1e-6 + 1e-5 |numeric|).
// Inputs are random normal; ops with a restricted domain get exp(x) first.
// RUN: gm-eval %s --gradcheck-all | FileCheck %s
// CHECK-NOT: FAILED

gm.model @elementwise {
  // CHECK: gradcheck @neg argument #0 (tensor<2x3xf64>): largest {{.*}}, max error {{.*}}: ok
  gm.net @neg(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.neg %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @abs argument #0 {{.*}}: ok
  gm.net @abs(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.abs %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @exp argument #0 {{.*}}: ok
  gm.net @exp(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.exp %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @log argument #0 {{.*}}: ok
  gm.net @log(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %x : tensor<2x3xf64>
    %y = gm.log %p : tensor<2x3xf64>
    %z = gm.mul %y, %p : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
    gm.return %z : tensor<2x3xf64>
  }
  // CHECK: gradcheck @log1p argument #0 {{.*}}: ok
  gm.net @log1p(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %x : tensor<2x3xf64>
    %y = gm.log1p %p : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @sqrt argument #0 {{.*}}: ok
  gm.net @sqrt(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %x : tensor<2x3xf64>
    %y = gm.sqrt %p : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @rsqrt argument #0 {{.*}}: ok
  gm.net @rsqrt(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %x : tensor<2x3xf64>
    %y = gm.rsqrt %p : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @square argument #0 {{.*}}: ok
  gm.net @square(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.square %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @reciprocal argument #0 {{.*}}: ok
  gm.net @reciprocal(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %x : tensor<2x3xf64>
    %y = gm.reciprocal %p : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @tanh argument #0 {{.*}}: ok
  gm.net @tanh(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.tanh %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @sigmoid argument #0 {{.*}}: ok
  gm.net @sigmoid(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.sigmoid %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @softplus argument #0 {{.*}}: ok
  gm.net @softplus(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %y = gm.softplus %x : tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @relu argument #0 {{.*}}: ok
  gm.net @relu(%x: tensor<4x5xf64>) -> tensor<4x5xf64> {
    %y = gm.relu %x : tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }
  // CHECK: gradcheck @leaky_relu argument #0 {{.*}}: ok
  gm.net @leaky_relu(%x: tensor<4x5xf64>) -> tensor<4x5xf64> {
    %y = gm.leaky_relu %x {alpha = 0.2 : f64} : tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }
  // Piecewise-constant ops have a zero gradient almost everywhere.
  // CHECK: gradcheck @piecewise_constant argument #0 {{.*}}: ok
  gm.net @piecewise_constant(%x: tensor<4x5xf64>) -> tensor<4x5xf64> {
    %s = gm.sign %x : tensor<4x5xf64>
    %f = gm.floor %x : tensor<4x5xf64>
    %r = gm.round %x : tensor<4x5xf64>
    %a = gm.add %s, %f : (tensor<4x5xf64>, tensor<4x5xf64>) -> tensor<4x5xf64>
    %b = gm.add %a, %r : (tensor<4x5xf64>, tensor<4x5xf64>) -> tensor<4x5xf64>
    %y = gm.mul %b, %x : (tensor<4x5xf64>, tensor<4x5xf64>) -> tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }
  // CHECK: gradcheck @cast argument #0 {{.*}}: ok
  gm.net @cast(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
    %c = gm.cast %x : tensor<2x3xf64> to tensor<2x3xf32>
    %t = gm.tanh %c : tensor<2x3xf32>
    %y = gm.cast %t : tensor<2x3xf32> to tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }

  // Binary ops, with broadcasting on either side.
  // CHECK: gradcheck @add argument #0 {{.*}}: ok
  // CHECK: gradcheck @add argument #1 (tensor<3xf64>){{.*}}: ok
  gm.net @add(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
    %y = gm.add %a, %b : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @sub argument #0 (tensor<2x1x3xf64>){{.*}}: ok
  // CHECK: gradcheck @sub argument #1 (tensor<4x1xf64>){{.*}}: ok
  gm.net @sub(%a: tensor<2x1x3xf64>, %b: tensor<4x1xf64>) -> tensor<2x4x3xf64> {
    %y = gm.sub %a, %b : (tensor<2x1x3xf64>, tensor<4x1xf64>) -> tensor<2x4x3xf64>
    gm.return %y : tensor<2x4x3xf64>
  }
  // CHECK: gradcheck @mul argument #0 {{.*}}: ok
  // CHECK: gradcheck @mul argument #1 (tensor<f64>){{.*}}: ok
  gm.net @mul(%a: tensor<2x3xf64>, %b: tensor<f64>) -> tensor<2x3xf64> {
    %y = gm.mul %a, %b : (tensor<2x3xf64>, tensor<f64>) -> tensor<2x3xf64>
    %z = gm.mul %y, %a : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
    gm.return %z : tensor<2x3xf64>
  }
  // CHECK: gradcheck @div argument #0 {{.*}}: ok
  // CHECK: gradcheck @div argument #1 {{.*}}: ok
  gm.net @div(%a: tensor<2x3xf64>, %b: tensor<2x1xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %b : tensor<2x1xf64>
    %y = gm.div %a, %p : (tensor<2x3xf64>, tensor<2x1xf64>) -> tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @pow argument #0 {{.*}}: ok
  // CHECK: gradcheck @pow argument #1 {{.*}}: ok
  gm.net @pow(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
    %p = gm.exp %a : tensor<2x3xf64>
    %y = gm.pow %p, %b : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
  // CHECK: gradcheck @maximum argument #0 {{.*}}: ok
  // CHECK: gradcheck @maximum argument #1 {{.*}}: ok
  gm.net @maximum(%a: tensor<4x5xf64>, %b: tensor<5xf64>) -> tensor<4x5xf64> {
    %y = gm.maximum %a, %b : (tensor<4x5xf64>, tensor<5xf64>) -> tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }
  // CHECK: gradcheck @minimum argument #0 {{.*}}: ok
  // CHECK: gradcheck @minimum argument #1 {{.*}}: ok
  gm.net @minimum(%a: tensor<4x5xf64>, %b: tensor<4x5xf64>) -> tensor<4x5xf64> {
    %y = gm.minimum %a, %b : (tensor<4x5xf64>, tensor<4x5xf64>) -> tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }
  // CHECK: gradcheck @select argument #0 {{.*}}: ok
  // CHECK: gradcheck @select argument #1 (tensor<5xf64>){{.*}}: ok
  gm.net @select(%a: tensor<4x5xf64>, %b: tensor<5xf64>) -> tensor<4x5xf64> {
    %c = gm.compare gt, %a, %b : (tensor<4x5xf64>, tensor<5xf64>) -> tensor<4x5xi1>
    %s = gm.square %a : tensor<4x5xf64>
    %y = gm.select %c, %s, %b : (tensor<4x5xi1>, tensor<4x5xf64>, tensor<5xf64>) -> tensor<4x5xf64>
    gm.return %y : tensor<4x5xf64>
  }

  // Reductions.
  // CHECK: gradcheck @reduce_sum argument #0 {{.*}}: ok
  gm.net @reduce_sum(%x: tensor<2x3x4xf64>) -> tensor<2x1x4xf64> {
    %y = gm.reduce_sum %x dims [1] keepdim : tensor<2x3x4xf64> -> tensor<2x1x4xf64>
    gm.return %y : tensor<2x1x4xf64>
  }
  // CHECK: gradcheck @reduce_mean argument #0 {{.*}}: ok
  gm.net @reduce_mean(%x: tensor<2x3x4xf64>) -> tensor<3xf64> {
    %y = gm.reduce_mean %x dims [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
    gm.return %y : tensor<3xf64>
  }
  // CHECK: gradcheck @reduce_max argument #0 {{.*}}: ok
  gm.net @reduce_max(%x: tensor<2x3x4xf64>) -> tensor<2x3xf64> {
    %y = gm.reduce_max %x dims [2] : tensor<2x3x4xf64> -> tensor<2x3xf64>
    gm.return %y : tensor<2x3xf64>
  }
}
