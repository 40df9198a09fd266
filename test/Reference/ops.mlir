// The reference evaluator on small inputs whose results were worked out by
// hand. It is the oracle of every backend, so its own semantics are pinned
// here op by op.
// RUN: gm-eval %s --sampler=convolutions | FileCheck %s --check-prefix=CONV
// RUN: gm-eval %s --sampler=linear_algebra | FileCheck %s --check-prefix=LA
// RUN: gm-eval %s --sampler=shapes | FileCheck %s --check-prefix=SHAPE
// RUN: gm-eval %s --sampler=elementwise | FileCheck %s --check-prefix=ELEM
// RUN: gm-eval %s --sampler=rounding | FileCheck %s --check-prefix=ROUND
// RUN: gm-eval %s --sampler=fused | FileCheck %s --check-prefix=FUSED
// RUN: gm-eval %s --sampler=reorder | FileCheck %s --check-prefix=REORDER
// RUN: gm-eval %s --sampler=rows | FileCheck %s --check-prefix=ROWS
// RUN: gm-eval %s --sampler=columns | FileCheck %s --check-prefix=COLUMNS
// RUN: gm-eval %s --sampler=random --seed=3 > %t.a
// RUN: gm-eval %s --sampler=random --seed=3 > %t.b
// RUN: gm-eval %s --sampler=random --seed=4 > %t.c
// RUN: diff %t.a %t.b
// RUN: not diff %t.a %t.c
// RUN: FileCheck %s --check-prefix=RANDOM < %t.a

