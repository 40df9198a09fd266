// gm-propagate-layouts: a class of values joined by layout-agnostic ops goes
// blocked when its library ops' blocked slots outnumber the gm.reorder ops
// its plain edges need; each op records its results' layouts.
// RUN: gm-opt %s -gm-propagate-layouts -split-input-file | FileCheck %s
// Layouts once chosen stay: a second run changes nothing.
// RUN: gm-opt %s -gm-propagate-layouts -split-input-file > %t.once
// RUN: gm-opt %t.once -gm-propagate-layouts -split-input-file > %t.twice
// RUN: diff %t.once %t.twice

// conv -> batch norm -> relu -> conv: blocked throughout, no reorder. The
// input and the result stay plain (one slot each: a reorder would cost what
// it saves), and so do the weights.
// CHECK-LABEL: gm.model @chain
gm.model @chain {
  gm.param @w1 : tensor<32x16x3x3xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @g : tensor<32xf32> = #gm.fill<1.0>
  gm.param @b : tensor<32xf32> = #gm.fill<0.0>
  gm.sampler @s() -> tensor<4x32x8x8xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x8x8xf32>
    %w1 = gm.load @w1 : tensor<32x16x3x3xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    %g = gm.load @g : tensor<32xf32>
    %b = gm.load @b : tensor<32xf32>
    // CHECK-NOT: gm.reorder
    // CHECK: %[[C:.*]] = gm.conv2d %{{.*}}, %{{.*}} {gm.layouts = ["blocked"]
    %c = gm.conv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x8x8xf32>
    // CHECK-NOT: gm.reorder
    // CHECK: %[[N:.*]], %{{.*}}, %{{.*}} = gm.batch_norm %[[C]], {{.*}} {gm.layouts = ["blocked", "plain", "plain"]}
    %n, %m, %v = gm.batch_norm %c, %g, %b : (tensor<4x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<4x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>)
    // CHECK-NOT: gm.reorder
    // CHECK: %[[R:.*]] = gm.relu %[[N]] {gm.layouts = ["blocked"]}
    %r = gm.relu %n : tensor<4x32x8x8xf32>
    // The result leaves the sampler plain.
    // CHECK-NOT: gm.reorder
    // CHECK: %[[Y:.*]] = gm.conv2d %[[R]], %{{.*}} {padding
    // CHECK-NEXT: gm.return %[[Y]]
    %y = gm.conv2d %r, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x8x8xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x8x8xf32>
    gm.return %y : tensor<4x32x8x8xf32>
  }
}

// -----

