// Each optimizer's update equals the textbook (PyTorch) formula: two steps on
// loss = sum(c * p) + sum(p^2) / 2, so g = c + p with c = [0.5, -2] and p
// starting at [1, 1]. The expected values were computed by hand from the
// torch.optim algorithms (f64, printed with 9 significant digits).
// RUN: gm-opt %s -gm-inline -gm-autodiff -gm-expand-optimizers > %t
// RUN: gm-eval %t --phase=sgd --steps=2 --print-variables=p_sgd | FileCheck %s --check-prefix=SGD
// RUN: gm-eval %t --phase=momentum --steps=2 --print-variables=p_momentum | FileCheck %s --check-prefix=MOMENTUM
// RUN: gm-eval %t --phase=nesterov --steps=2 --print-variables=p_nesterov | FileCheck %s --check-prefix=NESTEROV
// RUN: gm-eval %t --phase=adam --steps=2 --print-variables=p_adam | FileCheck %s --check-prefix=ADAM
// RUN: gm-eval %t --phase=adamw --steps=2 --print-variables=p_adamw | FileCheck %s --check-prefix=ADAMW
// RUN: gm-eval %t --phase=adam_l2 --steps=2 --print-variables=p_adam_l2 | FileCheck %s --check-prefix=ADAML2
// RUN: gm-eval %t --phase=clipped --steps=1 --print-variables=p_clipped | FileCheck %s --check-prefix=CLIPPED

// p -= lr g
// SGD: @p_sgd = tensor<2xf64> [0.715, 1.19]
// buf = 0.9 buf + g; p -= lr buf
// MOMENTUM: @p_momentum = tensor<2xf64> [0.58, 1.28]
// g += wd p; buf = 0.9 buf + g; p -= lr (g + 0.9 buf)
// NESTEROV: @p_nesterov = tensor<2xf64> [0.35894611, 1.42029361]
// m, v moments; p -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// ADAM: @p_adam = tensor<2xf64> [0.800239063, 1.19958777]
// p *= 1 - lr wd, then the Adam step
// ADAMW: @p_adamw = tensor<2xf64> [0.781370646, 1.17874378]
// g += wd p, then the Adam step (betas 0.5 / 0.9, eps 1e-3)
// ADAML2: @p_adam_l2 = tensor<2xf64> [0.801189673, 1.19773427]
// g = [1.5, -1] has norm 1.80278 > 1: scaled by 1 / (norm + 1e-6)
// CLIPPED: @p_clipped = tensor<2xf64> [0.167950167, 1.55469989]

gm.model @optimizers {
  gm.param @p_sgd : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_momentum : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_nesterov : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_adam : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_adamw : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_adam_l2 : tensor<2xf64> = #gm.fill<1.0>
  gm.param @p_clipped : tensor<2xf64> = #gm.fill<1.0>

  gm.net @loss(%p: tensor<2xf64>) -> tensor<f64> {
    %c = gm.constant dense<[0.5, -2.0]> : tensor<2xf64>
    %cp = gm.mul %c, %p : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
    %half = gm.constant dense<0.5> : tensor<f64>
    %p2 = gm.square %p : tensor<2xf64>
    %q = gm.mul %p2, %half : (tensor<2xf64>, tensor<f64>) -> tensor<2xf64>
    %s = gm.add %cp, %q : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
    %l = gm.reduce_sum %s dims [0] : tensor<2xf64> -> tensor<f64>
    gm.return %l : tensor<f64>
  }

  gm.phase train @sgd {
    %p = gm.load @p_sgd : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_sgd] with #gm.sgd<lr = 0.1>
  }
  gm.phase train @momentum {
    %p = gm.load @p_momentum : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_momentum] with #gm.sgd<lr = 0.1, momentum = 0.9>
  }
  gm.phase train @nesterov {
    %p = gm.load @p_nesterov : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_nesterov] with #gm.sgd<lr = 0.1, momentum = 0.9, nesterov = true, weight_decay = 0.01>
  }
  gm.phase train @adam {
    %p = gm.load @p_adam : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_adam] with #gm.adam<lr = 0.1>
  }
  gm.phase train @adamw {
    %p = gm.load @p_adamw : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_adamw] with #gm.adam<lr = 0.1, weight_decay = 0.1, decoupled = true>
  }
  gm.phase train @adam_l2 {
    %p = gm.load @p_adam_l2 : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_adam_l2] with #gm.adam<lr = 0.1, beta1 = 0.5, beta2 = 0.9, eps = 0.001, weight_decay = 0.1>
  }
  gm.phase train @clipped {
    %p = gm.load @p_clipped : tensor<2xf64>
    %l = gm.call @loss(%p) : (tensor<2xf64>) -> tensor<f64>
    gm.minimize %l : tensor<f64> over [@p_clipped] with #gm.sgd<lr = 1.0> {clip_norm = 1.0 : f64}
  }
}
