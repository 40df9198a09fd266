// gm-autodiff: the structure of the gradient code it builds, and its errors.
// (Numerical correctness is checked against finite differences in
// gradcheck/*.mlir.)
// RUN: gm-opt %s -gm-autodiff -split-input-file -verify-diagnostics | FileCheck %s

// A linear layer: dW = g^T x (one matmul), db = the batch sum of g.
// CHECK-LABEL: gm.model @linear
// CHECK: gm.phase train @step
// CHECK: %[[X:.+]] = gm.constant dense<1.000000e+00> : tensor<4x3xf32>
// CHECK: %[[G:.+]] = gm.broadcast %{{.+}} : tensor<1x1xf32> -> tensor<4x2xf32>
// CHECK-DAG: %[[GW:.+]] = gm.matmul %[[G]], %[[X]] {transpose_lhs} : (tensor<4x2xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK-DAG: %[[GB0:.+]] = gm.reduce_sum %[[G]] dims [0] keepdim : tensor<4x2xf32> -> tensor<1x2xf32>
// CHECK-DAG: %[[GB:.+]] = gm.reshape %[[GB0]] : tensor<1x2xf32> -> tensor<2xf32>
// CHECK: gm.apply_gradients [@w, @b] with #gm.sgd<lr = 0.1> gradients(%[[GW]], %[[GB]] : tensor<2x3xf32>, tensor<2xf32>)
// CHECK-NOT: gm.minimize
gm.model @linear {
  gm.param @w : tensor<2x3xf32> = #gm.fill<0.5>
  gm.param @b : tensor<2xf32> = #gm.fill<0.0>
  gm.phase train @step {
    %x = gm.constant dense<1.0> : tensor<4x3xf32>
    %w = gm.load @w : tensor<2x3xf32>
    %b = gm.load @b : tensor<2xf32>
    %h = gm.matmul %x, %w {transpose_rhs} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
    %y = gm.add %h, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
    %l = gm.reduce_sum %y dims [0, 1] : tensor<4x2xf32> -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@w, @b] with #gm.sgd<lr = 0.1>
  }
}

// -----

