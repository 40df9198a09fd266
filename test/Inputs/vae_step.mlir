// The VAE of models/README.md (batch 4) written by hand in the gm dialect:
// encoder and decoder nets, the reparameterization, the BCE-with-logits
// reconstruction and the closed-form KL, one Adam step, and a sampler.
gm.model @vae {
  gm.dataset @train "fashion-mnist" split "train" fields [tensor<1x28x28xf32>]

  gm.param @encoder.conv2d_0.weight : tensor<32x1x4x4xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @encoder.conv2d_0.bias : tensor<32xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @encoder.conv2d_1.weight : tensor<64x32x4x4xf32> = #gm.uniform<-0.0441942, 0.0441942>
  gm.param @encoder.conv2d_1.bias : tensor<64xf32> = #gm.uniform<-0.0441942, 0.0441942>
  gm.param @encoder.linear_0.weight : tensor<256x3136xf32> = #gm.uniform<-0.0178571, 0.0178571>
  gm.param @encoder.linear_0.bias : tensor<256xf32> = #gm.uniform<-0.0178571, 0.0178571>
  gm.param @encoder.linear_1.weight : tensor<40x256xf32> = #gm.uniform<-0.0625, 0.0625>
  gm.param @encoder.linear_1.bias : tensor<40xf32> = #gm.uniform<-0.0625, 0.0625>
  gm.param @decoder.linear_0.weight : tensor<256x20xf32> = #gm.uniform<-0.223607, 0.223607>
  gm.param @decoder.linear_0.bias : tensor<256xf32> = #gm.uniform<-0.223607, 0.223607>
  gm.param @decoder.linear_1.weight : tensor<3136x256xf32> = #gm.uniform<-0.0625, 0.0625>
  gm.param @decoder.linear_1.bias : tensor<3136xf32> = #gm.uniform<-0.0625, 0.0625>
  gm.param @decoder.conv_transpose2d_0.weight : tensor<64x32x4x4xf32> = #gm.uniform<-0.0441942, 0.0441942>
  gm.param @decoder.conv_transpose2d_0.bias : tensor<32xf32> = #gm.uniform<-0.0441942, 0.0441942>
  gm.param @decoder.conv_transpose2d_1.weight : tensor<32x1x4x4xf32> = #gm.uniform<-0.25, 0.25>
  gm.param @decoder.conv_transpose2d_1.bias : tensor<1xf32> = #gm.uniform<-0.25, 0.25>

  gm.net @encoder(%x: tensor<4x1x28x28xf32>) -> (tensor<4x20xf32>, tensor<4x20xf32>) {
    %w0 = gm.load @encoder.conv2d_0.weight : tensor<32x1x4x4xf32>
    %b0 = gm.load @encoder.conv2d_0.bias : tensor<32xf32>
    %c0 = gm.conv2d %x, %w0 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x1x28x28xf32>, tensor<32x1x4x4xf32>) -> tensor<4x32x14x14xf32>
    %b0r = gm.reshape %b0 : tensor<32xf32> -> tensor<32x1x1xf32>
    %a0 = gm.add %c0, %b0r : (tensor<4x32x14x14xf32>, tensor<32x1x1xf32>) -> tensor<4x32x14x14xf32>
    %h0 = gm.relu %a0 : tensor<4x32x14x14xf32>
    %w1 = gm.load @encoder.conv2d_1.weight : tensor<64x32x4x4xf32>
    %b1 = gm.load @encoder.conv2d_1.bias : tensor<64xf32>
    %c1 = gm.conv2d %h0, %w1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x14x14xf32>, tensor<64x32x4x4xf32>) -> tensor<4x64x7x7xf32>
    %b1r = gm.reshape %b1 : tensor<64xf32> -> tensor<64x1x1xf32>
    %a1 = gm.add %c1, %b1r : (tensor<4x64x7x7xf32>, tensor<64x1x1xf32>) -> tensor<4x64x7x7xf32>
    %h1 = gm.relu %a1 : tensor<4x64x7x7xf32>
    %flat = gm.reshape %h1 : tensor<4x64x7x7xf32> -> tensor<4x3136xf32>
    %w2 = gm.load @encoder.linear_0.weight : tensor<256x3136xf32>
    %b2 = gm.load @encoder.linear_0.bias : tensor<256xf32>
    %m2 = gm.matmul %flat, %w2 {transpose_rhs} : (tensor<4x3136xf32>, tensor<256x3136xf32>) -> tensor<4x256xf32>
    %a2 = gm.add %m2, %b2 : (tensor<4x256xf32>, tensor<256xf32>) -> tensor<4x256xf32>
    %h2 = gm.relu %a2 : tensor<4x256xf32>
    %w3 = gm.load @encoder.linear_1.weight : tensor<40x256xf32>
    %b3 = gm.load @encoder.linear_1.bias : tensor<40xf32>
    %m3 = gm.matmul %h2, %w3 {transpose_rhs} : (tensor<4x256xf32>, tensor<40x256xf32>) -> tensor<4x40xf32>
    %out = gm.add %m3, %b3 : (tensor<4x40xf32>, tensor<40xf32>) -> tensor<4x40xf32>
    %mu = gm.slice %out offsets [0, 0] sizes [4, 20] : tensor<4x40xf32> -> tensor<4x20xf32>
    %logvar = gm.slice %out offsets [0, 20] sizes [4, 20] : tensor<4x40xf32> -> tensor<4x20xf32>
    gm.return %mu, %logvar : tensor<4x20xf32>, tensor<4x20xf32>
  }

  gm.net @decoder(%z: tensor<4x20xf32>) -> tensor<4x1x28x28xf32> {
    %w0 = gm.load @decoder.linear_0.weight : tensor<256x20xf32>
    %b0 = gm.load @decoder.linear_0.bias : tensor<256xf32>
    %m0 = gm.matmul %z, %w0 {transpose_rhs} : (tensor<4x20xf32>, tensor<256x20xf32>) -> tensor<4x256xf32>
    %a0 = gm.add %m0, %b0 : (tensor<4x256xf32>, tensor<256xf32>) -> tensor<4x256xf32>
    %h0 = gm.relu %a0 : tensor<4x256xf32>
    %w1 = gm.load @decoder.linear_1.weight : tensor<3136x256xf32>
    %b1 = gm.load @decoder.linear_1.bias : tensor<3136xf32>
    %m1 = gm.matmul %h0, %w1 {transpose_rhs} : (tensor<4x256xf32>, tensor<3136x256xf32>) -> tensor<4x3136xf32>
    %a1 = gm.add %m1, %b1 : (tensor<4x3136xf32>, tensor<3136xf32>) -> tensor<4x3136xf32>
    %h1 = gm.relu %a1 : tensor<4x3136xf32>
    %img = gm.reshape %h1 : tensor<4x3136xf32> -> tensor<4x64x7x7xf32>
    %w2 = gm.load @decoder.conv_transpose2d_0.weight : tensor<64x32x4x4xf32>
    %b2 = gm.load @decoder.conv_transpose2d_0.bias : tensor<32xf32>
    %t2 = gm.conv_transpose2d %img, %w2 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x64x7x7xf32>, tensor<64x32x4x4xf32>) -> tensor<4x32x14x14xf32>
    %b2r = gm.reshape %b2 : tensor<32xf32> -> tensor<32x1x1xf32>
    %a2 = gm.add %t2, %b2r : (tensor<4x32x14x14xf32>, tensor<32x1x1xf32>) -> tensor<4x32x14x14xf32>
    %h2 = gm.relu %a2 : tensor<4x32x14x14xf32>
    %w3 = gm.load @decoder.conv_transpose2d_1.weight : tensor<32x1x4x4xf32>
    %b3 = gm.load @decoder.conv_transpose2d_1.bias : tensor<1xf32>
    %t3 = gm.conv_transpose2d %h2, %w3 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<4x32x14x14xf32>, tensor<32x1x4x4xf32>) -> tensor<4x1x28x28xf32>
    %b3r = gm.reshape %b3 : tensor<1xf32> -> tensor<1x1x1xf32>
    %logits = gm.add %t3, %b3r : (tensor<4x1x28x28xf32>, tensor<1x1x1xf32>) -> tensor<4x1x28x28xf32>
    gm.return %logits : tensor<4x1x28x28xf32>
  }

  gm.phase train @step {
    %x = gm.next @train : tensor<4x1x28x28xf32>
    %mu, %logvar = gm.call @encoder(%x) : (tensor<4x1x28x28xf32>) -> (tensor<4x20xf32>, tensor<4x20xf32>)
    // z = mu + exp(0.5 * logvar) * eps
    %half = gm.constant dense<0.5> : tensor<f32>
    %hl = gm.mul %logvar, %half : (tensor<4x20xf32>, tensor<f32>) -> tensor<4x20xf32>
    %std = gm.exp %hl : tensor<4x20xf32>
    %eps = gm.normal {id = 0 : i64} : tensor<4x20xf32>
    %noise = gm.mul %std, %eps : (tensor<4x20xf32>, tensor<4x20xf32>) -> tensor<4x20xf32>
    %z = gm.add %mu, %noise : (tensor<4x20xf32>, tensor<4x20xf32>) -> tensor<4x20xf32>
    %logits = gm.call @decoder(%z) : (tensor<4x20xf32>) -> tensor<4x1x28x28xf32>
    // bce_with_logits(l, x) = max(l, 0) - l * x + log1p(exp(-|l|))
    %zero = gm.constant dense<0.0> : tensor<f32>
    %pos = gm.maximum %logits, %zero : (tensor<4x1x28x28xf32>, tensor<f32>) -> tensor<4x1x28x28xf32>
    %lx = gm.mul %logits, %x : (tensor<4x1x28x28xf32>, tensor<4x1x28x28xf32>) -> tensor<4x1x28x28xf32>
    %abs = gm.abs %logits : tensor<4x1x28x28xf32>
    %nabs = gm.neg %abs : tensor<4x1x28x28xf32>
    %e = gm.exp %nabs : tensor<4x1x28x28xf32>
    %sp = gm.log1p %e : tensor<4x1x28x28xf32>
    %d = gm.sub %pos, %lx : (tensor<4x1x28x28xf32>, tensor<4x1x28x28xf32>) -> tensor<4x1x28x28xf32>
    %bce = gm.add %d, %sp : (tensor<4x1x28x28xf32>, tensor<4x1x28x28xf32>) -> tensor<4x1x28x28xf32>
    %bsum = gm.reduce_sum %bce dims [0, 1, 2, 3] : tensor<4x1x28x28xf32> -> tensor<f32>
    %batch = gm.constant dense<4.0> : tensor<f32>
    %recon = gm.div %bsum, %batch : (tensor<f32>, tensor<f32>) -> tensor<f32>
    // kl = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) / B
    %one = gm.constant dense<1.0> : tensor<f32>
    %k0 = gm.add %logvar, %one : (tensor<4x20xf32>, tensor<f32>) -> tensor<4x20xf32>
    %mu2 = gm.square %mu : tensor<4x20xf32>
    %k1 = gm.sub %k0, %mu2 : (tensor<4x20xf32>, tensor<4x20xf32>) -> tensor<4x20xf32>
    %ev = gm.exp %logvar : tensor<4x20xf32>
    %k2 = gm.sub %k1, %ev : (tensor<4x20xf32>, tensor<4x20xf32>) -> tensor<4x20xf32>
    %ksum = gm.reduce_sum %k2 dims [0, 1] : tensor<4x20xf32> -> tensor<f32>
    %mhalf = gm.constant dense<-0.5> : tensor<f32>
    %k3 = gm.mul %ksum, %mhalf : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %kl = gm.div %k3, %batch : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %loss = gm.add %recon, %kl : (tensor<f32>, tensor<f32>) -> tensor<f32>
    gm.minimize %loss : tensor<f32> over [@encoder.conv2d_0.weight, @encoder.conv2d_0.bias, @encoder.conv2d_1.weight, @encoder.conv2d_1.bias, @encoder.linear_0.weight, @encoder.linear_0.bias, @encoder.linear_1.weight, @encoder.linear_1.bias, @decoder.linear_0.weight, @decoder.linear_0.bias, @decoder.linear_1.weight, @decoder.linear_1.bias, @decoder.conv_transpose2d_0.weight, @decoder.conv_transpose2d_0.bias, @decoder.conv_transpose2d_1.weight, @decoder.conv_transpose2d_1.bias] with #gm.adam<lr = 0.001>
    gm.report "recon", %recon : tensor<f32>
    gm.report "kl", %kl : tensor<f32>
  }

  gm.sampler @sample() -> tensor<4x1x28x28xf32> {
    %z = gm.normal {id = 1 : i64} : tensor<4x20xf32>
    %logits = gm.call @decoder(%z) : (tensor<4x20xf32>) -> tensor<4x1x28x28xf32>
    %img = gm.sigmoid %logits : tensor<4x1x28x28xf32>
    gm.return %img : tensor<4x1x28x28xf32>
  }
}
