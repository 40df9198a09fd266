// gm-plan-memory: variables laid out in order, arena slots reused once dead,
// aliases share bytes (contiguous slices included), loads read in place
// unless a store overwrites them while live, concats of variables laid out
// back to back read them in place, loops keep outside values live, sampler
// results get slots.
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
// buffer is packed first. Constants take no arena bytes. Without reuse the
// four buffers (three values, the result slot) would take 256 bytes.
// CHECK-LABEL: gm.model @chain
// CHECK-SAME: gm.arena_bytes = 128
// CHECK: gm.sampler @s() -> tensor<16xf32> attributes {gm.arena_bytes = 128 : i64, gm.naive_arena_bytes = 256 : i64}
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

// A value computed once per row (gm.per_row) keeps its bytes through the
// loop when a reader runs at more steps: the per-step sigmoid, dead before
// the tanh, would otherwise share them (both at 256), and overwrite the
// tanh's value at the row's next step.
// CHECK-LABEL: gm.model @per_row
gm.model @per_row {
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x4x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      // CHECK: gm.sigmoid %arg0 {gm.places = [#gm.place<arena, 384>]}
      %p = gm.sigmoid %c : tensor<2x4x4xf32>
      // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, 512>]}
      %t = gm.exp %p : tensor<2x4x4xf32>
      // CHECK: gm.tanh {{.*}} {gm.per_row = 0 : i64, gm.places = [#gm.place<arena, 256>]}
      %k = gm.tanh %x {gm.per_row = 0 : i64} : tensor<2x4x4xf32>
      // CHECK: gm.add {{.*}} {gm.places = [#gm.place<arena, 384>]}
      %y = gm.add %t, %k : (tensor<2x4x4xf32>, tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
      gm.yield %y : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }
}

// -----

// A reader in a nested loop runs whenever that loop does, at every step of
// the outer one, whatever its mark for the inner loop says: the tanh keeps
// its bytes (the sigmoid after the inner loop would otherwise take them).
// CHECK-LABEL: gm.model @per_row_nested
gm.model @per_row_nested {
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x4x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %z1 = gm.constant dense<0.0> : tensor<2x1x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      // CHECK: gm.tanh {{.*}} {gm.per_row = 0 : i64, gm.places = [#gm.place<arena, 256>]}
      %v = gm.tanh %x {gm.per_row = 0 : i64} : tensor<2x4x4xf32>
      %i = gm.autoregressive %z1 over [1, 4] : tensor<2x1x4xf32> {
      ^bb0(%d: tensor<2x1x4xf32>):
        %e = gm.exp %v {gm.per_row = 0 : i64} : tensor<2x4x4xf32>
        %r = gm.reduce_sum %e dims [1] keepdim {gm.per_row = 0 : i64} : tensor<2x4x4xf32> -> tensor<2x1x4xf32>
        %y = gm.add %r, %d : (tensor<2x1x4xf32>, tensor<2x1x4xf32>) -> tensor<2x1x4xf32>
        gm.yield %y : tensor<2x1x4xf32>
      }
      // CHECK: gm.sigmoid %arg0 {gm.places = [#gm.place<arena, 384>]}
      %w = gm.sigmoid %c : tensor<2x4x4xf32>
      %s = gm.add %w, %i : (tensor<2x4x4xf32>, tensor<2x1x4xf32>) -> tensor<2x4x4xf32>
      gm.yield %s : tensor<2x4x4xf32>
    }
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

// -----

