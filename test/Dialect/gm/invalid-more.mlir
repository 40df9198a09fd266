// Verifier errors of the gm dialect not in invalid.mlir: a Fréchet distance
// of features that are not rows, a gm.fused with no results, and a
// convolution kernel of no extent.
// RUN: gm-opt %s -split-input-file -verify-diagnostics

gm.model @m {
  gm.phase eval @p {
    %f = gm.constant dense<1.0> : tensor<2x3xf32>
    %g = gm.constant dense<1.0> : tensor<6xf32>
    // expected-error @+1 {{'gm.statistic' op frechet_distance takes rows of features (rank 2), operand 1 is 'tensor<6xf32>'}}
    gm.statistic "fid" "frechet_distance" (%f, %g) : tensor<2x3xf32>, tensor<6xf32>
  }
}

// -----

gm.model @m {
  gm.sampler @s() -> tensor<2xf32> {
    %x = gm.constant dense<1.0> : tensor<2xf32>
    // expected-error @+1 {{'gm.fused' op computes nothing}}
    gm.fused(%x) : (tensor<2xf32>) -> () {
    ^bb0(%a: tensor<2xf32>):
      gm.yield
    }
    gm.return %x : tensor<2xf32>
  }
}

// -----

// A kernel of no extent: an empty weight.
gm.model @m {
  gm.net @f(%x: tensor<2x1x8x8xf32>, %w: tensor<4x1x0x3xf32>) -> tensor<2x4x8x8xf32> {
    // expected-error @+2 {{the kernel must be at least 1x1, got 0x3}}
    // expected-error @+1 {{failed to infer returned types}}
    %r = gm.conv2d %x, %w : (tensor<2x1x8x8xf32>, tensor<4x1x0x3xf32>) -> tensor<2x4x8x8xf32>
    gm.return %r : tensor<2x4x8x8xf32>
  }
}
