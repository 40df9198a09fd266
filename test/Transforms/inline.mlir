// gm-inline: calls become copies of the callees, nets disappear, copied
// random ops draw their own streams, recursion is an error.
// RUN: gm-opt %s -gm-inline -split-input-file -verify-diagnostics | FileCheck %s
// RUN: gm-opt %s -gm-inline=keep-nets -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=KEEP

// CHECK-LABEL: gm.model @nested
// CHECK-NOT: gm.net
// CHECK-NOT: gm.call
// CHECK-LABEL: gm.phase train @step
// CHECK: %[[X:.+]] = gm.constant
// CHECK: %[[W:.+]] = gm.load @w : tensor<2x2xf32>
// CHECK: %[[H:.+]] = gm.matmul %[[X]], %[[W]]
// CHECK: %[[N1:.+]] = gm.normal {id = 2 : i64} : tensor<2x2xf32>
// CHECK: %[[A:.+]] = gm.add %[[H]], %[[N1]]
// CHECK: %[[W2:.+]] = gm.load @w : tensor<2x2xf32>
// CHECK: %[[H2:.+]] = gm.matmul %[[A]], %[[W2]]
// CHECK: %[[N2:.+]] = gm.normal {id = 3 : i64} : tensor<2x2xf32>
// CHECK: %[[B:.+]] = gm.add %[[H2]], %[[N2]]
// CHECK: gm.tanh %[[B]]
// KEEP-LABEL: gm.model @nested
// KEEP: gm.net @noisy
// KEEP: gm.net @twice
// KEEP-NOT: gm.call
gm.model @nested {
  gm.param @w : tensor<2x2xf32> = #gm.fill<0.5>
  gm.net @noisy(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %w = gm.load @w : tensor<2x2xf32>
    %h = gm.matmul %x, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    %n = gm.normal {id = 1 : i64} : tensor<2x2xf32>
    %y = gm.add %h, %n : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    gm.return %y : tensor<2x2xf32>
  }
  gm.net @twice(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %a = gm.call @noisy(%x) : (tensor<2x2xf32>) -> tensor<2x2xf32>
    %b = gm.call @noisy(%a) : (tensor<2x2xf32>) -> tensor<2x2xf32>
    gm.return %b : tensor<2x2xf32>
  }
  gm.phase train @step {
    %x = gm.constant dense<1.0> : tensor<2x2xf32>
    %y = gm.call @twice(%x) : (tensor<2x2xf32>) -> tensor<2x2xf32>
    %t = gm.tanh %y : tensor<2x2xf32>
    %s = gm.reduce_sum %t dims [0, 1] : tensor<2x2xf32> -> tensor<f32>
    gm.report "s", %s : tensor<f32>
  }
}

// -----

// Multiple results map one to one.
// CHECK-LABEL: gm.model @results
// CHECK: gm.sampler @sample
// CHECK-NEXT: %[[C:.+]] = gm.constant
// CHECK-NEXT: %[[N:.+]] = gm.neg %[[C]]
// CHECK-NEXT: gm.return %[[N]], %[[C]]
gm.model @results {
  gm.net @swap(%a: tensor<2xf32>, %b: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
    gm.return %b, %a : tensor<2xf32>, tensor<2xf32>
  }
  gm.sampler @sample() -> (tensor<2xf32>, tensor<2xf32>) {
    %c = gm.constant dense<1.0> : tensor<2xf32>
    %n = gm.neg %c : tensor<2xf32>
    %x, %y = gm.call @swap(%c, %n) : (tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
    gm.return %x, %y : tensor<2xf32>, tensor<2xf32>
  }
}

// -----

gm.model @recursive {
  gm.net @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = gm.call @g(%x) : (tensor<2xf32>) -> tensor<2xf32>
    gm.return %y : tensor<2xf32>
  }
  gm.net @g(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{makes net @f call itself (@f -> @g -> @f); nets are inlined and cannot recurse}}
    %y = gm.call @f(%x) : (tensor<2xf32>) -> tensor<2xf32>
    gm.return %y : tensor<2xf32>
  }
}
