// Elementwise ops and reductions, compiled for the CPU, against the
// reference evaluator: every result within 1e-4 (relative; gm-compare).
// The tensors are big enough (18432 points) for the runtime to split the
// kernels across threads, and broadcast in the ways layers do.
// RUN: %compare-samplers %s %t | FileCheck %s

// CHECK-DAG: unary.npy: 18432 elements, {{.*}} ok
// CHECK-DAG: unary.16.npy: 18432 elements, {{.*}} ok
// CHECK-DAG: binary.npy: 18432 elements, {{.*}} ok
// CHECK-DAG: binary.11.npy: 18432 elements, {{.*}} ok
// CHECK-DAG: reduce.npy: 16 elements, {{.*}} ok
// CHECK-DAG: reduce.6.npy: 1 elements, {{.*}} ok
// CHECK-NOT: FAIL

!t = tensor<8x16x12x12xf32>
gm.model @elementwise {
  gm.sampler @unary() -> (!t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t) {
    %x = gm.normal {id = 1 : i64} : !t
    %p = gm.uniform {id = 2 : i64, low = 0.1 : f64, high = 3.0 : f64} : !t
    %0 = gm.neg %x : !t
    %1 = gm.abs %x : !t
    %2 = gm.sign %x : !t
    %3 = gm.exp %x : !t
    %4 = gm.log %p : !t
    %5 = gm.log1p %p : !t
    %6 = gm.sqrt %p : !t
    %7 = gm.rsqrt %p : !t
    %8 = gm.square %x : !t
    %9 = gm.reciprocal %p : !t
    %10 = gm.tanh %x : !t
    %11 = gm.sigmoid %x : !t
    %12 = gm.softplus %x : !t
    %13 = gm.relu %x : !t
    %s = gm.mul %x, %p : (!t, !t) -> !t
    %14 = gm.floor %s : !t
    %15 = gm.round %s : !t
    %16 = gm.leaky_relu %x {alpha = 0.2 : f64} : !t
    gm.return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16 : !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t
  }

  // Broadcasting as layers do it: a per-channel bias, a per-column vector,
  // a scalar; comparisons, select and casts.
  gm.sampler @binary() -> (!t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t) {
    %a = gm.normal {id = 3 : i64} : !t
    %b = gm.normal {id = 4 : i64} : tensor<16x1x1xf32>
    %c = gm.uniform {id = 5 : i64, low = 0.5 : f64, high = 2.0 : f64} : tensor<12xf32>
    %p = gm.uniform {id = 6 : i64, low = 0.1 : f64, high = 3.0 : f64} : !t
    %half = gm.constant dense<0.5> : tensor<f32>
    %0 = gm.add %a, %b : (!t, tensor<16x1x1xf32>) -> !t
    %1 = gm.sub %b, %a : (tensor<16x1x1xf32>, !t) -> !t
    %2 = gm.mul %a, %c : (!t, tensor<12xf32>) -> !t
    %3 = gm.div %a, %c : (!t, tensor<12xf32>) -> !t
    %4 = gm.pow %p, %half : (!t, tensor<f32>) -> !t
    %5 = gm.maximum %a, %half : (!t, tensor<f32>) -> !t
    %6 = gm.minimum %b, %a : (tensor<16x1x1xf32>, !t) -> !t
    %gt = gm.compare gt, %a, %b : (!t, tensor<16x1x1xf32>) -> tensor<8x16x12x12xi1>
    %7 = gm.select %gt, %a, %half : (tensor<8x16x12x12xi1>, !t, tensor<f32>) -> !t
    %8 = gm.cast %gt : tensor<8x16x12x12xi1> to !t
    %scaled = gm.mul %a, %c : (!t, tensor<12xf32>) -> !t
    %i = gm.cast %scaled : !t to tensor<8x16x12x12xi32>
    %9 = gm.cast %i : tensor<8x16x12x12xi32> to !t
    %10 = gm.broadcast %b : tensor<16x1x1xf32> -> !t
    %le = gm.compare le, %a, %half : (!t, tensor<f32>) -> tensor<8x16x12x12xi1>
    %11 = gm.cast %le : tensor<8x16x12x12xi1> to !t
    gm.return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t
  }

  // Reductions over leading, middle, trailing and all dimensions.
  gm.sampler @reduce() -> (tensor<16xf32>, tensor<8x1x12x12xf32>, tensor<8x16x12xf32>, tensor<8x12xf32>, tensor<16x12xf32>, tensor<8x16xi32>, tensor<f32>) {
    %a = gm.normal {id = 7 : i64} : !t
    %0 = gm.reduce_sum %a dims [0, 2, 3] : !t -> tensor<16xf32>
    %1 = gm.reduce_mean %a dims [1] keepdim : !t -> tensor<8x1x12x12xf32>
    %2 = gm.reduce_max %a dims [3] : !t -> tensor<8x16x12xf32>
    %3 = gm.reduce_max %a dims [1, 3] : !t -> tensor<8x12xf32>
    %4 = gm.reduce_mean %a dims [0, 3] : !t -> tensor<16x12xf32>
    %ten = gm.constant dense<10.0> : tensor<f32>
    %big = gm.mul %a, %ten : (!t, tensor<f32>) -> !t
    %i = gm.cast %big : !t to tensor<8x16x12x12xi32>
    %5 = gm.reduce_sum %i dims [2, 3] : tensor<8x16x12x12xi32> -> tensor<8x16xi32>
    %6 = gm.reduce_sum %a dims [0, 1, 2, 3] : !t -> tensor<f32>
    gm.return %0, %1, %2, %3, %4, %5, %6 : tensor<16xf32>, tensor<8x1x12x12xf32>, tensor<8x16x12xf32>, tensor<8x12xf32>, tensor<16x12xf32>, tensor<8x16xi32>, tensor<f32>
  }
}