// A blocked-made value that loops read (a reduction, a per-channel add:
// they run over channel blocks) and a reshape reads (one reorder to plain).
// A plain-made value (a reshape) that batch norm and its gradient read: one
// reorder to blocked.
// CHECK-LABEL: gm.model @edges
gm.model @edges {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @g : tensor<32xf32> = #gm.fill<1.0>
  gm.param @b : tensor<32xf32> = #gm.fill<0.0>
  gm.sampler @s() -> (tensor<f32>, tensor<4x32x2x2xf32>, tensor<4x32x2x2xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %g = gm.load @g : tensor<32xf32>
    %b = gm.load @b : tensor<32xf32>
    %bias = gm.reshape %b : tensor<32xf32> -> tensor<32x1x1xf32>
    // CHECK: %[[C:.*]] = gm.conv2d {{.*}} {gm.layouts = ["blocked"]
    // CHECK-NEXT: %[[P:.*]] = gm.reorder %[[C]] to "plain"
    %c = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x2x2xf32>
    // CHECK: gm.reduce_sum %[[C]] dims [0, 2, 3]
    %s4 = gm.reduce_sum %c dims [0, 2, 3] : tensor<4x32x2x2xf32> -> tensor<32xf32>
    %s = gm.reduce_sum %s4 dims [0] : tensor<32xf32> -> tensor<f32>
    // CHECK: gm.reshape %[[P]]
    %cf = gm.reshape %c : tensor<4x32x2x2xf32> -> tensor<4x128xf32>
    %cs = gm.reduce_max %cf dims [0, 1] : tensor<4x128xf32> -> tensor<f32>
    // CHECK: gm.add %[[C]], %{{.*}} {gm.layouts = ["blocked"]} : (tensor<4x32x2x2xf32>, tensor<32x1x1xf32>)
    %a = gm.add %c, %bias : (tensor<4x32x2x2xf32>, tensor<32x1x1xf32>) -> tensor<4x32x2x2xf32>
    // CHECK: gm.conv2d_backward_data %[[C]]
    %dx = gm.conv2d_backward_data %c, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x2x2xf32>, tensor<32x16x3x3xf32>) -> tensor<4x16x4x4xf32>
    // CHECK: gm.conv2d_backward_weights %{{.*}}, %[[C]]
    %dw = gm.conv2d_backward_weights %dx, %c {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<4x32x2x2xf32>) -> tensor<32x16x3x3xf32>
    %dws = gm.reduce_sum %dw dims [0, 1, 2, 3] : tensor<32x16x3x3xf32> -> tensor<f32>
    %t0 = gm.add %s, %dws : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %t = gm.add %t0, %cs : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %flat = gm.normal {id = 2 : i64} : tensor<4x128xf32>
    // CHECK: %[[H:.*]] = gm.reshape
    // CHECK-NEXT: %[[HB:.*]] = gm.reorder %[[H]] to "blocked"
    %h = gm.reshape %flat : tensor<4x128xf32> -> tensor<4x32x2x2xf32>
    // CHECK: gm.batch_norm %[[HB]]
    %n, %m, %v = gm.batch_norm %h, %g, %b : (tensor<4x32x2x2xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<4x32x2x2xf32>, tensor<32xf32>, tensor<32xf32>)
    // CHECK: gm.batch_norm_backward %{{.*}}, %[[HB]]
    %dh, %dg, %db = gm.batch_norm_backward %a, %h, %g, %m, %v : (tensor<4x32x2x2xf32>, tensor<4x32x2x2xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<4x32x2x2xf32>, tensor<32xf32>, tensor<32xf32>)
    gm.return %t, %n, %dh : tensor<f32>, tensor<4x32x2x2xf32>, tensor<4x32x2x2xf32>
  }
}

// -----