// A parameter used twice (a net called twice): the gradients of its two
// loads add up. Only the weight gradient of the convolution is built: the
// input is data.
// CHECK-LABEL: gm.model @fan_out
// CHECK: %[[D1:.+]] = gm.conv2d_backward_weights
// CHECK: %[[D2:.+]] = gm.conv2d_backward_weights
// CHECK: %[[SUM:.+]] = gm.add %{{.+}}, %{{.+}} : (tensor<2x1x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<2x1x3x3xf32>
// CHECK: gm.apply_gradients [@k] with #gm.adam<lr = 0.001> gradients(%[[SUM]] : tensor<2x1x3x3xf32>)
// CHECK-NOT: gm.conv2d_backward_data
gm.model @fan_out {
  gm.dataset @data "mnist" split "train" fields [tensor<1x8x8xf32>]
  gm.param @k : tensor<2x1x3x3xf32> = #gm.uniform<-0.3, 0.3>
  gm.phase train @step {
    %x = gm.next @data : tensor<4x1x8x8xf32>
    %k1 = gm.load @k : tensor<2x1x3x3xf32>
    %a = gm.conv2d %x, %k1 : (tensor<4x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<4x2x6x6xf32>
    %k2 = gm.load @k : tensor<2x1x3x3xf32>
    %b = gm.conv2d %x, %k2 {padding = array<i64: 0, 0, 0, 0>} : (tensor<4x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<4x2x6x6xf32>
    %m = gm.mul %a, %b : (tensor<4x2x6x6xf32>, tensor<4x2x6x6xf32>) -> tensor<4x2x6x6xf32>
    %l = gm.reduce_mean %m dims [0, 1, 2, 3] : tensor<4x2x6x6xf32> -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@k] with #gm.adam<lr = 0.001>
  }
}

// -----

// gm.grad becomes its gradient: d/dx sum(x^2) = 2x.
// CHECK-LABEL: gm.model @grad
// CHECK: gm.net @f(%[[X:.+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[TWO:.+]] = gm.constant dense<2.000000e+00> : tensor<f32>
// CHECK: %[[X2:.+]] = gm.mul %[[X]], %[[TWO]]
// CHECK: %[[G:.+]] = gm.mul %{{.+}}, %[[X2]]
// CHECK: gm.return %[[G]]
// CHECK-NOT: gm.grad
gm.model @grad {
  gm.net @f(%x: tensor<3xf32>) -> tensor<3xf32> {
    %s = gm.square %x : tensor<3xf32>
    %l = gm.reduce_sum %s dims [0] : tensor<3xf32> -> tensor<f32>
    %g = gm.grad %l wrt %x : tensor<f32> wrt tensor<3xf32>
    gm.return %g : tensor<3xf32>
  }
}

// -----

// relu's and leaky relu's gradients select on their output (y > 0 exactly
// where x > 0), so that the forward need not keep the pre-activation and
// a convolution's bias and activation can run inside it; with a negative
// slope y > 0 also where x < 0, so there it selects on the input.
// CHECK-LABEL: gm.model @activations_from_outputs
// CHECK: gm.net @f(%[[X:.+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK-DAG: %[[R:.+]] = gm.relu %[[X]]
// CHECK-DAG: %[[L:.+]] = gm.leaky_relu %[[X]] {alpha = 2.000000e-01 : f64}
// CHECK-DAG: gm.compare gt, %[[R]], %{{.+}}
// CHECK-DAG: gm.compare gt, %[[L]], %{{.+}}
// CHECK-DAG: gm.compare gt, %[[X]], %{{.+}}
// CHECK: gm.return
gm.model @activations_from_outputs {
  gm.net @f(%x: tensor<3xf32>) -> tensor<3xf32> {
    %r = gm.relu %x : tensor<3xf32>
    %l = gm.leaky_relu %x {alpha = 0.2 : f64} : tensor<3xf32>
    %n = gm.leaky_relu %x {alpha = -0.5 : f64} : tensor<3xf32>
    %rl = gm.add %r, %l : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    %s = gm.add %rl, %n : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    %t = gm.reduce_sum %s dims [0] : tensor<3xf32> -> tensor<f32>
    %g = gm.grad %t wrt %x : tensor<f32> wrt tensor<3xf32>
    gm.return %g : tensor<3xf32>
  }
}

// -----

// A value that does not depend on the wrt value has a zero gradient; gradient
// code nothing uses is removed.
// CHECK-LABEL: gm.model @unused
// CHECK: gm.net @f(%{{.+}}: tensor<3xf32>, %{{.+}}: tensor<3xf32>) -> tensor<3xf32>
// CHECK-NEXT: %[[Z:.+]] = gm.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK-NEXT: gm.return %[[Z]]
gm.model @unused {
  gm.net @f(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
    %s = gm.exp %y : tensor<3xf32>
    %l = gm.reduce_sum %s dims [0] : tensor<3xf32> -> tensor<f32>
    %gx, %gy = gm.grad %l wrt %x, %y : tensor<f32> wrt tensor<3xf32>, tensor<3xf32>
    gm.return %gx : tensor<3xf32>
  }
}

// -----

// Gradient of a gradient: the penalty's inner gradient through the
// convolution is conv2d_backward_data, whose own gradient with respect to the
// weight (the outer minimize) is a conv2d_backward_weights taking it.
// CHECK-LABEL: gm.model @penalty
// CHECK: %[[INNER:.+]] = gm.conv2d_backward_data
// CHECK: gm.conv2d_backward_weights %{{.+}}, %{{.+}} : (tensor<2x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1x2x2xf32>
// CHECK: gm.apply_gradients [@k]
gm.model @penalty {
  gm.param @k : tensor<1x1x2x2xf32> = #gm.uniform<-0.5, 0.5>
  gm.phase train @step {
    %x = gm.constant dense<0.5> : tensor<2x1x4x4xf32>
    %k = gm.load @k : tensor<1x1x2x2xf32>
    %d = gm.conv2d %x, %k : (tensor<2x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<2x1x3x3xf32>
    %t = gm.tanh %d : tensor<2x1x3x3xf32>
    %s = gm.reduce_sum %t dims [0, 1, 2, 3] : tensor<2x1x3x3xf32> -> tensor<f32>
    %g = gm.grad %s wrt %x : tensor<f32> wrt tensor<2x1x4x4xf32>
    %g2 = gm.square %g : tensor<2x1x4x4xf32>
    %p = gm.reduce_sum %g2 dims [0, 1, 2, 3] : tensor<2x1x4x4xf32> -> tensor<f32>
    gm.minimize %p : tensor<f32> over [@k] with #gm.sgd<lr = 0.1>
  }
}

// -----

// Two minimize statements stay in order; a stop_gradient keeps the first
// loss from reaching the generator.
// CHECK-LABEL: gm.model @gan
// CHECK: gm.apply_gradients [@d]
// CHECK: gm.load @d
// CHECK: gm.apply_gradients [@g]
gm.model @gan {
  gm.param @g : tensor<3xf32> = #gm.fill<1.0>
  gm.param @d : tensor<3xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %g = gm.load @g : tensor<3xf32>
    %fake = gm.tanh %g : tensor<3xf32>
    %sg = gm.stop_gradient %fake : tensor<3xf32>
    %d1 = gm.load @d : tensor<3xf32>
    %s1 = gm.mul %sg, %d1 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    %l1 = gm.reduce_sum %s1 dims [0] : tensor<3xf32> -> tensor<f32>
    gm.minimize %l1 : tensor<f32> over [@d] with #gm.sgd<lr = 0.1>
    %d2 = gm.load @d : tensor<3xf32>
    %s2 = gm.mul %fake, %d2 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    %l2 = gm.reduce_sum %s2 dims [0] : tensor<3xf32> -> tensor<f32>
    %n = gm.neg %l2 : tensor<f32>
    gm.minimize %n : tensor<f32> over [@g] with #gm.sgd<lr = 0.1>
  }
}

// -----

// Without a straight-through estimator the encoder gets no gradient.
gm.model @vq_without_straight_through {
  gm.param @enc : tensor<4x2xf32> = #gm.fill<0.3>
  gm.param @book : tensor<3x2xf32> = #gm.uniform<-1.0, 1.0>
  gm.phase train @step {
    %z = gm.load @enc : tensor<4x2xf32>
    %book = gm.load @book : tensor<3x2xf32>
    // expected-error @+1 {{'gm.nearest' op has no gradient, and parameter enc reaches the differentiated value only through it; cut this path with stop_gradient}}
    %codes = gm.nearest %z, %book : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4xi32>
    %e = gm.lookup %book, %codes : (tensor<3x2xf32>, tensor<4xi32>) -> tensor<4x2xf32>
    %l = gm.reduce_sum %e dims [0, 1] : tensor<4x2xf32> -> tensor<f32>
    // expected-note @+1 {{differentiated here}}
    gm.minimize %l : tensor<f32> over [@enc, @book] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @through_bernoulli {
  gm.param @p : tensor<4xf32> = #gm.fill<0.3>
  gm.phase train @step {
    %p = gm.load @p : tensor<4xf32>
    %s = gm.sigmoid %p : tensor<4xf32>
    // expected-error @+1 {{'gm.bernoulli' op has no gradient, and parameter p reaches the differentiated value only through it}}
    %b = gm.bernoulli %s {id = 0 : i64} : tensor<4xf32>
    %l = gm.reduce_sum %b dims [0] : tensor<4xf32> -> tensor<f32>
    // expected-note @+1 {{differentiated here}}
    gm.minimize %l : tensor<f32> over [@p] with #gm.sgd<lr = 0.1>
  }
}

// -----

// A second derivative through batch norm: the penalty's gradient flows
// through batch_norm's gradient op, which has no rule. An error, even though
// the loss also reaches @w by a first-order path (no silent zero).
gm.model @second_order_through_batch_norm {
  gm.param @w : tensor<4xf32> = #gm.fill<1.0>
  gm.param @b : tensor<4xf32> = #gm.fill<0.0>
  gm.phase train @step {
    %x = gm.normal {id = 1 : i64} : tensor<8x4xf32>
    %c = gm.normal {id = 2 : i64} : tensor<8x4xf32>
    %w = gm.load @w : tensor<4xf32>
    %b = gm.load @b : tensor<4xf32>
    // expected-error @+1 {{'gm.batch_norm_backward' op has no gradient rule, yet the gradient being taken flows through it}}
    %y, %m, %v = gm.batch_norm %x, %w, %b : (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>)
    %yc = gm.mul %y, %c : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
    %s = gm.reduce_sum %yc dims [0, 1] : tensor<8x4xf32> -> tensor<f32>
    %gx = gm.grad %s wrt %x : tensor<f32> wrt tensor<8x4xf32>
    %sq = gm.square %gx : tensor<8x4xf32>
    %p = gm.reduce_sum %sq dims [0, 1] : tensor<8x4xf32> -> tensor<f32>
    %total = gm.add %p, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
    gm.minimize %total : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// The same gradient of batch norm, but cut by stop_gradient before the loss
// (an adaptive loss weight, as VQGAN's): no gradient reaches
// batch_norm_backward, so no error; @g gets the first-order gradient.
// CHECK-LABEL: gm.model @weight_from_a_gradient_through_batch_norm
// CHECK: gm.batch_norm_backward
// CHECK: gm.apply_gradients [@g]
gm.model @weight_from_a_gradient_through_batch_norm {
  gm.param @g : tensor<8x4xf32> = #gm.fill<0.5>
  gm.param @w : tensor<4xf32> = #gm.fill<1.0>
  gm.param @b : tensor<4xf32> = #gm.fill<0.0>
  gm.phase train @step {
    %x = gm.normal {id = 1 : i64} : tensor<8x4xf32>
    %gp = gm.load @g : tensor<8x4xf32>
    %y = gm.mul %x, %gp : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
    %w = gm.load @w : tensor<4xf32>
    %b = gm.load @b : tensor<4xf32>
    %h, %m, %v = gm.batch_norm %y, %w, %b : (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4xf32>, tensor<4xf32>, tensor<4xf32>)
    %c = gm.normal {id = 2 : i64} : tensor<8x4xf32>
    %hc = gm.mul %h, %c : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
    %s = gm.reduce_sum %hc dims [0, 1] : tensor<8x4xf32> -> tensor<f32>
    %gy = gm.grad %s wrt %y : tensor<f32> wrt tensor<8x4xf32>
    %sq = gm.square %gy : tensor<8x4xf32>
    %p = gm.reduce_sum %sq dims [0, 1] : tensor<8x4xf32> -> tensor<f32>
    %weight = gm.stop_gradient %p : tensor<f32>
    %l = gm.mul %weight, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@g] with #gm.sgd<lr = 0.1>
  }
}

// -----

// A sampling loop's body reads a parameter from outside: the loss depends on
// @w through the body, which no rule covers. An error, not a silent zero.
gm.model @through_a_loop_body {
  gm.param @w : tensor<2x4xf32> = #gm.fill<0.5>
  gm.phase train @step {
    %w = gm.load @w : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    // expected-error @+1 {{'gm.autoregressive' op has a body that the gradient being taken flows into, and no gradient rule covers a body}}
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %next = gm.mul %canvas, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
      gm.yield %next : tensor<2x4xf32>
    }
    %l = gm.reduce_sum %img dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    %direct = gm.reduce_sum %w dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    %total = gm.add %l, %direct : (tensor<f32>, tensor<f32>) -> tensor<f32>
    gm.minimize %total : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// The same with the parameter loaded inside the body (an inlined net).
gm.model @load_in_a_loop_body {
  gm.param @w : tensor<2x4xf32> = #gm.fill<0.5>
  gm.phase train @step {
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    // expected-error @+1 {{'gm.autoregressive' op has a body that the gradient being taken flows into}}
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %w = gm.load @w : tensor<2x4xf32>
      %next = gm.add %canvas, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
      gm.yield %next : tensor<2x4xf32>
    }
    %l = gm.reduce_sum %img dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// gm.grad with respect to a value the body reads from outside.
gm.model @grad_through_a_loop_body {
  gm.state @g : tensor<2x4xf32> = #gm.fill<0.0>
  gm.phase train @step {
    %x = gm.uniform {id = 1 : i64} : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    // expected-error @+1 {{'gm.autoregressive' op has a body that the gradient being taken flows into}}
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %next = gm.add %canvas, %x : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
      gm.yield %next : tensor<2x4xf32>
    }
    %l = gm.reduce_sum %img dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    %g = gm.grad %l wrt %x : tensor<f32> wrt tensor<2x4xf32>
    gm.store %g to @g : tensor<2x4xf32>
  }
}

// -----

// A body that reaches the loss only through a sample (bernoulli): no
// gradient flows through it, none is asked of it, and @w gets its direct
// path's gradient, as without the loop (the REINFORCE pattern).
// CHECK-LABEL: gm.model @loop_body_through_a_sample
// CHECK: gm.autoregressive
// CHECK: gm.apply_gradients [@w]
gm.model @loop_body_through_a_sample {
  gm.param @w : tensor<2x4xf32> = #gm.fill<0.5>
  gm.phase train @step {
    %w = gm.load @w : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %p = gm.sigmoid %w : tensor<2x4xf32>
      %s = gm.bernoulli %p {id = 1 : i64} : tensor<2x4xf32>
      %next = gm.add %canvas, %s : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
      gm.yield %next : tensor<2x4xf32>
    }
    %prod = gm.mul %img, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %l = gm.reduce_sum %prod dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// The same loop as the only path: the parameter reaches the loss only
// through the sample, an error at it (as without the loop).
gm.model @only_through_a_sample_in_a_loop {
  gm.param @w : tensor<2x4xf32> = #gm.fill<0.5>
  gm.phase train @step {
    %w = gm.load @w : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %p = gm.sigmoid %w : tensor<2x4xf32>
      // expected-error @+1 {{'gm.bernoulli' op has no gradient, and parameter w reaches the differentiated value only through it}}
      %s = gm.bernoulli %p {id = 1 : i64} : tensor<2x4xf32>
      gm.yield %s : tensor<2x4xf32>
    }
    %l = gm.reduce_sum %img dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    // expected-note @+1 {{differentiated here}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// Cut by stop_gradient after the loop, no gradient reaches the body: @w
// gets the gradient of its direct path.
// CHECK-LABEL: gm.model @loop_body_cut
// CHECK: gm.autoregressive
// CHECK: gm.apply_gradients [@w]
gm.model @loop_body_cut {
  gm.param @w : tensor<2x4xf32> = #gm.fill<0.5>
  gm.phase train @step {
    %w = gm.load @w : tensor<2x4xf32>
    %zero = gm.constant dense<0.0> : tensor<2x4xf32>
    %img = gm.autoregressive %zero over [4] : tensor<2x4xf32> {
    ^bb0(%canvas: tensor<2x4xf32>):
      %next = gm.mul %canvas, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
      gm.yield %next : tensor<2x4xf32>
    }
    %cut = gm.stop_gradient %img : tensor<2x4xf32>
    %prod = gm.mul %cut, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %l = gm.reduce_sum %prod dims [0, 1] : tensor<2x4xf32> -> tensor<f32>
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

// A gradient with respect to a value an op without a rule makes (a sample)
// stops at that value: d s / d x is p, and p's own gradient is x alone (the
// path through the sample carries none).
// CHECK-LABEL: gm.model @wrt_a_sample
// CHECK: %[[P:.*]] = gm.uniform
// CHECK: %[[X:.*]] = gm.bernoulli %[[P]]
// CHECK-NOT: gm.grad
// CHECK-DAG: %[[DX:.*]] = gm.mul %{{.*}}, %[[P]]
// CHECK-DAG: %[[DP:.*]] = gm.mul %{{.*}}, %[[X]]
// CHECK-NOT: gm.add
// CHECK: gm.store %[[DP]] to @dp
// CHECK: gm.store %[[DX]] to @dx
gm.model @wrt_a_sample {
  gm.state @dp : tensor<4xf32> = #gm.fill<0.0>
  gm.state @dx : tensor<4xf32> = #gm.fill<0.0>
  gm.phase train @step {
    %p = gm.uniform {id = 1 : i64} : tensor<4xf32>
    %x = gm.bernoulli %p {id = 2 : i64} : tensor<4xf32>
    %y = gm.mul %x, %p : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %s = gm.reduce_sum %y dims [0] : tensor<4xf32> -> tensor<f32>
    %g:2 = gm.grad %s wrt %p, %x : tensor<f32> wrt tensor<4xf32>, tensor<4xf32>
    gm.store %g#0 to @dp : tensor<4xf32>
    gm.store %g#1 to @dx : tensor<4xf32>
  }
}

// -----

// A parameter the loss ignores is not updated (with a warning).
// CHECK-LABEL: gm.model @ignored
// CHECK: gm.apply_gradients [@used] with
gm.model @ignored {
  gm.param @used : tensor<2xf32> = #gm.fill<1.0>
  gm.param @ignored : tensor<2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %u = gm.load @used : tensor<2xf32>
    %l = gm.reduce_sum %u dims [0] : tensor<2xf32> -> tensor<f32>
    // expected-warning @+1 {{the loss does not depend on @ignored: it gets no gradient and is not updated}}
    gm.minimize %l : tensor<f32> over [@used, @ignored] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @constant_loss {
  gm.param @w : tensor<2xf32> = #gm.fill<1.0>
  gm.phase train @step {
    %l = gm.constant dense<1.0> : tensor<f32>
    // expected-warning @+2 {{the loss does not depend on @w}}
    // expected-error @+1 {{has a loss that depends on none of its parameters}}
    gm.minimize %l : tensor<f32> over [@w] with #gm.sgd<lr = 0.1>
  }
}

// -----

gm.model @not_inlined {
  gm.net @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    gm.return %x : tensor<2xf32>
  }
  gm.sampler @s() -> tensor<2xf32> {
    %c = gm.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{must be inlined before autodiff (run gm-inline)}}
    %y = gm.call @f(%c) : (tensor<2xf32>) -> tensor<2xf32>
    gm.return %y : tensor<2xf32>
  }
}
