// gm-to-cpu's errors: what it cannot lower is reported at the op.
// RUN: gm-opt %s -gm-to-cpu -split-input-file -verify-diagnostics


// expected-error @+1 {{'gm.model' op has no memory plan (run gm-plan-memory before gm-to-cpu)}}
gm.model @unplanned {
}