// Not worth it: a convolution's result that only a reshape reads (one
// slot saved, one reorder added). Not blockable: channels that are not a
// multiple of 16; a 1x1 convolution and a masked one whose mask keeps one
// tap (the runtime computes both on plain buffers). Each of these feeds a
// 3x3 convolution, so a wrong rule would block it.
// CHECK-LABEL: gm.model @plain
// CHECK-NOT: gm.layouts
// CHECK-NOT: gm.reorder
// CHECK: gm.return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<f32>, tensor<4x32x4x4xf32>
gm.model @plain {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w24 : tensor<24x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w24b : tensor<32x24x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w1 : tensor<32x32x1x1xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w3 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @wm : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> (tensor<f32>, tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x4x4xf32>
    %cf = gm.reshape %c : tensor<4x32x4x4xf32> -> tensor<4x512xf32>
    %s = gm.reduce_sum %cf dims [0, 1] : tensor<4x512xf32> -> tensor<f32>
    %w24 = gm.load @w24 : tensor<24x16x3x3xf32>
    %w24b = gm.load @w24b : tensor<32x24x3x3xf32>
    %x2 = gm.normal {id = 3 : i64} : tensor<4x16x4x4xf32>
    %c24 = gm.conv2d %x2, %w24 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<24x16x3x3xf32>) -> tensor<4x24x4x4xf32>
    %r24 = gm.relu %c24 : tensor<4x24x4x4xf32>
    %y24 = gm.conv2d %r24, %w24b {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x24x4x4xf32>, tensor<32x24x3x3xf32>) -> tensor<4x32x4x4xf32>
    %w1 = gm.load @w1 : tensor<32x32x1x1xf32>
    %w3 = gm.load @w3 : tensor<32x32x3x3xf32>
    %wm = gm.load @wm : tensor<32x32x3x3xf32>
    %p = gm.normal {id = 2 : i64} : tensor<4x32x4x4xf32>
    %q = gm.conv2d %p, %w1 : (tensor<4x32x4x4xf32>, tensor<32x32x1x1xf32>) -> tensor<4x32x4x4xf32>
    %qr = gm.relu %q : tensor<4x32x4x4xf32>
    %y1 = gm.conv2d %qr, %w3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    %p2 = gm.normal {id = 4 : i64} : tensor<4x32x4x4xf32>
    %q2 = gm.conv2d %p2, %w3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    %r = gm.conv2d %q2, %wm {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[0, 0, 0], [0, 1, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    %rr = gm.relu %r : tensor<4x32x4x4xf32>
    %ym = gm.conv2d %rr, %w3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    gm.return %s, %y24, %y1, %ym : tensor<f32>, tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>
  }
}

// -----

// A convolution with its epilogue (gm.fused) computes blocked like a bare
// one; an elementwise chain between two convolutions joins their classes.
// CHECK-LABEL: gm.model @fused
gm.model @fused {
  gm.param @w : tensor<16x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @b : tensor<16x1x1xf32> = #gm.fill<0.1>
  gm.sampler @s() -> tensor<2x16x4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x4x4xf32>
    %w = gm.load @w : tensor<16x16x3x3xf32>
    %b = gm.load @b : tensor<16x1x1xf32>
    %k = gm.constant dense<2.0> : tensor<f32>
    // CHECK: %[[X:.*]] = gm.normal
    // CHECK-NEXT: %[[XB:.*]] = gm.reorder %[[X]] to "blocked"
    // CHECK: %[[E:.*]] = gm.fused(%[[XB]], %{{.*}}, %{{.*}}) {gm.layouts = ["blocked"]}
    %e = gm.fused(%x, %w, %b) : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>, tensor<16x1x1xf32>) -> tensor<2x16x4x4xf32> {
    ^bb0(%a: tensor<2x16x4x4xf32>, %kw: tensor<16x16x3x3xf32>, %c: tensor<16x1x1xf32>):
      %0 = gm.conv2d %a, %kw {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
      %1 = gm.add %0, %c : (tensor<2x16x4x4xf32>, tensor<16x1x1xf32>) -> tensor<2x16x4x4xf32>
      %2 = gm.relu %1 : tensor<2x16x4x4xf32>
      gm.yield %2 : tensor<2x16x4x4xf32>
    }
    // CHECK: %[[M:.*]] = gm.fused(%[[E]], %{{.*}}) {gm.layouts = ["blocked"]}
    %m = gm.fused(%e, %k) : (tensor<2x16x4x4xf32>, tensor<f32>) -> tensor<2x16x4x4xf32> {
    ^bb0(%a: tensor<2x16x4x4xf32>, %s: tensor<f32>):
      %0 = gm.mul %a, %s : (tensor<2x16x4x4xf32>, tensor<f32>) -> tensor<2x16x4x4xf32>
      gm.yield %0 : tensor<2x16x4x4xf32>
    }
    // CHECK: gm.conv_transpose2d %[[M]]
    %t = gm.conv_transpose2d %m, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
    %y = gm.conv2d_backward_weights %x, %m {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<16x16x3x3xf32>
    %z = gm.conv2d %t, %y {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
    gm.return %z : tensor<2x16x4x4xf32>
  }
}

// -----

// A comparison's i1 result shares its operands' order in memory, and the
// runtime reorders only f32: a class holding an i1 value that something
// reads plain stays plain (the convolution's own class still goes blocked).
// CHECK-LABEL: gm.model @masks
gm.model @masks {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @g : tensor<32xf32> = #gm.fill<1.0>
  gm.param @b : tensor<32xf32> = #gm.fill<0.0>
  gm.sampler @s() -> (tensor<4x32x4x4xi1>, tensor<4x32x4x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    %g = gm.load @g : tensor<32xf32>
    %b = gm.load @b : tensor<32xf32>
    %zero = gm.constant dense<0.0> : tensor<f32>
    // CHECK: %[[C:.*]] = gm.conv2d {{.*}} {gm.layouts = ["blocked"]
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x4x4xf32>
    // CHECK: = gm.batch_norm %[[C]], %{{[^ ]*}}, %{{[^ ]*}} :
    %n, %m, %v = gm.batch_norm %c, %g, %b : (tensor<4x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<4x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>)
    // CHECK-NOT: gm.reorder
    // CHECK: gm.compare gt, %{{[^ ]*}}, %{{[^ ]*}} :
    %p = gm.compare gt, %n, %zero : (tensor<4x32x4x4xf32>, tensor<f32>) -> tensor<4x32x4x4xi1>
    %r = gm.select %p, %n, %zero : (tensor<4x32x4x4xi1>, tensor<4x32x4x4xf32>, tensor<f32>) -> tensor<4x32x4x4xf32>
    %y = gm.conv2d %r, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    gm.return %p, %y : tensor<4x32x4x4xi1>, tensor<4x32x4x4xf32>
  }
}

// -----

// A first layer over images (one input channel): its forward and weight
// gradient compute with the input plain and the output side blocked, so
// the output's class goes blocked; its input gradient is plain on both
// sides (a reorder of the blocked output gradient).
// CHECK-LABEL: gm.model @first_layer
gm.model @first_layer {
  gm.param @w1 : tensor<32x1x4x4xf32> = #gm.uniform<-0.3, 0.3>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> (tensor<4x32x4x4xf32>, tensor<4x1x8x8xf32>, tensor<32x1x4x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x1x8x8xf32>
    %w1 = gm.load @w1 : tensor<32x1x4x4xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    // CHECK: %[[C:.*]] = gm.conv2d %{{.*}}, %{{.*}} {gm.layouts = ["blocked"]
    %c = gm.conv2d %x, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x1x8x8xf32>, tensor<32x1x4x4xf32>) -> tensor<4x32x4x4xf32>
    // CHECK-NEXT: %[[R:.*]] = gm.relu %[[C]] {gm.layouts = ["blocked"]}
    // CHECK-NEXT: %[[P:.*]] = gm.reorder %[[R]] to "plain"
    %r = gm.relu %c : tensor<4x32x4x4xf32>
    // CHECK-NEXT: gm.conv2d %[[R]]
    %y = gm.conv2d %r, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    // CHECK-NEXT: gm.conv2d_backward_data %[[P]]
    %dx = gm.conv2d_backward_data %r, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x1x4x4xf32>) -> tensor<4x1x8x8xf32>
    // CHECK-NEXT: gm.conv2d_backward_weights %{{.*}}, %[[R]]
    %dw = gm.conv2d_backward_weights %x, %r {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x1x8x8xf32>, tensor<4x32x4x4xf32>) -> tensor<32x1x4x4xf32>
    gm.return %y, %dx, %dw : tensor<4x32x4x4xf32>, tensor<4x1x8x8xf32>, tensor<32x1x4x4xf32>
  }
}