gm.model @reference {
  // y[i, j] = x[i, j] - x[i + 1, j + 1] on x = 1..9; padded and strided:
  // the corners (-1, -1), (-1, 1), (1, -1), (1, 1) of the padded grid.
  // CONV: result #0: tensor<1x1x2x2xf32> {{\[\[\[\[}}-4, -4], [-4, -4]]]]
  // CONV: result #1: tensor<1x1x2x2xf32> {{\[\[\[\[}}-1, -3], [-7, -4]]]]
  // A mask keeps the diagonal taps of an all-ones kernel.
  // CONV: result #2: tensor<1x1x2x2xf32> {{\[\[\[\[}}6, 8], [12, 14]]]]
  // A stride-2 transposed convolution with a 2x2 ones kernel replicates.
  // CONV: result #3: tensor<1x1x4x4xf32> {{\[\[\[\[}}1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
  // CONV: result #4: tensor<1x1x4x4xf32> {{\[\[\[\[}}1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
  // dy = 1 at output (0, 0) only: dw is the top-left window of x.
  // CONV: result #5: tensor<1x1x2x2xf32> {{\[\[\[\[}}1, 2], [4, 5]]]]
  gm.sampler @convolutions() -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) {
    %x = gm.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
    %w = gm.constant dense<[[[[1.0, 0.0], [0.0, -1.0]]]]> : tensor<1x1x2x2xf32>
    %ones = gm.constant dense<1.0> : tensor<1x1x2x2xf32>
    %small = gm.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
    %corner = gm.constant dense<[[[[1.0, 0.0], [0.0, 0.0]]]]> : tensor<1x1x2x2xf32>
    %c0 = gm.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    %c1 = gm.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    %c2 = gm.conv2d %x, %ones {mask = dense<[[true, false], [false, true]]> : tensor<2x2xi1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    %t = gm.conv_transpose2d %small, %ones {stride = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    %bd = gm.conv2d_backward_data %small, %ones {stride = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    %bw = gm.conv2d_backward_weights %x, %corner : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    gm.return %c0, %c1, %c2, %t, %bd, %bw : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>
  }

  // LA: result #0: tensor<2x2xf64> {{\[\[}}19, 22], [43, 50]]
  // LA: result #1: tensor<2x2xf64> {{\[\[}}17, 23], [39, 53]]
  // Batch norm of [1, 3]: mean 2, biased variance 1.
  // LA: result #2: tensor<2x1xf64> {{\[\[}}-0.999995{{[0-9]*}}], [0.999995{{[0-9]*}}]]
  // LA: result #3: tensor<1xf64> [2]
  // LA: result #4: tensor<1xf64> [1]
  // softmax([0, ln 3]) = [1/4, 3/4]
  // LA: result #5: tensor<1x2xf64> {{\[\[}}0.25, 0.75]]
  // LA: result #6: tensor<1x2xf64> {{\[\[}}-1.38629436, -0.287682072]]
  // LA: result #7: tensor<2xi32> [0, 1]
  // LA: result #8: tensor<3x2xf64> {{\[\[}}1, 1], [0, 0], [1, 1]]
  // LA: result #9: tensor<2x3xf64> {{\[\[}}0, 0, 1], [1, 0, 0]]
  // LA: result #10: tensor<3x2xf64> {{\[\[}}0, 1], [0, 0], [1, 0]]
  // The first maximum wins ties.
  // LA: result #11: tensor<2xi32> [1, 0]
  gm.sampler @linear_algebra() -> (tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x1xf64>, tensor<1xf64>, tensor<1xf64>, tensor<1x2xf64>, tensor<1x2xf64>, tensor<2xi32>, tensor<3x2xf64>, tensor<2x3xf64>, tensor<3x2xf64>, tensor<2xi32>) {
    %a = gm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>
    %b = gm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf64>
    %m0 = gm.matmul %a, %b : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
    %m1 = gm.matmul %a, %b {transpose_rhs} : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2x2xf64>
    %x = gm.constant dense<[[1.0], [3.0]]> : tensor<2x1xf64>
    %one = gm.constant dense<1.0> : tensor<1xf64>
    %zero = gm.constant dense<0.0> : tensor<1xf64>
    %y, %mean, %var = gm.batch_norm %x, %one, %zero : (tensor<2x1xf64>, tensor<1xf64>, tensor<1xf64>) -> (tensor<2x1xf64>, tensor<1xf64>, tensor<1xf64>)
    %logits = gm.constant dense<[[0.0, 1.0986122886681098]]> : tensor<1x2xf64>
    %p = gm.softmax %logits axis 1 : tensor<1x2xf64>
    %lp = gm.log_softmax %logits axis 1 : tensor<1x2xf64>
    %z = gm.constant dense<[[0.1, 0.1], [0.9, 1.2]]> : tensor<2x2xf64>
    %book = gm.constant dense<[[0.0, 0.0], [1.0, 1.0]]> : tensor<2x2xf64>
    %codes = gm.nearest %z, %book : (tensor<2x2xf64>, tensor<2x2xf64>) -> tensor<2xi32>
    %idx = gm.constant dense<[1, 0, 1]> : tensor<3xi32>
    %rows = gm.lookup %book, %idx : (tensor<2x2xf64>, tensor<3xi32>) -> tensor<3x2xf64>
    %labels = gm.constant dense<[2, 0]> : tensor<2xi32>
    %oh = gm.one_hot %labels classes 3 : tensor<2xi32> -> tensor<2x3xf64>
    %oh0 = gm.one_hot %labels classes 3 {axis = 0 : i64} : tensor<2xi32> -> tensor<3x2xf64>
    %scores = gm.constant dense<[[1.0, 5.0, 3.0], [7.0, 2.0, 7.0]]> : tensor<2x3xf64>
    %am = gm.argmax %scores axis 1 : tensor<2x3xf64> -> tensor<2xi32>
    gm.return %m0, %m1, %y, %mean, %var, %p, %lp, %codes, %rows, %oh, %oh0, %am : tensor<2x2xf64>, tensor<2x2xf64>, tensor<2x1xf64>, tensor<1xf64>, tensor<1xf64>, tensor<1x2xf64>, tensor<1x2xf64>, tensor<2xi32>, tensor<3x2xf64>, tensor<2x3xf64>, tensor<3x2xf64>, tensor<2xi32>
  }

  // SHAPE: result #0: tensor<3x2xf32> {{\[\[}}1, 4], [2, 5], [3, 6]]
  // SHAPE: result #1: tensor<2x3xf32> {{\[\[}}1, 3, 4], [2, 5, 6]]
  // SHAPE: result #2: tensor<2x1xf32> {{\[\[}}2], [8]]
  // SHAPE: result #3: tensor<6xf32> [-1, 1, -1, 2, -1, -1]
  // SHAPE: result #4: tensor<1x1x2x4xf32> {{\[\[\[\[}}1, 1, 2, 2], [1, 1, 2, 2]]]]
  // SHAPE: result #5: tensor<2x2xf32> {{\[\[}}1, 2], [1, 2]]
  // SHAPE: result #6: tensor<2xf32> [6, 15]
  // SHAPE: result #7: tensor<3xf32> [2.5, 3.5, 4.5]
  // SHAPE: result #8: tensor<2x1xf32> {{\[\[}}3], [6]]
  gm.sampler @shapes() -> (tensor<3x2xf32>, tensor<2x3xf32>, tensor<2x1xf32>, tensor<6xf32>, tensor<1x1x2x4xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<2x1xf32>) {
    %x = gm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
    %t = gm.transpose %x perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    %col = gm.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
    %rest = gm.constant dense<[[3.0, 4.0], [5.0, 6.0]]> : tensor<2x2xf32>
    %c = gm.concat %col, %rest axis 1 : (tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x3xf32>
    %nine = gm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
    %s = gm.slice %nine offsets [0, 1] sizes [2, 1] strides [2, 1] : tensor<3x3xf32> -> tensor<2x1xf32>
    %pair = gm.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %p = gm.pad %pair low [1] high [2] interior [1] {value = -1.0 : f64} : tensor<2xf32> -> tensor<6xf32>
    %img = gm.constant dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>
    %u = gm.upsample %img scale [2, 2] : tensor<1x1x1x2xf32> -> tensor<1x1x2x4xf32>
    %b = gm.broadcast %pair : tensor<2xf32> -> tensor<2x2xf32>
    %sum = gm.reduce_sum %x dims [1] : tensor<2x3xf32> -> tensor<2xf32>
    %mean = gm.reduce_mean %x dims [0] : tensor<2x3xf32> -> tensor<3xf32>
    %max = gm.reduce_max %x dims [1] keepdim : tensor<2x3xf32> -> tensor<2x1xf32>
    gm.return %t, %c, %s, %p, %u, %b, %sum, %mean, %max : tensor<3x2xf32>, tensor<2x3xf32>, tensor<2x1xf32>, tensor<6xf32>, tensor<1x1x2x4xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<3xf32>, tensor<2x1xf32>
  }

  // Casts to integers truncate toward zero; round is half to even.
  // ELEM: result #0: tensor<4xi32> [2, -2, 0, 3]
  // ELEM: result #1: tensor<4xf32> [3, -3, 0, 4]
  // ELEM: result #2: tensor<4xf32> [0.5, 0.693147182, -0.400000006, 8]
  // ELEM: result #3: tensor<2xi32> [3, -3]
  // ELEM: result #4: tensor<4xi1> [0, 1, 1, 0]
  // ELEM: result #5: tensor<4xf32> [9, -2.70000005, 0.5, 9]
  gm.sampler @elementwise() -> (tensor<4xi32>, tensor<4xf32>, tensor<4xf32>, tensor<2xi32>, tensor<4xi1>, tensor<4xf32>) {
    %v = gm.constant dense<[2.7, -2.7, 0.5, 3.5]> : tensor<4xf32>
    %i = gm.cast %v : tensor<4xf32> to tensor<4xi32>
    %r = gm.round %v : tensor<4xf32>
    %args = gm.constant dense<[0.0, 0.0, -2.0, 2.0]> : tensor<4xf32>
    %sig = gm.sigmoid %args : tensor<4xf32>
    %sp = gm.softplus %args : tensor<4xf32>
    %lr = gm.leaky_relu %args {alpha = 0.2 : f64} : tensor<4xf32>
    %three = gm.constant dense<3.0> : tensor<f32>
    %pw = gm.pow %args, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    // Mix: sigmoid(0), softplus(0), leaky_relu(-2), 2^3.
    %mask0 = gm.constant dense<[true, false, false, false]> : tensor<4xi1>
    %mask1 = gm.constant dense<[false, true, false, false]> : tensor<4xi1>
    %mask2 = gm.constant dense<[false, false, true, false]> : tensor<4xi1>
    %s1 = gm.select %mask2, %lr, %pw : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %s2 = gm.select %mask1, %sp, %s1 : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %mix = gm.select %mask0, %sig, %s2 : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %num = gm.constant dense<[7, -7]> : tensor<2xi32>
    %two = gm.constant dense<2> : tensor<i32>
    %q = gm.div %num, %two : (tensor<2xi32>, tensor<i32>) -> tensor<2xi32>
    %ge = gm.compare ge, %v, %r : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    %nine = gm.constant dense<9.0> : tensor<f32>
    %mx = gm.maximum %v, %nine : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %sel = gm.select %ge, %v, %mx : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    gm.return %i, %r, %mix, %q, %ge, %sel : tensor<4xi32>, tensor<4xf32>, tensor<4xf32>, tensor<2xi32>, tensor<4xi1>, tensor<4xf32>
  }

  // Each op's result is rounded to its element type: 0.1 + 0.2 in f32, one
  // third in f32 and bf16 (8 bits of mantissa), and in f64.
  // ROUND: result #0: tensor<f32> 0.300000012
  // ROUND: result #1: tensor<f32> 0.333333343
  // ROUND: result #2: tensor<bf16> 0.333984375
  // ROUND: result #3: tensor<f64> 0.333333333
  gm.sampler @rounding() -> (tensor<f32>, tensor<f32>, tensor<bf16>, tensor<f64>) {
    %a = gm.constant dense<0.1> : tensor<f32>
    %b = gm.constant dense<0.2> : tensor<f32>
    %s = gm.add %a, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %one = gm.constant dense<1.0> : tensor<f32>
    %three = gm.constant dense<3.0> : tensor<f32>
    %t = gm.div %one, %three : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %oneb = gm.constant dense<1.0> : tensor<bf16>
    %threeb = gm.constant dense<3.0> : tensor<bf16>
    %tb = gm.div %oneb, %threeb : (tensor<bf16>, tensor<bf16>) -> tensor<bf16>
    %oned = gm.constant dense<1.0> : tensor<f64>
    %threed = gm.constant dense<3.0> : tensor<f64>
    %td = gm.div %oned, %threed : (tensor<f64>, tensor<f64>) -> tensor<f64>
    gm.return %s, %t, %tb, %td : tensor<f32>, tensor<f32>, tensor<bf16>, tensor<f64>
  }

  // Random ops: the same seed draws the same numbers (checked by diff above);
  // uniform draws stay inside [low, high); categorical follows overwhelming
  // logits; bernoulli with p in {0, 1} is exact.
  // RANDOM: result #1: tensor<2xf32> [{{1\.[0-9]+}}, {{1\.[0-9]+}}]
  // RANDOM: result #2: tensor<3xi32> [2, 0, 1]
  // RANDOM: result #3: tensor<2xf32> [0, 1]
  gm.sampler @random() -> (tensor<4xf32>, tensor<2xf32>, tensor<3xi32>, tensor<2xf32>) {
    %n = gm.normal {id = 0 : i64} : tensor<4xf32>
    %u = gm.uniform {id = 1 : i64, low = 1.0 : f64, high = 2.0 : f64} : tensor<2xf32>
    %logits = gm.constant dense<[[0.0, 0.0, 100.0], [100.0, 0.0, 0.0], [0.0, 100.0, 0.0]]> : tensor<3x3xf32>
    %c = gm.categorical %logits axis 1 {id = 2 : i64} : tensor<3x3xf32> -> tensor<3xi32>
    %p = gm.constant dense<[0.0, 1.0]> : tensor<2xf32>
    %b = gm.bernoulli %p {id = 3 : i64} : tensor<2xf32>
    gm.return %n, %u, %c, %b : tensor<4xf32>, tensor<2xf32>, tensor<3xi32>, tensor<2xf32>
  }

  // A gm.fused runs its body on whole tensors: exp(x) + b, then its square.
  // FUSED: result #0: tensor<2x2xf32> {{\[\[}}1, 2.71828175], [7.38905621, 20.085537]]
  // FUSED: result #1: tensor<2x2xf32> {{\[\[}}1.5, 3.21828175], [7.88905621, 20.585537]]
  // FUSED: result #2: tensor<2x2xf32> {{\[\[}}2.25, 10.357337], [62.2372093, 423.764343]]
  gm.sampler @fused() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
    %x = gm.constant dense<[[0.0, 1.0], [2.0, 3.0]]> : tensor<2x2xf32>
    %b = gm.constant dense<0.5> : tensor<f32>
    %r:3 = gm.fused(%x, %b) : (tensor<2x2xf32>, tensor<f32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
    ^bb0(%a: tensor<2x2xf32>, %c: tensor<f32>):
      %0 = gm.exp %a : tensor<2x2xf32>
      %1 = gm.add %0, %c : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
      %2 = gm.square %1 : tensor<2x2xf32>
      gm.yield %0, %1, %2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
    }
    gm.return %r#0, %r#1, %r#2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
  }
  // A layout is the CPU backend's order in memory: the value is unchanged.
  // REORDER: result #0: tensor<1x16x1x1xf32> {{\[\[\[\[}}0]], {{\[\[}}1]], {{\[\[}}2]]
  // REORDER-SAME: {{\[\[}}15]]]]
  gm.sampler @reorder() -> tensor<1x16x1x1xf32> {
    %x = gm.constant dense<[[[[0.0]], [[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]], [[9.0]], [[10.0]], [[11.0]], [[12.0]], [[13.0]], [[14.0]], [[15.0]]]]> : tensor<1x16x1x1xf32>
    %b = gm.reorder %x to "blocked" : tensor<1x16x1x1xf32>
    %p = gm.reorder %b to "plain" : tensor<1x16x1x1xf32>
    gm.return %p : tensor<1x16x1x1xf32>
  }

  // A step's window of 2 of 3 rows ends at its row, or starts at row 0:
  // rows 0-1 for rows 0 and 1, rows 1-2 for row 2. Step (r, c) keeps
  // x[r, c] plus the window's first row at c, then the sum of column c of
  // the window put back (zeros outside it).
  // ROWS: result #0: tensor<1x3x2xf32> {{\[\[\[}}2, 4], [4, 6], [8, 10]]]
  // ROWS: result #1: tensor<1x3x2xf32> {{\[\[\[}}4, 6], [4, 6], [8, 10]]]
  gm.sampler @rows() -> (tensor<1x3x2xf32>, tensor<1x3x2xf32>) {
    %x = gm.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<1x3x2xf32>
    %zero = gm.constant dense<0.0> : tensor<1x3x2xf32>
    %first = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %w = gm.row_window %x dim 1 rows 2 : tensor<1x3x2xf32> -> tensor<1x2x2xf32>
      %top = gm.slice %w offsets [0, 0, 0] sizes [1, 1, 2] : tensor<1x2x2xf32> -> tensor<1x1x2xf32>
      %y = gm.add %x, %top : (tensor<1x3x2xf32>, tensor<1x1x2xf32>) -> tensor<1x3x2xf32>
      gm.yield %y : tensor<1x3x2xf32>
    }
    %sums = gm.autoregressive %zero over [3, 2] : tensor<1x3x2xf32> {
    ^bb0(%c: tensor<1x3x2xf32>):
      %w = gm.row_window %x dim 1 rows 2 : tensor<1x3x2xf32> -> tensor<1x2x2xf32>
      %u = gm.row_unwindow %w dim 1 : tensor<1x2x2xf32> -> tensor<1x3x2xf32>
      %s = gm.reduce_sum %u dims [1] keepdim : tensor<1x3x2xf32> -> tensor<1x1x2xf32>
      %y = gm.broadcast %s : tensor<1x1x2xf32> -> tensor<1x3x2xf32>
      gm.yield %y : tensor<1x3x2xf32>
    }
    gm.return %first, %sums : tensor<1x3x2xf32>, tensor<1x3x2xf32>
  }

  // Along the loop's second dimension (`along 1`): a window of 2 of 3
  // columns ends at the step's column c, or starts at column 0: columns
  // 0-1 for c = 0 and 1, columns 1-2 for c = 2, in the step's row r. Step
  // (r, c) keeps x[r, c] plus the window's first column, then the sum of
  // row r of the window put back (zeros outside it).
  // COLUMNS: result #0: tensor<1x2x3xf32> {{\[\[\[}}2, 3, 5], [8, 9, 11]]]
  // COLUMNS: result #1: tensor<1x2x3xf32> {{\[\[\[}}3, 3, 5], [9, 9, 11]]]
  gm.sampler @columns() -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
    %x = gm.constant dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>
    %zero = gm.constant dense<0.0> : tensor<1x2x3xf32>
    %first = gm.autoregressive %zero over [2, 3] : tensor<1x2x3xf32> {
    ^bb0(%c: tensor<1x2x3xf32>):
      %r = gm.row_window %x dim 1 rows 1 : tensor<1x2x3xf32> -> tensor<1x1x3xf32>
      %w = gm.row_window %r dim 2 rows 2 along 1 : tensor<1x1x3xf32> -> tensor<1x1x2xf32>
      %left = gm.slice %w offsets [0, 0, 0] sizes [1, 1, 1] : tensor<1x1x2xf32> -> tensor<1x1x1xf32>
      %y = gm.add %x, %left : (tensor<1x2x3xf32>, tensor<1x1x1xf32>) -> tensor<1x2x3xf32>
      gm.yield %y : tensor<1x2x3xf32>
    }
    %sums = gm.autoregressive %zero over [2, 3] : tensor<1x2x3xf32> {
    ^bb0(%c: tensor<1x2x3xf32>):
      %r = gm.row_window %x dim 1 rows 1 : tensor<1x2x3xf32> -> tensor<1x1x3xf32>
      %w = gm.row_window %r dim 2 rows 2 along 1 : tensor<1x1x3xf32> -> tensor<1x1x2xf32>
      %u = gm.row_unwindow %w dim 2 along 1 : tensor<1x1x2xf32> -> tensor<1x1x3xf32>
      %v = gm.row_unwindow %u dim 1 : tensor<1x1x3xf32> -> tensor<1x2x3xf32>
      %s = gm.reduce_sum %v dims [2] keepdim : tensor<1x2x3xf32> -> tensor<1x2x1xf32>
      %y = gm.broadcast %s : tensor<1x2x1xf32> -> tensor<1x2x3xf32>
      gm.yield %y : tensor<1x2x3xf32>
    }
    gm.return %first, %sums : tensor<1x2x3xf32>, tensor<1x2x3xf32>
  }
}
