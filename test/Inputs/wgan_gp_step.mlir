// A small WGAN-GP written by hand in the gm dialect (8x8 images, batch 4): two
// critic rounds per step, each on a fresh batch with fresh noise, the
// gradient penalty written with gm.grad (so the critic update differentiates
// a gradient), then one generator update against the updated critic.
gm.model @wgan_gp {
  gm.dataset @train "fashion-mnist" split "train" fields [tensor<1x8x8xf32>]

  gm.param @G.linear_0.weight : tensor<64x8xf32> = #gm.uniform<-0.353553, 0.353553>
  gm.param @G.linear_0.bias : tensor<64xf32> = #gm.uniform<-0.353553, 0.353553>
  gm.param @D.conv2d_0.weight : tensor<4x1x4x4xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @D.conv2d_0.bias : tensor<4xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @D.conv2d_1.weight : tensor<8x4x4x4xf32> = #gm.uniform<-0.125, 0.125>
  gm.param @D.conv2d_1.bias : tensor<8xf32> = #gm.uniform<-0.125, 0.125>
  gm.param @D.linear_0.weight : tensor<1x32xf32> = #gm.uniform<-0.176777, 0.176777>
  gm.param @D.linear_0.bias : tensor<1xf32> = #gm.uniform<-0.176777, 0.176777>

  gm.net @G(%z: tensor<4x8xf32>) -> tensor<4x1x8x8xf32> {
    %w = gm.load @G.linear_0.weight : tensor<64x8xf32>
    %b = gm.load @G.linear_0.bias : tensor<64xf32>
    %m = gm.matmul %z, %w {transpose_rhs} : (tensor<4x8xf32>, tensor<64x8xf32>) -> tensor<4x64xf32>
    %a = gm.add %m, %b : (tensor<4x64xf32>, tensor<64xf32>) -> tensor<4x64xf32>
    %t = gm.tanh %a : tensor<4x64xf32>
    %img = gm.reshape %t : tensor<4x64xf32> -> tensor<4x1x8x8xf32>
    gm.return %img : tensor<4x1x8x8xf32>
  }

  gm.net @D(%x: tensor<4x1x8x8xf32>) -> tensor<4x1xf32> {
    %w0 = gm.load @D.conv2d_0.weight : tensor<4x1x4x4xf32>
    %b0 = gm.load @D.conv2d_0.bias : tensor<4xf32>
    %c0 = gm.conv2d %x, %w0 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x1x8x8xf32>, tensor<4x1x4x4xf32>) -> tensor<4x4x4x4xf32>
    %b0r = gm.reshape %b0 : tensor<4xf32> -> tensor<4x1x1xf32>
    %a0 = gm.add %c0, %b0r : (tensor<4x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<4x4x4x4xf32>
    %h0 = gm.leaky_relu %a0 {alpha = 0.2 : f64} : tensor<4x4x4x4xf32>
    %w1 = gm.load @D.conv2d_1.weight : tensor<8x4x4x4xf32>
    %b1 = gm.load @D.conv2d_1.bias : tensor<8xf32>
    %c1 = gm.conv2d %h0, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x4x4x4xf32>, tensor<8x4x4x4xf32>) -> tensor<4x8x2x2xf32>
    %b1r = gm.reshape %b1 : tensor<8xf32> -> tensor<8x1x1xf32>
    %a1 = gm.add %c1, %b1r : (tensor<4x8x2x2xf32>, tensor<8x1x1xf32>) -> tensor<4x8x2x2xf32>
    %h1 = gm.leaky_relu %a1 {alpha = 0.2 : f64} : tensor<4x8x2x2xf32>
    %flat = gm.reshape %h1 : tensor<4x8x2x2xf32> -> tensor<4x32xf32>
    %w2 = gm.load @D.linear_0.weight : tensor<1x32xf32>
    %b2 = gm.load @D.linear_0.bias : tensor<1xf32>
    %m2 = gm.matmul %flat, %w2 {transpose_rhs} : (tensor<4x32xf32>, tensor<1x32xf32>) -> tensor<4x1xf32>
    %out = gm.add %m2, %b2 : (tensor<4x1xf32>, tensor<1xf32>) -> tensor<4x1xf32>
    gm.return %out : tensor<4x1xf32>
  }

  gm.phase train @step {
    gm.repeat 2 {
      %x = gm.next @train : tensor<4x1x8x8xf32>
      %z = gm.normal {id = 0 : i64} : tensor<4x8xf32>
      %fake = gm.call @G(%z) : (tensor<4x8xf32>) -> tensor<4x1x8x8xf32>
      %sg = gm.stop_gradient %fake : tensor<4x1x8x8xf32>
      // x_hat = eps x + (1 - eps) fake, eps ~ U(0, 1) per image
      %eps = gm.uniform {id = 1 : i64} : tensor<4x1x1x1xf32>
      %one = gm.constant dense<1.0> : tensor<f32>
      %ex = gm.mul %eps, %x : (tensor<4x1x1x1xf32>, tensor<4x1x8x8xf32>) -> tensor<4x1x8x8xf32>
      %ome = gm.sub %one, %eps : (tensor<f32>, tensor<4x1x1x1xf32>) -> tensor<4x1x1x1xf32>
      %ef = gm.mul %ome, %sg : (tensor<4x1x1x1xf32>, tensor<4x1x8x8xf32>) -> tensor<4x1x8x8xf32>
      %xhat = gm.add %ex, %ef : (tensor<4x1x8x8xf32>, tensor<4x1x8x8xf32>) -> tensor<4x1x8x8xf32>
      %dreal = gm.call @D(%x) : (tensor<4x1x8x8xf32>) -> tensor<4x1xf32>
      %dfake = gm.call @D(%sg) : (tensor<4x1x8x8xf32>) -> tensor<4x1xf32>
      %dhat = gm.call @D(%xhat) : (tensor<4x1x8x8xf32>) -> tensor<4x1xf32>
      // penalty = 10 mean((|grad D(x_hat)|_2 - 1)^2)
      %s = gm.reduce_sum %dhat dims [0, 1] : tensor<4x1xf32> -> tensor<f32>
      %g = gm.grad %s wrt %xhat : tensor<f32> wrt tensor<4x1x8x8xf32>
      %g2 = gm.square %g : tensor<4x1x8x8xf32>
      %n2 = gm.reduce_sum %g2 dims [1, 2, 3] : tensor<4x1x8x8xf32> -> tensor<4xf32>
      %n = gm.sqrt %n2 : tensor<4xf32>
      %e = gm.sub %n, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
      %e2 = gm.square %e : tensor<4xf32>
      %pm = gm.reduce_mean %e2 dims [0] : tensor<4xf32> -> tensor<f32>
      %ten = gm.constant dense<10.0> : tensor<f32>
      %penalty = gm.mul %pm, %ten : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %mf = gm.reduce_mean %dfake dims [0, 1] : tensor<4x1xf32> -> tensor<f32>
      %mr = gm.reduce_mean %dreal dims [0, 1] : tensor<4x1xf32> -> tensor<f32>
      %w = gm.sub %mf, %mr : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %loss = gm.add %w, %penalty : (tensor<f32>, tensor<f32>) -> tensor<f32>
      gm.minimize %loss : tensor<f32> over [@D.conv2d_0.weight, @D.conv2d_0.bias, @D.conv2d_1.weight, @D.conv2d_1.bias, @D.linear_0.weight, @D.linear_0.bias] with #gm.adam<lr = 0.0001, beta1 = 0.0, beta2 = 0.9>
      gm.report "critic", %loss : tensor<f32>
      gm.report "penalty", %penalty : tensor<f32>
    }
    %z = gm.normal {id = 2 : i64} : tensor<4x8xf32>
    %fake = gm.call @G(%z) : (tensor<4x8xf32>) -> tensor<4x1x8x8xf32>
    %d = gm.call @D(%fake) : (tensor<4x1x8x8xf32>) -> tensor<4x1xf32>
    %md = gm.reduce_mean %d dims [0, 1] : tensor<4x1xf32> -> tensor<f32>
    %lg = gm.neg %md : tensor<f32>
    gm.minimize %lg : tensor<f32> over [@G.linear_0.weight, @G.linear_0.bias] with #gm.adam<lr = 0.0001, beta1 = 0.0, beta2 = 0.9>
    gm.report "generator", %lg : tensor<f32>
  }

  gm.sampler @sample() -> tensor<4x1x8x8xf32> {
    %z = gm.normal {id = 3 : i64} : tensor<4x8xf32>
    %img = gm.call @G(%z) : (tensor<4x8xf32>) -> tensor<4x1x8x8xf32>
    gm.return %img : tensor<4x1x8x8xf32>
  }
}
