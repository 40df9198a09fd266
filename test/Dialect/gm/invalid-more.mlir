// Verifier errors of the gm dialect not in invalid.mlir: a Fréchet distance
// of features that are not rows, and a gm.fused with no results.
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
