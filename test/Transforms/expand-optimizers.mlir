// gm-expand-optimizers: each update becomes loads, gm arithmetic and stores,
// with its moments as zero-initialized state. The parameters of an update
// (and each moment) are joined into one flat tensor, so that the update is
// one pass over all of them; the results are split back for the stores. (The numbers are checked
// against the textbook formulas in optimizers.mlir.)
// RUN: gm-opt %s -gm-expand-optimizers -split-input-file | FileCheck %s

// CHECK-LABEL: gm.model @sgd
// CHECK: gm.param @w : tensor<3xf32>
// CHECK-NEXT: gm.state @w.momentum_buffer : tensor<3xf32> = #gm.fill<0.0>
// CHECK-LABEL: gm.phase train @step
// CHECK: %[[G:.+]] = gm.constant dense<2.000000e+00> : tensor<3xf32>
// One parameter: nothing to join.
// CHECK: %[[P:.+]] = gm.load @w : tensor<3xf32>
// CHECK-NOT: gm.concat
// CHECK: %[[BUF:.+]] = gm.load @w.momentum_buffer : tensor<3xf32>
// CHECK: %[[SCALED:.+]] = gm.mul %[[BUF]], %{{.+}}
// CHECK: %[[NEWBUF:.+]] = gm.add %[[SCALED]], %[[G]]
// CHECK: gm.store %[[NEWBUF]] to @w.momentum_buffer
// CHECK: %[[STEP:.+]] = gm.mul %[[NEWBUF]], %{{.+}}
// CHECK: %[[NEWP:.+]] = gm.sub %[[P]], %[[STEP]]
// CHECK: gm.store %[[NEWP]] to @w : tensor<3xf32>
// CHECK-NOT: gm.apply_gradients
gm.model @sgd {
  gm.param @w : tensor<3xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %g = gm.constant dense<2.0> : tensor<3xf32>
    gm.apply_gradients [@w] with #gm.sgd<lr = 0.1, momentum = 0.9> gradients(%g : tensor<3xf32>)
  }
}

// -----

// Adam: both moments per parameter, one step count per update; the count
// and the bias corrections in f64, cast to the parameters' type at the end.
// CHECK-LABEL: gm.model @adam
// CHECK: gm.param @a : tensor<2xf32>
// CHECK-NEXT: gm.state @a.exp_avg : tensor<2xf32> = #gm.fill<0.0>
// CHECK-NEXT: gm.state @a.exp_avg_sq : tensor<2xf32> = #gm.fill<0.0>
// CHECK-NEXT: gm.param @b : tensor<4x2xf32>
// CHECK-NEXT: gm.state @b.exp_avg : tensor<4x2xf32> = #gm.fill<0.0>
// CHECK-NEXT: gm.state @b.exp_avg_sq : tensor<4x2xf32> = #gm.fill<0.0>
// CHECK-NEXT: gm.state @step.update_0.step : tensor<f64> = #gm.fill<0.0>
// CHECK-LABEL: gm.phase train @step
// CHECK: %[[T0:.+]] = gm.load @step.update_0.step : tensor<f64>
// CHECK: %[[T:.+]] = gm.add %[[T0]], %{{.+}} : (tensor<f64>, tensor<f64>) -> tensor<f64>
// CHECK: gm.store %[[T]] to @step.update_0.step
// CHECK: gm.pow %{{.+}}, %[[T]] : (tensor<f64>, tensor<f64>) -> tensor<f64>
// CHECK: %[[A:.+]] = gm.load @a : tensor<2xf32>
// CHECK: %[[B:.+]] = gm.load @b : tensor<4x2xf32>
// CHECK: %[[BFLAT:.+]] = gm.reshape %[[B]] : tensor<4x2xf32> -> tensor<8xf32>
// CHECK: %[[P:.+]] = gm.concat %[[A]], %[[BFLAT]] axis 0 : (tensor<2xf32>, tensor<8xf32>) -> tensor<10xf32>
// CHECK: %[[G:.+]] = gm.concat %{{.+}}, %{{.+}} axis 0 : (tensor<2xf32>, tensor<8xf32>) -> tensor<10xf32>
// CHECK: gm.load @a.exp_avg : tensor<2xf32>
// CHECK: gm.load @b.exp_avg : tensor<4x2xf32>
// CHECK: %[[M:.+]] = gm.add %{{.+}}, %{{.+}} : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
// CHECK: gm.cast %{{.+}} : tensor<f64> to tensor<f32>
// CHECK: gm.sqrt %{{.+}} : tensor<10xf32>
// CHECK: gm.cast %{{.+}} : tensor<f64> to tensor<f32>
// CHECK: %[[NEWP:.+]] = gm.sub %[[P]], %{{.+}} : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
// The stores come last, so that the update's ops fuse into one loop.
// CHECK: %[[MA:.+]] = gm.slice %[[M]] offsets [0] sizes [2] : tensor<10xf32> -> tensor<2xf32>
// CHECK: %[[MB:.+]] = gm.slice %[[M]] offsets [2] sizes [8] : tensor<10xf32> -> tensor<8xf32>
// CHECK: %[[MB2:.+]] = gm.reshape %[[MB]] : tensor<8xf32> -> tensor<4x2xf32>
// CHECK: gm.store %[[MA]] to @a.exp_avg
// CHECK: gm.store %[[MB2]] to @b.exp_avg
// CHECK: gm.store %{{.+}} to @a.exp_avg_sq
// CHECK: gm.store %{{.+}} to @b.exp_avg_sq
// CHECK: gm.slice %[[NEWP]] offsets [0] sizes [2]
// CHECK: gm.store %{{.+}} to @a : tensor<2xf32>
// CHECK: gm.store %{{.+}} to @b : tensor<4x2xf32>
gm.model @adam {
  gm.param @a : tensor<2xf32> = #gm.fill<1.0>
  gm.param @b : tensor<4x2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %ga = gm.constant dense<2.0> : tensor<2xf32>
    %gb = gm.constant dense<3.0> : tensor<4x2xf32>
    gm.apply_gradients [@a, @b] with #gm.adam<lr = 0.001> gradients(%ga, %gb : tensor<2xf32>, tensor<4x2xf32>)
  }
}

