//===- kernels.h - oneDNN-backed library kernels ---------------*- C++ -*-===//
//
// The library ops of the gm dialect on the CPU: each kernel object creates
// its oneDNN primitives once (when the trainer starts) and runs them every
// step on caller-owned f32 buffers in plain layouts (NCHW activations, OIHW
// weights, row-major matrices). The semantics are the gm ops' (docs/
// dialect.md); test/unit/CpuKernelsTest.cpp checks each against naive loops.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CPU_KERNELS_H
#define GMRT_CPU_KERNELS_H

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace gmrt::cpu {

/// What convolutions and matmuls compute on: f32, or bf16 operands with f32
/// accumulation and f32 results (the caller's buffers are f32 either way;
/// the kernels convert the operands they read at each call).
enum class Precision { f32, bf16 };

/// Starts a library call. `unchanged`: addresses of its operands that the
/// previous library call read too, holding the same values (the compiler
/// says which: docs/runtime-abi.md, "unchanged"); a copy of one that call
/// staged in another layout or type is then used again, not made again.
void beginLibraryCall(const std::vector<const void *> &unchanged);

/// What a forward convolution or a matmul does to its result before
/// writing it (made by gm-fuse from the ops that followed it): + bias per
/// output channel or column, then an activation: relu, or leaky relu with
/// slope `alpha` below 0.
struct Epilogue {
  enum Activation { None, Relu, LeakyRelu };
  bool bias = false;
  Activation activation = None;
  float alpha = 0; // LeakyRelu's slope; 0 for Relu
};

/// A 2-D convolution's shapes and geometry: input N x C x H x W, weight
/// O x C/groups x KH x KW, output N x O x OH x OW; padding [top, left,
/// bottom, right]; an optional KH x KW 0/1 mask (PixelCNN) applied to the
/// weight.
struct ConvShape {
  int64_t n, c, h, w;
  int64_t o, kh, kw;
  int64_t oh, ow;
  int64_t strideH = 1, strideW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t dilationH = 1, dilationW = 1;
  int64_t groups = 1;
  std::vector<uint8_t> mask; // empty: no mask
  Epilogue epilogue;         // of the forward pass
  /// Whether the caller's x-side (input, input gradient) and y-side
  /// (output, output gradient) buffers are in the blocked layout (see
  /// Reorder) rather than NCHW; weights are always plain.
  bool blockedX = false, blockedY = false;
};

/// conv2d and its two gradients (gm.conv2d, gm.conv2d_backward_data,
/// gm.conv2d_backward_weights); conv_transpose2d is backwardData with the
/// transposed convolution's input as the output gradient.
class Conv2d {
public:
  explicit Conv2d(const ConvShape &shape, Precision precision = Precision::f32);
  ~Conv2d();
  /// `bias`: [O], exactly when the shape's epilogue has one.
  void forward(const float *x, const float *w, float *y,
               const float *bias = nullptr);
  void backwardData(const float *dy, const float *w, float *dx);
  void backwardWeights(const float *x, const float *dy, float *dw);
  /// The kernel rows x columns oneDNN computes with: the shape's, less the
  /// rows and columns its mask zeroes at the edges (as far as the padding
  /// allows).
  std::pair<int64_t, int64_t> computedKernel() const;
  /// The kernel rows x columns the weight gradient computes with: the
  /// computed kernel, or more of the full one where oneDNN has a jit
  /// kernel only for that.
  std::pair<int64_t, int64_t> weightGradientKernel() const;
  /// What the weight gradient computes on: the convolution's precision, or
  /// f32 where oneDNN's bf16 kernel for it is slower (strided, no AMX).
  Precision weightGradientPrecision() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// C = op(A) op(B) for rank-2 (batch 1) or batched rank-3 operands.
class Matmul {
public:
  Matmul(int64_t batch, int64_t m, int64_t k, int64_t n, bool transposeA,
         bool transposeB, Precision precision = Precision::f32,
         Epilogue epilogue = {});
  ~Matmul();
  /// `bias`: [N], exactly when the epilogue has one.
  void run(const float *a, const float *b, float *c,
           const float *bias = nullptr);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Which of batch norm's N x C x S buffers the caller keeps blocked.
struct BatchNormLayouts {
  bool x = false, y = false, dy = false, dx = false;
};

/// Batch normalization over an N x C x S tensor (S = H * W, or 1).
class BatchNorm {
public:
  BatchNorm(int64_t n, int64_t c, int64_t spatial, float epsilon,
            BatchNormLayouts layouts = {});
  ~BatchNorm();
  /// Batch statistics: y, and the batch mean and biased variance.
  void forwardTraining(const float *x, const float *scale, const float *shift,
                       float *y, float *mean, float *variance);
  /// Given statistics (running ones).
  void forwardInference(const float *x, const float *scale, const float *shift,
                        const float *mean, const float *variance, float *y);
  void backward(const float *dy, const float *x, const float *scale,
                const float *mean, const float *variance, float *dx,
                float *dscale, float *dshift);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Copies an N x C x H x W f32 tensor between the plain layout (NCHW) and
/// the blocked one the convolutions and batch norms compute in: oneDNN's
/// nChw16c, C a multiple of 16.
class Reorder {
public:
  Reorder(const std::vector<int64_t> &shape, bool toBlocked);
  ~Reorder();
  void run(const float *x, float *y);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// softmax or log-softmax along one axis of a tensor of `shape`.
class Softmax {
public:
  Softmax(const std::vector<int64_t> &shape, int axis, bool logarithm);
  ~Softmax();
  void run(const float *x, float *y);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace gmrt::cpu

#endif // GMRT_CPU_KERNELS_H