// -----

// Channel windows (slices, pads, concats of whole 16-channel blocks) move
// the same bytes in either layout: they join their operands' and results'
// classes, so PixelCNN's gates stay blocked. A 1x1 convolution computes in
// its buffers' layout: its input and output join one class. A slice at
// channel 8 cuts a block: it reads plain.
// CHECK-LABEL: gm.model @windows
gm.model @windows {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @p : tensor<16x16x1x1xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w2 : tensor<16x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w3 : tensor<16x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> (tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %p = gm.load @p : tensor<16x16x1x1xf32>
    %w2 = gm.load @w2 : tensor<16x16x3x3xf32>
    %w3 = gm.load @w3 : tensor<16x32x3x3xf32>
    // CHECK: %[[C:.*]] = gm.conv2d %{{.*}}, %{{.*}} {gm.layouts = ["blocked"]
    // CHECK-NEXT: %[[CP:.*]] = gm.reorder %[[C]] to "plain"
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x4x4xf32>
    // CHECK-NEXT: %[[A:.*]] = gm.slice %[[C]] offsets [0, 0, 0, 0] sizes [4, 16, 4, 4] {gm.layouts = ["blocked"]}
    // CHECK-NEXT: gm.slice %[[C]] offsets [0, 16, 0, 0] sizes [4, 16, 4, 4] {gm.layouts = ["blocked"]}
    %a = gm.slice %c offsets [0, 0, 0, 0] sizes [4, 16, 4, 4] : tensor<4x32x4x4xf32> -> tensor<4x16x4x4xf32>
    %b = gm.slice %c offsets [0, 16, 0, 0] sizes [4, 16, 4, 4] : tensor<4x32x4x4xf32> -> tensor<4x16x4x4xf32>
    %ta = gm.tanh %a : tensor<4x16x4x4xf32>
    %sb = gm.sigmoid %b : tensor<4x16x4x4xf32>
    // CHECK: %[[G:.*]] = gm.mul {{.*}} {gm.layouts = ["blocked"]}
    %g = gm.mul %ta, %sb : (tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>) -> tensor<4x16x4x4xf32>
    // CHECK-NEXT: %[[Y:.*]] = gm.conv2d %[[G]], %{{.*}} {gm.layouts = ["blocked"]} : (tensor<4x16x4x4xf32>, tensor<16x16x1x1xf32>)
    %y = gm.conv2d %g, %p : (tensor<4x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<4x16x4x4xf32>
    // CHECK-NEXT: gm.conv2d %[[Y]]
    %z = gm.conv2d %y, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<4x16x4x4xf32>
    // CHECK-NEXT: gm.pad %[[G]] low [0, 16, 0, 0] high [0, 0, 0, 0] {gm.layouts = ["blocked"]}
    // CHECK-NEXT: gm.concat %[[G]], %[[A]] axis 1 {gm.layouts = ["blocked"]}
    %pd = gm.pad %g low [0, 16, 0, 0] high [0, 0, 0, 0] : tensor<4x16x4x4xf32> -> tensor<4x32x4x4xf32>
    %cc = gm.concat %g, %a axis 1 : (tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>) -> tensor<4x32x4x4xf32>
    %sum = gm.add %pd, %cc : (tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>) -> tensor<4x32x4x4xf32>
    %u = gm.conv2d %sum, %w3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<16x32x3x3xf32>) -> tensor<4x16x4x4xf32>
    // CHECK: gm.slice %[[CP]] offsets [0, 8, 0, 0] sizes [4, 16, 4, 4] :
    %odd = gm.slice %c offsets [0, 8, 0, 0] sizes [4, 16, 4, 4] : tensor<4x32x4x4xf32> -> tensor<4x16x4x4xf32>
    gm.return %z, %u, %odd : tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>, tensor<4x16x4x4xf32>
  }
}

