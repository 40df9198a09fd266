// gm-to-cpu: one function per phase and sampler over the planned buffers;
// elementwise ops and reductions become kernels holding a linalg.generic
// over merged dimensions, called through the runtime's parallel_for or
// directly with an array of their operands' addresses (so that ops computing
// the same thing on other buffers share one kernel); library ops become gmrt_library calls with descriptors in the
// model info; loops become scf.for.
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu -split-input-file -verify-diagnostics | FileCheck %s

gm.model @m {
  gm.dataset @data.train "fashion-mnist" split "train" fields [tensor<4x3x3xf32>]
  gm.param @b : tensor<4xf32> = #gm.fill<0.5>
  gm.param @w : tensor<8x4x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.phase train @train {
    %x = gm.next @data.train : tensor<2x4x3x3xf32>
    %b = gm.load @b : tensor<4xf32>
    %r = gm.reshape %b : tensor<4xf32> -> tensor<4x1x1xf32>
    %y = gm.add %x, %r : (tensor<2x4x3x3xf32>, tensor<4x1x1xf32>) -> tensor<2x4x3x3xf32>
    %w = gm.load @w : tensor<8x4x3x3xf32>
    %c = gm.conv2d %y, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x4x3x3xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x3x3xf32>
    %m = gm.reduce_mean %c dims [0, 2, 3] : tensor<2x8x3x3xf32> -> tensor<8xf32>
    %s = gm.reduce_sum %m dims [0] : tensor<8xf32> -> tensor<f32>
    gm.report "loss", %s : tensor<f32>
    %bn = gm.reduce_mean %y dims [0, 2, 3] : tensor<2x4x3x3xf32> -> tensor<4xf32>
    gm.store %bn to @b : tensor<4xf32>
  }
}

// The buffers come from the frame: arena in field 0, variables in field 1.
// CHECK-LABEL: func.func private @gm_arena_buffer(%{{.*}}: !llvm.ptr) -> memref<?xi8>
// CHECK: llvm.getelementptr %{{.*}}[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr)>
// CHECK: llvm.mlir.constant(960 : i64)
// CHECK-LABEL: func.func private @gm_variables_buffer
// CHECK: llvm.getelementptr %{{.*}}[0, 1]
// CHECK: llvm.mlir.constant(1216 : i64)

// CHECK-LABEL: func.func @gm_phase_train(
// CHECK-SAME: %[[FRAME:.*]]: !llvm.ptr)
// One stack array for the operand addresses of every runtime call.
// CHECK: %[[ADDRS:.*]] = llvm.alloca %{{.*}} x !llvm.array<16 x ptr>
// CHECK: %[[ARENA:.*]] = call @gm_arena_buffer(%[[FRAME]])
// CHECK: %[[VARS:.*]] = call @gm_variables_buffer(%[[FRAME]])
// gm.next writes its batch at its planned place.
// CHECK: memref.view %[[ARENA]][%c0][] : memref<?xi8> to memref<2x4x3x3xf32>
// CHECK: call @gmrt_next(%[[FRAME]], %c0_i32{{.*}}, %[[ADDRS]])
// The bias add is small: called directly over its 2 units.
// CHECK: call @k0.add(%[[ADDRS]], %c0_i64, %c2_i64)
// The convolution: library op 0 on (input, weight, result).
// CHECK: memref.view %[[VARS]][%c64][] : memref<?xi8> to memref<8x4x3x3xf32>
// CHECK: call @gmrt_library(%[[FRAME]], %c0_i32{{.*}}, %c0_i32, %[[ADDRS]])
// CHECK: call @k1.reduce_mean(%[[ADDRS]], %c0_i64{{.*}}, %c8_i64)
// CHECK: call @k2.reduce_sum(%[[ADDRS]], %c0_i64{{.*}}, %c1_i64)
// A report passes its value.
// CHECK: %[[LOSS:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: %[[WIDE:.*]] = arith.extf %[[LOSS]] : f32 to f64
// CHECK: call @gmrt_report(%[[FRAME]], %c0_i32{{.*}}, %[[WIDE]])
// A store copies into the variable.
// CHECK: %[[B:.*]] = memref.view %[[VARS]][%c0{{.*}}][] : memref<?xi8> to memref<4xf32>
// CHECK: %[[BN:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<?xi8> to memref<4xf32>
// CHECK: memref.copy %[[BN]], %[[B]]

// The bias add over 2 x 4 x 9: the 3 x 3 image merged into one dimension,
// the bias indexed by the channel, the range [begin, end) of dim 0. Each
// operand's address is an element of the kernel's first argument.
// CHECK-LABEL: func.func private @k0.add(
// CHECK-SAME: %[[OPERANDS:.*]]: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[OPERANDS]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<3 x ptr>
// CHECK: %[[ADDRESS:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[BYTES:.*]] = call @gm_bytes(%[[ADDRESS]])
// CHECK: %[[X:.*]] = memref.view %[[BYTES]][%{{.*}}][] : memref<?xi8> to memref<2x4x9xf32>
// CHECK: memref.subview %[[X]][%{{.*}}, 0, 0] [%{{.*}}, 4, 9] [1, 1, 1]
// CHECK: memref.view %{{.*}} to memref<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID3:.*]], #[[CHANNEL:.*]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.addf

