// gm-approximate-math: exp, log, log1p and tanh become polynomials built of
// arithmetic; sqrt stays (it is one instruction).
// RUN: gm-opt %s -gm-approximate-math | FileCheck %s

// CHECK-LABEL: func.func @f
func.func @f(%x: f32) -> (f32, f32, f32, f32, f32) {
  // CHECK-NOT: math.exp
  // CHECK-NOT: math.log
  // CHECK-NOT: math.log1p
  // CHECK-NOT: math.tanh
  // CHECK: math.fma
  // CHECK: math.sqrt
  %0 = math.exp %x : f32
  %1 = math.log %x : f32
  %2 = math.log1p %x : f32
  %3 = math.tanh %x : f32
  %4 = math.sqrt %x : f32
  return %0, %1, %2, %3, %4 : f32, f32, f32, f32, f32
}
