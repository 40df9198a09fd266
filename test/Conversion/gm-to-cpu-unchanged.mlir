// gm-to-cpu: a library op's descriptor lists as "unchanged" the inputs the
// library call just before it, in the same block, also read (the runtime
// reuses the copies it staged of them in another layout or type): here the
// output gradient, read by the input gradient and then the weight
// gradient, with a generated loop between them. Not the first call in a
// loop body, nor the first after a loop that makes calls, nor a value the
// call before wrote rather than read, nor the first after ops a sampling
// step runs once per row (gm.per_row: at the row's other steps, the call
// before is another; the sampler's convolutions both read %x).
// RUN: gm-opt %s -gm-plan-memory "-gm-to-cpu=precision=bf16" | FileCheck %s

// CHECK: llvm.mlir.global internal constant @gm_model_info_json
// CHECK-SAME: \22kind\22:\22normal\22{{[^}]*}}\22y\22:[2,4,6,6]}
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d_backward_data\22
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d_backward_weights\22,\22loc\22:\22loc({{[^)]*}}:35:{{[0-9]+}})\22,{{[^}]*}}\22unchanged\22:[1],
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d\22
// CHECK-NOT: \22unchanged\22
// CHECK-SAME: \22kind\22:\22conv2d\22
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
  gm.sampler @rows() -> tensor<2x4x6x4xf32> {
    %ka = gm.normal {id = 3 : i64} : tensor<4x4x3x3xf32>
    %kh = gm.normal {id = 4 : i64} : tensor<4x4x1x3xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4x6x4xf32>
    %img = gm.autoregressive %zero over [6, 4] : tensor<2x4x6x4xf32> {
    ^bb0(%c: tensor<2x4x6x4xf32>):
      %x = gm.row_window %c dim 2 rows 2 : tensor<2x4x6x4xf32> -> tensor<2x4x2x4xf32>
      %v = gm.conv2d %x, %ka {gm.per_row = 1 : i64, padding = array<i64: 1, 1, 1, 1>, mask = dense<[[1, 1, 1], [0, 0, 0], [0, 0, 0]]> : tensor<3x3xi1>} : (tensor<2x4x2x4xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x2x4xf32>
      %h = gm.conv2d %x, %kh {padding = array<i64: 0, 1, 0, 1>, mask = dense<[[1, 0, 0]]> : tensor<1x3xi1>} : (tensor<2x4x2x4xf32>, tensor<4x4x1x3xf32>) -> tensor<2x4x2x4xf32>
      %s = gm.add %v, %h : (tensor<2x4x2x4xf32>, tensor<2x4x2x4xf32>) -> tensor<2x4x2x4xf32>
      %u = gm.row_unwindow %s dim 2 : tensor<2x4x2x4xf32> -> tensor<2x4x6x4xf32>
      gm.yield %u : tensor<2x4x6x4xf32>
    }
    gm.return %img : tensor<2x4x6x4xf32>
  }
}
