// gm-plan-memory: variables laid out in order, arena slots reused once dead,
// aliases share bytes, loads read in place unless a store overwrites them
// while live, loops keep outside values live, sampler results get slots.
// RUN: gm-opt %s -gm-plan-memory -split-input-file -verify-diagnostics | FileCheck %s

// Variables: declaration order, each padded to 64 bytes (10 floats -> 64).
// CHECK-LABEL: gm.model @variables
// CHECK-SAME: gm.arena_bytes = 0 : i64, gm.variables_bytes = 192 : i64
// CHECK: gm.param @a : tensor<10xf32> = #gm.fill<0.0> {gm.place = #gm.place<variables, 0>}
// CHECK: gm.state @b : tensor<16xf32> = #gm.fill<0.0> {gm.place = #gm.place<variables, 64>}
// CHECK: gm.param @c : tensor<2xf64> = #gm.fill<1.0> {gm.place = #gm.place<variables, 128>}
gm.model @variables {
  gm.param @a : tensor<10xf32> = #gm.fill<0.0>
  gm.state @b : tensor<16xf32> = #gm.fill<0.0>
  gm.param @c : tensor<2xf64> = #gm.fill<1.0>
}

// -----

// A chain: each value dies at its one use, so slots alternate; the largest
// buffer is packed first. Constants take no arena bytes.
// CHECK-LABEL: gm.model @chain
// CHECK-SAME: gm.arena_bytes = 128
gm.model @chain {
  gm.sampler @s() -> tensor<16xf32> {
    // CHECK: gm.constant dense<2.000000e+00> : tensor<f32>
    // CHECK-NOT: gm.places
    %c = gm.constant dense<2.0> : tensor<f32>
    // CHECK: gm.normal {gm.places = [#gm.place<arena, 0>]
    %0 = gm.normal {id = 0 : i64} : tensor<16xf32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<arena, 64>]}
    %1 = gm.mul %0, %c : (tensor<16xf32>, tensor<f32>) -> tensor<16xf32>
    // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, 0>]}
    %2 = gm.exp %1 : tensor<16xf32>
    // The result slot, live from here on, takes the dead product's bytes.
    // CHECK: gm.return {gm.places = [#gm.place<arena, 64>]}
    gm.return %2 : tensor<16xf32>
  }
}

// -----

// A value used twice stays live until its second use.
// CHECK-LABEL: gm.model @fanout
// CHECK-SAME: gm.arena_bytes = 192
gm.model @fanout {
  gm.sampler @s() -> tensor<16xf32> {
    // CHECK: gm.normal {gm.places = [#gm.place<arena, 0>]
    %x = gm.normal {id = 0 : i64} : tensor<16xf32>
    // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, 64>]}
    %e = gm.exp %x : tensor<16xf32>
    // %x is still live: the tanh takes new bytes.
    // CHECK: gm.tanh {{.*}} {gm.places = [#gm.place<arena, 128>]}
    %t = gm.tanh %e : tensor<16xf32>
    // CHECK: gm.add {{.*}} {gm.places = [#gm.place<arena, 64>]}
    %y = gm.add %t, %x : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    gm.return %y : tensor<16xf32>
  }
}

// -----

// reshape and stop_gradient share their operand's bytes; a load reads its
// variable in place.
// CHECK-LABEL: gm.model @aliases
gm.model @aliases {
  gm.param @w : tensor<4x4xf32> = #gm.fill<1.0>
  gm.sampler @s() -> tensor<16xf32> {
    // CHECK: gm.load @w {gm.places = [#gm.place<variables, 0>]}
    %w = gm.load @w : tensor<4x4xf32>
    // CHECK: gm.reshape {{.*}} {gm.places = [#gm.place<variables, 0>]}
    %r = gm.reshape %w : tensor<4x4xf32> -> tensor<16xf32>
    // CHECK: gm.neg {{.*}} {gm.places = [#gm.place<arena, 0>]}
    %n = gm.neg %r : tensor<16xf32>
    // CHECK: gm.stop_gradient {{.*}} {gm.places = [#gm.place<arena, 0>]}
    %s = gm.stop_gradient %n : tensor<16xf32>
    gm.return %s : tensor<16xf32>
  }
}

