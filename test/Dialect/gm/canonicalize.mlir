// Folders and canonical patterns of the gm ops: each fold beside a case that
// must not fold.
// RUN: gm-opt %s -canonicalize -split-input-file | FileCheck %s

gm.model @m {
  // CHECK-LABEL: gm.net @identities
  // CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
  // CHECK-NEXT: gm.return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
  gm.net @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
    %zero = gm.constant dense<0.0> : tensor<f32>
    %one = gm.constant dense<1.0> : tensor<2x3xf32>
    %a = gm.add %x, %zero : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    %b = gm.sub %x, %zero : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    %c = gm.mul %x, %one : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %d = gm.div %x, %one : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    // The constant moves to the right-hand side, then folds.
    %e = gm.add %zero, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %n = gm.neg %x : tensor<2x3xf32>
    %nn = gm.neg %n : tensor<2x3xf32>
    gm.return %a, %b, %c, %d, %e, %nn : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
  }

  // CHECK-LABEL: gm.net @not_identities
  // CHECK: gm.add
  // CHECK: gm.sub
  // CHECK: gm.mul
  // CHECK: gm.neg
  gm.net @not_identities(%x: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
    %zero = gm.constant dense<0.0> : tensor<2x3xf32>
    // x + 0 broadcasts x: the result is not x.
    %a = gm.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %z = gm.constant dense<0.0> : tensor<3xf32>
    // 0 - x is not x.
    %b = gm.sub %z, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    // x * 0 is NaN for infinite x: no fold.
    %c = gm.mul %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    %d = gm.neg %x : tensor<3xf32>
    gm.return %a, %b, %c, %d : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  }
}

// -----

gm.model @m {
  // CHECK-LABEL: gm.net @splats
  // CHECK-DAG: %[[S:.+]] = gm.constant dense<5.000000e+00> : tensor<2x3xf32>
  // CHECK-DAG: %[[N:.+]] = gm.constant dense<-2.000000e+00> : tensor<4xf32>
  // CHECK-DAG: %[[I:.+]] = gm.constant dense<3> : tensor<2xi32>
  // CHECK-DAG: %[[R:.+]] = gm.constant dense<2.000000e+00> : tensor<6xf32>
  // CHECK-DAG: %[[B:.+]] = gm.constant dense<2.000000e+00> : tensor<2x6xf32>
  // CHECK: gm.return %[[S]], %[[N]], %[[I]], %[[R]], %[[B]]
  gm.net @splats() -> (tensor<2x3xf32>, tensor<4xf32>, tensor<2xi32>, tensor<6xf32>, tensor<2x6xf32>) {
    %two = gm.constant dense<2.0> : tensor<f32>
    %three = gm.constant dense<3.0> : tensor<2x3xf32>
    %s = gm.add %two, %three : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %t = gm.constant dense<2.0> : tensor<4xf32>
    %n = gm.neg %t : tensor<4xf32>
    %seven = gm.constant dense<7> : tensor<2xi32>
    %two_i = gm.constant dense<2> : tensor<2xi32>
    %i = gm.div %seven, %two_i : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
    %t6 = gm.constant dense<2.0> : tensor<2x3xf32>
    %r = gm.reshape %t6 : tensor<2x3xf32> -> tensor<6xf32>
    %b = gm.broadcast %r : tensor<6xf32> -> tensor<2x6xf32>
    gm.return %s, %n, %i, %r, %b : tensor<2x3xf32>, tensor<4xf32>, tensor<2xi32>, tensor<6xf32>, tensor<2x6xf32>
  }

  // CHECK-LABEL: gm.net @integer_division_by_zero
  // CHECK: gm.div
  gm.net @integer_division_by_zero() -> tensor<2xi32> {
    %seven = gm.constant dense<7> : tensor<2xi32>
    %zero = gm.constant dense<0> : tensor<2xi32>
    %i = gm.div %seven, %zero : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
    gm.return %i : tensor<2xi32>
  }
}

// -----

