// gm-inline keeps where a copied op came from and where it was called
// from: each copy's location is a call site (the net's line, at the call),
// nested calls nesting, so that later errors name the call too.
// RUN: gm-opt %s -gm-inline -mlir-print-debuginfo | FileCheck %s

// CHECK: gm.exp {{.*}} loc(#[[EXP:loc[0-9]*]])
// CHECK: gm.tanh {{.*}} loc(#[[TANH:loc[0-9]*]])
// CHECK-DAG: #[[NET:loc[0-9]*]] = loc("net.gm":2:3)
// CHECK-DAG: #[[CALL:loc[0-9]*]] = loc("main.gm":9:7)
// CHECK-DAG: #[[EXP]] = loc(callsite(#[[NET]] at #[[CALL]]))
// CHECK-DAG: #[[INNER:loc[0-9]*]] = loc("net.gm":6:3)
// CHECK-DAG: #[[OUTER:loc[0-9]*]] = loc("net.gm":7:5)
// CHECK-DAG: #[[TANHCALL:loc[0-9]*]] = loc("main.gm":10:7)
// CHECK-DAG: #[[OUTERAT:loc[0-9]*]] = loc(callsite(#[[OUTER]] at #[[TANHCALL]]))
// CHECK-DAG: #[[TANH]] = loc(callsite(#[[INNER]] at #[[OUTERAT]]))
gm.model @m {
  gm.net @f(%x: tensor<3xf32>) -> tensor<3xf32> {
    %y = gm.exp %x : tensor<3xf32> loc("net.gm":2:3)
    gm.return %y : tensor<3xf32>
  }
  gm.net @inner(%x: tensor<3xf32>) -> tensor<3xf32> {
    %y = gm.tanh %x : tensor<3xf32> loc("net.gm":6:3)
    gm.return %y : tensor<3xf32>
  }
  gm.net @outer(%x: tensor<3xf32>) -> tensor<3xf32> {
    %y = gm.call @inner(%x) : (tensor<3xf32>) -> tensor<3xf32> loc("net.gm":7:5)
    gm.return %y : tensor<3xf32>
  }
  gm.sampler @s() -> tensor<3xf32> {
    %c = gm.constant dense<1.0> : tensor<3xf32>
    %r = gm.call @f(%c) : (tensor<3xf32>) -> tensor<3xf32> loc("main.gm":9:7)
    %t = gm.call @outer(%r) : (tensor<3xf32>) -> tensor<3xf32> loc("main.gm":10:7)
    gm.return %t : tensor<3xf32>
  }
}
