// gm-cpu-to-llvm: gm-to-cpu's output becomes the LLVM dialect only; kernels
// are plain loops, and transcendental math is arithmetic (polynomials) that
// LLVM vectorizes with the loop, not calls to libm.
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu -gm-cpu-to-llvm | FileCheck %s
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu -gm-cpu-to-llvm | FileCheck %s --check-prefix=NONE

gm.model @m {
  gm.sampler @s() -> tensor<64x256xf32> {
    %x = gm.normal {id = 1 : i64} : tensor<64x256xf32>
    %e = gm.exp %x : tensor<64x256xf32>
    %t = gm.tanh %e : tensor<64x256xf32>
    gm.return %t : tensor<64x256xf32>
  }
}

// CHECK-DAG: llvm.func @gm_sampler_s(%{{.*}}: !llvm.ptr)
// CHECK-DAG: llvm.func @gm_run(%{{.*}}: i32, %{{.*}}: !llvm.ptr)
// CHECK-DAG: llvm.func @gm_model_info() -> !llvm.ptr
// CHECK-DAG: llvm.func @gmrt_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)
// CHECK-DAG: llvm.func @gmrt_library(!llvm.ptr, i32, i32, !llvm.ptr)
// The kernel's address goes to parallel_for.
// CHECK-DAG: llvm.mlir.addressof @k0.exp : !llvm.ptr
// CHECK-DAG: llvm.func internal @k0.exp(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// exp's polynomial: fused multiply-adds and an exponent built by bit shifts.
// CHECK-DAG: llvm.intr.fma
// CHECK-DAG: llvm.shl

// NONE-NOT: linalg.
// NONE-NOT: memref.
// NONE-NOT: func.func
// NONE-NOT: math.
// NONE-NOT: llvm.intr.exp
// NONE-NOT: llvm.intr.tanh
// NONE-NOT: builtin.unrealized_conversion_cast
