// gm-to-cpu: a library op's descriptor lists as "unchanged" the inputs the
// library call just before it, in the same block, also read (the runtime
// reuses the copies it staged of them in another layout or type): here the
// output gradient, read by the input gradient and then the weight
// gradient, with a generated loop between them. Not the first call in a
// loop body, nor the first after a loop that makes calls, nor a value the
// call before wrote rather than read.
// RUN: gm-opt %s -gm-plan-memory "-gm-to-cpu=precision=bf16" | FileCheck %s

// CHECK: llvm.mlir.global internal constant @gm_model_info_json
// CHECK-SAME: \22kind\22:\22normal\22{{[^}]*}}\22y\22:[2,4,6,6]}
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d_backward_data\22
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d_backward_weights\22,\22loc\22:\22loc({{[^)]*}}:29:{{[0-9]+}})\22,{{[^}]*}}\22unchanged\22:[1],
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22model\22

gm.model @m {
  gm.param @w : tensor<4x3x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.param @v : tensor<4x3x3x3xf32> = #gm.uniform<-0.1, 0.1>
  gm.state @out : tensor<2x3x6x6xf32> = #gm.fill<0.0>
  gm.phase train @train {
    %x = gm.normal {id = 1 : i64} : tensor<2x3x6x6xf32>
    %dy = gm.normal {id = 2 : i64} : tensor<2x4x6x6xf32>
    %w = gm.load @w : tensor<4x3x3x3xf32>
    %dx = gm.conv2d_backward_data %dy, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x6x6xf32>
    %e = gm.exp %dx : tensor<2x3x6x6xf32>
    %dw = gm.conv2d_backward_weights %x, %dy {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
    gm.store %e to @out : tensor<2x3x6x6xf32>
    gm.store %dw to @v : tensor<4x3x3x3xf32>
    gm.repeat 2 {
      %dw2 = gm.conv2d_backward_weights %x, %dy {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
      gm.store %dw2 to @w : tensor<4x3x3x3xf32>
    }
    %dw3 = gm.conv2d_backward_weights %x, %dy {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
    gm.store %dw3 to @v : tensor<4x3x3x3xf32>
  }
}