gm.model @m {
  // CHECK-LABEL: gm.net @shape_identities
  // CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
  // CHECK-NEXT: gm.return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
  gm.net @shape_identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
    %r = gm.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
    %b = gm.broadcast %x : tensor<2x3xf32> -> tensor<2x3xf32>
    %t = gm.transpose %x perm [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
    %t1 = gm.transpose %x perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    %t2 = gm.transpose %t1 perm [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
    %s = gm.slice %x offsets [0, 0] sizes [2, 3] : tensor<2x3xf32> -> tensor<2x3xf32>
    %p = gm.pad %x low [0, 0] high [0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
    %c = gm.cast %x : tensor<2x3xf32> to tensor<2x3xf32>
    gm.return %r, %b, %t, %t2, %s, %p, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
  }

  // CHECK-LABEL: gm.net @shape_compositions
  // CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
  // CHECK-NEXT: %[[R:.+]] = gm.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
  // CHECK-NEXT: %[[T:.+]] = gm.transpose %[[X]] perm [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK-NEXT: gm.return %[[R]], %[[T]]
  gm.net @shape_compositions(%x: tensor<2x3x4xf32>) -> (tensor<24xf32>, tensor<4x2x3xf32>) {
    %r1 = gm.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
    %r2 = gm.reshape %r1 : tensor<6x4xf32> -> tensor<24xf32>
    %t1 = gm.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
    %t2 = gm.transpose %t1 perm [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
    gm.return %r2, %t2 : tensor<24xf32>, tensor<4x2x3xf32>
  }

  // CHECK-LABEL: gm.net @shape_non_identities
  // CHECK: gm.transpose
  // CHECK: gm.slice
  // CHECK: gm.pad
  // CHECK: gm.broadcast
  // CHECK: gm.cast
  gm.net @shape_non_identities(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>, tensor<5x4xf32>, tensor<2x4x4xf32>, tensor<4x4xbf16>) {
    %t = gm.transpose %x perm [1, 0] : tensor<4x4xf32> -> tensor<4x4xf32>
    %s = gm.slice %x offsets [1, 0] sizes [2, 4] : tensor<4x4xf32> -> tensor<2x4xf32>
    %p = gm.pad %x low [1, 0] high [0, 0] : tensor<4x4xf32> -> tensor<5x4xf32>
    %b = gm.broadcast %x : tensor<4x4xf32> -> tensor<2x4x4xf32>
    %c = gm.cast %x : tensor<4x4xf32> to tensor<4x4xbf16>
    gm.return %t, %s, %p, %b, %c : tensor<4x4xf32>, tensor<2x4xf32>, tensor<5x4xf32>, tensor<2x4x4xf32>, tensor<4x4xbf16>
  }
}

// -----

gm.model @m {
  // CHECK-LABEL: gm.net @stop_gradients
  // CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
  // CHECK-DAG: %[[C:.+]] = gm.constant dense<1.000000e+00> : tensor<3xf32>
  // CHECK-DAG: %[[S:.+]] = gm.stop_gradient %[[X]] : tensor<3xf32>
  // CHECK-NOT: gm.stop_gradient
  // CHECK: gm.return %[[S]], %[[C]]
  gm.net @stop_gradients(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
    %s1 = gm.stop_gradient %x : tensor<3xf32>
    %s2 = gm.stop_gradient %s1 : tensor<3xf32>
    %c = gm.constant dense<1.0> : tensor<3xf32>
    %sc = gm.stop_gradient %c : tensor<3xf32>
    gm.return %s2, %sc : tensor<3xf32>, tensor<3xf32>
  }
}

// -----

// Zero-padded pieces side by side along one axis, added: their concat
// (padded where they do not fill the axis); three pieces fold pairwise.
gm.model @m {
  // CHECK-LABEL: gm.net @adjacent_pads
  // CHECK-SAME: (%[[A:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<2x5x4xf32>, %[[C:.+]]: tensor<2x1x4xf32>)
  // CHECK: %[[AB:.+]] = gm.concat %[[A]], %[[B]] axis 1 : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  // CHECK: %[[ABC:.+]] = gm.concat %[[AB]], %[[C]] axis 1
  // CHECK: %[[BA:.+]] = gm.concat %[[A]], %[[B]] axis 1
  // CHECK: %[[P:.+]] = gm.pad %[[BA]] low [0, 1, 0] high [0, 2, 0]
  // CHECK-NOT: gm.add
  // CHECK: gm.return %[[ABC]], %[[P]]
  gm.net @adjacent_pads(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>, %c: tensor<2x1x4xf32>) -> (tensor<2x9x4xf32>, tensor<2x11x4xf32>) {
    %pa = gm.pad %a low [0, 0, 0] high [0, 6, 0] : tensor<2x3x4xf32> -> tensor<2x9x4xf32>
    %pb = gm.pad %b low [0, 3, 0] high [0, 1, 0] : tensor<2x5x4xf32> -> tensor<2x9x4xf32>
    %pc = gm.pad %c low [0, 8, 0] high [0, 0, 0] : tensor<2x1x4xf32> -> tensor<2x9x4xf32>
    %ab = gm.add %pb, %pa : (tensor<2x9x4xf32>, tensor<2x9x4xf32>) -> tensor<2x9x4xf32>
    %abc = gm.add %ab, %pc : (tensor<2x9x4xf32>, tensor<2x9x4xf32>) -> tensor<2x9x4xf32>
    // Not filling the axis: padded on both sides.
    %qa = gm.pad %a low [0, 1, 0] high [0, 7, 0] : tensor<2x3x4xf32> -> tensor<2x11x4xf32>
    %qb = gm.pad %b low [0, 4, 0] high [0, 2, 0] : tensor<2x5x4xf32> -> tensor<2x11x4xf32>
    %q = gm.add %qa, %qb : (tensor<2x11x4xf32>, tensor<2x11x4xf32>) -> tensor<2x11x4xf32>
    gm.return %abc, %q : tensor<2x9x4xf32>, tensor<2x11x4xf32>
  }

  // Overlapping, apart, on other axes, padded with another value or along
  // two axes: the add stays.
  // CHECK-LABEL: gm.net @not_adjacent_pads
  // CHECK-COUNT-5: gm.add
  // CHECK-NOT: gm.concat
  gm.net @not_adjacent_pads(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> (tensor<2x5xf32>, tensor<2x7xf32>, tensor<4x6xf32>, tensor<2x6xf32>, tensor<3x7xf32>) {
    %o1 = gm.pad %a low [0, 0] high [0, 2] : tensor<2x3xf32> -> tensor<2x5xf32>
    %o2 = gm.pad %b low [0, 2] high [0, 0] : tensor<2x3xf32> -> tensor<2x5xf32>
    %overlap = gm.add %o1, %o2 : (tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x5xf32>
    %g1 = gm.pad %a low [0, 0] high [0, 4] : tensor<2x3xf32> -> tensor<2x7xf32>
    %g2 = gm.pad %b low [0, 4] high [0, 0] : tensor<2x3xf32> -> tensor<2x7xf32>
    %gap = gm.add %g1, %g2 : (tensor<2x7xf32>, tensor<2x7xf32>) -> tensor<2x7xf32>
    %x1 = gm.pad %a low [0, 0] high [2, 3] : tensor<2x3xf32> -> tensor<4x6xf32>
    %x2 = gm.pad %b low [2, 3] high [0, 0] : tensor<2x3xf32> -> tensor<4x6xf32>
    %diagonal = gm.add %x1, %x2 : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
    %v1 = gm.pad %a low [0, 0] high [0, 3] {value = 1.0 : f64} : tensor<2x3xf32> -> tensor<2x6xf32>
    %v2 = gm.pad %b low [0, 3] high [0, 0] : tensor<2x3xf32> -> tensor<2x6xf32>
    %ones = gm.add %v1, %v2 : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
    %t1 = gm.pad %a low [1, 0] high [0, 4] : tensor<2x3xf32> -> tensor<3x7xf32>
    %t2 = gm.pad %b low [1, 4] high [0, 0] : tensor<2x3xf32> -> tensor<3x7xf32>
    %two = gm.add %t1, %t2 : (tensor<3x7xf32>, tensor<3x7xf32>) -> tensor<3x7xf32>
    gm.return %overlap, %gap, %diagonal, %ones, %two : tensor<2x5xf32>, tensor<2x7xf32>, tensor<4x6xf32>, tensor<2x6xf32>, tensor<3x7xf32>
  }
}