// A contiguous slice (whole trailing dimensions, single leading indices) is
// a view at its byte offset; a strided or partial-row slice is a copy.
// CHECK-LABEL: gm.model @slices
gm.model @slices {
  gm.sampler @s() -> (tensor<1x3x4xf32>, tensor<2x2x4xf32>) {
    // CHECK: gm.normal {gm.places = [#gm.place<arena, [[#X:]]>]
    %x = gm.normal {id = 0 : i64} : tensor<2x3x4xf32>
    // CHECK: gm.slice {{.*}} {gm.places = [#gm.place<arena, [[#X]]>]} : tensor<2x3x4xf32> -> tensor<1x3x4xf32>
    %a = gm.slice %x offsets [0, 0, 0] sizes [1, 3, 4] : tensor<2x3x4xf32> -> tensor<1x3x4xf32>
    // Rows 1-2 of image 1: element 16, byte 64 past %x.
    // CHECK: gm.slice {{.*}} offsets [1, 1, 0] sizes [1, 2, 4] {gm.places = [#gm.place<arena, [[#X+64]]>]}
    %b = gm.slice %x offsets [1, 1, 0] sizes [1, 2, 4] : tensor<2x3x4xf32> -> tensor<1x2x4xf32>
    // Two images' rows 1-2: not contiguous, bytes of its own (a copy).
    // CHECK: gm.slice {{.*}} offsets [0, 1, 0] sizes [2, 2, 4] {gm.places = [#gm.place<arena, [[#X+128]]>]}
    %c = gm.slice %x offsets [0, 1, 0] sizes [2, 2, 4] : tensor<2x3x4xf32> -> tensor<2x2x4xf32>
    %d = gm.exp %b : tensor<1x2x4xf32>
    gm.return %a, %c : tensor<1x3x4xf32>, tensor<2x2x4xf32>
  }
}

// -----

// The optimizers' flat view: the variables a concat joins are laid out back
// to back (unpadded) in its order, ahead of the rest, and the concat reads
// them in place; the split results are views of the flat value. The update
// is elementwise, reads the old value last and is stored back whole: it
// writes the variables in place, and the stores copy nothing.
// CHECK-LABEL: gm.model @flat
// CHECK: gm.param @other : tensor<3xf32> = #gm.fill<0.0> {gm.place = #gm.place<variables, 64>}
// CHECK: gm.param @a : tensor<2xf32> = #gm.fill<1.0> {gm.place = #gm.place<variables, 0>}
// CHECK: gm.param @b : tensor<3x2xf32> = #gm.fill<1.0> {gm.place = #gm.place<variables, 8>}
gm.model @flat {
  gm.param @other : tensor<3xf32> = #gm.fill<0.0>
  gm.param @a : tensor<2xf32> = #gm.fill<1.0>
  gm.param @b : tensor<3x2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %a = gm.load @a : tensor<2xf32>
    %b = gm.load @b : tensor<3x2xf32>
    %bf = gm.reshape %b : tensor<3x2xf32> -> tensor<6xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<variables, 0>]}
    %p = gm.concat %a, %bf axis 0 : (tensor<2xf32>, tensor<6xf32>) -> tensor<8xf32>
    %two = gm.constant dense<2.0> : tensor<f32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<variables, 0>]}
    %new = gm.mul %p, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
    // CHECK: gm.slice {{.*}} {gm.places = [#gm.place<variables, 0>]}
    // CHECK: gm.slice {{.*}} {gm.places = [#gm.place<variables, 8>]}
    %na = gm.slice %new offsets [0] sizes [2] : tensor<8xf32> -> tensor<2xf32>
    %nb = gm.slice %new offsets [2] sizes [6] : tensor<8xf32> -> tensor<6xf32>
    %nb2 = gm.reshape %nb : tensor<6xf32> -> tensor<3x2xf32>
    gm.store %na to @a : tensor<2xf32>
    gm.store %nb2 to @b : tensor<3x2xf32>
  }
}

// -----

// A concat whose variables are stored to while it is live is a copy, and
// so is one whose variables another concat already laid out in another
// order.
// CHECK-LABEL: gm.model @flat_copies
// CHECK: gm.param @a : tensor<2xf32> = #gm.fill<1.0> {gm.place = #gm.place<variables, 0>}
// CHECK: gm.param @b : tensor<2xf32> = #gm.fill<1.0> {gm.place = #gm.place<variables, 8>}
gm.model @flat_copies {
  gm.param @a : tensor<2xf32> = #gm.fill<1.0>
  gm.param @b : tensor<2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %a = gm.load @a : tensor<2xf32>
    %b = gm.load @b : tensor<2xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %p = gm.concat %a, %b axis 0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
    %z = gm.constant dense<0.0> : tensor<2xf32>
    gm.store %z to @a : tensor<2xf32>
    %s = gm.reduce_sum %p dims [0] : tensor<4xf32> -> tensor<f32>
    gm.report "s", %s : tensor<f32>
  }
  gm.sampler @t() -> tensor<4xf32> {
    %a = gm.load @a : tensor<2xf32>
    %b = gm.load @b : tensor<2xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %p = gm.concat %b, %a axis 0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
    gm.return %p : tensor<4xf32>
  }
}

