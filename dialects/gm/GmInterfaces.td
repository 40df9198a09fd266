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

#endif // GM_INTERFACES_TD
