// Activations kept in the blocked layout between library ops
// (gm-propagate-layouts), compiled for the CPU, against the reference
// evaluator: every result within 1e-4 (relative; gm-compare). A network of
// convolutions, batch norm and an elementwise chain with its gradients
// (blocked convolution and batch norm passes, reorders both ways, a fused
// loop over blocked values), and the same with every library op forced to
// each layout (GMRT_LAYOUT) while the buffers keep theirs.
// RUN: gm-opt %s -gm-inline -gm-autodiff -o %t.mlir
// RUN: %compare-samplers %t.mlir %t | FileCheck %s
// RUN: env GMRT_LAYOUT=plain %compare-samplers %t.mlir %t.plain | FileCheck %s
// RUN: env GMRT_LAYOUT=blocked %compare-samplers %t.mlir %t.blocked | FileCheck %s
// RUN: gmc compile %t.mlir --emit=mlir-opt | FileCheck %s --check-prefix=IR

// What the test relies on: blocked values, reorders both ways, and loops
// over blocked values with a per-channel operand and reduction.
// IR-DAG: gm.reorder %{{.*}} to "blocked"
// IR-DAG: gm.reorder %{{.*}} to "plain"
// IR-DAG: gm.fused(%result, %{{.*}}) {gm.layouts = ["blocked"{{.*}}tensor<32x1x1xf32>
// IR-DAG: gm.reduce_sum %{{.*}} dims [0, 2, 3] keepdim {{.*}}: tensor<2x32x4x4xf32> -> tensor<1x32x1x1xf32>
// IR-DAG: gm.batch_norm_backward {{.*}}gm.layouts = ["blocked"
// IR-DAG: gm.conv2d_backward_data {{.*}}gm.layouts = ["blocked"]

// CHECK-DAG: net.npy: 1024 elements, {{.*}} ok
// CHECK-DAG: net.1.npy: 512 elements, {{.*}} ok
// CHECK-DAG: net.2.npy: 4608 elements, {{.*}} ok
// CHECK-DAG: net.3.npy: 9216 elements, {{.*}} ok
// CHECK-DAG: net.4.npy: 32 elements, {{.*}} ok
// CHECK-DAG: net.5.npy: 1 elements, {{.*}} ok
// CHECK-DAG: net.6.npy: 32 elements, {{.*}} ok
// A first layer over one input channel: forward and weight gradient with
// the output side blocked, the input gradient plain.
// IR-DAG: gm.conv2d %{{.*}} {gm.layouts = ["blocked"]{{.*}}tensor<2x1x8x8xf32>
// CHECK-DAG: first.npy: 256 elements, {{.*}} ok
// CHECK-DAG: first.1.npy: 128 elements, {{.*}} ok
// CHECK-DAG: first.2.npy: 512 elements, {{.*}} ok
// CHECK-DAG: first.3.npy: 9216 elements, {{.*}} ok
// Gates on channel halves (slices and their gradients' pads or concats of
// whole channel blocks) and a 1x1 convolution, all on blocked values.
// IR-DAG: gm.slice %{{.*}} offsets [0, 16, 0, 0] sizes [2, 16, 4, 4] {gm.layouts = ["blocked"]
// IR-DAG: gm.conv2d %{{.*}} {gm.layouts = ["blocked"]{{.*}}tensor<16x16x1x1xf32>
// IR-DAG: gm.conv2d_backward_data %{{.*}} {gm.layouts = ["blocked"]{{.*}}tensor<16x16x1x1xf32>
// IR-DAG: gm.concat %{{.*}}, %{{.*}} axis 1 {gm.layouts = ["blocked"]
// CHECK-DAG: gates.npy: 512 elements, {{.*}} ok
// CHECK-DAG: gates.1.npy: 512 elements, {{.*}} ok
// CHECK-DAG: gates.2.npy: 4608 elements, {{.*}} ok
// CHECK-DAG: gates.3.npy: 256 elements, {{.*}} ok
// A double backward through leaky relu (WGAN-GP's penalty): its i1 masks
// stay blocked in blocked classes, read and written only by loops.
// IR-DAG: gm.fused({{.*}}) {gm.layouts = ["blocked"{{.*}}tensor<2x32x4x4xi1>
// CHECK-DAG: penalty.npy: 1 elements, {{.*}} ok
// CHECK-DAG: penalty.1.npy: 4608 elements, {{.*}} ok
// CHECK-DAG: penalty.2.npy: 9216 elements, {{.*}} ok
// One image: channel slices are views of the blocked buffer and a concat's
// inputs are computed in place (gm-plan-memory); a concat along images.
// IR-DAG: gm.concat %{{.*}}, %{{.*}} axis 0 {gm.layouts = ["blocked"]
// CHECK-DAG: views.npy: 512 elements, {{.*}} ok
// CHECK-DAG: views.1.npy: 256 elements, {{.*}} ok
// CHECK-DAG: views.2.npy: 4608 elements, {{.*}} ok
// CHECK-DAG: views.3.npy: 4608 elements, {{.*}} ok
// CHECK-NOT: FAIL

