//===- GradientCheck.cpp - autodiff against finite differences ------------===//
//
// Wraps the net under test in a net that computes s = sum(f(x) * w) and
// gm.grad(s, x), runs gm-inline and gm-autodiff on it, and compares the
// evaluated gradient with (s(x + h e_i) - s(x - h e_i)) / 2h element by
// element, all in f64. With variables, the parameters the net loads
// become arguments of the wrapper too (after inlining), so a model's own
// net is checked with respect to its weights.
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
static FailureOr<NetOp> buildWrapper(ModelOp model, NetOp net, uint64_t seed,
                                     GradOp &gradient) {
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
  gradient = grad;
  SmallVector<Value> returned{s};
  returned.append(grad.getResults().begin(), grad.getResults().end());
  ReturnOp::create(builder, net.getLoc(), returned);
  return wrapper;
}

/// Turns the parameters the (inlined) wrapper loads into arguments that
/// `gradient` also differentiates by; returns their names in argument order.
static SmallVector<std::string> liftParameters(ModelOp model, NetOp wrapper,
                                               GradOp gradient) {
  SymbolTable symbols(model);
  Block &body = wrapper.getBody().front();
  llvm::StringMap<Value> lifted;
  SmallVector<std::string> names;
  SmallVector<LoadOp> loads;
  wrapper.walk([&](LoadOp load) {
    if (symbols.lookup<ParamOp>(load.getVariable()))
      loads.push_back(load);
  });
  for (LoadOp load : loads) {
    Value &arg = lifted[load.getVariable()];
    if (!arg) {
      arg = body.addArgument(load.getType(), load.getLoc());
      names.push_back(load.getVariable().str());
    }
    load.replaceAllUsesWith(arg);
    load.erase();
  }
  if (names.empty())
    return names;
  // The gradient by the parameters too, returned after the others.
  OpBuilder builder(gradient);
  SmallVector<Value> wrt(gradient.getWrt());
  for (const std::string &name : names)
    wrt.push_back(lifted[name]);
  auto grad =
      GradOp::create(builder, gradient.getLoc(), gradient.getValue(), wrt);
  unsigned before = gradient.getNumResults();
  gradient.replaceAllUsesWith(grad.getResults().take_front(before));
  gradient.erase();
  auto ret = cast<ReturnOp>(body.getTerminator());
  SmallVector<Value> returned(ret.getOperands());
  for (Value g : grad.getResults().drop_front(before))
    returned.push_back(g);
  ret->setOperands(returned);
  wrapper.setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), ValueRange(returned).getTypes()));
  return names;
}

LogicalResult mlir::gm::checkGradients(ModelOp model, StringRef netName,
                                       const GradientCheckOptions &options,
                                       llvm::raw_ostream &os) {
  auto net = SymbolTable(model).lookup<NetOp>(netName);
  if (!net)
    return model.emitOpError() << "has no net @" << netName;
  GradOp gradient;
  FailureOr<NetOp> wrapper = buildWrapper(model, net, options.seed, gradient);
  if (failed(wrapper))
    return failure();
  std::string wrapperName = wrapper->getSymName().str();
  unsigned netArguments = net.getNumArguments();
  GmInlineOptions inlineOptions;
  inlineOptions.keepNets = true;
  PassManager inliner(model.getContext(), ModelOp::getOperationName());
  inliner.addPass(createGmInline(inlineOptions));
  if (failed(inliner.run(model)))
    return failure();
  SmallVector<std::string> parameters;
  if (options.variables)
    parameters = liftParameters(model, *wrapper, gradient);
  PassManager pm(model.getContext(), ModelOp::getOperationName());
  pm.addPass(createGmAutodiff());
  if (failed(pm.run(model)))
    return failure();
  auto checked = SymbolTable(model).lookup<NetOp>(wrapperName);

  Evaluator evaluator(model, {options.seed, /*promoteToF64=*/true});
  evaluator.initializeVariables();
  // Random normal inputs (integer arguments are zeros, a valid index);
  // lifted parameters at their initial values.
  SmallVector<RefTensor> inputs;
  SmallVector<std::string> labels;
  for (auto [i, type] : llvm::enumerate(checked.getArgumentTypes())) {
    RefTensor x = RefTensor::zeros(cast<RankedTensorType>(type));
    if (i >= netArguments) {
      const std::string &name = parameters[i - netArguments];
      x.data = evaluator.variable(name)->data;
      labels.push_back("parameter @" + name);
    } else {
      if (x.isFloat())
        for (int64_t e = 0; e < x.size(); ++e)
          x.data[e] =
              gmrt::normalAt(options.seed, {0xFFFFFFF1u, 0, uint32_t(i)}, e);
      labels.push_back("argument #" + std::to_string(i));
    }
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
    double worst = 0, worstExcess = -INFINITY, largest = 0;
    int64_t worstAt = 0;
    double worstNumeric = 0;
    int64_t checkedElements =
        options.elementsPerTensor > 0
            ? std::min(options.elementsPerTensor, x.size())
            : x.size();
    for (int64_t k = 0; k < checkedElements; ++k) {
      // Evenly spaced elements when only some are checked.
      int64_t e = k * x.size() / checkedElements;
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
      largest = std::max(largest, std::fabs(numeric));
      if (excess > worstExcess) {
        worstExcess = excess;
        worstAt = e;
        worstNumeric = numeric;
      }
    }
    bool pass = worstExcess <= 0;
    ok &= pass;
    os << "gradcheck @" << netName << " " << labels[i] << " (" << x.type()
       << "): ";
    if (checkedElements < x.size())
      os << checkedElements << " of " << x.size() << " elements, ";
    os << "largest " << llvm::format("%.3g", largest) << ", max error "
       << llvm::format("%.3g", worst);
    if (pass)
      os << ": ok\n";
    else
      os << ": FAILED at element " << worstAt << " (analytic "
         << analytic.data[worstAt] << ", numeric " << worstNumeric << ")\n";
  }
  return success(ok);
}
