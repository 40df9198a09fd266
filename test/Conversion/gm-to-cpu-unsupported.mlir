// What the CPU backend does not run is an error at the op, not a crash.
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu -split-input-file -verify-diagnostics

gm.model @bf16 {
  gm.sampler @s() -> tensor<1x2x4x4xbf16> {
    %x = gm.constant dense<1.0> : tensor<1x1x4x4xbf16>
    %w = gm.constant dense<0.5> : tensor<2x1x3x3xbf16>
    // expected-error @+1 {{'gm.conv2d' op on bf16 is not supported by the CPU backend (f32 only)}}
    %y = gm.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xbf16>, tensor<2x1x3x3xbf16>) -> tensor<1x2x4x4xbf16>
    gm.return %y : tensor<1x2x4x4xbf16>
  }
}

// -----

// expected-error @+1 {{gm-to-cpu expects one gm.model, found 2}}
module {
  gm.model @a {
  }
  gm.model @b {
  }
}

// -----

gm.model @bf16_loops {
  gm.sampler @s() -> tensor<4xbf16> {
    %x = gm.constant dense<1.0> : tensor<4xbf16>
    // expected-error @+1 {{'gm.exp' op on bf16 is not supported by the CPU backend (f32 or f64)}}
    %y = gm.exp %x : tensor<4xbf16>
    gm.return %y : tensor<4xbf16>
  }
}

// -----

gm.model @bf16_random {
  gm.sampler @s() -> tensor<4xbf16> {
    // expected-error @+1 {{'gm.normal' op on bf16 is not supported by the CPU backend (f32 or f64)}}
    %x = gm.normal {id = 1 : i64} : tensor<4xbf16>
    gm.return %x : tensor<4xbf16>
  }
}
