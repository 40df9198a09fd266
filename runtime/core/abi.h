//===- abi.h - between compiled models and the runtime -------- -*- C++ -*-===//
//
// A compiled model is an object file with two entry points; everything else
// it needs it calls in the runtime. docs/runtime-abi.md is the prose
// version of this header, with the model info's JSON format.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_ABI_H
#define GMRT_CORE_ABI_H

#include <cstdint>

extern "C" {

/// What every generated function receives. The layout is fixed: generated
/// code reads `arena` and `variables` by field index.
struct GmFrame {
  /// The values of one step or sampler call (`arena_bytes` in the info).
  void *arena;
  /// Parameters and optimizer state (`variables_bytes`).
  void *variables;
  /// The runtime's session, opaque to generated code.
  void *runtime;
};

/// A generated kernel: computes units [begin, end) of its split dimension
/// on the buffers at `operands` (its inputs, then its outputs).
typedef void (*GmKernel)(void *const *operands, int64_t begin, int64_t end);

//--- Defined by the compiled model -----------------------------------------//

/// The model as a NUL-terminated JSON document.
const char *gm_model_info(void);
/// Runs entry `entry` (its "index" in the info) once.
void gm_run(int32_t entry, GmFrame *frame);

//--- Defined by the runtime ------------------------------------------------//

/// Runs `kernel` on `operands` over [0, units), split into ranges of at
/// least `grain` units across the runtime's threads (or on this thread).
void gmrt_parallel_for(GmKernel kernel, void *const *operands, int64_t units,
                       int64_t grain);
/// Runs library op `id` (its index in the info's "library") on the buffers
/// at `operands`: its inputs, then its outputs. Random ops draw stream
/// (op stream id, step, `iteration`).
void gmrt_library(GmFrame *frame, int32_t id, int32_t iteration,
                  void *const *operands);
/// gmrt_library for a draw made at one position of a gm.autoregressive
/// step: only the elements (categorical: the lines) whose flat index is
/// `position` modulo the op's "period" are drawn, each as the whole draw
/// would have drawn it; the others are left as they are.
void gmrt_library_at(GmFrame *frame, int32_t id, int32_t iteration,
                     int64_t position, void *const *operands);
/// Writes the next batch of dataset `dataset` into `fields`.
void gmrt_next(GmFrame *frame, int32_t dataset, void *const *fields);
/// Records the value of report `report` for this step.
void gmrt_report(GmFrame *frame, int32_t report, double value);
/// Round `round` of `rounds` of a report inside repeats (`round` is the
/// flattened iteration): the step's value is the mean of the rounds.
void gmrt_report_round(GmFrame *frame, int32_t report, double value,
                       int32_t round, int32_t rounds);
/// Adds this batch's operands to statistic `statistic` (an index into the
/// info's "statistics"), computed over the whole eval.
void gmrt_statistic(GmFrame *frame, int32_t statistic, void *const *operands);
}

#endif // GMRT_CORE_ABI_H
