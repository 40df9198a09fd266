//===- GradientCheck.cpp - autodiff against finite differences
//--------------===//
//
// Wraps the net under test in a net that computes s = sum(f(x) * w) and
// gm.grad(s, x), runs gm-inline and gm-autodiff on it, and compares the
// evaluated gradient with (s(x + h e_i) - s(x - h e_i)) / 2h element by
// element, all in f64.
//
//===----------------------------------------------------------------------===//

#include "GradientCheck.h"

#include "compiler/Reference/Evaluator.h"
#include "compiler/Transforms/Passes.h"
#include "gm/TensorBuilder.h"
#include "runtime/core/random.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

static bool isFloat(Type t) {
  return isa<FloatType>(cast<RankedTensorType>(t).getElementType());
}

/// Builds `@<name>.gradcheck(x...) -> (s, ds/dx for the float x...)`.
static FailureOr<NetOp> buildWrapper(ModelOp model, NetOp net, uint64_t seed) {
  FunctionType type = net.getFunctionType();
  if (type.getNumResults() == 0 || !isFloat(type.getResult(0)))
    return net.emitOpError() << "needs a float first result to check";
  auto resultType = cast<RankedTensorType>(type.getResult(0));
  SmallVector<Type> wrtTypes;
  for (Type t : type.getInputs())
    if (isFloat(t))
      wrtTypes.push_back(t);
  if (wrtTypes.empty())
    return net.emitOpError() << "has no float argument to differentiate by";

  OpBuilder builder(model.getContext());
  builder.setInsertionPointToEnd(&model.getBodyBlock());
  SmallVector<Type> results{
      RankedTensorType::get({}, resultType.getElementType())};
  results.append(wrtTypes);
  auto wrapper = NetOp::create(
      builder, net.getLoc(), (net.getSymName() + ".gradcheck").str(),
      builder.getFunctionType(type.getInputs(), results));
  Block &body = wrapper.getBody().front();
  builder.setInsertionPointToEnd(&body);
  TensorBuilder t(builder, net.getLoc());
  auto call = CallOp::create(builder, net.getLoc(), net, body.getArguments());

  // A fixed random direction w projects the result onto a scalar.
  SmallVector<double> direction;
  for (int64_t e = 0; e < resultType.getNumElements(); ++e)
    direction.push_back(gmrt::normalAt(seed, {0xFFFFFFF0u, 0, 0}, e));
  auto directionType = resultType.clone(builder.getF64Type());
  Value w =
      ConstantOp::create(builder, net.getLoc(),
                         cast<ElementsAttr>(DenseElementsAttr::get(
                             directionType, ArrayRef<double>(direction))));
  w = t.cast(w, resultType.getElementType());
  Value s = t.reduceSumAll(t.mul(call.getResult(0), w));
  SmallVector<Value> wrt;
  for (BlockArgument arg : body.getArguments())
    if (isFloat(arg.getType()))
      wrt.push_back(arg);
  auto grad = GradOp::create(builder, net.getLoc(), s, wrt);
  SmallVector<Value> returned{s};
  returned.append(grad.getResults().begin(), grad.getResults().end());
  ReturnOp::create(builder, net.getLoc(), returned);
  return wrapper;
}

LogicalResult mlir::gm::checkGradients(ModelOp model, StringRef netName,
                                       const GradientCheckOptions &options,
                                       llvm::raw_ostream &os) {
  auto net = SymbolTable(model).lookup<NetOp>(netName);
  if (!net)
    return model.emitOpError() << "has no net @" << netName;
  FailureOr<NetOp> wrapper = buildWrapper(model, net, options.seed);
  if (failed(wrapper))
    return failure();
  std::string wrapperName = wrapper->getSymName().str();
  PassManager pm(model.getContext(), ModelOp::getOperationName());
  GmInlineOptions inlineOptions;
  inlineOptions.keepNets = true;
  pm.addPass(createGmInline(inlineOptions));
  pm.addPass(createGmAutodiff());
  if (failed(pm.run(model)))
    return failure();
  auto checked = SymbolTable(model).lookup<NetOp>(wrapperName);

  Evaluator evaluator(model, {options.seed, /*promoteToF64=*/true});
  evaluator.initializeVariables();
  // Random normal inputs; integer arguments are zeros (a valid index).
  SmallVector<RefTensor> inputs;
  for (auto [i, type] : llvm::enumerate(checked.getArgumentTypes())) {
    RefTensor x = RefTensor::zeros(cast<RankedTensorType>(type));
    if (x.isFloat())
      for (int64_t e = 0; e < x.size(); ++e)
        x.data[e] =
            gmrt::normalAt(options.seed, {0xFFFFFFF1u, 0, uint32_t(i)}, e);
    inputs.push_back(std::move(x));
  }
  FailureOr<SmallVector<RefTensor>> base = evaluator.call(checked, inputs);
  if (failed(base))
    return failure();

  bool ok = true;
  unsigned gradIndex = 1;
  for (auto [i, x] : llvm::enumerate(inputs)) {
    if (!x.isFloat())
      continue;
    const RefTensor &analytic = (*base)[gradIndex++];
    double worst = 0, worstExcess = -INFINITY;
    int64_t worstAt = 0;
    double worstNumeric = 0;
    for (int64_t e = 0; e < x.size(); ++e) {
      double h = options.step * std::max(1.0, std::fabs(x.data[e]));
      auto objective = [&](double delta) -> FailureOr<double> {
        SmallVector<RefTensor> shifted(inputs);
        shifted[i].data[e] += delta;
        FailureOr<SmallVector<RefTensor>> r = evaluator.call(checked, shifted);
        if (failed(r))
          return failure();
        return r->front().data[0];
      };
      FailureOr<double> plus = objective(h), minus = objective(-h);
      if (failed(plus) || failed(minus))
        return failure();
      double numeric = (*plus - *minus) / (2 * h);
      double error = std::fabs(analytic.data[e] - numeric);
      double excess = error - (options.absTolerance +
                               options.relTolerance * std::fabs(numeric));
      worst = std::max(worst, error);
      if (excess > worstExcess) {
        worstExcess = excess;
        worstAt = e;
        worstNumeric = numeric;
      }
    }
    bool pass = worstExcess <= 0;
    ok &= pass;
    os << "gradcheck @" << netName << " argument #" << i << " (" << x.type()
       << "): max error " << llvm::format("%.3g", worst);
    if (pass)
      os << ": ok\n";
    else
      os << ": FAILED at element " << worstAt << " (analytic "
         << analytic.data[worstAt] << ", numeric " << worstNumeric << ")\n";
  }
  return success(ok);
}
