//===- Passes.td - gm transformation passes -----------------*- tablegen -*-===//
//
// Every gm pass, in pipeline order. Each runs on one gm.model.
//
//===----------------------------------------------------------------------===//

#ifndef GM_TRANSFORMS_PASSES_TD
#define GM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def GmInline : Pass<"gm-inline", "::mlir::gm::ModelOp"> {
  let summary = "Inline every net call and remove the nets";
  let description = [{
    Replaces each `gm.call` by a copy of the callee's body, until no call is
    left, then erases the nets: autodiff, fusion and the backends see one
    straight-line program per phase and sampler. Parameters stay shared: the
    copies load the same `gm.param` symbols.

    Every copy of a random op gets a fresh stream id, so two calls of a net
    that draws noise draw different noise. A copy's location is a call site
    (the net's line, called from the call's), so that later errors name the
    call too. A net that calls itself, directly or through other nets, is an
    error.

    ```mlir
    %y = gm.call @decoder(%z) : (tensor<64x20xf32>) -> tensor<64x1x28x28xf32>
    // becomes the decoder's ops, with %z for its argument
    ```
  }];
  let options = [
    Option<"keepNets", "keep-nets", "bool", /*default=*/"false",
           "Keep the nets (with their own calls inlined) for tools that call "
           "nets directly, such as gm-eval">,
  ];
}

def GmAutodiff : Pass<"gm-autodiff", "::mlir::gm::ModelOp"> {
  let summary = "Expand gm.grad and gm.minimize by reverse-mode autodiff";
  let description = [{
    Builds gradients out of gm ops, asking each op's `GradientOpInterface`
    for its vector-Jacobian product; fan-out accumulates by addition.

    First every `gm.grad` is replaced, in program order, by its gradient
    values; since those are ordinary gm ops, a loss that contains them (the
    gradient penalty of WGAN-GP) is differentiated again by the minimize that
    follows. Then each `gm.minimize` becomes a `gm.apply_gradients` holding
    the gradient of each parameter of its group (the sum over the parameter's
    loads the loss depends on); each minimize sees the parameters as updated
    by the statements before it.

    No gradient flows through `stop_gradient` or the ops marked
    `GradientStops`: `nearest`, `argmax`, `one_hot`, comparisons and the
    random ops. With the noise fixed they are piecewise constant, so a
    `gm.grad` through them is zero (as through the kinks of relu's own
    gradient, which second derivatives meet). A gradient that reaches an op
    with neither a rule nor that mark (`batch_norm_backward`: a second
    derivative through batch norm) is an error. For a `gm.minimize`, a
    parameter that the loss depends on only through `GradientStops` ops is
    an error at the first such op — it would never be trained; the usual
    cause is a missing straight-through estimator. A
    parameter on which the loss does not depend at all is a warning and is
    left out of the update (like PyTorch's optimizers skip a missing
    gradient). Gradient code no result needs is removed.

    Requires `gm-inline` first.
  }];
}

def GmExpandOptimizers : Pass<"gm-expand-optimizers", "::mlir::gm::ModelOp"> {
  let summary = "Expand optimizer steps into gm arithmetic on model state";
  let description = [{
    Replaces each `gm.apply_gradients` by its optimizer's update, written with
    gm elementwise ops, `gm.load` and `gm.store`:

    - SGD with momentum, Nesterov momentum and weight decay
      (`torch.optim.SGD`): state `<param>.momentum_buffer`;
    - Adam and AdamW with bias correction (`torch.optim.Adam[W]`): state
      `<param>.exp_avg`, `<param>.exp_avg_sq` and one step count per update,
      an f64 scalar; the bias corrections `1 - beta^t` are f64 too, as PyTorch
      computes them in double (in f32 the count stops at 2^24, and `1 - 0.999`
      is 1.3e-5 off, which scaled the first steps by 6e-6);
    - optional global-norm gradient clipping first (`clip_grad_norm_`).

    The optimizer state becomes `gm.state`, zero-initialized, so it is
    checkpointed with the parameters.

    The update is one pass over all parameters of the update (of one element
    type): parameters, gradients and each state slot are joined into flat
    tensors (`gm.reshape` to 1-D, `gm.concat` on axis 0), the update is
    written once on those, and the new values are split back (`gm.slice`)
    for the stores. After gm-fuse it is one loop; gm-plan-memory lays the
    joined variables out back to back and computes the gradients in place
    inside the joined tensor, so joining and splitting copy nothing.
  }];
}

