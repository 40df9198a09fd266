//===- GmAttrs.td - gm attributes: initializers, optimizers, enums -*- tablegen -*-===//
//
// Attributes of the gm dialect: how parameters are initialized, which
// optimizer a `gm.minimize` uses, and the dialect's enums.
//
//===----------------------------------------------------------------------===//

#ifndef GM_ATTRS_TD
#define GM_ATTRS_TD

include "GmBase.td"
include "mlir/IR/EnumAttr.td"

class Gm_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Gm_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

/// A double parameter, printed in the shortest form that round-trips. With a
/// default value it is optional in the `struct(...)` format.
class Gm_F64Param<string default = "", string desc = "">
    : AttrOrTypeParameter<"::mlir::gm::Real", desc> {
  let comparator = "::mlir::gm::sameBits($_lhs, $_rhs)";
  let parser = [{ ::mlir::gm::parseDoubleParameter($_parser) }];
  let printer = [{ ::mlir::gm::printDoubleParameter($_printer, $_self) }];
  let defaultValue = default;
}

/// A boolean parameter written `true` or `false`.
class Gm_BoolParam<string default, string desc = "">
    : AttrOrTypeParameter<"bool", desc> {
  let parser = [{ ::mlir::gm::parseBoolParameter($_parser) }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
  let defaultValue = default;
}

//===----------------------------------------------------------------------===//
// Initializers of gm.param / gm.state
//===----------------------------------------------------------------------===//

def Gm_FillAttr : Gm_Attr<"Fill", "fill"> {
  let summary = "initializes every element to one value";
  let description = [{
    Example: `#gm.fill<0.0>` (biases, batch-norm shifts), `#gm.fill<1.0>`
    (batch-norm scales, running variances).
  }];
  let parameters = (ins Gm_F64Param<"", "the value">:$value);
  let assemblyFormat = "`<` $value `>`";
}

def Gm_UniformAttr : Gm_Attr<"Uniform", "uniform"> {
  let summary = "initializes elements uniformly in [low, high)";
  let description = [{
    PyTorch's default for convolution and linear weights and biases is
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the front end computes the bound.

    Example: `#gm.uniform<-0.25, 0.25>`
  }];
  let parameters = (ins Gm_F64Param<"", "lower bound">:$low,
                        Gm_F64Param<"", "upper bound">:$high);
  let assemblyFormat = "`<` $low `,` $high `>`";
  let genVerifyDecl = 1;
}

def Gm_NormalAttr : Gm_Attr<"Normal", "normal"> {
  let summary = "initializes elements from N(mean, std^2)";
  let description = [{
    Example: `#gm.normal<0.0, 0.02>` (DCGAN's weight initialization)
  }];
  let parameters = (ins Gm_F64Param<"", "mean">:$mean,
                        Gm_F64Param<"", "standard deviation">:$std);
  let assemblyFormat = "`<` $mean `,` $std `>`";
  let genVerifyDecl = 1;
}

def Gm_InitializerAttr : AnyAttrOf<[Gm_FillAttr, Gm_UniformAttr, Gm_NormalAttr]>;

//===----------------------------------------------------------------------===//
// Optimizers of gm.minimize
//===----------------------------------------------------------------------===//

def Gm_SGDAttr : Gm_Attr<"SGD", "sgd"> {
  let summary = "stochastic gradient descent with momentum and weight decay";
  let description = [{
    PyTorch's `torch.optim.SGD`: with g = grad + weight_decay * p,
    b = momentum * b + g (b = g on the first step), the update is
    p -= lr * (nesterov ? g + momentum * b : b); plain SGD when momentum is 0.

    Example: `#gm.sgd<lr = 0.1, momentum = 0.9, nesterov = true>`
  }];
  let parameters = (ins Gm_F64Param<"", "learning rate">:$lr,
                        Gm_F64Param<"0.0", "momentum">:$momentum,
                        Gm_BoolParam<"false", "Nesterov momentum">:$nesterov,
                        Gm_F64Param<"0.0", "L2 weight decay">:$weight_decay);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Gm_AdamAttr : Gm_Attr<"Adam", "adam"> {
  let summary = "Adam with bias correction; L2 or decoupled weight decay";
  let description = [{
    Kingma & Ba's Adam as in `torch.optim.Adam` (`decoupled = false`, weight
    decay added to the gradient) or `torch.optim.AdamW` (`decoupled = true`,
    p *= 1 - lr * weight_decay before the step).

    Example: `#gm.adam<lr = 2.0e-4, beta1 = 0.5>`
  }];
  let parameters = (ins Gm_F64Param<"", "learning rate">:$lr,
                        Gm_F64Param<"0.9", "first-moment decay">:$beta1,
                        Gm_F64Param<"0.999", "second-moment decay">:$beta2,
                        Gm_F64Param<"1.0e-8", "denominator epsilon">:$eps,
                        Gm_F64Param<"0.0", "weight decay">:$weight_decay,
                        Gm_BoolParam<"false", "AdamW's decoupled decay">:$decoupled);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Gm_OptimizerAttr : AnyAttrOf<[Gm_SGDAttr, Gm_AdamAttr]>;

//===----------------------------------------------------------------------===//
// Memory plan (gm-plan-memory)
//===----------------------------------------------------------------------===//

def Gm_Space : I32EnumAttr<"Space", "a buffer of a compiled model", [
    I32EnumAttrCase<"arena", 0>,
    I32EnumAttrCase<"variables", 1>]> {
  let cppNamespace = "::mlir::gm";
  let genSpecializedAttr = 0;
}

def Gm_PlaceAttr : Gm_Attr<"Place", "place"> {
  let summary = "where a tensor lives: a byte offset in a buffer";
  let description = [{
    Set by `gm-plan-memory`. The `arena` holds the values of one step (or one
    sampler call) and is reused by the next; `variables` holds the
    parameters and optimizer state, laid out once for the whole model.
    Offsets are multiples of 64 bytes.

    Example: `#gm.place<arena, 4096>`
  }];
  let parameters = (ins EnumParameter<Gm_Space>:$space, "int64_t":$offset);
  let assemblyFormat = "`<` $space `,` $offset `>`";
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Gm_PhaseKind : I32EnumAttr<"PhaseKind", "what a phase is run for", [
    I32EnumAttrCase<"train", 0>,
    I32EnumAttrCase<"eval", 1>]> {
  let cppNamespace = "::mlir::gm";
}

def Gm_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "elementwise comparison", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::gm";
}

#endif // GM_ATTRS_TD