// -----

// Clipping scales every gradient of the group by one factor from the global
// norm before the update.
// CHECK-LABEL: gm.model @clip
// CHECK: %[[SA:.+]] = gm.reduce_sum %{{.+}} dims [0] : tensor<2xf32> -> tensor<f32>
// CHECK: %[[SB:.+]] = gm.reduce_sum %{{.+}} dims [0, 1] : tensor<4x2xf32> -> tensor<f32>
// CHECK: %[[SUM:.+]] = gm.add %[[SA]], %[[SB]]
// CHECK: %[[NORM:.+]] = gm.sqrt %[[SUM]]
// CHECK: %[[COEF:.+]] = gm.minimum
// CHECK: gm.mul %{{.+}}, %[[COEF]] : (tensor<2xf32>, tensor<f32>)
// CHECK: gm.mul %{{.+}}, %[[COEF]] : (tensor<4x2xf32>, tensor<f32>)
gm.model @clip {
  gm.param @a : tensor<2xf32> = #gm.fill<1.0>
  gm.param @b : tensor<4x2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %ga = gm.constant dense<2.0> : tensor<2xf32>
    %gb = gm.constant dense<3.0> : tensor<4x2xf32>
    gm.apply_gradients [@a, @b] with #gm.sgd<lr = 0.1> gradients(%ga, %gb : tensor<2xf32>, tensor<4x2xf32>) {clip_norm = 1.0 : f64}
  }
}

// -----

// A group of f32 and f64 parameters: two flat groups, one per element type,
// and one clipping norm over both, summed in f64 (the widest).
// CHECK-LABEL: gm.model @clip_mixed
// CHECK: %[[SA:.+]] = gm.reduce_sum %{{.+}} : tensor<4xf32> -> tensor<f32>
// CHECK: %[[WA:.+]] = gm.cast %[[SA]] : tensor<f32> to tensor<f64>
// CHECK: %[[SB:.+]] = gm.reduce_sum %{{.+}} : tensor<4xf64> -> tensor<f64>
// CHECK: %[[SUM:.+]] = gm.add %[[WA]], %[[SB]] : (tensor<f64>, tensor<f64>)
// CHECK: %[[COEF:.+]] = gm.minimum
// CHECK: %[[COEF32:.+]] = gm.cast %[[COEF]] : tensor<f64> to tensor<f32>
// CHECK: gm.mul %{{.+}}, %[[COEF32]] : (tensor<4xf32>, tensor<f32>)
// CHECK: gm.mul %{{.+}}, %[[COEF]] : (tensor<4xf64>, tensor<f64>)
// CHECK-DAG: gm.store %{{.+}} to @a : tensor<4xf32>
// CHECK-DAG: gm.store %{{.+}} to @b : tensor<4xf64>
gm.model @clip_mixed {
  gm.param @a : tensor<4xf32> = #gm.fill<0.5>
  gm.param @b : tensor<4xf64> = #gm.fill<0.5>
  gm.phase train @step {
    %ga = gm.constant dense<1.0> : tensor<4xf32>
    %gb = gm.constant dense<1.0> : tensor<4xf64>
    gm.apply_gradients [@a, @b] with #gm.sgd<lr = 0.1> gradients(%ga, %gb : tensor<4xf32>, tensor<4xf64>) {clip_norm = 1.0 : f64}
  }
}