def GmExpandSoftmax : Pass<"gm-expand-softmax", "::mlir::gm::ModelOp"> {
  let summary = "Log-softmax, and softmax over an inner axis, become reductions and elementwise ops";
  let description = [{
    Rewrites every `gm.log_softmax`, and `gm.softmax` whose axis is not the
    innermost dimension (PixelCNN's 256-way logits over N x 256 x H x W), as

    ```
    m = reduce_max(x, axis, keepdim)      e = exp(x - m)
    s = reduce_sum(e, axis, keepdim)
    softmax = e / s                       log_softmax = x - (m + log(s))
    ```

    oneDNN's softmax is a reference loop unless the axis is innermost, a
    third of PixelCNN's training step; these loops run down the contiguous
    dimensions instead, vectorized, each sum still taken in order. A
    softmax over the innermost axis stays a library call. oneDNN's
    log-softmax over that axis is about 1.4e-6 off in absolute terms, which
    is 0.7% of a log-probability near 0 and +1.4e-6 over an axis of size 1,
    so log-softmax is expanded on every axis. Runs after autodiff (the
    gradients are the ops' own).
  }];
}

def GmNarrowAutoregressive
    : Pass<"gm-narrow-autoregressive", "::mlir::gm::ModelOp"> {
  let summary = "Random draws an autoregressive step keeps at one position draw only there";
  let description = [{
    Step p of a `gm.autoregressive` keeps position p of what its body yields
    and nothing else. A random op in the body whose values reach the yield
    only through ops that keep positions (an elementwise op on the random
    op's own shape, a fused chain of them, a Bernoulli draw, a reshape,
    which keeps the flat order) matters at p alone: it gets the unit
    attribute `gm.at_position`, and the backend draws only the elements at
    p (for `gm.categorical`, the lines at p), with the numbers the whole
    draw would have used there. The samples are the same, bit for bit.

    PixelCNN's sampler draws a 256-way categorical per pixel and keeps one
    pixel a step: drawing all 784 took half of sampling.

    ```mlir
    %v = gm.categorical %logits axis 1 {gm.at_position, id = 7 : i64}
        : tensor<16x256x28x28xf32> -> tensor<16x28x28xi32>
    ```

    A value also read any other way (a sum, a broadcast, a convolution, a
    nested loop), or through an integer division (a zero left in an
    element never drawn would trap), is drawn whole; so is a draw that is
    not a whole number of the canvas's lines. The dialect checks every mark
    by the same rule (`AutoregressiveOp::drawnOnlyAtPosition`). Runs after
    the train pipeline, before `gm-fuse`; reads fused chains too.
  }];
}

def GmWindowRows : Pass<"gm-window-rows", "::mlir::gm::ModelOp"> {
  let summary = "A sampling step computes its row-causal layers on the rows (and columns) it needs";
  let description = [{
    Step p of a `gm.autoregressive` over `[H, ...]` keeps its body's value
    at p, in row r of the first filled dimension. A PixelCNN's layers are
    row-causal: a convolution whose live taps lie at or above its centre
    row (masks A and B, stride and dilation 1 in height) computes row y
    from rows y - k..y, and elementwise ops, channel slices and concats,
    reshapes, one_hot and reductions over other dimensions keep rows
    (k = 0). Computed on a window of the rows ending at r (`gm.row_window`:
    the first rows while r is above the window's end), such an op's bottom
    rows but k are exact when its inputs are: wrong values where rows above
    the window are missing stay in its top k rows.

    So each such op that reads the canvas, or a value the pass windowed,
    runs on the rows its readers need exact plus the k it reaches up; the
    other ops read its value put back (`gm.row_unwindow`, zeros outside the
    window), which needs row r alone. Each op reads a window of that many
    rows of its operands (of the whole value, or of a wider window),
    taken once per value and size. The pass does so only when no op would
    need all H rows, and every value from a put-back on reaches the yield
    through ops that keep rows (categorical and argmax over other axes
    among them, not integer division or one_hot, which may fail on rows
    that are not exact), since the put-back values are exact at row r
    alone; draws keep their shapes, so the samples are drawn with the same
    numbers. (The same values: the CPU runtime skips the taps a mask
    kills, which are what a window leaves out; the reference evaluator
    multiplies them by zero, the same for finite values.) A value computed
    from a draw marked `gm.at_position` stays whole: a window would read
    it at other positions.

    The columns next, the same way, along the loop's second dimension
    (`along 1`: windows of columns that end at the step's column c): the
    ops that read the step's row alone (a window of one row) of a value
    that reads the canvas's step row, and are column-causal (a convolution
    whose live taps lie at or left of its centre column, stride and
    dilation 1 in width), run on the columns their readers need plus those
    they reach left. What else they read (a value of rows above, the same
    along the row and computed once per row on all columns) they read
    through a window of columns; what reads them whole reads the put-back,
    exact at column c alone.

    Gated PixelCNN on 28x28: the first layer's mask A (kernel 7) reaches 3
    rows up, each of the five mask-B layers one more; the first layer runs
    on 9 rows, each vertical stack after it on one fewer, and the
    horizontal stacks and the head on the pixel's row alone; there, the
    first layer's 1x7 mask A reaches 3 columns left, each 1x3 mask B one
    more: the horizontal stack's first convolution runs on 9 columns of
    28, the layers after it on 6, 5, 4, 3 and 2, the head on the pixel
    alone.

    ```mlir
    %w = gm.row_window %canvas dim 2 rows 9 : tensor<16x1x28x28xf32> -> tensor<16x1x9x28xf32>
    %v = gm.conv2d %w, %k {mask = ..., padding = array<i64: 3, 3, 3, 3>} : (tensor<16x1x9x28xf32>, tensor<128x1x7x7xf32>) -> tensor<16x128x9x28xf32>
    %v6 = gm.row_window %v dim 2 rows 6 : tensor<16x128x9x28xf32> -> tensor<16x128x6x28xf32>
    %r = gm.row_window %canvas dim 2 rows 1 : tensor<16x1x28x28xf32> -> tensor<16x1x1x28xf32>
    %h = gm.row_window %r dim 3 rows 9 along 1 : tensor<16x1x1x28xf32> -> tensor<16x1x1x9xf32>
    ...
    %c = gm.row_unwindow %logits dim 3 along 1 : tensor<16x256x1x1xf32> -> tensor<16x256x1x28xf32>
    %l = gm.row_unwindow %c dim 2 : tensor<16x256x1x28xf32> -> tensor<16x256x28x28xf32>
    %x = gm.categorical %l axis 1 {gm.at_position, id = 0 : i64} : tensor<16x256x28x28xf32> -> tensor<16x28x28xi32>
    ```

    Runs after `gm-narrow-autoregressive`, before `gm-fuse`.
  }];
}

def GmHoistInvariants : Pass<"gm-hoist-invariants", "::mlir::gm::ModelOp"> {
  let summary = "A loop computes once, before it, what its body computes the same every time";
  let description = [{
    The body of a `gm.autoregressive` or `gm.repeat` runs the same
    straight-line code on every iteration, at least once. An op whose
    operands all come from outside the loop, and that has no effects or
    only reads variables that no op of the loop writes, yields the same
    value every time: it moves before the loop, and ops that read only
    such values follow it (MLIR's loop-invariant code motion, with gm's
    rule for what may move). Random draws, `gm.next` and a step's row
    windows stay: their values change from one iteration to the next.
    Inner loops go first, so an op can leave several.

    VQ-VAE-2's bottom prior is conditioned on the top codes, drawn before
    its loop: the upsampled one-hot codes and the six 1x1 convolutions
    on them (16 x 128 x 14 x 14 each) ran on each of the 196 steps.

    ```mlir
    %top = gm.one_hot %codes classes 64 {axis = 1 : i64} : tensor<16x7x7xi32> -> tensor<16x64x7x7xf32>
    %cond = gm.upsample %top scale [2, 2] : tensor<16x64x7x7xf32> -> tensor<16x64x14x14xf32>
    %img = gm.autoregressive %zero over [14, 14] : tensor<16x14x14xi32> {
    ^bb0(%canvas: tensor<16x14x14xi32>):
      ... reads %cond, no longer computes it
    }
    ```

    The hoisted values stay live through the loop (the memory plan keeps
    them). Runs after `gm-window-rows` (whose windows stay in the loop,
    reading what was hoisted), before `gm-fuse`.
  }];
}

def GmFuse : Pass<"gm-fuse", "::mlir::gm::ModelOp"> {
  let summary = "Fuse chains of elementwise ops into gm.fused loops";
  let description = [{
    Groups elementwise ops (math, comparisons, select, casts, broadcast)
    whose results have one shape and that feed each other, and replaces
    each group of two or more by a `gm.fused` op: the backends compute it
    in a single pass over memory, and the values inside never get a buffer.
    Adam's update of all parameters, a dozen elementwise ops, becomes one loop;
    so do a layer's bias, activation and their gradients.

    An op joins the groups of the values it reads when it has their shape
    and no value of those groups is read between them and the op (the fused
    op stands where the group's last op stood). Values the group makes and
    other ops read become results of the fused op. Ops of different shapes
    stay apart: a broadcast operand is an input, read by index.

    A `conv2d` or `matmul` read only by its epilogue (a bias per output
    channel, `[C, 1, 1]`, or per column, `[N]`, added; then `relu`,
    `leaky_relu` or nothing; fused or a lone `add`) takes it in: a gm.fused
    starting with the convolution or matmul, which the CPU backend runs as
    one oneDNN primitive with a bias and a post-op.

    Then a reduction (`reduce_sum`, `reduce_mean`, `reduce_max`) whose input
    only it reads, made by an elementwise op or a fused chain, takes that
    chain in: one gm.fused ending in the reduction, so the chain's values
    are folded as they are computed and never stored (softmax's sum of
    exponentials, a bias gradient's sum of a masked gradient). Not when the
    reduction keeps fewer than 16 elements: each is folded by one thread,
    and the chain's math would lose the other threads.

    Runs after autodiff and the optimizer expansion (gm.fused has no
    gradient) and before `gm-plan-memory`.
  }];
  let options = [
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Fold convolutions' and matmuls' bias and activation into them "
           "(off to measure what that buys)">
  ];
}

def GmPropagateLayouts : Pass<"gm-propagate-layouts", "::mlir::gm::ModelOp"> {
  let summary = "Keep activations in oneDNN's blocked layout between layers";
  let description = [{
    oneDNN's convolutions (wider than 1x1, over 8 or more channels; over
    fewer input channels, a first layer over images, the output side of
    the forward and weight-gradient passes) and batch norms compute in a
    channel-blocked layout (nChw16c). On plain
    (NCHW) buffers each call reorders its activations in and its result
    out: one pass over memory per operand. This pass lets values stay
    blocked from one library op to the next, with `gm.reorder` only where
    a plain value is needed.

    A generated loop (an elementwise op, a gm.fused loop, a reduction;
    `stop_gradient` too) runs on either layout: its operands and results
    of the loop's shape must share one, and it then iterates over N x C/16
    x H x W x 16, reading its broadcast operands (a per-channel bias) and
    writing its reduced results (a bias gradient) plain. Two more kinds of
    op run on either layout, all their activations in one: a channel
    window (a slice, pad or concat of whole 16-channel blocks of whole
    images: the same bytes per image in both layouts, so its copy loop
    keeps its plain indexing; PixelCNN's gates on channel halves), and a
    1x1 convolution, which the runtime computes in its buffers' layout
    (oneDNN's jit 1x1 kernel blocked, gemm plain). So the values that
    loops, windows and 1x1 convolutions join form a class. Each class of rank-4 f32
    values whose channels are a multiple of 16 is scored: every operand or
    result slot of a library op that computes blocked (the runtime's own
    rule) saves a reorder; every value the class gets from another op (a
    `reshape`, a load) costs one reorder to blocked, and every value other
    ops read (a `reshape`, a slice within a block, a store) costs one
    back to plain, shared by all those readers. A class goes blocked when
    it saves more than it costs; the rest stays plain, as before. A class
    holding a value of another element type (a comparison's i1, a mask a
    double backward keeps) stays plain if that value would need a reorder
    (the runtime reorders f32); made and read only by loops, it goes
    blocked with its class. A splat constant is the same bytes in either
    layout: it joins a blocked class with no reorder.

    The layout of each value is recorded on the op that makes it
    (`gm.layouts`, one entry per result); the CPU backend passes it to the
    runtime in the library op's descriptor.

    ```mlir
    %y = gm.conv2d %x, %w {...} : ... -> tensor<64x128x7x7xf32>
    %n, %m, %v = gm.batch_norm %y, %g, %b : ...
    // becomes
    %y = gm.conv2d %x, %w {gm.layouts = ["blocked"], ...} : ...
    %n, %m, %v = gm.batch_norm %y, %g, %b {gm.layouts = ["blocked", "plain", "plain"]} : ...
    ```

    Runs after `gm-fuse` (the classes are the fused loops) and before
    `gm-plan-memory` (a gm.reorder needs a buffer).
  }];
}

def GmPerRow : Pass<"gm-per-row", "::mlir::gm::ModelOp"> {
  let summary = "A sampling step's ops that are the same along a row run at the row's first step";
  let description = [{
    A `gm.autoregressive` over `[H, W, ...]` fills row r of the canvas in
    the steps of that row; the rows above it are finished and do not change
    along them. An op of the body whose value reads the canvas only in rows
    above the step's row is the same at every step of the row: it gets
    `gm.per_row = N` (an i64), and the backend computes it at the first
    step of each row, and keeps its value for the row's other steps (the
    memory plan keeps the value's bytes through the loop when a reader may
    run at a step where it does not).

    Such an op reads values fixed before the loop and the step's row alone
    (a window of a hoisted value: N = 0), or its results' elements in row
    y read the canvas in rows y - 1 and above alone: a convolution with
    mask A reads one row up at least, one with mask B or 1x1 none more,
    elementwise ops and channel slices keep it. Its rows at and above the
    step's row then read finished rows; its rows below vary along the row.
    The step keeps only its own position of what it yields, so those rows
    are harmless when every reader, up to the yield, keeps rows or reads
    up and cannot fail: then N = 0. Otherwise (a reduction over rows, a
    convolution that reads down, a one_hot that may fail on any row) only
    a window of R rows (`gm.row_window`, gm-window-rows) is marked, from
    row N = R - 1, where none of its rows lies below the step's; before,
    it is computed at every step. Draws and what reads them vary at every
    step.

    Gated PixelCNN: the vertical stack, with the 1x1 convolutions that feed
    it to the horizontal one, runs once per row of 28 steps, from row 0
    (the windows of its first rows reach below the step's row, and those
    rows are never read); the horizontal stack and the head run at every
    step. The samples are the same, bit for bit: what the step
    reads of each op is what the op would have computed there. The dialect
    checks every mark by the same rule (`gm::perRowOps`). Runs after
    gm-propagate-layouts, before gm-plan-memory; reads fused bodies.

    ```mlir
    %v = gm.conv2d %w, %k {gm.per_row = 0 : i64, mask = ..., padding = array<i64: 3, 3, 3, 3>} : (tensor<16x1x9x28xf32>, tensor<128x1x7x7xf32>) -> tensor<16x128x9x28xf32>
    ```
  }];
}

def GmPlanMemory : Pass<"gm-plan-memory", "::mlir::gm::ModelOp"> {
  let summary = "Place every tensor at a compile-time offset in one arena";
  let description = [{
    Decides where each value of the compiled model lives, so that the
    trainer allocates two buffers when it starts and nothing afterwards:

    - `variables`: every `gm.param` and `gm.state`. Variables whose loads a
      contiguous `gm.concat` joins (an optimizer's flat view) come first,
      back to back in the concat's order; the rest follow in declaration
      order, each aligned;
    - the `arena`: the values of one phase step or sampler call. Each value
      is live from its definition to its last use (a use inside a `repeat`
      or `autoregressive` body keeps a value defined outside it live to the
      loop's end); values whose lives do not overlap share bytes. Offsets
      are chosen greedily, largest buffer first, at the lowest offset free
      for the buffer's whole life.

    Some values need no bytes of their own: `reshape` and `stop_gradient`
    results alias their operand, and so does a `slice` that takes a
    contiguous run of elements (at the run's offset); a `gm.load` reads its
    variable in place unless a `gm.store` to that variable comes while the
    loaded value is still live, in which case it gets an arena copy; a
    contiguous `concat` (all dimensions before its axis 1) of variables laid
    out back to back reads them in place too; the inputs of a contiguous
    `concat` that own their bytes are computed inside its result, where the
    concat would have copied them. Strided windows too: a `slice` of unit
    strides, whole in the dimensions after some axis (a channel half of a
    batch of images), is a view of its input at its first element when only
    loops over its own shape read it (elementwise ops, `gm.fused` without a
    library op), which index it as a window of the input; an input of any
    other `concat` that such a loop makes for the concat alone is computed
    in its window of the concat's result. In the blocked layout both take
    whole channel blocks (`isChannelWindow`). `gm.constant`s become globals
    of the object file. An elementwise op (or `gm.fused`) whose result is
    stored back whole into the variables it reads for the last time writes
    them in place (an optimizer step, running statistics): its stores then
    copy nothing. Arena bytes are zero pages the runtime maps; an entry touches
    only those it uses. Sampler results get slots of their own that
    stay valid after the call.

    The result is a `#gm.place` per value: `gm.places` on ops (one per
    result), `gm.place` on variables, `gm.arena_bytes` on phases, samplers
    and the model (with `gm.naive_arena_bytes` on phases and samplers: the
    bytes without reuse, every buffer its own), and `gm.variables_bytes` on
    the model.

    ```mlir
    %2 = gm.add %0, %1 {gm.places = [#gm.place<arena, 256>]} : ...
    ```

    Requires a model without nets, `gm.grad`, `gm.minimize` or
    `gm.apply_gradients` (run `gm-train-pipeline` first; `gm-optimize-pipeline`
    runs it with the passes gmc runs between).
  }];
}

#endif // GM_TRANSFORMS_PASSES_TD
