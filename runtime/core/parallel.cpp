//===- parallel.cpp - ranges over OpenMP threads --------------------------===//

#include "runtime/core/parallel.h"

#include "runtime/core/abi.h"

#include <algorithm>
#include <exception>
#include <omp.h>

namespace gmrt {

void setThreads(int threads) {
  omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
}

int threads() { return omp_get_max_threads(); }

/// Splits [0, n) into contiguous ranges of at least `grain`, at most one
/// per thread. An exception thrown by a range is rethrown here, after the
/// parallel region (one escaping a thread would terminate the process).
template <typename Body>
static void splitRanges(int64_t n, int64_t grain, const Body &body) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(1, grain);
  int64_t chunks = std::min<int64_t>(omp_get_max_threads(), n / grain);
  if (chunks <= 1 || omp_in_parallel()) {
    body(0, n);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(static_cast <int>(chunks))
  {
    int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
    try {
      body(n * t / count, n * (t + 1) / count);
    } catch (...) {
#pragma omp critical(gmrt_parallel_error)
      if (!error)
        error = std::current_exception();
    }
  }
  if (error)
    std::rethrow_exception(error);
}

void parallelFor(int64_t n, int64_t grain,
                 const std::function<void(int64_t, int64_t)> &body) {
  splitRanges(n, grain, body);
}

} // namespace gmrt

extern "C" void gmrt_parallel_for(GmKernel kernel, void *const *operands,
                                  int64_t units, int64_t grain) {
  gmrt::splitRanges(units, grain, [&](int64_t begin, int64_t end) {
    kernel(operands, begin, end);
  });
}
