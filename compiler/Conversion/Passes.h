//===- Passes.h - conversions out of the gm dialect -------------*- C++ -*-===//

#ifndef GM_CONVERSION_PASSES_H
#define GM_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::gm {

#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"

/// The LLVM function attribute gm-to-cpu gives its kernels (functions over
/// an array of buffer addresses and a range): the driver tells LLVM that
/// those buffers do not overlap and keeps their whole-vector innermost
/// loops from unrolling (compiler/Driver/KernelHints.h).
inline constexpr llvm::StringLiteral kKernelAttribute = "gm-kernel";

/// From the output of gm-to-cpu to the LLVM dialect: loops out of linalg,
/// polynomial math, then every dialect to LLVM.
void buildGmCpuToLLVMPipeline(OpPassManager &pm);

/// Registers the conversion passes and the `gm-cpu-to-llvm` pipeline.
void registerGmConversionPasses();

} // namespace mlir::gm

#endif // GM_CONVERSION_PASSES_H
