// Sums and means over millions of elements, compiled for the CPU, against
// the reference evaluator (f64) to 1e-6 relative: f32 sums add in f64.
// Added in order in an f32 accumulator, the mean of 6.4M squares came out
// 1% low (what is below the accumulator's ulp is dropped), and a loss
// averaged over 64 x 28 x 28 pixels 1e-4 low.
// RUN: %compare-samplers %s %t 1e-6 | FileCheck %s

// CHECK-DAG: sums.npy: 1 elements, {{.*}} ok
// CHECK-DAG: sums.1.npy: 128 elements, {{.*}} ok
// CHECK-DAG: sums.2.npy: 1 elements, {{.*}} ok
// CHECK-DAG: sums.3.npy: 64 elements, {{.*}} ok
// CHECK-DAG: constant_sums.npy: 40 elements, {{.*}} ok
// CHECK-DAG: constant_sums.1.npy: 30 elements, {{.*}} ok
// CHECK-NOT: FAIL

!t = tensor<64x128x28x28xf32>

gm.model @sums {
  // A mean of squares (a fused square and reduction), per-channel sums over
  // 50176 elements (a bias gradient), a full sum, per-image means.
  gm.sampler @sums() -> (tensor<f32>, tensor<128xf32>, tensor<f32>, tensor<64xf32>) {
    %a = gm.normal {id = 1 : i64} : !t
    %sq = gm.mul %a, %a : (!t, !t) -> !t
    %0 = gm.reduce_mean %sq dims [0, 1, 2, 3] : !t -> tensor<f32>
    %1 = gm.reduce_sum %sq dims [0, 2, 3] : !t -> tensor<128xf32>
    %2 = gm.reduce_sum %sq dims [0, 1, 2, 3] : !t -> tensor<f32>
    %3 = gm.reduce_mean %sq dims [1, 2, 3] : !t -> tensor<64xf32>
    gm.return %0, %1, %2, %3 : tensor<f32>, tensor<128xf32>, tensor<f32>, tensor<64xf32>
  }

  // Sums over an axis of a function of a splat constant: no buffer indexes
  // the summed axis (the constant is no buffer), so the kernel's loops take
  // their bounds from a carrier (this failed to compile: "invalid indexing
  // maps are non-invertible").
  gm.sampler @constant_sums() -> (tensor<4x10xf32>, tensor<3x10xf32>) {
    %c = gm.constant dense<0.5> : tensor<4x3x10xf32>
    %sq = gm.square %c : tensor<4x3x10xf32>
    %0 = gm.reduce_sum %sq dims [1] : tensor<4x3x10xf32> -> tensor<4x10xf32>
    %e = gm.exp %c : tensor<4x3x10xf32>
    %1 = gm.reduce_mean %e dims [0] : tensor<4x3x10xf32> -> tensor<3x10xf32>
    gm.return %0, %1 : tensor<4x10xf32>, tensor<3x10xf32>
  }
}
