// gm-to-cpu precision=bf16: convolutions and matmuls are described with
// "precision": "bf16" (the runtime feeds oneDNN bf16 operands and takes f32
// results); other library ops, and f32 (the default), say nothing.
// RUN: gm-opt %s -gm-plan-memory "-gm-to-cpu=precision=bf16" | FileCheck %s
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu | FileCheck %s --check-prefix=F32
// RUN: not gm-opt %s -gm-plan-memory "-gm-to-cpu=precision=fp8" 2>&1 | FileCheck %s --check-prefix=BAD

gm.model @m {
  gm.param @w : tensor<4x3x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @v : tensor<8x5xf32> = #gm.uniform<-0.1, 0.1>
  gm.sampler @s() -> (tensor<2x4x6x6xf32>, tensor<6x5xf32>, tensor<6x8xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %w = gm.load @w : tensor<4x3x3x3xf32>
    %y = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %a = gm.normal {id = 2 : i64} : tensor<6x8xf32>
    %v = gm.load @v : tensor<8x5xf32>
    %m = gm.matmul %a, %v : (tensor<6x8xf32>, tensor<8x5xf32>) -> tensor<6x5xf32>
    %p = gm.softmax %a axis 1 : tensor<6x8xf32>
    gm.return %y, %m, %p : tensor<2x4x6x6xf32>, tensor<6x5xf32>, tensor<6x8xf32>
  }
}
// CHECK: llvm.mlir.global internal constant @gm_model_info_json
// CHECK-SAME: \22kind\22:\22conv2d\22{{[^}]*}}\22precision\22:\22bf16\22
// CHECK-SAME: \22kind\22:\22matmul\22{{[^}]*}}\22precision\22:\22bf16\22
// Keys are sorted: a precision would stand between loc and x (the softmax
// reads %a, as the matmul before it: gm-to-cpu-unchanged.mlir).
// CHECK-SAME: \22kind\22:\22softmax\22,\22loc\22:\22loc({{[^)]*}})\22,\22unchanged\22:[0],\22x\22:[6,8]}
// F32-NOT: \22precision\22
// BAD: gm-to-cpu: unknown precision 'fp8' (f32 or bf16)