// The mean over all but the channel: zero, sum, divide; split on channels.
// The sums add in f64 (the thread's channels' accumulators), rounded to f32
// after the division.
// CHECK-LABEL: func.func private @k1.reduce_mean
// CHECK: memref.subview %{{.*}}[0, %{{.*}}, 0] [2, %{{.*}}, 9] [1, 1, 1] : memref<2x8x9xf32>
// CHECK: %[[OUT:.*]] = memref.subview {{.*}} : memref<8xf32> to memref<?xf32
// CHECK: %[[ACC:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK: linalg.fill ins(%{{.*}} : f64) outs(%[[ACC]] : memref<?xf64>)
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
// CHECK-SAME: outs(%[[ACC]] : memref<?xf64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.addf %{{.*}} : f64
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : memref<?xf64>) outs(%[[OUT]]
// CHECK: arith.constant 1.800000e+01 : f64
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: memref.dealloc %[[ACC]]

// A full reduction has no parallel dimension: one unit; its f64
// accumulator, a scalar, on the stack.
// CHECK-LABEL: func.func private @k2.reduce_sum
// CHECK-NOT: memref.subview
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<f64>
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]
// CHECK-SAME: outs(%[[ACC]] : memref<f64>)
// CHECK-NOT: memref.dealloc
// CHECK: return

// The dispatcher and the model's description.
// CHECK-LABEL: func.func @gm_run(%{{.*}}: i32, %{{.*}}: !llvm.ptr)
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: func.call @gm_phase_train
// CHECK: llvm.mlir.global internal constant @gm_model_info_json
// CHECK-SAME: \22kind\22:\22conv2d\22
// CHECK-SAME: \22padding\22:[1,1,1,1]
// CHECK-SAME: \22w\22:[8,4,3,3],\22x\22:[2,4,3,3],\22y\22:[2,8,3,3]
// CHECK-SAME: \22name\22:\22b\22,\22offset\22:0
// CHECK-SAME: \22variables_bytes\22:1216
// CHECK-LABEL: func.func @gm_model_info() -> !llvm.ptr
// CHECK: llvm.mlir.addressof @gm_model_info_json

// -----

// Large kernels go through the runtime's parallel_for with a grain that
// gives each task at least 16384 points; a load that a later store would
// overwrite is copied first.
gm.model @big {
  gm.param @p : tensor<64x1024xf32> = #gm.fill<1.0>
  gm.phase train @train {
    %old = gm.load @p : tensor<64x1024xf32>
    %two = gm.constant dense<2.0> : tensor<f32>
    %new = gm.mul %old, %two : (tensor<64x1024xf32>, tensor<f32>) -> tensor<64x1024xf32>
    gm.store %new to @p : tensor<64x1024xf32>
    %d = gm.sub %new, %old : (tensor<64x1024xf32>, tensor<64x1024xf32>) -> tensor<64x1024xf32>
    %l = gm.reduce_sum %d dims [0, 1] : tensor<64x1024xf32> -> tensor<f32>
    gm.report "change", %l : tensor<f32>
  }
}
// CHECK-LABEL: func.func @gm_phase_train
// CHECK: %[[FROM:.*]] = memref.view %{{.*}} to memref<65536xf32>
// CHECK: %[[TO:.*]] = memref.view %{{.*}} to memref<65536xf32>
// CHECK: memref.copy %[[FROM]], %[[TO]]
// CHECK: %[[K:.*]] = constant @k0.mul : (!llvm.ptr, i64, i64) -> ()
// CHECK: call @gmrt_parallel_for(%[[K]], %{{.*}}, %c65536_i64, %c16384_i64)
// CHECK-LABEL: func.func private @k0.mul
// The scalar constant is captured, not read from memory.
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<?xf32, strided<[1], offset: ?>>)
// CHECK: arith.mulf %{{.*}}, %[[TWO]]

// -----