// -----

// The inputs of a contiguous concat are computed in place inside it (the
// optimizers' flat gradients), reshapes included; an input that another
// concat already took is copied.
// CHECK-LABEL: gm.model @concat_in_place
gm.model @concat_in_place {
  gm.sampler @s() -> (tensor<10xf32>, tensor<4xf32>) {
    // CHECK: gm.normal {gm.places = [#gm.place<arena, [[#C:]]>]{{.*}} : tensor<4xf32>
    %a = gm.normal {id = 0 : i64} : tensor<4xf32>
    // CHECK: gm.normal {gm.places = [#gm.place<arena, [[#C+16]]>]{{.*}} : tensor<3x2xf32>
    %b = gm.normal {id = 1 : i64} : tensor<3x2xf32>
    // CHECK: gm.reshape {{.*}} {gm.places = [#gm.place<arena, [[#C+16]]>]}
    %bf = gm.reshape %b : tensor<3x2xf32> -> tensor<6xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, [[#C]]>]} : (tensor<4xf32>, tensor<6xf32>)
    %c = gm.concat %a, %bf axis 0 : (tensor<4xf32>, tensor<6xf32>) -> tensor<10xf32>
    // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, [[#E:]]>]}
    %e = gm.exp %a : tensor<4xf32>
    // %a was taken: copied to the start; %e was computed after it.
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, [[#E-16]]>]} : (tensor<4xf32>, tensor<4xf32>)
    %d = gm.concat %a, %e axis 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
    %s = gm.slice %d offsets [2] sizes [4] : tensor<8xf32> -> tensor<4xf32>
    gm.return %c, %s : tensor<10xf32>, tensor<4xf32>
  }
}

// -----

// No update in place when the old value is still read afterwards, when only
// part of the result goes back, or when the result is stored elsewhere.
// CHECK-LABEL: gm.model @not_in_place
gm.model @not_in_place {
  gm.param @a : tensor<4xf32> = #gm.fill<1.0>
  gm.param @b : tensor<4xf32> = #gm.fill<1.0>
  gm.state @c : tensor<4xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %two = gm.constant dense<2.0> : tensor<f32>
    %a = gm.load @a : tensor<4xf32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %na = gm.mul %a, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    gm.store %na to @a : tensor<4xf32>
    %old = gm.reduce_sum %a dims [0] : tensor<4xf32> -> tensor<f32>
    gm.report "old", %old : tensor<f32>
    %b = gm.load @b : tensor<4xf32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %nb = gm.mul %b, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %half = gm.slice %nb offsets [0] sizes [2] : tensor<4xf32> -> tensor<2xf32>
    %s = gm.reduce_sum %half dims [0] : tensor<2xf32> -> tensor<f32>
    gm.report "half", %s : tensor<f32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %nc = gm.mul %b, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    gm.store %nc to @c : tensor<4xf32>
  }
}

// -----

// Nor for a matmul (or convolution) with its epilogue, though the variable
// it reads has the result's type and is read for the last time: element i
// of the result reads more than element i of the variable.
// CHECK-LABEL: gm.model @library_not_in_place
gm.model @library_not_in_place {
  gm.param @m : tensor<4x4xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %w = gm.constant dense<0.5> : tensor<4x4xf32>
    %b = gm.constant dense<1.0> : tensor<4xf32>
    %m = gm.load @m : tensor<4x4xf32>
    // CHECK: gm.fused(%{{.*}}) {gm.places = [#gm.place<arena, {{[0-9]+}}>]}
    %y = gm.fused(%m, %w, %b) : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32> {
    ^bb0(%a: tensor<4x4xf32>, %k: tensor<4x4xf32>, %c: tensor<4xf32>):
      %0 = gm.matmul %a, %k : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
      %1 = gm.add %0, %c : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
      gm.yield %1 : tensor<4x4xf32>
    }
    gm.store %y to @m : tensor<4x4xf32>
  }
}

// -----

// Strided windows. A slice of whole trailing dimensions that is not one
// contiguous run (a channel half of a batch) is a view of its input, at
// its first element, when only loops over its own shape read it (they
// index it as a window of the input); returned, it is a copy. A concat
// input that one loop makes for that concat alone is computed in its
// window of the concat's bytes; one read elsewhere too keeps its own.
// CHECK-LABEL: gm.model @strided_windows
gm.model @strided_windows {
  gm.sampler @s() -> (tensor<2x2x3xf32>, tensor<2x4x3xf32>, tensor<2x2x3xf32>) {
    // CHECK: gm.normal {gm.places = [#gm.place<arena, 0>]
    %x = gm.normal {id = 0 : i64} : tensor<2x4x3xf32>
    // Channels 2-3 of both images: element 6, byte 24 of %x.
    // CHECK: gm.slice {{.*}} offsets [0, 2, 0] sizes [2, 2, 3] {gm.places = [#gm.place<arena, 24>]}
    %h = gm.slice %x offsets [0, 2, 0] sizes [2, 2, 3] : tensor<2x4x3xf32> -> tensor<2x2x3xf32>
    %t = gm.tanh %h : tensor<2x2x3xf32>
    // CHECK: gm.slice {{.*}} offsets [0, 0, 0] sizes [2, 2, 3] {gm.places = [#gm.place<arena, 448>]}
    %r = gm.slice %x offsets [0, 0, 0] sizes [2, 2, 3] : tensor<2x4x3xf32> -> tensor<2x2x3xf32>
    // Read by both concats: bytes of its own.
    // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, 256>]}
    %a = gm.exp %t : tensor<2x2x3xf32>
    // For %c alone: channels 2-3 of %c.
    // CHECK: gm.neg {{.*}} {gm.places = [#gm.place<arena, [[#B:]]>]}
    %b = gm.neg %t : tensor<2x2x3xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, [[#B-24]]>]}
    %c = gm.concat %a, %b axis 1 : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x4x3xf32>
    %d = gm.concat %t, %a axis 1 : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x4x3xf32>
    %e = gm.add %c, %d : (tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
    gm.return %r, %e, %t : tensor<2x2x3xf32>, tensor<2x4x3xf32>, tensor<2x2x3xf32>
  }
}

// -----

// An update stored back whole over the variable it last reads is written
// in place only when its buffer is first written by that op: here the
// concat's second input is computed into its window first, and would
// overwrite the variable's channels 2-3 before the multiply reads them.
// CHECK-LABEL: gm.model @window_before_update
gm.model @window_before_update {
  gm.param @v : tensor<2x4x3xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %a = gm.load @v : tensor<2x4x3xf32>
    // CHECK: gm.slice {{.*}} offsets [0, 2, 0] {{.*}} {gm.places = [#gm.place<variables, 24>]}
    %s1 = gm.slice %a offsets [0, 0, 0] sizes [2, 2, 3] : tensor<2x4x3xf32> -> tensor<2x2x3xf32>
    %s2 = gm.slice %a offsets [0, 2, 0] sizes [2, 2, 3] : tensor<2x4x3xf32> -> tensor<2x2x3xf32>
    // CHECK: gm.exp {{.*}} {gm.places = [#gm.place<arena, [[#E:]]>]}
    %r2 = gm.exp %s2 : tensor<2x2x3xf32>
    // CHECK: gm.mul {{.*}} {gm.places = [#gm.place<arena, [[#E-24]]>]}
    %r1 = gm.mul %s1, %s2 : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
    // CHECK: gm.concat {{.*}} {gm.places = [#gm.place<arena, [[#E-24]]>]}
    %c = gm.concat %r1, %r2 axis 1 : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x4x3xf32>
    gm.store %c to @v : tensor<2x4x3xf32>
  }
}
