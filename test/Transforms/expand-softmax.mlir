// gm-expand-softmax: softmax over an inner axis and log-softmax over any
// become a max, a sum of exponentials and elementwise ops; softmax over the
// innermost axis stays a library op (oneDNN's log-softmax is not accurate
// enough: e2e/ops-nn.mlir).
// RUN: gm-opt %s -gm-expand-softmax | FileCheck %s

gm.model @m {
  gm.sampler @s() -> (tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) {
    %x = gm.normal {id = 1 : i64} : tensor<2x5x3xf32>
    %p = gm.softmax %x axis 1 : tensor<2x5x3xf32>
    %l = gm.log_softmax %x axis 1 : tensor<2x5x3xf32>
    %i = gm.log_softmax %x axis 2 : tensor<2x5x3xf32>
    %q = gm.softmax %x axis 2 : tensor<2x5x3xf32>
    gm.return %p, %l, %i, %q : tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>
  }
}
// CHECK-LABEL: gm.sampler @s
// CHECK: %[[X:.*]] = gm.normal
// softmax = e / s
// CHECK: %[[M:.*]] = gm.reduce_max %[[X]] dims [1] keepdim : tensor<2x5x3xf32> -> tensor<2x1x3xf32>
// CHECK: %[[D:.*]] = gm.sub %[[X]], %[[M]]
// CHECK: %[[E:.*]] = gm.exp %[[D]]
// CHECK: %[[S:.*]] = gm.reduce_sum %[[E]] dims [1] keepdim : tensor<2x5x3xf32> -> tensor<2x1x3xf32>
// CHECK: %[[P:.*]] = gm.div %[[E]], %[[S]] : (tensor<2x5x3xf32>, tensor<2x1x3xf32>) -> tensor<2x5x3xf32>
// log_softmax = x - (m + log(s))
// CHECK: %[[M2:.*]] = gm.reduce_max %[[X]] dims [1] keepdim
// CHECK: %[[E2:.*]] = gm.exp
// CHECK: %[[S2:.*]] = gm.reduce_sum %[[E2]] dims [1] keepdim
// CHECK: %[[LOGS:.*]] = gm.log %[[S2]] : tensor<2x1x3xf32>
// CHECK: %[[LSE:.*]] = gm.add %[[M2]], %[[LOGS]] : (tensor<2x1x3xf32>, tensor<2x1x3xf32>) -> tensor<2x1x3xf32>
// CHECK: %[[L:.*]] = gm.sub %[[X]], %[[LSE]]
// Log-softmax over the innermost axis is expanded too.
// CHECK: %[[M3:.*]] = gm.reduce_max %[[X]] dims [2] keepdim
// CHECK: %[[S3:.*]] = gm.reduce_sum %{{.*}} dims [2] keepdim
// CHECK: %[[LOGS3:.*]] = gm.log %[[S3]] : tensor<2x5x1xf32>
// CHECK: %[[LSE3:.*]] = gm.add %[[M3]], %[[LOGS3]]
// CHECK: %[[I:.*]] = gm.sub %[[X]], %[[LSE3]] : (tensor<2x5x3xf32>, tensor<2x5x1xf32>) -> tensor<2x5x3xf32>
// Softmax over the innermost axis stays.
// CHECK: %[[Q:.*]] = gm.softmax %[[X]] axis 2
// CHECK: gm.return %[[P]], %[[L]], %[[I]], %[[Q]]
// CHECK-NOT: gm.log_softmax