// -----

// A store to a variable while a load of it is still needed: the load gets an
// arena copy. A load whose last use is before the store stays in place.
// CHECK-LABEL: gm.model @clobber
gm.model @clobber {
  gm.param @p : tensor<16xf32> = #gm.fill<1.0>
  gm.phase train @train {
    // CHECK: gm.load @p {gm.places = [#gm.place<arena, 0>]}
    %old = gm.load @p : tensor<16xf32>
    // CHECK: gm.load @p {gm.places = [#gm.place<variables, 0>]}
    %p = gm.load @p : tensor<16xf32>
    %new = gm.neg %p : tensor<16xf32>
    gm.store %new to @p : tensor<16xf32>
    %d = gm.sub %new, %old : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    %l = gm.reduce_sum %d dims [0] : tensor<16xf32> -> tensor<f32>
    gm.report "change", %l : tensor<f32>
  }
}

// -----

// Storing a loaded value back over its own variable is no overwrite.
// CHECK-LABEL: gm.model @same
gm.model @same {
  gm.param @p : tensor<16xf32> = #gm.fill<1.0>
  gm.phase train @train {
    // CHECK: gm.load @p {gm.places = [#gm.place<variables, 0>]}
    %p = gm.load @p : tensor<16xf32>
    gm.store %p to @p : tensor<16xf32>
  }
}

// -----

// A value defined before a repeat and used inside it lives until the loop
// ends: nothing defined inside the loop may take its bytes. The store inside
// the loop overwrites @p while the outer load is live: it is copied.
// CHECK-LABEL: gm.model @loop
gm.model @loop {
  gm.param @p : tensor<16xf32> = #gm.fill<1.0>
  gm.phase train @train {
    // CHECK: gm.load @p {gm.places = [#gm.place<arena, 0>]}
    %outer = gm.load @p : tensor<16xf32>
    gm.repeat 3 {
      // CHECK: gm.normal {gm.places = [#gm.place<arena, 64>]
      %n = gm.normal {id = 0 : i64} : tensor<16xf32>
      // CHECK: gm.add {{.*}} {gm.places = [#gm.place<arena, 128>]}
      %s = gm.add %n, %outer : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
      gm.store %s to @p : tensor<16xf32>
    }
  }
}

// -----

// The canvas of an autoregressive loop is its result's buffer, which its body
// argument reads; the initial canvas dies at the loop.
// CHECK-LABEL: gm.model @canvas
gm.model @canvas {
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    // CHECK: gm.autoregressive {{.*}} attributes {gm.places = [#gm.place<arena, 0>]}
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      // CHECK: gm.sigmoid %arg0 {gm.places = [#gm.place<arena, 128>]}
      %p = gm.sigmoid %c : tensor<2x4x4xf32>
      // CHECK: gm.bernoulli {{.*}} {gm.places = [#gm.place<arena, 256>]
      %s = gm.bernoulli %p {id = 1 : i64} : tensor<2x4x4xf32>
      gm.yield %s : tensor<2x4x4xf32>
    }
    // CHECK: gm.return {gm.places = [#gm.place<arena, 128>]}
    gm.return %img : tensor<2x4x4xf32>
  }
}

// -----

gm.model @unexpanded {
  gm.param @w : tensor<4xf32> = #gm.fill<1.0>
  gm.phase train @train {
    %w = gm.load @w : tensor<4xf32>
    %l = gm.reduce_sum %w dims [0] : tensor<4xf32> -> tensor<f32>
    // expected-error @+1 {{'gm.minimize' op must be expanded before memory planning (run gm-train-pipeline first)}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}
