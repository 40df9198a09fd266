//===- GmInterfaces.td - gm op interfaces -------------------*- tablegen -*-===//
//
// Interfaces that let passes talk to gm ops without naming them.
//
//===----------------------------------------------------------------------===//

#ifndef GM_INTERFACES_TD
#define GM_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Gm_RandomOpInterface : OpInterface<"RandomOpInterface"> {
  let description = [{
    An op that draws random numbers from the counter-based Philox stream keyed
    by (seed, step, id). The id is unique within a `gm.model`, so that every
    random op draws its own numbers; passes that duplicate a random op (the
    inliner) give the copy a fresh id.
  }];
  let cppNamespace = "::mlir::gm";
  let methods = [
    InterfaceMethod<"Returns the stream id of this op.", "uint64_t", "getId">,
    InterfaceMethod<"Sets the stream id of this op.", "void", "setId",
                    (ins "uint64_t":$id)>,
  ];
}

def Gm_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let description = [{
    The reverse-mode rule of a differentiable op: given the gradients of the
    loss with respect to the op's results, build the gradients with respect to
    its operands — out of gm ops, so that the result is differentiable again
    (gradients of gradients). `gm-autodiff` knows no op by name; it only asks
    this interface.

    Ops with integer results (comparisons, `nearest`, `argmax`,
    `categorical`) and ops without a gradient (`bernoulli`) do not implement
    it: no gradient flows through them, and a loss that depends on a
    parameter only through one of them is an error.
  }];
  let cppNamespace = "::mlir::gm";
  let methods = [
    InterfaceMethod<[{
        Builds the vector-Jacobian product at the builder's insertion point.
        `resultGradients` has one entry per result: its gradient, or null when
        no gradient reaches it (zero). `needed` has one entry per operand: the
        gradients the caller will use; the others need not be built. Fills
        `operandGradients` with one entry per operand, each of the operand's
        type, or null for a zero gradient (piecewise-constant ops, operands
        not needed).
      }],
      "::llvm::LogicalResult", "buildGradients",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGradients,
           "::llvm::ArrayRef<bool>":$needed,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGradients)>,
  ];
}

#endif // GM_INTERFACES_TD