// repeat: an scf.for whose iteration index (outer * count + i) reaches the
// random draws and the reports' rounds; autoregressive: a loop over positions, copying position p,
// where a draw marked gm.at_position is made at p alone (gmrt_library_at, with the period in its descriptor).
gm.model @loops {
  gm.param @p : tensor<16xf32> = #gm.fill<0.0>
  gm.phase train @train {
    gm.repeat 3 {
      %n = gm.normal {id = 1 : i64} : tensor<16xf32>
      gm.store %n to @p : tensor<16xf32>
      %m = gm.reduce_mean %n dims [0] : tensor<16xf32> -> tensor<f32>
      gm.report "mean", %m : tensor<f32>
    }
  }
  gm.sampler @s() -> tensor<2x4x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x4x4xf32>
    %img = gm.autoregressive %zero over [4, 4] : tensor<2x4x4xf32> {
    ^bb0(%c: tensor<2x4x4xf32>):
      %p = gm.sigmoid %c : tensor<2x4x4xf32>
      %s = gm.bernoulli %p {gm.at_position, id = 2 : i64} : tensor<2x4x4xf32>
      gm.yield %s : tensor<2x4x4xf32>
    }
    gm.return %img : tensor<2x4x4xf32>
  }
}
// CHECK-LABEL: func.func @gm_phase_train
// CHECK: %[[OUTER:.*]] = arith.constant 0 : i32
// CHECK: scf.for %[[I:.*]] = %c0 to %c3 step %c1 {
// CHECK: %[[I32:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: %[[SCALED:.*]] = arith.muli %[[OUTER]], %c3_i32
// CHECK: %[[ITER:.*]] = arith.addi %[[SCALED]], %[[I32]]
// CHECK: call @gmrt_library(%{{.*}}, %c0_i32{{.*}}, %[[ITER]], %{{.*}})
// CHECK: memref.copy
// A report in the repeat is one round of 3: the step reports their mean.
// CHECK: call @gmrt_report_round(%{{.*}}, %c0_i32{{.*}}, %{{.*}}, %[[ITER]], %c3_i32{{.*}})
// CHECK-LABEL: func.func @gm_sampler_s
// The initial canvas is a splat: a fill.
// CHECK: linalg.fill
// CHECK: scf.for %[[POS:.*]] = %c0{{.*}} to %c16 step %c1{{.*}} {
// CHECK: %[[AT:.*]] = arith.index_cast %[[POS]] : index to i64
// CHECK: call @k{{[0-9]+}}.sigmoid
// CHECK: call @gmrt_library_at(%{{.*}}, %c1_i32{{.*}}, %{{.*}}, %[[AT]], %{{.*}}) : (!llvm.ptr, i32, i32, i64, !llvm.ptr) -> ()
// CHECK: scf.for %[[LINE:.*]] = %c0{{.*}} to %c2 step %c1{{.*}} {
// CHECK: %[[V:.*]] = memref.load %{{.*}}[%[[LINE]], %[[POS]]] : memref<2x16xf32>
// CHECK: memref.store %[[V]], %{{.*}}[%[[LINE]], %[[POS]]] : memref<2x16xf32>
// The result is copied to its slot, reported in the model info.
// CHECK: memref.copy
// CHECK: \22results\22:[{\22dtype\22:\22f32\22,\22offset\22:{{[0-9]+}},\22shape\22:[2,4,4]}]
// CHECK-SAME: \22kind\22:\22bernoulli\22,{{.*}}\22period\22:16,\22stream\22:2,

// -----

// Row windows (gm-window-rows): the window starts at max(0, row - rows + 1),
// row = position / 4 (the positions of a row); each line of the dimensions
// before the windowed one copies one run of rows. Put back: zeros, then the
// runs the other way.
gm.model @rows {
  gm.sampler @s() -> tensor<2x1x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      %e = gm.exp %w : tensor<2x1x3x4xf32>
      %u = gm.row_unwindow %e dim 2 : tensor<2x1x3x4xf32> -> tensor<2x1x6x4xf32>
      %n = gm.row_window %w dim 2 rows 2 : tensor<2x1x3x4xf32> -> tensor<2x1x2x4xf32>
      %m = gm.row_unwindow %n dim 2 : tensor<2x1x2x4xf32> -> tensor<2x1x6x4xf32>
      %y = gm.add %u, %m : (tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: scf.for %[[POS:.*]] = %{{.*}} to %c24 step
// CHECK: %[[AT:.*]] = arith.index_cast %[[POS]] : index to i64
// CHECK: %[[CANVAS:.*]] = memref.view %{{.*}} : memref<?xi8> to memref<48xf32>
// CHECK: %[[P:.*]] = arith.index_cast %[[AT]] : i64 to index
// CHECK: %[[ROW:.*]] = arith.divui %[[P]], %c4
// CHECK: %[[UP:.*]] = arith.subi %[[ROW]], %c2
// CHECK: %[[START:.*]] = arith.maxsi %[[UP]], %c0
// CHECK: scf.for %[[LINE:.*]] = %{{.*}} to %c2{{.*}} step
// CHECK: %[[FIRST:.*]] = arith.muli %[[LINE]], %c6
// CHECK: %[[FROM:.*]] = arith.addi %[[FIRST]], %[[START]]
// CHECK: %[[AT_WHOLE:.*]] = arith.muli %[[FROM]], %c4
// CHECK: %[[AT_WINDOW:.*]] = arith.muli %[[LINE]], %c12
// CHECK: %[[SRC:.*]] = memref.subview %[[CANVAS]][%[[AT_WHOLE]]] [12] [1]
// CHECK: %[[DST:.*]] = memref.subview %{{.*}}[%[[AT_WINDOW]]] [12] [1]
// CHECK: memref.copy %[[SRC]], %[[DST]]
// CHECK: call @k0.exp
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[WHOLE:.*]] : memref<48xf32>)
// CHECK: scf.for
// CHECK: %[[BACK:.*]] = memref.subview %[[WHOLE]]
// CHECK: memref.copy %{{.*}}, %[[BACK]]
// A window of 2 rows inside the window of 3 starts at the difference of
// their starts.
// CHECK: %[[START2:.*]] = arith.maxsi
// CHECK: %[[START3:.*]] = arith.maxsi
// CHECK: %[[INSIDE:.*]] = arith.subi %[[START2]], %[[START3]]
// CHECK: scf.for %[[LINE2:.*]] = %{{.*}} to %c2{{.*}} step
// CHECK: %[[FIRST2:.*]] = arith.muli %[[LINE2]], %c3
// CHECK: arith.addi %[[FIRST2]], %[[INSIDE]]
// CHECK: memref.copy

// -----