// -----

// A splat constant is the same bytes in either layout: it joins a blocked
// class without a reorder (materialized, a mean's gradient seed over
// PixelCNN's logits took 334 MB of LLVM IR).
// CHECK-LABEL: gm.model @splat
gm.model @splat {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<4x32x4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    // CHECK: gm.constant dense<2.500000e-01> : tensor<4x32x4x4xf32> {gm.layouts = ["blocked"]}
    // CHECK-NOT: gm.reorder
    // CHECK: gm.return
    %k = gm.constant dense<0.25> : tensor<4x32x4x4xf32>
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x4x4xf32>
    %m = gm.mul %c, %k : (tensor<4x32x4x4xf32>, tensor<4x32x4x4xf32>) -> tensor<4x32x4x4xf32>
    %y = gm.conv2d %m, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    gm.return %y : tensor<4x32x4x4xf32>
  }
}

// -----

// The same mask read only by loops (as a double backward keeps it) needs no
// reorder: its class goes blocked, the i1 value with it.
// CHECK-LABEL: gm.model @inner_masks
gm.model @inner_masks {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @w2 : tensor<32x32x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<4x32x4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<4x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %w2 = gm.load @w2 : tensor<32x32x3x3xf32>
    %zero = gm.constant dense<0.0> : tensor<f32>
    // CHECK: gm.conv2d {{.*}} {gm.layouts = ["blocked"]
    %c = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<4x32x4x4xf32>
    // CHECK-NOT: gm.reorder
    // CHECK: gm.compare gt, {{.*}} {gm.layouts = ["blocked"]} : (tensor<4x32x4x4xf32>, tensor<f32>) -> tensor<4x32x4x4xi1>
    %p = gm.compare gt, %c, %zero : (tensor<4x32x4x4xf32>, tensor<f32>) -> tensor<4x32x4x4xi1>
    %r = gm.select %p, %c, %zero : (tensor<4x32x4x4xi1>, tensor<4x32x4x4xf32>, tensor<f32>) -> tensor<4x32x4x4xf32>
    // CHECK-NOT: gm.reorder
    // CHECK: gm.return
    %y = gm.conv2d %r, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x4x4xf32>, tensor<32x32x3x3xf32>) -> tensor<4x32x4x4xf32>
    gm.return %y : tensor<4x32x4x4xf32>
  }
}
