//===- gm-eval.cpp - run gm IR on the reference evaluator
//--------------------===//
//
// Evaluates one function or phase of a gm model with the slow, obviously
// correct reference evaluator and prints the results, or checks a net's
// gradients against finite differences:
//
//   gm-eval model.mlir --net=f            random inputs, prints the results
//   gm-eval model.mlir --sampler=sample   prints the samples
//   gm-eval model.mlir --phase=step --steps=3 [--print-variables=w,b]
//                                         synthetic data, prints the reports
//   gm-eval model.mlir --gradcheck=f      autodiff vs finite differences
//
//===----------------------------------------------------------------------===//

#include "GradientCheck.h"

#include "compiler/Reference/Evaluator.h"
#include "compiler/Transforms/Passes.h"
#include "runtime/core/random.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> netName("net", cl::desc("Call this net"));
static cl::opt<std::string> samplerName("sampler",
                                        cl::desc("Call this sampler"));
static cl::opt<std::string> phaseName("phase", cl::desc("Run this phase"));
static cl::opt<std::string>
    gradcheckName("gradcheck",
                  cl::desc("Check this net's gradients against finite "
                           "differences"));
static cl::opt<bool> gradcheckAll("gradcheck-all",
                                  cl::desc("Check the gradients of every net"));
static cl::opt<unsigned> steps("steps", cl::desc("Steps of --phase to run"),
                               cl::init(1));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random streams"),
                              cl::init(0));
static cl::opt<bool> promote("f64", cl::desc("Compute every float in f64"));
static cl::list<std::string>
    printVariables("print-variables",
                   cl::desc("Variables to print after --phase"),
                   cl::CommaSeparated);

static int fail(const Twine &message) {
  llvm::errs() << "gm-eval: " << message << "\n";
  return 1;
}

static void printResults(ArrayRef<RefTensor> results) {
  for (auto [i, t] : llvm::enumerate(results)) {
    llvm::outs() << "result #" << i << ": ";
    t.print(llvm::outs());
    llvm::outs() << "\n";
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "gm reference evaluator\n");

  MLIRContext context;
  context.loadDialect<GmDialect>();
  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file)
    return fail(error);
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sources, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &context);
  if (!module)
    return 1;
  auto models = module->getOps<ModelOp>();
  if (models.empty())
    return fail("the input has no gm.model");
  ModelOp model = *models.begin();
  SymbolTable symbols(model);

  if (!gradcheckName.empty() || gradcheckAll) {
    GradientCheckOptions options;
    options.seed = seed;
    SmallVector<std::string> names;
    if (gradcheckAll)
      for (NetOp net : model.getOps<NetOp>())
        names.push_back(net.getSymName().str());
    else
      names.push_back(gradcheckName);
    bool ok = true;
    for (const std::string &name : names)
      ok &= succeeded(checkGradients(model, name, options, llvm::outs()));
    llvm::outs() << "tolerance: |analytic - numeric| <= "
                 << llvm::format("%g", options.absTolerance) << " + "
                 << llvm::format("%g", options.relTolerance)
                 << " |numeric|, central differences in f64, step "
                 << llvm::format("%g", options.step) << " max(1, |x|)\n";
    return ok ? 0 : 1;
  }

  Evaluator evaluator(model, {seed, promote});
  evaluator.initializeVariables();

  if (!netName.empty() || !samplerName.empty()) {
    auto function = symbols.lookup<FunctionOpInterface>(
        netName.empty() ? samplerName : netName);
    if (!function)
      return fail("no net or sampler @" + netName + samplerName);
    SmallVector<RefTensor> args;
    for (auto [i, type] : llvm::enumerate(function.getArgumentTypes())) {
      RefTensor x = RefTensor::zeros(cast<RankedTensorType>(type));
      if (x.isFloat())
        for (int64_t e = 0; e < x.size(); ++e)
          x.data[e] = gmrt::normalAt(seed, {0xFFFFFFF1u, 0, uint32_t(i)}, e);
      args.push_back(std::move(x));
    }
    FailureOr<SmallVector<RefTensor>> results = evaluator.call(function, args);
    if (failed(results))
      return 1;
    printResults(*results);
    return 0;
  }

  if (!phaseName.empty()) {
    auto phase = symbols.lookup<PhaseOp>(phaseName);
    if (!phase)
      return fail("no phase @" + phaseName);
    SyntheticData data(seed);
    for (unsigned step = 0; step < steps; ++step) {
      std::vector<Report> reports;
      if (failed(evaluator.runPhase(phase, step, data, reports)))
        return 1;
      llvm::outs() << "step " << step << ":";
      for (const Report &r : reports)
        llvm::outs() << " " << r.name << "=" << llvm::format("%.9g", r.value);
      llvm::outs() << "\n";
    }
    for (const std::string &name : printVariables) {
      RefTensor *value = evaluator.variable(name);
      if (!value)
        return fail("no variable @" + name);
      llvm::outs() << "@" << name << " = ";
      value->print(llvm::outs());
      llvm::outs() << "\n";
    }
    return 0;
  }
  return fail("say what to run: --net, --sampler, --phase or --gradcheck");
}
