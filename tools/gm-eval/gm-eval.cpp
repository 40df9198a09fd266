//===- gm-eval.cpp - run gm IR on the reference evaluator -----------------===//
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
//     [--gradcheck-variables]             ... by f's parameters too
//     [--gradcheck-elements=N]            ... at N elements per tensor
//
// For comparisons with compiled trainers (test/e2e): --npy writes results
// as the trainer's `sample -o x.npy` does, --data reads real datasets as
// the trainer does, --save-variables and --reports-out write what its
// checkpoint and metrics.jsonl hold.
//
//===----------------------------------------------------------------------===//

#include "GradientCheck.h"

#include "compiler/Reference/Evaluator.h"
#include "compiler/Transforms/Passes.h"
#include "runtime/core/random.h"
#include "runtime/io/feed.h"
#include "runtime/io/metrics.h"
#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

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
static cl::opt<bool> gradcheckVariables(
    "gradcheck-variables",
    cl::desc("Also check the gradients by the parameters the net reads"));
static cl::opt<int64_t> gradcheckElements(
    "gradcheck-elements",
    cl::desc("Check at most N evenly spaced elements per tensor (0: all)"),
    cl::init(0));
static cl::opt<unsigned> steps("steps", cl::desc("Steps of --phase to run"),
                               cl::init(1));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random streams"),
                              cl::init(0));
static cl::opt<bool> promote("f64", cl::desc("Compute every float in f64"));
static cl::list<std::string>
    printVariables("print-variables",
                   cl::desc("Variables to print after --phase"),
                   cl::CommaSeparated);

static cl::opt<std::string>
    npyPrefix("npy",
              cl::desc("Write the results of --net or --sampler to "
                       "PREFIX.npy, PREFIX.1.npy, ... (as float32)"),
              cl::value_desc("PREFIX"));
static cl::opt<bool> listSamplers("list-samplers",
                                  cl::desc("Print the samplers' names"));
static cl::opt<std::string>
    dataRoot("data",
             cl::desc("Read the datasets under DIR as compiled trainers do "
                      "(default: synthetic data)"),
             cl::value_desc("DIR"));
static cl::opt<std::string> saveVariables(
    "save-variables",
    cl::desc("After --phase, write every variable to FILE (safetensors)"),
    cl::value_desc("FILE"));
static cl::opt<std::string>
    reportsOut("reports-out",
               cl::desc("Append each step's reports to FILE, in the format "
                        "of a trainer's metrics.jsonl"),
               cl::value_desc("FILE"));

static int fail(const Twine &message) {
  llvm::errs() << "gm-eval: " << message << "\n";
  return 1;
}

/// Batches from the files a compiled trainer reads, in the same order.
class FileData : public DataSource {
public:
  FileData(std::string root, uint64_t seed, bool shuffle)
      : root_(std::move(root)), seed_(seed), shuffle_(shuffle) {}

  FailureOr<SmallVector<RefTensor>> next(DatasetOp dataset,
                                         TypeRange batchTypes) override {
    try {
      std::unique_ptr<gmrt::DataFeed> &feed = feeds_[dataset.getSymName()];
      if (!feed) {
        gmrt::DatasetInfo info;
        info.name = dataset.getSymName().str();
        info.source = dataset.getSource().str();
        info.split = dataset.getSplit().str();
        for (Attribute field : dataset.getFields()) {
          auto type = cast<RankedTensorType>(cast<TypeAttr>(field).getValue());
          info.fields.push_back(
              {typeName(type.getElementType()), type.getShape().vec()});
        }
        info.batch = cast<RankedTensorType>(batchTypes[0]).getDimSize(0);
        feed = std::make_unique<gmrt::DataFeed>(root_, info, seed_, shuffle_);
      }
      // The feed writes typed buffers; the evaluator holds doubles.
      SmallVector<RefTensor> batch;
      std::vector<std::vector<int64_t>> buffers;
      std::vector<void *> fields;
      for (Type type : batchTypes) {
        auto t = cast<RankedTensorType>(type);
        buffers.emplace_back(t.getNumElements() + 1);
        fields.push_back(buffers.back().data());
      }
      feed->next(fields.data());
      for (auto [type, buffer] : llvm::zip(batchTypes, buffers)) {
        RefTensor t = RefTensor::zeros(cast<RankedTensorType>(type));
        for (int64_t e = 0; e < t.size(); ++e) {
          const void *p = buffer.data();
          if (t.elementType.isF32())
            t.data[e] = static_cast<const float *>(p)[e];
          else if (t.elementType.isInteger(64))
            t.data[e] = static_cast<const int64_t *>(p)[e];
          else
            t.data[e] = static_cast<const int32_t *>(p)[e];
        }
        batch.push_back(std::move(t));
      }
      return batch;
    } catch (const std::exception &e) {
      return dataset.emitOpError() << e.what();
    }
  }

