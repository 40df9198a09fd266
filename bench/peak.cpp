//===- peak.cpp - the machine's matmul peak through oneDNN ----------------===//
//
// The yardstick of bench/RESULTS.md: the best GFLOP/s of oneDNN's sgemm
// (f32) and of a bf16 matmul primitive (f32 accumulation), square 2048
// matrices, on the threads OMP_NUM_THREADS allows. Prints one JSON object.
//
//===----------------------------------------------------------------------===//

#include <dnnl.hpp>

#include <chrono>
#include <cstdio>
#include <vector>

namespace {

constexpr int64_t kSize = 2048;
constexpr int kRepeats = 8;

double seconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The best of several runs of `f`, as GFLOP/s of an n^3 matmul.
template <typename F> double bestGflops(F f) {
  double best = 0;
  f(); // warm-up
  for (int r = 0; r < kRepeats; ++r) {
    double t = seconds();
    f();
    double flops = 2.0 * kSize * kSize * kSize;
    best = std::max(best, flops / (seconds() - t) / 1e9);
  }
  return best;
}

double sgemmPeak() {
  std::vector<float> a(kSize * kSize, 1.0f), b(kSize * kSize, 0.5f),
      c(kSize * kSize);
  return bestGflops([&] {
    dnnl_sgemm('N', 'N', kSize, kSize, kSize, 1.0f, a.data(), kSize, b.data(),
               kSize, 0.0f, c.data(), kSize);
  });
}

/// bf16 inputs, f32 output; 0 when this CPU has no bf16 matmul.
double bf16Peak() {
  using dnnl::memory;
  try {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    memory::dims dims = {kSize, kSize};
    memory::desc a(dims, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc b(dims, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc c(dims, memory::data_type::f32, memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), engine);
    dnnl::matmul matmul(pd);
    memory ma(a, engine), mb(b, engine), mc(c, engine);
    return bestGflops([&] {
      matmul.execute(
          stream,
          {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
      stream.wait();
    });
  } catch (const dnnl::error &) {
    return 0;
  }
}

} // namespace

int main() {
  std::printf("{\"sgemm_f32_gflops\": %.1f, \"matmul_bf16_gflops\": %.1f}\n",
              sgemmPeak(), bf16Peak());
  return 0;
}