// Windows of columns (along 1): the step's column is position / 1 % 4 (the
// positions of a column, then the columns of a row); the window starts at
// max(0, column - rows + 1).
gm.model @columns {
  gm.sampler @s() -> tensor<2x1x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %r = gm.row_window %c dim 2 rows 1 : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
      %w = gm.row_window %r dim 3 rows 2 along 1 : tensor<2x1x1x4xf32> -> tensor<2x1x1x2xf32>
      %e = gm.exp %w : tensor<2x1x1x2xf32>
      %u = gm.row_unwindow %e dim 3 along 1 : tensor<2x1x1x2xf32> -> tensor<2x1x1x4xf32>
      %y = gm.row_unwindow %u dim 2 : tensor<2x1x1x4xf32> -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: scf.for %[[POS:.*]] = %{{.*}} to %c24 step
// The step's row of the canvas first.
// CHECK: arith.divui %{{.*}}, %c4
// CHECK: memref.copy
// CHECK: %[[P:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[STEPS:.*]] = arith.divui %[[P]], %c1
// CHECK: %[[COLUMN:.*]] = arith.remui %[[STEPS]], %c4
// CHECK: %[[LEFT:.*]] = arith.subi %[[COLUMN]], %c1
// CHECK: %[[START:.*]] = arith.maxsi %[[LEFT]], %c0
// Inside the step's row (a window of 1 of 6 rows): 2 lines of 4 columns.
// CHECK: scf.for %[[LINE:.*]] = %{{.*}} to %c2{{.*}} step
// CHECK: %[[FIRST:.*]] = arith.muli %[[LINE]], %c4
// CHECK: %[[FROM:.*]] = arith.addi %[[FIRST]], %[[START]]
// CHECK: %[[AT:.*]] = arith.muli %[[FROM]], %c1
// CHECK: memref.subview %{{.*}}[%[[AT]]] [2] [1]
// CHECK: memref.copy
// CHECK: call @k{{[0-9]+}}.exp
// CHECK: arith.remui %{{.*}}, %c4
// CHECK: linalg.fill
// CHECK: memref.copy

// -----

// Over [6, 4, 2], a column lasts 2 steps: the step's column is
// position / 2 % 4.
gm.model @columns3 {
  gm.sampler @s() -> tensor<2x6x4x2xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x6x4x2xf32>
    %img = gm.autoregressive %zero over [6, 4, 2] : tensor<2x6x4x2xf32> {
    ^bb0(%c: tensor<2x6x4x2xf32>):
      %r = gm.row_window %c dim 1 rows 1 : tensor<2x6x4x2xf32> -> tensor<2x1x4x2xf32>
      %w = gm.row_window %r dim 2 rows 3 along 1 : tensor<2x1x4x2xf32> -> tensor<2x1x3x2xf32>
      %e = gm.exp %w : tensor<2x1x3x2xf32>
      %u = gm.row_unwindow %e dim 2 along 1 : tensor<2x1x3x2xf32> -> tensor<2x1x4x2xf32>
      %y = gm.row_unwindow %u dim 1 : tensor<2x1x4x2xf32> -> tensor<2x6x4x2xf32>
      gm.yield %y : tensor<2x6x4x2xf32>
    }
    gm.return %img : tensor<2x6x4x2xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: scf.for %{{.*}} = %{{.*}} to %c48 step
// CHECK: arith.divui %{{.*}}, %c8
// CHECK: memref.copy
// CHECK: %[[STEPS:.*]] = arith.divui %{{.*}}, %c2
// CHECK: %[[COLUMN:.*]] = arith.remui %[[STEPS]], %c4
// CHECK: %[[LEFT:.*]] = arith.subi %[[COLUMN]], %c2
// CHECK: arith.maxsi %[[LEFT]], %c0

// -----

// Ops the same along a row (gm-per-row) run under one scf.if: at the first
// step of a row (position % 4 == 0), and at every step of the rows before
// their gm.per_row (position < 2 * 4); a run of ops with the same row
// shares it, and from row 0 the first step alone decides.
gm.model @per_row {
  gm.sampler @s() -> tensor<2x1x6x4xf32> {
    %x = gm.constant dense<1.0> : tensor<2x1x6x4xf32>
    %k = gm.constant dense<1.0> : tensor<1x1x3x1xf32>
    %zero = gm.constant dense<0.0> : tensor<2x1x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x1x6x4xf32> {
    ^bb0(%c: tensor<2x1x6x4xf32>):
      %w = gm.row_window %c dim 2 rows 3 : tensor<2x1x6x4xf32> -> tensor<2x1x3x4xf32>
      %v = gm.conv2d %w, %k {gm.per_row = 2 : i64, padding = array<i64: 1, 0, 1, 0>, mask = dense<[[1], [0], [0]]> : tensor<3x1xi1>} : (tensor<2x1x3x4xf32>, tensor<1x1x3x1xf32>) -> tensor<2x1x3x4xf32>
      %e = gm.exp %v {gm.per_row = 2 : i64} : tensor<2x1x3x4xf32>
      %f = gm.row_window %x dim 2 rows 1 {gm.per_row = 0 : i64} : tensor<2x1x6x4xf32> -> tensor<2x1x1x4xf32>
      %u = gm.row_unwindow %e dim 2 : tensor<2x1x3x4xf32> -> tensor<2x1x6x4xf32>
      %g = gm.row_unwindow %f dim 2 : tensor<2x1x1x4xf32> -> tensor<2x1x6x4xf32>
      %s = gm.add %u, %g : (tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      %y = gm.add %s, %c : (tensor<2x1x6x4xf32>, tensor<2x1x6x4xf32>) -> tensor<2x1x6x4xf32>
      gm.yield %y : tensor<2x1x6x4xf32>
    }
    gm.return %img : tensor<2x1x6x4xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: scf.for %[[POS:.*]] = %{{.*}} to %c24 step
// The canvas's window, at every step.
// CHECK: memref.copy
// CHECK: %[[COLUMN:.*]] = arith.remui %[[POS]], %c4
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[COLUMN]], %c0
// CHECK: %[[EARLY:.*]] = arith.cmpi ult, %[[POS]], %c8
// CHECK: %[[WHEN:.*]] = arith.ori %[[FIRST]], %[[EARLY]]
// CHECK: scf.if %[[WHEN]] {
// CHECK: call @gmrt_library
// CHECK: call @k{{[0-9]+}}.exp
// CHECK: }
// CHECK: %[[COLUMN0:.*]] = arith.remui %[[POS]], %c4
// CHECK: %[[FIRST0:.*]] = arith.cmpi eq, %[[COLUMN0]], %c0
// CHECK-NOT: arith.ori
// CHECK: scf.if %[[FIRST0]] {
// CHECK: scf.for
// CHECK: memref.copy
// CHECK: }
// CHECK: linalg.fill
// CHECK-NOT: scf.if
// CHECK: call @k{{[0-9]+}}.add

// -----

// Put back for a draw made at the step's position alone (gm.at_position),
// which reads nothing outside the window: no zeros.
gm.model @rows_drawn {
  gm.sampler @s() -> tensor<2x6x4xi32> {
    %zero = gm.constant dense<0> : tensor<2x6x4xi32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x6x4xi32> {
    ^bb0(%c: tensor<2x6x4xi32>):
      %l = gm.normal {id = 1 : i64} : tensor<2x3x1x4xf32>
      %u = gm.row_unwindow %l dim 2 : tensor<2x3x1x4xf32> -> tensor<2x3x6x4xf32>
      %x = gm.categorical %u axis 1 {gm.at_position, id = 2 : i64} : tensor<2x3x6x4xf32> -> tensor<2x6x4xi32>
      gm.yield %x : tensor<2x6x4xi32>
    }
    gm.return %img : tensor<2x6x4xi32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: scf.for
// CHECK: call @gmrt_library(
// CHECK-NOT: linalg.fill
// CHECK: memref.copy
// CHECK: call @gmrt_library_at(

// -----

// A window copies rows of the plain layout (checkLayouts).
gm.model @blocked_rows {
  gm.sampler @s() -> tensor<2x16x6x4xf32> {
    %zero = gm.constant dense<0.0> : tensor<2x16x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x16x6x4xf32> {
    ^bb0(%c: tensor<2x16x6x4xf32>):
      %b = gm.reorder %c to "blocked" : tensor<2x16x6x4xf32>
      // expected-error @+1 {{'gm.row_window' op reads operand #0 in the blocked layout}}
      %w = gm.row_window %b dim 2 rows 3 : tensor<2x16x6x4xf32> -> tensor<2x16x3x4xf32>
      %u = gm.row_unwindow %w dim 2 : tensor<2x16x3x4xf32> -> tensor<2x16x6x4xf32>
      gm.yield %u : tensor<2x16x6x4xf32>
    }
    gm.return %img : tensor<2x16x6x4xf32>
  }
}

// -----

// A gm.fused is one kernel: one linalg.generic whose body computes the
// fused ops in order, writing each result the op yields.
gm.model @fused {
  gm.sampler @s() -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<4x8xf32>
    %b = gm.normal {id = 2 : i64} : tensor<8xf32>
    %y:2 = gm.fused(%x, %b) : (tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
    ^bb0(%a: tensor<4x8xf32>, %c: tensor<8xf32>):
      %0 = gm.add %a, %c : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
      %1 = gm.tanh %0 : tensor<4x8xf32>
      gm.yield %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
    }
    gm.return %y#0, %y#1 : tensor<4x8xf32>, tensor<4x8xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: call @k0.fused.add.tanh
// CHECK-LABEL: func.func private @k0.fused.add.tanh
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : memref<?x8xf32, {{.*}}>, memref<?x8xf32, {{.*}}>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[C]] : f32
// CHECK-NEXT: %[[T:.*]] = math.tanh %[[S]] : f32
// CHECK-NEXT: linalg.yield %[[S]], %[[T]] : f32, f32

// -----

// Ops that compute the same thing on other buffers share one kernel; a
// different shape is another kernel.
gm.model @shared {
  gm.sampler @s() -> tensor<4x8xf32> {
    %a = gm.normal {id = 1 : i64} : tensor<4x8xf32>
    %b = gm.normal {id = 2 : i64} : tensor<4x8xf32>
    %c = gm.exp %a : tensor<4x8xf32>
    %d = gm.exp %b : tensor<4x8xf32>
    %e = gm.mul %c, %d : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %f = gm.normal {id = 3 : i64} : tensor<8x8xf32>
    %g = gm.exp %f : tensor<8x8xf32>
    %h = gm.reduce_sum %g dims [0] : tensor<8x8xf32> -> tensor<8xf32>
    %i = gm.add %e, %h : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    gm.return %i : tensor<4x8xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: call @k0.exp(
// CHECK: call @k0.exp(
// CHECK: call @k1.mul(
// CHECK: call @k2.exp(
// CHECK-COUNT-1: func.func private @k0.exp(
// CHECK: func.func private @k1.mul(
// CHECK: func.func private @k2.exp(

// -----

// Planned views cost nothing: a concat of variables laid out back to back
// and contiguous slices emit no copy, and an update written in place leaves
// its stores nothing to copy: only the update kernel remains.
gm.model @flat {
  gm.param @a : tensor<2xf32> = #gm.fill<1.0>
  gm.param @b : tensor<3x2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %a = gm.load @a : tensor<2xf32>
    %b = gm.load @b : tensor<3x2xf32>
    %bf = gm.reshape %b : tensor<3x2xf32> -> tensor<6xf32>
    %p = gm.concat %a, %bf axis 0 : (tensor<2xf32>, tensor<6xf32>) -> tensor<8xf32>
    %two = gm.constant dense<2.0> : tensor<f32>
    %new = gm.mul %p, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
    %na = gm.slice %new offsets [0] sizes [2] : tensor<8xf32> -> tensor<2xf32>
    %nb = gm.slice %new offsets [2] sizes [6] : tensor<8xf32> -> tensor<6xf32>
    %nb2 = gm.reshape %nb : tensor<6xf32> -> tensor<3x2xf32>
    gm.store %na to @a : tensor<2xf32>
    gm.store %nb2 to @b : tensor<3x2xf32>
  }
}
// CHECK-LABEL: func.func @gm_phase_step
// CHECK: %[[VARS:.*]] = call @gm_variables_buffer
// CHECK-NOT: concat
// The kernel updates the variables in place, as one flat tensor: it gets
// their address once, as its output.
// CHECK: memref.view %[[VARS]][%c0{{.*}}][] : memref<?xi8> to memref<8xf32>
// CHECK-NOT: memref.view
// CHECK: call @k0.mul(
// CHECK-NOT: memref.copy
// CHECK-NOT: call @k
// CHECK: return
// It reads the old value through the output (one pointer: nothing for
// LLVM to check for overlap before vectorizing).
// CHECK-LABEL: func.func private @k0.mul(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel"]} outs(%{{.*}} : memref<?xf32
// CHECK-NEXT: ^bb0(%[[OLD:.*]]: f32):
// CHECK-NEXT: %[[NEW:.*]] = arith.mulf %[[OLD]], %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[NEW]] : f32

// -----

// A gm.fused ending in a reduction: one kernel over the chain's shape that
// folds each element into the result as it computes it (no buffer for the
// chain), split across the kept dimension; a reduced unit dimension is
// indexed, not reduced.
gm.model @fused_reduction {
  gm.sampler @s() -> tensor<64xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<64x1x28x28xf32>
    %s = gm.fused(%x) : (tensor<64x1x28x28xf32>) -> tensor<64xf32> {
    ^bb0(%a: tensor<64x1x28x28xf32>):
      %0 = gm.square %a : tensor<64x1x28x28xf32>
      %1 = gm.reduce_sum %0 dims [1, 2, 3] : tensor<64x1x28x28xf32> -> tensor<64xf32>
      gm.yield %1 : tensor<64xf32>
    }
    gm.return %s : tensor<64xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: call @gmrt_parallel_for(%{{.*}}, %{{.*}}, %c64_i64
// CHECK-LABEL: func.func private @k0.fused.square.reduce_sum(
// CHECK: linalg.fill ins(%{{.*}} : f64) outs(%[[OUT:.*]] : memref<?x1xf64>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}} : memref<?x784xf32, {{.*}}>) outs(%[[OUT]] : memref<?x1xf64>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[ACC:.*]]: f64):
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[SQ]] : f32 to f64
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[WIDE]] : f64
// CHECK-NEXT: linalg.yield %[[SUM]] : f64

// -----

// A gm.fused starting with a convolution is one library call: the
// convolution with "bias" and its activation; no kernel.
gm.model @epilogue {
  gm.param @w : tensor<4x3x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<2x4x6x6xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.load @w : tensor<4x3x3x3xf32>
    %b = gm.normal {id = 2 : i64} : tensor<4x1x1xf32>
    %y = gm.fused(%x, %w, %b) : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32> {
    ^bb0(%a: tensor<2x3x6x6xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4x1x1xf32>):
      %0 = gm.conv2d %a, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
      %1 = gm.add %0, %c : (tensor<2x4x6x6xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x6xf32>
      %2 = gm.leaky_relu %1 {alpha = 2.500000e-01 : f64} : tensor<2x4x6x6xf32>
      gm.yield %2 : tensor<2x4x6x6xf32>
    }
    gm.return %y : tensor<2x4x6x6xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: call @gmrt_library(%{{.*}}, %c0_i32
// CHECK: call @gmrt_library(%{{.*}}, %c1_i32
// CHECK: call @gmrt_library(%{{.*}}, %c2_i32
// CHECK-NOT: call @k
// CHECK: \22activation\22:\22leaky_relu\22,\22alpha\22:0.25,\22bias\22:true,{{.*}}\22kind\22:\22conv2d\22

// -----

// So is one starting with a matmul: the matmul with "bias" and relu.
gm.model @matmul_epilogue {
  gm.param @w : tensor<4x5xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<8x4xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<8x5xf32>
    %w = gm.load @w : tensor<4x5xf32>
    %b = gm.normal {id = 2 : i64} : tensor<4xf32>
    %y = gm.fused(%x, %w, %b) : (tensor<8x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<8x4xf32> {
    ^bb0(%a: tensor<8x5xf32>, %k: tensor<4x5xf32>, %c: tensor<4xf32>):
      %0 = gm.matmul %a, %k {transpose_rhs} : (tensor<8x5xf32>, tensor<4x5xf32>) -> tensor<8x4xf32>
      %1 = gm.add %0, %c : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
      %2 = gm.relu %1 : tensor<8x4xf32>
      gm.yield %2 : tensor<8x4xf32>
    }
    gm.return %y : tensor<8x4xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: call @gmrt_library(%{{.*}}, %c2_i32
// CHECK-NOT: call @k
// CHECK: \22activation\22:\22relu\22,\22batch\22:1,\22bias\22:true,{{.*}}\22kind\22:\22matmul\22,\22loc\22:{{.*}}\22m\22:8,\22n\22:4,{{.*}}\22transpose_b\22:true

// -----

// A masked convolution counts the FLOPs of the taps its mask keeps (6 of
// 9): 2 * 144 outputs * 4 channels * 6 taps; the runtime skips the rest.
gm.model @masked {
  gm.param @w : tensor<8x4x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<2x8x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x4x3x3xf32>
    %w = gm.load @w : tensor<8x4x3x3xf32>
    %y = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, mask = dense<[[true, true, true], [true, true, true], [false, false, false]]> : tensor<3x3xi1>} : (tensor<2x4x3x3xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x3x3xf32>
    gm.return %y : tensor<2x8x3x3xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK: \22flops\22:6912,\22groups\22:1,\22kind\22:\22conv2d\22,{{.*}}\22mask\22:[1,1,1,1,1,1,0,0,0]

// -----

// Blocked values (gm-propagate-layouts): the library ops that read or write
// them list every operand's layout; a gm.reorder is a library op of its
// own.
gm.model @layouts {
  gm.param @w : tensor<32x16x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> tensor<f32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x4x4xf32>
    %xb = gm.reorder %x to "blocked" : tensor<2x16x4x4xf32>
    %w = gm.load @w : tensor<32x16x3x3xf32>
    %y = gm.conv2d %xb, %w {gm.layouts = ["blocked"], padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<32x16x3x3xf32>) -> tensor<2x32x4x4xf32>
    %dw = gm.conv2d_backward_weights %xb, %y {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x16x4x4xf32>, tensor<2x32x4x4xf32>) -> tensor<32x16x3x3xf32>
    %yp = gm.reorder %y to "plain" : tensor<2x32x4x4xf32>
    %s = gm.reduce_sum %yp dims [0, 1, 2, 3] : tensor<2x32x4x4xf32> -> tensor<f32>
    gm.return %s : tensor<f32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK-DAG: \22kind\22:\22reorder\22,\22layout\22:\22blocked\22,\22loc
// CHECK-DAG: \22kind\22:\22conv2d\22,\22layouts\22:[\22blocked\22,\22plain\22,\22blocked\22]
// CHECK-DAG: \22kind\22:\22conv2d_backward_weights\22,\22layouts\22:[\22blocked\22,\22blocked\22,\22plain\22]
// CHECK-DAG: \22kind\22:\22reorder\22,\22layout\22:\22plain\22

// -----

// Only convolutions, batch norms, elementwise loops, reductions and channel
// windows read blocked values.
gm.model @blocked_reader {
  gm.sampler @s() -> tensor<2x16x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x3x3xf32>
    %b = gm.reorder %x to "blocked" : tensor<2x16x3x3xf32>
    // expected-error @+1 {{'gm.transpose' op reads operand #0 in the blocked layout, which only convolutions, batch norms, elementwise loops, reductions and slices, pads and concats of whole channel blocks can (reorder it to "plain" first)}}
    %t = gm.transpose %b perm [0, 1, 3, 2] : tensor<2x16x3x3xf32> -> tensor<2x16x3x3xf32>
    gm.return %t : tensor<2x16x3x3xf32>
  }
}

// -----

// A loop over blocked values reads its broadcast operands plain.
gm.model @blocked_broadcast {
  gm.sampler @s() -> tensor<2x16x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x3x3xf32>
    %c = gm.normal {id = 2 : i64} : tensor<1x16x1x1xf32>
    %cb = gm.reorder %c to "blocked" : tensor<1x16x1x1xf32>
    // expected-error @+1 {{'gm.add' op reads or writes a blocked tensor of another shape than its loop's}}
    %y = gm.add %x, %cb : (tensor<2x16x3x3xf32>, tensor<1x16x1x1xf32>) -> tensor<2x16x3x3xf32>
    gm.return %y : tensor<2x16x3x3xf32>
  }
}

// -----

gm.model @blocked_writer {
  gm.param @w : tensor<16x16xf32> = #gm.fill<1.0>
  gm.sampler @s() -> tensor<2x16xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16xf32>
    %w = gm.load @w : tensor<16x16xf32>
    // expected-error @+1 {{'gm.matmul' op cannot write result #0 in the blocked layout}}
    %y = gm.matmul %x, %w {gm.layouts = ["blocked"]} : (tensor<2x16xf32>, tensor<16x16xf32>) -> tensor<2x16xf32>
    gm.return %y : tensor<2x16xf32>
  }
}

// -----

gm.model @double_reorder {
  gm.sampler @s() -> tensor<2x16x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x3x3xf32>
    %b = gm.reorder %x to "blocked" : tensor<2x16x3x3xf32>
    // expected-error @+1 {{'gm.reorder' op reorders a value that is blocked already}}
    %c = gm.reorder %b to "blocked" : tensor<2x16x3x3xf32>
    %p = gm.reorder %c to "plain" : tensor<2x16x3x3xf32>
    gm.return %p : tensor<2x16x3x3xf32>
  }
}

// -----

gm.model @mixed_layouts {
  gm.sampler @s() -> tensor<2x16x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x16x3x3xf32>
    %b = gm.reorder %x to "blocked" : tensor<2x16x3x3xf32>
    // expected-error @+1 {{'gm.add' op mixes blocked and plain tensors of one shape (reorder them to one layout first)}}
    %s = gm.add %b, %x : (tensor<2x16x3x3xf32>, tensor<2x16x3x3xf32>) -> tensor<2x16x3x3xf32>
    gm.return %s : tensor<2x16x3x3xf32>
  }
}

// -----

// A channel window's copy indexes plain: it moves the same bytes in either
// layout only when its operands and results share one.
gm.model @mixed_window {
  gm.sampler @s() -> tensor<2x16x3x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x32x3x3xf32>
    %b = gm.reorder %x to "blocked" : tensor<2x32x3x3xf32>
    // expected-error @+1 {{'gm.slice' op mixes blocked and plain tensors (reorder them to one layout first)}}
    %s = gm.slice %b offsets [0, 16, 0, 0] sizes [2, 16, 3, 3] : tensor<2x32x3x3xf32> -> tensor<2x16x3x3xf32>
    gm.return %s : tensor<2x16x3x3xf32>
  }
}

// -----

// A strided slice that only loops read is read in place, as a window of its
// input (channels 2-3 of each image: elements 6-11 of 12); concat inputs
// that loops compute for the concat alone are written into their windows of
// its result. No kernel copies a slice or a concat's input.
gm.model @strided_windows {
  gm.sampler @s() -> tensor<2x4x3xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x4x3xf32>
    %h = gm.slice %x offsets [0, 2, 0] sizes [2, 2, 3] : tensor<2x4x3xf32> -> tensor<2x2x3xf32>
    %t = gm.tanh %h : tensor<2x2x3xf32>
    %a = gm.exp %t : tensor<2x2x3xf32>
    %b = gm.neg %t : tensor<2x2x3xf32>
    %c = gm.concat %a, %b axis 1 : (tensor<2x2x3xf32>, tensor<2x2x3xf32>) -> tensor<2x4x3xf32>
    gm.return %c : tensor<2x4x3xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK-NOT: .slice
// CHECK-NOT: .concat
// CHECK: func.func private @k{{[0-9]+}}.tanh
// CHECK: memref.view {{.*}} to memref<2x12xf32>
// CHECK-NEXT: memref.subview %{{.*}}[0, 6] [2, 6] [1, 1]
// CHECK: func.func private @k{{[0-9]+}}.exp
// CHECK: memref.view {{.*}} to memref<2x12xf32>
// CHECK-NEXT: memref.subview %{{.*}}[0, 0] [2, 6] [1, 1]
// CHECK: func.func private @k{{[0-9]+}}.neg
// CHECK: memref.view {{.*}} to memref<2x12xf32>
// CHECK-NEXT: memref.subview %{{.*}}[0, 6] [2, 6] [1, 1]

// -----

// The same in the blocked layout, on whole channel blocks: channels 16-31
// of each image are its second block, elements 64-127 of 128.
gm.model @blocked_windows {
  gm.sampler @s() -> tensor<2x32x2x2xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<2x32x2x2xf32>
    %xb = gm.reorder %x to "blocked" : tensor<2x32x2x2xf32>
    %h = gm.slice %xb offsets [0, 16, 0, 0] sizes [2, 16, 2, 2] {gm.layouts = ["blocked"]} : tensor<2x32x2x2xf32> -> tensor<2x16x2x2xf32>
    %t = gm.tanh %h {gm.layouts = ["blocked"]} : tensor<2x16x2x2xf32>
    %a = gm.exp %t {gm.layouts = ["blocked"]} : tensor<2x16x2x2xf32>
    %b = gm.neg %t {gm.layouts = ["blocked"]} : tensor<2x16x2x2xf32>
    %c = gm.concat %a, %b axis 1 {gm.layouts = ["blocked"]} : (tensor<2x16x2x2xf32>, tensor<2x16x2x2xf32>) -> tensor<2x32x2x2xf32>
    %p = gm.reorder %c to "plain" : tensor<2x32x2x2xf32>
    gm.return %p : tensor<2x32x2x2xf32>
  }
}
// CHECK-LABEL: func.func @gm_sampler_s
// CHECK-NOT: .slice
// CHECK-NOT: .concat
// CHECK: func.func private @k{{[0-9]+}}.tanh
// CHECK: memref.view {{.*}} to memref<2x128xf32>
// CHECK-NEXT: memref.subview %{{.*}}[0, 64] [2, 64] [1, 1]
// CHECK: func.func private @k{{[0-9]+}}.exp
// CHECK: memref.subview %{{.*}}[0, 0] [2, 64] [1, 1] : memref<2x128xf32>
// CHECK: func.func private @k{{[0-9]+}}.neg
// CHECK: memref.subview %{{.*}}[0, 64] [2, 64] [1, 1] : memref<2x128xf32>
