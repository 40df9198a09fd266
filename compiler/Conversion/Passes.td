//===- Passes.td - conversions out of the gm dialect --------*- tablegen -*-===//
//
// From planned gm IR to the LLVM dialect, for the CPU.
//
//===----------------------------------------------------------------------===//

#ifndef GM_CONVERSION_PASSES_TD
#define GM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def GmToCpu : Pass<"gm-to-cpu", "::mlir::ModuleOp"> {
  let summary = "Lower a planned gm.model to functions over its buffers";
  let description = [{
    Writes the CPU program of the module's `gm.model`, which must have been
    planned by `gm-plan-memory`, and removes the model:

    - `void gm_phase_<name>(GmFrame *)` and `void gm_sampler_<name>(GmFrame
      *)` run one step of a phase or one call of a sampler, in program
      order. Every value is read from and written to its planned place: a
      `memref.view` of the arena or of the variables.
    - Elementwise ops, reductions and layout ops (transpose, slice, pad,
      concat, upsample, broadcast) become kernels: private functions
      `(void *const *operands, i64 begin, i64 end)` (the buffers'
      addresses, then the range) holding one `linalg.generic` over
      the points of the op, with dimensions that every buffer indexes
      together merged so the innermost loop is long and contiguous. The
      phase calls a kernel through `gmrt_parallel_for`, which splits the
      outermost parallel dimension across threads, or directly when it is
      small. Reductions along a dimension are done by one thread per output
      element, so results do not depend on the thread count. Sums and means
      of f32 (or narrower) values add in f64, into a buffer of the thread's
      outputs (on the stack when static and small), rounded to the result's
      type at the end: the loops add in order, and an f32 accumulator loses
      what falls below its ulp (0.4% of a 6.4M-element sum;
      `test/e2e/sums.mlir` holds them to 1e-6 of the reference evaluator).
      Kernels carry the LLVM function attribute `gm-kernel`: the driver's
      LLVM pipeline (compiler/Driver/KernelHints.h) tells LLVM that their
      buffers do not overlap where one is written (no run-time overlap
      checks) and keeps an innermost loop of whole vectors (a blocked
      layout's 16 channels) from being unrolled before it is vectorized.
    - Convolutions, matmul, batch norm, softmax, random draws, `nearest`,
      `lookup`, `one_hot` and `argmax` become `gmrt_library` calls with the
      addresses of their operands; the op's geometry goes into the model
      info, from which the runtime builds its oneDNN primitive once. A
      draw marked `gm.at_position` calls `gmrt_library_at` with the step's
      position; its descriptor holds the `period` (the loop's positions).
    - `gm.next`, `gm.report` become `gmrt_next`, `gmrt_report`
      (`gmrt_report_round` inside a `gm.repeat`: the mean of its rounds);
      `gm.store` and copied loads are `memref.copy`; `repeat` and
      `autoregressive` are `scf.for` loops. A `gm.row_window` copies, per
      line of the dimensions before its own, the run of rows its step's
      window takes out of the whole tensor or a wider window (where the
      windows start computed from the position); a `gm.row_unwindow` fills
      its result with zeros and copies the runs back (no zeros when only
      draws marked `gm.at_position` read it: they read the step's row).
      A run of ops marked `gm.per_row = N` (gm-per-row) runs under one
      `scf.if`: at the first step of each row (position modulo the steps
      of a row is 0), and at every step of rows 0..N-1; at the other steps
      their buffers hold what they computed at the row's first step.
    - `void gm_run(i32 entry, GmFrame *)` dispatches to the entries and
      `const char *gm_model_info()` returns the model as JSON.

    docs/runtime-abi.md specifies the frame, the runtime functions and the
    model info.

    With `precision=bf16`, convolutions and matmuls compute on bfloat16
    operands with f32 accumulation and f32 results (their descriptors say
    `"precision": "bf16"`; the runtime converts the f32 operands as it
    calls oneDNN): the weights, their gradients and the optimizer stay f32.
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"f32\"",
           "the precision of library convolutions and matmuls: f32 or bf16">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GmApproximateMath : Pass<"gm-approximate-math"> {
  let summary = "Replace transcendental math ops by vectorizable polynomials";
  let description = [{
    `exp`, `log`, `log1p`, `tanh` and their relatives become polynomial
    approximations built of arithmetic (MLIR's
    `populateMathPolynomialApproximationPatterns`), accurate to a few ulp
    in f32. Unlike calls to libm, these vectorize with the loops around
    them.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // GM_CONVERSION_PASSES_TD
