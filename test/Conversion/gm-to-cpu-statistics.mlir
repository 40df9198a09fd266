// gm-to-cpu: a statistic becomes a gmrt_statistic call with its operands'
// addresses; the model info lists it (name, kind, operand types) and the
// eval phase names it by id. Two statistics may not share a report's name.
// RUN: gm-opt %s -gm-plan-memory -gm-to-cpu -split-input-file -verify-diagnostics | FileCheck %s

gm.model @m {
  gm.dataset @data.test "fashion-mnist" split "test" fields [tensor<12xf32>, tensor<i32>]
  gm.phase eval @fid {
    %x, %y = gm.next @data.test : tensor<5x12xf32>, tensor<5xi32>
    %t = gm.tanh %x : tensor<5x12xf32>
    gm.statistic "fid" "frechet_distance" (%x, %t) : tensor<5x12xf32>, tensor<5x12xf32>
    %yf = gm.cast %y : tensor<5xi32> to tensor<5xf32>
    gm.statistic "classes" "distinct" (%yf) : tensor<5xf32>
  }
}

// CHECK-LABEL: func.func @gm_phase_fid
// CHECK: call @gmrt_statistic(%{{.*}}, %c0_i32{{.*}}, %{{.*}}) : (!llvm.ptr, i32, !llvm.ptr) -> ()
// CHECK: call @gmrt_statistic(%{{.*}}, %c1_i32{{.*}}, %{{.*}}) : (!llvm.ptr, i32, !llvm.ptr) -> ()
// CHECK: llvm.mlir.global internal constant @gm_model_info_json
// CHECK-SAME: \22statistics\22:[0,1]
// CHECK-SAME: \22statistics\22:[{\22kind\22:\22frechet_distance\22,\22name\22:\22fid\22,\22operands\22:[{\22dtype\22:\22f32\22,\22shape\22:[5,12]},{\22dtype\22:\22f32\22,\22shape\22:[5,12]}]},{\22kind\22:\22distinct\22,\22name\22:\22classes\22,\22operands\22:[{\22dtype\22:\22f32\22,\22shape\22:[5]}]}]

// -----

gm.model @m {
  gm.dataset @data.test "fashion-mnist" split "test" fields [tensor<12xf32>]
  gm.phase eval @fid {
    %x = gm.next @data.test : tensor<5x12xf32>
    %m = gm.reduce_mean %x dims [0, 1] : tensor<5x12xf32> -> tensor<f32>
    gm.report "fid", %m : tensor<f32>
    // expected-error @+1 {{reuses the name 'fid' of another report of the phase}}
    gm.statistic "fid" "frechet_distance" (%x, %x) : tensor<5x12xf32>, tensor<5x12xf32>
  }
}
