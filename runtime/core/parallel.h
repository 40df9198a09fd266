//===- parallel.h - the runtime's threads --------------------- -*- C++ -*-===//
//
// One thread pool per process: GNU OpenMP (libgomp), which Debian's oneDNN
// uses too, so generated kernels and oneDNN primitives share threads.
// Work is split into contiguous ranges whose results do not depend on how
// many threads run them.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_PARALLEL_H
#define GMRT_CORE_PARALLEL_H

#include <cstdint>
#include <functional>

namespace gmrt {

/// Sets the number of threads (0: one per core).
void setThreads(int threads);
int threads();

/// Runs body(begin, end) over [0, n) in ranges of at least `grain`.
void parallelFor(int64_t n, int64_t grain,
                 const std::function<void(int64_t, int64_t)> &body);

} // namespace gmrt

#endif // GMRT_CORE_PARALLEL_H