gm.model @layouts {
  gm.param @w1 : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @g : tensor<32xf32> = #gm.uniform<0.5, 1.5>
  gm.param @b : tensor<32xf32> = #gm.uniform<-0.5, 0.5>
  gm.param @bias : tensor<32x1x1xf32> = #gm.uniform<-0.5, 0.5>

  gm.sampler @net() -> (tensor<2x32x4x4xf32>, tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>, tensor<f32>, tensor<32x1x1xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x4x4xf32>
    %r = gm.normal {id = 2 : i64} : tensor<2x32x4x4xf32>
    %w1 = gm.load @w1 : tensor<32x16x3x3xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    %g = gm.load @g : tensor<32xf32>
    %b = gm.load @b : tensor<32xf32>
    %bias = gm.load @bias : tensor<32x1x1xf32>
    %c0 = gm.conv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<2x32x4x4xf32>
    // A per-channel bias: its gradient sums over images and pixels.
    %c = gm.add %c0, %bias : (tensor<2x32x4x4xf32>, tensor<32x1x1xf32>) -> tensor<2x32x4x4xf32>
    %n, %m, %v = gm.batch_norm %c, %g, %b : (tensor<2x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<2x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>)
    // A per-channel shift a loop adds to blocked values.
    %nb = gm.add %n, %bias : (tensor<2x32x4x4xf32>, tensor<32x1x1xf32>) -> tensor<2x32x4x4xf32>
    %a = gm.leaky_relu %nb {alpha = 0.2 : f64} : tensor<2x32x4x4xf32>
    %y = gm.conv2d %a, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<2x32x4x4xf32>
    %t = gm.tanh %y : tensor<2x32x4x4xf32>
    // Read plain as well: a flat view.
    %flat = gm.reshape %a : tensor<2x32x4x4xf32> -> tensor<2x512xf32>
    %p = gm.mul %t, %r : (tensor<2x32x4x4xf32>, tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32>
    %l1 = gm.reduce_sum %p dims [0, 1, 2, 3] : tensor<2x32x4x4xf32> -> tensor<f32>
    %sq = gm.square %flat : tensor<2x512xf32>
    %l2 = gm.reduce_mean %sq dims [0, 1] : tensor<2x512xf32> -> tensor<f32>
    // The convolution's result, read plain too.
    %l3 = gm.reduce_sum %c dims [0, 1, 2, 3] : tensor<2x32x4x4xf32> -> tensor<f32>
    %l12 = gm.add %l1, %l2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %l = gm.add %l12, %l3 : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %gx, %gw1, %gw2, %gg, %gb = gm.grad %l wrt %x, %w1, %w2, %g, %bias : tensor<f32> wrt tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>, tensor<32x1x1xf32>
    gm.return %t, %gx, %gw1, %gw2, %gg, %l, %gb : tensor<2x32x4x4xf32>, tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>, tensor<f32>, tensor<32x1x1xf32>
  }

  gm.param @f1 : tensor<32x1x4x4xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @f2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>

  gm.sampler @first() -> (tensor<2x32x2x2xf32>, tensor<2x1x8x8xf32>, tensor<32x1x4x4xf32>, tensor<32x32x3x3xf32>) {
    %x = gm.normal {id = 3 : i64} : tensor<2x1x8x8xf32>
    %r = gm.normal {id = 4 : i64} : tensor<2x32x2x2xf32>
    %w1 = gm.load @f1 : tensor<32x1x4x4xf32>
    %w2 = gm.load @f2 : tensor<32x32x3x3xf32>
    %c = gm.conv2d %x, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x8x8xf32>, tensor<32x1x4x4xf32>) -> tensor<2x32x4x4xf32>
    %a = gm.leaky_relu %c {alpha = 0.2 : f64} : tensor<2x32x4x4xf32>
    %y = gm.conv2d %a, %w2 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<2x32x2x2xf32>
    %t = gm.tanh %y : tensor<2x32x2x2xf32>
    %p = gm.mul %t, %r : (tensor<2x32x2x2xf32>, tensor<2x32x2x2xf32>) -> tensor<2x32x2x2xf32>
    %l = gm.reduce_sum %p dims [0, 1, 2, 3] : tensor<2x32x2x2xf32> -> tensor<f32>
    %gx, %gw1, %gw2 = gm.grad %l wrt %x, %w1, %w2 : tensor<f32> wrt tensor<2x1x8x8xf32>, tensor<32x1x4x4xf32>, tensor<32x32x3x3xf32>
    gm.return %p, %gx, %gw1, %gw2 : tensor<2x32x2x2xf32>, tensor<2x1x8x8xf32>, tensor<32x1x4x4xf32>, tensor<32x32x3x3xf32>
  }

  gm.param @gw : tensor<32x16x3x3xf32> = #gm.uniform<-0.2, 0.2>
  gm.param @gp : tensor<16x16x1x1xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @gw2 : tensor<16x16x3x3xf32> = #gm.uniform<-0.1, 0.1>

  gm.sampler @gates() -> (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x16x1x1xf32>) {
    %x = gm.normal {id = 5 : i64} : tensor<2x16x4x4xf32>
    %r = gm.normal {id = 6 : i64} : tensor<2x16x4x4xf32>
    %w = gm.load @gw : tensor<32x16x3x3xf32>
    %p = gm.load @gp : tensor<16x16x1x1xf32>
    %w2 = gm.load @gw2 : tensor<16x16x3x3xf32>
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<2x32x4x4xf32>
    %a = gm.slice %c offsets [0, 0, 0, 0] sizes [2, 16, 4, 4] : tensor<2x32x4x4xf32> -> tensor<2x16x4x4xf32>
    %b = gm.slice %c offsets [0, 16, 0, 0] sizes [2, 16, 4, 4] : tensor<2x32x4x4xf32> -> tensor<2x16x4x4xf32>
    %ta = gm.tanh %a : tensor<2x16x4x4xf32>
    %sb = gm.sigmoid %b : tensor<2x16x4x4xf32>
    %g = gm.mul %ta, %sb : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
    %y = gm.conv2d %g, %p : (tensor<2x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x4x4xf32>
    %h = gm.add %y, %x : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
    %z = gm.conv2d %h, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
    %t = gm.tanh %z : tensor<2x16x4x4xf32>
    %m = gm.mul %t, %r : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
    %l = gm.reduce_sum %m dims [0, 1, 2, 3] : tensor<2x16x4x4xf32> -> tensor<f32>
    %gx, %gw, %gp = gm.grad %l wrt %x, %w, %p : tensor<f32> wrt tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x16x1x1xf32>
    gm.return %m, %gx, %gw, %gp : tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x16x1x1xf32>
  }

  gm.param @pw1 : tensor<32x16x3x3xf32> = #gm.uniform<-0.2, 0.2>
  gm.param @pw2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>

  gm.sampler @penalty() -> (tensor<f32>, tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>) {
    %x = gm.normal {id = 7 : i64} : tensor<2x16x4x4xf32>
    %r = gm.normal {id = 8 : i64} : tensor<2x32x4x4xf32>
    %w1 = gm.load @pw1 : tensor<32x16x3x3xf32>
    %w2 = gm.load @pw2 : tensor<32x32x3x3xf32>
    %c = gm.conv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<2x32x4x4xf32>
    %a = gm.leaky_relu %c {alpha = 0.2 : f64} : tensor<2x32x4x4xf32>
    %y = gm.conv2d %a, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<2x32x4x4xf32>
    %b = gm.leaky_relu %y {alpha = 0.2 : f64} : tensor<2x32x4x4xf32>
    %m = gm.mul %b, %r : (tensor<2x32x4x4xf32>, tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32>
    %l = gm.reduce_sum %m dims [0, 1, 2, 3] : tensor<2x32x4x4xf32> -> tensor<f32>
    %gx = gm.grad %l wrt %x : tensor<f32> wrt tensor<2x16x4x4xf32>
    %sq = gm.square %gx : tensor<2x16x4x4xf32>
    %p = gm.reduce_sum %sq dims [0, 1, 2, 3] : tensor<2x16x4x4xf32> -> tensor<f32>
    %g1, %g2 = gm.grad %p wrt %w1, %w2 : tensor<f32> wrt tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>
    gm.return %p, %g1, %g2 : tensor<f32>, tensor<32x16x3x3xf32>, tensor<32x32x3x3xf32>
  }

  gm.param @vw : tensor<32x16x3x3xf32> = #gm.uniform<-0.2, 0.2>
  gm.param @vw2 : tensor<16x32x3x3xf32> = #gm.uniform<-0.1, 0.1>

  gm.sampler @views() -> (tensor<2x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x32x3x3xf32>) {
    %x = gm.normal {id = 9 : i64} : tensor<1x16x4x4xf32>
    %r = gm.normal {id = 10 : i64} : tensor<2x16x4x4xf32>
    %w = gm.load @vw : tensor<32x16x3x3xf32>
    %w2 = gm.load @vw2 : tensor<16x32x3x3xf32>
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x4x4xf32>
    %a = gm.slice %c offsets [0, 0, 0, 0] sizes [1, 16, 4, 4] : tensor<1x32x4x4xf32> -> tensor<1x16x4x4xf32>
    %b = gm.slice %c offsets [0, 16, 0, 0] sizes [1, 16, 4, 4] : tensor<1x32x4x4xf32> -> tensor<1x16x4x4xf32>
    %ta = gm.tanh %a : tensor<1x16x4x4xf32>
    %sb = gm.sigmoid %b : tensor<1x16x4x4xf32>
    %g = gm.mul %ta, %sb : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
    %cc = gm.concat %g, %b axis 1 : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x32x4x4xf32>
    %y = gm.conv2d %cc, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x32x4x4xf32>, tensor<16x32x3x3xf32>) -> tensor<1x16x4x4xf32>
    %y2 = gm.conv2d %c, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x32x4x4xf32>, tensor<16x32x3x3xf32>) -> tensor<1x16x4x4xf32>
    %z = gm.concat %y, %y2 axis 0 : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<2x16x4x4xf32>
    %t = gm.tanh %z : tensor<2x16x4x4xf32>
    %m = gm.mul %t, %r : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<2x16x4x4xf32>
    %l = gm.reduce_sum %m dims [0, 1, 2, 3] : tensor<2x16x4x4xf32> -> tensor<f32>
    %gx, %gw, %gw2 = gm.grad %l wrt %x, %w, %w2 : tensor<f32> wrt tensor<1x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x32x3x3xf32>
    gm.return %m, %gx, %gw, %gw2 : tensor<2x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<16x32x3x3xf32>
  }
}