  static std::string typeName(Type type) {
    std::string s;
    llvm::raw_string_ostream os(s);
    type.print(os);
    return s;
  }

private:
  std::string root_;
  uint64_t seed_;
  bool shuffle_;
  llvm::StringMap<std::unique_ptr<gmrt::DataFeed>> feeds_;
};

/// Writes results the way `trainer sample -o PREFIX.npy` does.
static void writeNpyResults(ArrayRef<RefTensor> results, StringRef prefix) {
  for (auto [i, t] : llvm::enumerate(results)) {
    std::vector<float> values(t.data.begin(), t.data.end());
    std::vector<int64_t> shape(t.shape.begin(), t.shape.end());
    if (shape.empty())
      shape = {1};
    std::string path =
        prefix.str() + (i ? "." + std::to_string(i) : "") + ".npy";
    gmrt::writeNpy(path, shape, values.data());
  }
}

/// Every variable, as a trainer's checkpoint holds them.
static void writeVariables(ModelOp model, Evaluator &evaluator,
                           const std::string &path) {
  gmrt::Safetensors file;
  auto add = [&](StringRef name) {
    const RefTensor &t = *evaluator.variable(name);
    gmrt::StoredTensor stored;
    stored.dtype = "F32";
    stored.shape.assign(t.shape.begin(), t.shape.end());
    stored.bytes.resize(t.size() * sizeof(float));
    for (int64_t e = 0; e < t.size(); ++e) {
      float v = static_cast<float>(t.data[e]);
      std::memcpy(stored.bytes.data() + e * sizeof(float), &v, sizeof(float));
    }
    file.tensors[name.str()] = std::move(stored);
  };
  for (ParamOp p : model.getOps<ParamOp>())
    add(p.getSymName());
  for (StateOp s : model.getOps<StateOp>())
    add(s.getSymName());
  gmrt::writeSafetensors(path, file);
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
    options.variables = gradcheckVariables;
    options.elementsPerTensor = gradcheckElements;
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

  if (listSamplers) {
    for (SamplerOp sampler : model.getOps<SamplerOp>())
      llvm::outs() << sampler.getSymName() << "\n";
    return 0;
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
    if (!npyPrefix.empty()) {
      try {
        writeNpyResults(*results, npyPrefix);
      } catch (const std::exception &e) {
        return fail(e.what());
      }
      return 0;
    }
    printResults(*results);
    return 0;
  }

  if (!phaseName.empty()) {
    auto phase = symbols.lookup<PhaseOp>(phaseName);
    if (!phase)
      return fail("no phase @" + phaseName);
    std::unique_ptr<DataSource> data;
    if (dataRoot.empty())
      data = std::make_unique<SyntheticData>(seed);
    else
      data = std::make_unique<FileData>(dataRoot, seed,
                                        phase.getKind() == PhaseKind::train);
    for (unsigned step = 0; step < steps; ++step) {
      std::vector<Report> reports;
      if (failed(evaluator.runPhase(phase, step, *data, reports)))
        return 1;
      llvm::outs() << "step " << step << ":";
      for (const Report &r : reports)
        llvm::outs() << " " << r.name << "=" << llvm::format("%.9g", r.value);
      llvm::outs() << "\n";
      if (!reportsOut.empty()) {
        std::vector<std::pair<std::string, double>> values;
        for (const Report &r : reports)
          values.push_back({r.name, r.value});
        gmrt::MetricsLog(reportsOut).write(phaseName, step + 1, values);
      }
    }
    if (!saveVariables.empty()) {
      try {
        writeVariables(model, evaluator, saveVariables);
      } catch (const std::exception &e) {
        return fail(e.what());
      }
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
